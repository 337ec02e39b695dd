//! `Semaphore`: a weighted semaphore, as golang.org/x/sync/semaphore's `Weighted`.
//!
//! x/sync's algorithm: a lock-protected count `cur` of units held and a FIFO of waiters,
//! each wanting `n` units. An acquire takes its units at once only if they are free *and
//! nobody waits*; otherwise it queues. A release wakes waiters from the head while their
//! requests fit, and stops at the first that does not: a large request at the head blocks
//! smaller ones behind it (no barging, so it cannot starve). x/sync parks on a channel per
//! waiter; goro parks the waiter's G directly, with its node on its own stack.
//!
//! Invariants, whenever `lock` is free: `cur <= size`; the head waiter's request does not
//! fit (`size - cur < head.n`), or there is no waiter; a waiter is granted (its units added
//! to `cur`, it is off the queue) before it is woken.
//!
//! A waiter whose runtime ends while it is parked leaves as x/sync's cancelled `Acquire`
//! does: if it was granted meanwhile, it releases its units; if it was still queued at the
//! head, the ones behind it get their chance.
//!
//! Lock order: `lock` < the scheduler's locks (waiters are readied under it, as x/sync
//! closes their channels under its mutex).

use crate::g::{GRef, WaitReason};
use crate::lock::Lock;
use crate::park::{getg, gopark, goready};
use core::cell::UnsafeCell;
use core::fmt;
use core::ptr;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// x/sync's panic text.
pub const RELEASED_MORE_THAN_HELD: &str = "semaphore: released more than held";

struct Waiter {
    n: usize,
    g: GRef,
    next: *mut Waiter,
    prev: *mut Waiter,
    queued: bool,
}

struct State {
    cur: usize,
    head: *mut Waiter,
    tail: *mut Waiter,
}

/// A weighted semaphore: `size` units, acquired and released in any amounts. Go:
/// `golang.org/x/sync/semaphore.Weighted` (without contexts).
///
/// Waiters are served in FIFO order: a request at the head that does not fit yet blocks
/// the smaller ones behind it, so large requests are never starved. Works from goroutines
/// and plain threads alike.
///
/// # Examples
/// A pool that runs at most 2 jobs at once:
/// ```
/// use goro::prelude::*;
/// use goro::sync::Semaphore;
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// goro::run(|| {
///     let sem = Arc::new(Semaphore::new(2));
///     let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
///     let wg = Arc::new(WaitGroup::new());
///     for _ in 0..8 {
///         sem.acquire(1);
///         let (sem, running, peak) = (sem.clone(), running.clone(), peak.clone());
///         wg.go(move || {
///             let now = running.fetch_add(1, Ordering::SeqCst) + 1;
///             peak.fetch_max(now, Ordering::SeqCst);
///             goro::runtime::gosched();
///             running.fetch_sub(1, Ordering::SeqCst);
///             sem.release(1);
///         });
///     }
///     wg.wait();
///     assert!(peak.load(Ordering::SeqCst) <= 2);
/// });
/// ```
pub struct Semaphore {
    size: usize,
    lock: Lock,
    st: UnsafeCell<State>,
}

// SAFETY: `st` and the waiters it links are touched only under `lock`; waiters live in
// the frames of their parked callers until they are off the queue.
unsafe impl Send for Semaphore {}
// SAFETY: as for Send.
unsafe impl Sync for Semaphore {}

// A panic cannot leave the semaphore inconsistent: `release` checks before it changes
// anything, and no user code runs under its lock.
impl std::panic::RefUnwindSafe for Semaphore {}
impl std::panic::UnwindSafe for Semaphore {}

impl Semaphore {
    /// A semaphore with `size` units, all free; `const`, so it can be a `static`. Go:
    /// `semaphore.NewWeighted(size)`.
    ///
    /// # Examples
    /// ```
    /// static SLOTS: goro::sync::Semaphore = goro::sync::Semaphore::new(4);
    /// assert!(SLOTS.try_acquire(4));
    /// SLOTS.release(4);
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new(size: usize) -> Semaphore {
        Semaphore {
            size,
            lock: Lock::new(),
            st: UnsafeCell::new(State {
                cur: 0,
                head: ptr::null_mut(),
                tail: ptr::null_mut(),
            }),
        }
    }

    /// A semaphore with `size` units (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new(size: usize) -> Semaphore {
        Semaphore {
            size,
            lock: Lock::new(),
            st: UnsafeCell::new(State {
                cur: 0,
                head: ptr::null_mut(),
                tail: ptr::null_mut(),
            }),
        }
    }

    /// # Safety
    /// The caller holds `lock` and no other reference from `st` is live.
    #[expect(
        clippy::mut_from_ref,
        reason = "the lock, not the borrow, gives exclusivity"
    )]
    unsafe fn st(&self) -> &mut State {
        // SAFETY: per the contract.
        unsafe { &mut *self.st.get() }
    }

    /// Acquires `n` units, parking until they are free and every earlier waiter is served.
    /// Go: `s.Acquire(ctx, n)` with a context that is never done.
    ///
    /// A request larger than the semaphore's size can never be served: it parks forever
    /// (until its runtime ends), without holding up the other waiters, as x/sync's does.
    ///
    /// # Examples
    /// ```
    /// let s = goro::sync::Semaphore::new(3);
    /// s.acquire(2);
    /// assert!(!s.try_acquire(2));
    /// s.release(2);
    /// ```
    pub fn acquire(&self, n: usize) {
        self.lock.lock();
        // SAFETY: we hold the lock.
        let st = unsafe { self.st() };
        if self.size - st.cur >= n && st.head.is_null() {
            st.cur += n;
            // SAFETY: taken above.
            unsafe { self.lock.unlock() };
            return;
        }
        if n > self.size {
            // Never satisfiable; do not make the others wait behind it.
            // SAFETY: taken above.
            unsafe { self.lock.unlock() };
            crate::park::park_forever(WaitReason::SemAcquire);
            unreachable!("a goroutine parked forever was resumed without being killed");
        }
        let mut w = Waiter {
            n,
            // SAFETY: the token is for this waiter's park below, queued under the lock
            // that park's callback releases.
            g: unsafe { getg() },
            next: ptr::null_mut(),
            prev: st.tail,
            queued: true,
        };
        let wp: *mut Waiter = &raw mut w;
        if st.tail.is_null() {
            st.head = wp;
        } else {
            // SAFETY: a queued waiter is live (its caller is parked), and we hold the lock.
            unsafe { (*st.tail).next = wp };
        }
        st.tail = wp;
        let unlock = |_| {
            // SAFETY: taken above; released once the G is parked, so `release` finds it
            // parked.
            unsafe { self.lock.unlock() };
            true
        };
        // SAFETY: the callback always parks; `w` is published only by releasing the lock.
        let parked = catch_unwind(AssertUnwindSafe(|| unsafe {
            gopark(unlock, WaitReason::SemAcquire)
        }));
        let Err(payload) = parked else {
            return; // granted: `release` took us off the queue and added our units
        };
        // Our runtime is ending. As x/sync's cancelled Acquire: give back what we were
        // granted, or leave the queue.
        self.lock.lock();
        // SAFETY: we hold the lock; `w` is in our frame.
        unsafe {
            if (*wp).queued {
                let was_head = self.st().head == wp;
                self.unlink(wp);
                if was_head && self.size > self.st().cur {
                    self.notify_waiters();
                }
            } else {
                self.st().cur -= n;
                self.notify_waiters();
            }
            self.lock.unlock();
        }
        std::panic::resume_unwind(payload);
    }

    /// Acquires `n` units if they are free and nobody waits, without waiting. Go:
    /// `s.TryAcquire(n)`.
    ///
    /// # Examples
    /// ```
    /// let s = goro::sync::Semaphore::new(1);
    /// assert!(s.try_acquire(1));
    /// assert!(!s.try_acquire(1));
    /// ```
    pub fn try_acquire(&self, n: usize) -> bool {
        self.lock.lock();
        // SAFETY: we hold the lock.
        let st = unsafe { self.st() };
        let ok = self.size - st.cur >= n && st.head.is_null();
        if ok {
            st.cur += n;
        }
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        ok
    }

    /// Releases `n` units and wakes the waiters at the head whose requests now fit. Go:
    /// `s.Release(n)`.
    ///
    /// # Panics
    /// `semaphore: released more than held` if more units would be released than are held
    /// (the semaphore is left as it was).
    ///
    /// # Examples
    /// ```
    /// let s = goro::sync::Semaphore::new(2);
    /// s.acquire(2);
    /// s.release(1);
    /// assert!(s.try_acquire(1));
    /// ```
    pub fn release(&self, n: usize) {
        self.lock.lock();
        // SAFETY: we hold the lock.
        let st = unsafe { self.st() };
        if n > st.cur {
            // SAFETY: taken above.
            unsafe { self.lock.unlock() };
            panic!("{RELEASED_MORE_THAN_HELD}");
        }
        st.cur -= n;
        // SAFETY: we hold the lock.
        unsafe {
            self.notify_waiters();
            self.lock.unlock();
        }
    }

    /// Grants and wakes waiters from the head while their requests fit. Go: notifyWaiters.
    ///
    /// # Safety
    /// The caller holds `lock`.
    unsafe fn notify_waiters(&self) {
        // SAFETY: per the contract; queued waiters are live.
        unsafe {
            loop {
                let st = self.st();
                let w = st.head;
                if w.is_null() || self.size - st.cur < (*w).n {
                    // Stop at the first that does not fit, even if later ones would: a
                    // large request must not starve behind a stream of small ones.
                    return;
                }
                st.cur += (*w).n;
                self.unlink(w);
                // Woken under the lock: once we unlock, a waiter being unwound may leave
                // and its node with it.
                goready((*w).g);
            }
        }
    }

    /// Takes `w` off the queue.
    ///
    /// # Safety
    /// The caller holds `lock`; `w` is queued.
    unsafe fn unlink(&self, w: *mut Waiter) {
        // SAFETY: per the contract.
        unsafe {
            let st = self.st();
            let (p, n) = ((*w).prev, (*w).next);
            if p.is_null() {
                st.head = n;
            } else {
                (*p).next = n;
            }
            if n.is_null() {
                st.tail = p;
            } else {
                (*n).prev = p;
            }
            (*w).next = ptr::null_mut();
            (*w).prev = ptr::null_mut();
            (*w).queued = false;
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lock.lock();
        // SAFETY: we hold the lock.
        let cur = unsafe { self.st() }.cur;
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        f.debug_struct("Semaphore")
            .field("size", &self.size)
            .field("held", &cur)
            .finish_non_exhaustive()
    }
}
