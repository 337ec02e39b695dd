//! An M's home queue: started goroutines readied by *other* threads, waiting for their home
//! M to run them. goro's own (Go needs none: a Go G runs on whichever P readies it).
//!
//! Thread affinity (`proc.rs`) keeps a started G on the M it first ran on. A G readied by
//! its own M goes to that M's P (`runnext`), exactly as in Go; a G readied anywhere else
//! (another M, a plain thread, a `syscall` pool thread) is pushed here, and its M runs it at
//! its next schedule point — after waking up, if it was asleep. A queue found holding a G
//! of another M (work stealing, a P handed between Ms) forwards it here too.
//!
//! Lost-wakeup rule: `push` appends and reads `state` under the queue's lock; the owner,
//! before sleeping, publishes `state = M_IDLE` and looks at the queue under the same lock
//! (`set_idle`). So either the owner finds the G, or the pusher finds the owner idle and
//! wakes it — after the owner cleared its note, which it did before taking the lock.
//! (Model: `tests/loom_homeq.rs`. A first version paired SeqCst accesses without the lock;
//! sound in C11, but loom, which models SeqCst accesses as acquire/release, reported a lost
//! wake-up, and the lock makes the argument one line.)
//!
//! Ownership: the list and each queued G's `schedlink` belong to `lock`; `len` is updated
//! under it and read by anyone (a hint: an empty look is confirmed under the lock before
//! the owner sleeps); `state` is written only by the owner M (`M_IDLE` under the lock),
//! read by pushers under the lock.

use crate::g::{G, GRef};
use crate::lock::Lock;
use crate::loom::atomic::{AtomicU32, AtomicUsize, Ordering};
use crate::note::Note;
use core::cell::UnsafeCell;
use core::ptr;

/// The M holds a P, or is awake on its way to look at every queue again.
pub(crate) const M_RUNNING: u32 = 0;
/// The M sleeps without a P and had nothing of its own to run: a push must wake it.
pub(crate) const M_IDLE: u32 = 1;
/// The M sleeps, has runnable home Gs, and is queued for a P (`Sched::mwantp`): a push
/// needs no wake-up, the M runs it once it gets a P.
pub(crate) const M_WANTP: u32 = 2;

pub(crate) struct HomeQ {
    lock: Lock,
    /// (head, tail) of a list linked through `G::schedlink`; guarded by `lock`.
    list: UnsafeCell<(*mut G, *mut G)>,
    len: AtomicUsize,
    pub(crate) state: AtomicU32,
}

// SAFETY: the list is only touched with `lock` held; the rest is atomic.
unsafe impl Sync for HomeQ {}
// SAFETY: as above; the raw pointers name leaked, never-freed G structs.
unsafe impl Send for HomeQ {}

impl HomeQ {
    pub(crate) fn new() -> HomeQ {
        HomeQ {
            lock: Lock::new(),
            list: UnsafeCell::new((ptr::null_mut(), ptr::null_mut())),
            len: AtomicUsize::new(0),
            state: AtomicU32::new(M_RUNNING),
        }
    }

    /// Appends `gp` (runnable, owned by the caller, which gives it up) and wakes the owner
    /// through `park`, its note, if it sleeps idle. What `M::inject` does.
    ///
    /// The wake-up happens before the queue's lock is released: until then the owner
    /// cannot take `gp`, so `gp` cannot run, end, and let its runtime end and free this M
    /// (note included) while the caller, often a thread of no runtime (the collector, a
    /// `syscall` pool thread), still has the note to touch. (Releasing first was a
    /// use-after-free ASan found: the owner, awake for another reason, took `gp` in that
    /// gap.) Only the release itself touches the M after the G is takeable, and a futex
    /// wake-up on the lock word after its release is fine even if the word is gone, as
    /// with std's mutex.
    ///
    /// `busy` runs instead of the wake-up when the owner is not asleep idle, still under
    /// the lock (so the M it names cannot be gone yet).
    pub(crate) fn push_and_wake(&self, gp: GRef, park: &Note, busy: impl FnOnce()) {
        if self.push_locked(gp) {
            park.wakeup_shared();
        } else {
            busy();
        }
        // SAFETY: `push_locked` returned holding the lock.
        unsafe { self.lock.unlock() };
    }

    /// Appends `gp` (runnable, owned by the caller, which gives it up). Returns true if the
    /// owner M is asleep idle and the caller must wake it.
    pub(crate) fn push(&self, gp: GRef) -> bool {
        let idle = self.push_locked(gp);
        // SAFETY: `push_locked` returned holding the lock.
        unsafe { self.lock.unlock() };
        idle
    }

    /// `push`, returning with the lock still held.
    fn push_locked(&self, gp: GRef) -> bool {
        gp.schedlink.store(ptr::null_mut(), Ordering::Relaxed);
        self.lock.lock();
        // SAFETY: we hold `lock`, which guards the list.
        let list = unsafe { &mut *self.list.get() };
        if list.1.is_null() {
            list.0 = gp.as_ptr();
        } else {
            // SAFETY: a queued G is a live (never-freed) G struct; its link is ours under
            // the lock.
            unsafe { (*list.1).schedlink.store(gp.as_ptr(), Ordering::Relaxed) };
        }
        list.1 = gp.as_ptr();
        self.len.fetch_add(1, Ordering::SeqCst);
        self.state.load(Ordering::Relaxed) == M_IDLE
    }

    /// Takes every queued G, oldest first.
    pub(crate) fn take_all(&self) -> GList {
        if self.is_empty() {
            return GList(ptr::null_mut());
        }
        self.lock.lock();
        // SAFETY: we hold `lock`.
        let list = unsafe { &mut *self.list.get() };
        let head = core::mem::replace(list, (ptr::null_mut(), ptr::null_mut())).0;
        self.len.store(0, Ordering::SeqCst);
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        GList(head)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len.load(Ordering::SeqCst) == 0
    }

    /// The owner is about to sleep: publishes `M_IDLE`, then looks once more. True if the
    /// queue is still empty (sleeping is safe: a later push will wake us); false if a G
    /// arrived (the state is left `M_IDLE`: the caller sets what it does instead).
    pub(crate) fn set_idle(&self) -> bool {
        self.lock.lock();
        self.state.store(M_IDLE, Ordering::Relaxed);
        // SAFETY: we hold `lock`.
        let empty = unsafe { (*self.list.get()).0.is_null() };
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        empty
    }
}

/// Gs taken off a home queue, linked through `schedlink`; the taker owns them.
pub(crate) struct GList(*mut G);

impl Iterator for GList {
    type Item = GRef;
    fn next(&mut self) -> Option<GRef> {
        if self.0.is_null() {
            return None;
        }
        let gp = self.0;
        // SAFETY: the list was detached whole under the queue's lock; its Gs are ours now
        // and their links are no longer touched by anyone else.
        self.0 = unsafe { (*gp).schedlink.load(Ordering::Relaxed) };
        // SAFETY: list entries come from `GRef::as_ptr`.
        Some(unsafe { GRef::from_ptr(gp) })
    }
}
