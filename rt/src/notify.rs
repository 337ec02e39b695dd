//! `NotifyList`: the ticket-ordered wait list under `sync::Cond`. Go: runtime.notifyList and
//! notifyListAdd / notifyListWait / notifyListNotifyOne / notifyListNotifyAll (sema.go).
//!
//! A waiter first takes a ticket (`add`, an atomic increment of `wait`, done while the
//! caller still holds its `Mutex`), then unlocks and calls `wait(ticket)`. `notify` is the
//! next ticket to wake; `notify_one` wakes the holder of ticket `notify` and moves it on,
//! `notify_all` moves it to `wait`. So `signal` wakes the longest waiter, and a signal that
//! comes between `add` and `wait` is not lost: `wait` sees its ticket already notified and
//! returns at once.
//!
//! Invariants, whenever `lock` is free:
//! 1. every queued waiter's ticket `t` satisfies `notify <= t < wait` (modular order);
//! 2. the queue holds distinct tickets, in the order their waiters queued (not necessarily
//!    ticket order: a waiter may be slow between `add` and `wait`).
//!
//! `notify` is written under `lock` and read without it by the fast paths (Go likewise).
//! Waiter fields are touched only under `lock`; a notifier reads the wake token under the
//! lock and does not touch the waiter after unlocking. Lock order: `lock` < the scheduler's
//! locks (`notify_all` readies its waiters under it).
//!
//! Kills: a waiter resumed to unwind because its runtime ends (`shutdown.rs`) leaves the
//! queue if it is still on it; its ticket is then never woken, so the one signal that later
//! reaches that ticket wakes nobody (Go's goroutines are never unwound, so Go has no such
//! case).

use crate::g::WaitReason;
use crate::lock::Lock;
use crate::loom::atomic::{AtomicU32, Ordering};
use crate::park::{getg, gopark, goready};
use crate::sema::Killed;
use core::cell::UnsafeCell;
use core::ptr;
use std::panic::{AssertUnwindSafe, catch_unwind};

struct Waiter {
    g: crate::g::GRef,
    ticket: u32,
    next: *mut Waiter,
    queued: bool,
}

struct Queue {
    head: *mut Waiter,
    tail: *mut Waiter,
}

/// Ticket-ordered waiters of one `Cond`. Go: runtime.notifyList.
impl Queue {
    /// Takes `s` (whose predecessor is `prev`, null at the head) out of the list.
    ///
    /// # Safety
    /// The caller holds the list's lock; `s` is queued here after `prev`; both are live.
    unsafe fn unlink(&mut self, prev: *mut Waiter, s: *mut Waiter) {
        // SAFETY: per the contract.
        unsafe {
            let n = (*s).next;
            if prev.is_null() {
                self.head = n;
            } else {
                (*prev).next = n;
            }
            if n.is_null() {
                self.tail = prev;
            }
            (*s).next = ptr::null_mut();
            (*s).queued = false;
        }
    }
}

pub(crate) struct NotifyList {
    /// The next ticket to hand out.
    wait: AtomicU32,
    /// The next ticket to wake; written under `lock`.
    notify: AtomicU32,
    lock: Lock,
    q: UnsafeCell<Queue>,
}

// SAFETY: `q` and the waiters on it are touched only under `lock`; the rest is atomic.
unsafe impl Sync for NotifyList {}
// SAFETY: as for Sync; the raw pointers are only followed under `lock`.
unsafe impl Send for NotifyList {}

/// `a < b` in ticket order, which wraps. Go: less.
fn less(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

impl NotifyList {
    #[cfg(not(goro_loom))]
    pub(crate) const fn new() -> NotifyList {
        NotifyList {
            wait: AtomicU32::new(0),
            notify: AtomicU32::new(0),
            lock: Lock::new(),
            q: UnsafeCell::new(Queue {
                head: ptr::null_mut(),
                tail: ptr::null_mut(),
            }),
        }
    }

    #[cfg(goro_loom)]
    pub(crate) fn new() -> NotifyList {
        NotifyList {
            wait: AtomicU32::new(0),
            notify: AtomicU32::new(0),
            lock: Lock::new(),
            q: UnsafeCell::new(Queue {
                head: ptr::null_mut(),
                tail: ptr::null_mut(),
            }),
        }
    }

    /// Takes a ticket for a later `wait`. Go: notifyListAdd.
    pub(crate) fn add(&self) -> u32 {
        self.wait.fetch_add(1, Ordering::SeqCst)
    }

    /// Parks until ticket `t` is notified (at once if it already was). Go: notifyListWait.
    ///
    /// `Err` if the caller's runtime began ending while it waited; it has left the queue
    /// (`acquired` says whether it had been notified first).
    pub(crate) fn wait(&self, t: u32) -> Result<(), Killed> {
        self.wait_for(t, WaitReason::SyncCondWait)
    }

    /// `wait`, parked with `reason` (for waits that are not `Cond`'s).
    pub(crate) fn wait_for(&self, t: u32, reason: WaitReason) -> Result<(), Killed> {
        self.lock.lock();
        if less(t, self.notify.load(Ordering::SeqCst)) {
            // SAFETY: taken above.
            unsafe { self.lock.unlock() };
            return Ok(());
        }
        let mut w = Waiter {
            // SAFETY: the token is for this waiter's park below, queued under the lock
            // that park's callback releases.
            g: unsafe { getg() },
            ticket: t,
            next: ptr::null_mut(),
            queued: true,
        };
        let wp: *mut Waiter = &raw mut w;
        // SAFETY: we hold the lock; `w` stays in this frame until dequeued or removed below.
        unsafe {
            let q = &mut *self.q.get();
            if q.tail.is_null() {
                q.head = wp;
            } else {
                (*q.tail).next = wp;
            }
            q.tail = wp;
        }
        let unlock = |_| {
            // SAFETY: taken above; released once the G is parked, so a notifier that finds
            // `w` finds it parked.
            unsafe { self.lock.unlock() };
            true
        };
        // SAFETY: the callback always parks; `w` is published only by releasing the lock.
        let parked = catch_unwind(AssertUnwindSafe(|| unsafe { gopark(unlock, reason) }));
        let Err(payload) = parked else {
            return Ok(()); // a notifier dequeued `w` and woke us
        };
        // The runtime is ending: leave the queue if a notifier has not taken us off it.
        self.lock.lock();
        // SAFETY: we hold the lock; `w` is in our frame.
        let notified = unsafe { !(*wp).queued || !self.remove(wp) };
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        Err(Killed::from_payload(payload, notified))
    }

    /// Takes `w` off the queue; false if it was not on it.
    ///
    /// # Safety
    /// The caller holds `lock`; `w` is live.
    unsafe fn remove(&self, w: *mut Waiter) -> bool {
        // SAFETY: per the contract; queued waiters are live.
        unsafe {
            let q = &mut *self.q.get();
            let mut prev: *mut Waiter = ptr::null_mut();
            let mut s = q.head;
            while !s.is_null() {
                if s == w {
                    q.unlink(prev, s);
                    return true;
                }
                prev = s;
                s = (*s).next;
            }
            false
        }
    }

    /// Wakes every waiter with a ticket. Go: notifyListNotifyAll.
    pub(crate) fn notify_all(&self) {
        if self.wait.load(Ordering::SeqCst) == self.notify.load(Ordering::SeqCst) {
            return; // nobody took a ticket since the last notify
        }
        self.lock.lock();
        // SAFETY: we hold the lock.
        let mut s = unsafe {
            let q = &mut *self.q.get();
            let head = q.head;
            q.head = ptr::null_mut();
            q.tail = ptr::null_mut();
            head
        };
        self.notify
            .store(self.wait.load(Ordering::SeqCst), Ordering::SeqCst);
        // Wake them under the lock: a waiter taken off the queue may be unwinding (header)
        // and leave the moment we unlock, so its links are not followed after that.
        while !s.is_null() {
            // SAFETY: detached under the lock we hold, so live until we unlock; its token is
            // the one it parked with, and we took it off the queue exclusively.
            unsafe {
                let n = (*s).next;
                (*s).next = ptr::null_mut();
                (*s).queued = false;
                goready((*s).g);
                s = n;
            }
        }
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
    }

    /// Wakes the waiter holding the next ticket, if it is waiting already (if not, its
    /// `wait` will return at once). Go: notifyListNotifyOne.
    pub(crate) fn notify_one(&self) {
        if self.wait.load(Ordering::SeqCst) == self.notify.load(Ordering::SeqCst) {
            return;
        }
        self.lock.lock();
        let t = self.notify.load(Ordering::SeqCst);
        if t == self.wait.load(Ordering::SeqCst) {
            // SAFETY: taken above.
            unsafe { self.lock.unlock() };
            return;
        }
        self.notify.store(t.wrapping_add(1), Ordering::SeqCst);
        // SAFETY: we hold the lock; queued waiters are live.
        let found = unsafe {
            let q = &mut *self.q.get();
            let mut prev: *mut Waiter = ptr::null_mut();
            let mut s = q.head;
            let mut found = None;
            while !s.is_null() {
                if (*s).ticket == t {
                    q.unlink(prev, s);
                    found = Some((*s).g);
                    break;
                }
                prev = s;
                s = (*s).next;
            }
            found
        };
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        if let Some(gp) = found {
            // SAFETY: we took this waiter off the queue under the lock, exclusively.
            unsafe { goready(gp) };
        }
    }
}
