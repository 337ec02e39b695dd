//! `Sudog`: a G waiting in a wait queue, and `WaitQ`, the queue. Go: runtime.sudog
//! (runtime2.go) and waitq (chan.go).
//!
//! A sudog lives on the *waiting G's own stack* (a G's stack stays put while it is parked),
//! so blocking never allocates. The G builds it, enqueues it under the queue owner's lock
//! (a channel's, say), parks, and is readied by whoever dequeues it — or, if its runtime
//! ends first, removes it itself while unwinding (the owner's guard calls `remove`).
//!
//! A goroutine in `select` has one sudog per case, on several queues at once; they share a
//! `select_done` flag, and `WaitQ::dequeue` claims it with a CAS, so exactly one case wins
//! and wakers skip the losers (Go: g.selectDone).
//!
//! Field ownership: `next`, `prev`, `queued` belong to the lock guarding the queue the sudog
//! is on; `elem`, `success`, `fired` are written by the waker under that lock before
//! `goready` and read by the G after it resumes (under the lock again, or after `goready`'s
//! release/acquire pairing); `g`, `select_done`, `case` are fixed at creation.

use crate::g::GRef;
use crate::loom::atomic::{AtomicBool, Ordering};
use core::ptr;

/// The flag the sudogs of one select share; its first claimant wins the select. (loom's
/// atomic under `--cfg goro_loom`, so channel models see it.)
pub type SelectDone = AtomicBool;

/// A waiting G and its data slot. Go: runtime.sudog.
#[derive(Debug)]
pub struct Sudog {
    /// The waiting G.
    pub g: GRef,
    /// Where the data goes (a receiver's `Option<T>`) or comes from (a sender's); typed by
    /// the queue's owner.
    pub elem: *mut (),
    /// Set by the waker: a value was handed over (true) or the channel closed (false).
    pub success: bool,
    /// Set by the waker that dequeued this sudog (a select finds its winning case by it).
    pub fired: bool,
    /// Which select case this sudog stands for (0 outside select).
    pub case: usize,
    /// Shared by the sudogs of one select; null for a plain wait.
    select_done: *const AtomicBool,
    next: *mut Sudog,
    prev: *mut Sudog,
    queued: bool,
}

impl Sudog {
    /// A sudog for `g` waiting with data slot `elem`. Go: acquireSudog.
    pub fn new(g: GRef, elem: *mut ()) -> Sudog {
        Sudog {
            g,
            elem,
            success: false,
            fired: false,
            case: 0,
            select_done: ptr::null(),
            next: ptr::null_mut(),
            prev: ptr::null_mut(),
            queued: false,
        }
    }

    /// A sudog for case `case` of a select whose cases share `done`.
    ///
    /// # Safety
    /// `done` must outlive every queue this sudog is put on (it lives in the selecting
    /// frame, which removes all its sudogs before returning).
    pub unsafe fn for_select(
        g: GRef,
        elem: *mut (),
        case: usize,
        done: *const AtomicBool,
    ) -> Sudog {
        Sudog {
            case,
            select_done: done,
            ..Sudog::new(g, elem)
        }
    }

    /// Whether the sudog is on a queue now.
    pub fn is_queued(&self) -> bool {
        self.queued
    }

    /// Whether this sudog belongs to a select.
    pub fn is_select(&self) -> bool {
        !self.select_done.is_null()
    }
}

/// A FIFO of waiting sudogs, guarded by its owner's lock. Go: waitq.
#[derive(Debug)]
pub struct WaitQ {
    first: *mut Sudog,
    last: *mut Sudog,
}

// SAFETY: a WaitQ only holds pointers; every access happens under its owner's lock, which
// is what makes moving it (inside its owner) between threads sound.
unsafe impl Send for WaitQ {}

impl Default for WaitQ {
    fn default() -> Self {
        WaitQ::new()
    }
}

impl WaitQ {
    /// An empty queue.
    pub const fn new() -> WaitQ {
        WaitQ {
            first: ptr::null_mut(),
            last: ptr::null_mut(),
        }
    }

    /// Whether no sudog waits (some may be select losers about to leave).
    pub fn is_empty(&self) -> bool {
        self.first.is_null()
    }

    /// Appends `sg`. Go: waitq.enqueue.
    ///
    /// # Safety
    /// The caller holds the owner's lock; `sg` is live, not on any queue, and stays live
    /// until it is dequeued or removed.
    pub unsafe fn enqueue(&mut self, sg: *mut Sudog) {
        // SAFETY: per the contract, `sg` is live and ours to link; `last` too (under lock).
        unsafe {
            (*sg).next = ptr::null_mut();
            (*sg).prev = self.last;
            (*sg).queued = true;
            if self.last.is_null() {
                self.first = sg;
            } else {
                (*self.last).next = sg;
            }
        }
        self.last = sg;
    }

    /// Takes the first sudog whose G can still be woken: for a select, the one that claims
    /// its `select_done`; sudogs of selects already won elsewhere are dropped from the
    /// queue (their G will find them gone). Marks the result `fired`. Go: waitq.dequeue.
    ///
    /// # Safety
    /// The caller holds the owner's lock.
    pub unsafe fn dequeue(&mut self) -> Option<*mut Sudog> {
        loop {
            let sg = self.first;
            if sg.is_null() {
                return None;
            }
            // SAFETY: queued sudogs are live (enqueue's contract) and we hold the lock.
            unsafe { self.unlink(sg) };
            // SAFETY: as above.
            let done = unsafe { (*sg).select_done };
            if !done.is_null() {
                // SAFETY: `done` outlives the sudog's time on any queue (for_select's contract).
                let done = unsafe { &*done };
                if done
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_err()
                {
                    continue; // its select already won elsewhere
                }
            }
            // SAFETY: as above.
            unsafe { (*sg).fired = true };
            return Some(sg);
        }
    }

    /// Takes `sg` off the queue if it is still on it. Go: waitq.dequeueSudoG.
    ///
    /// # Safety
    /// The caller holds the owner's lock and `sg` is live.
    pub unsafe fn remove(&mut self, sg: *mut Sudog) {
        // SAFETY: per the contract.
        if unsafe { (*sg).queued } {
            // SAFETY: a queued sudog is on this queue (the owner has one queue per role, and
            // callers pass the queue they put it on).
            unsafe { self.unlink(sg) };
        }
    }

    /// # Safety
    /// `sg` is on this queue; the caller holds the lock.
    unsafe fn unlink(&mut self, sg: *mut Sudog) {
        // SAFETY: linked sudogs are live; under the lock nobody else relinks them.
        unsafe {
            let (prev, next) = ((*sg).prev, (*sg).next);
            if prev.is_null() {
                self.first = next;
            } else {
                (*prev).next = next;
            }
            if next.is_null() {
                self.last = prev;
            } else {
                (*next).prev = prev;
            }
            (*sg).next = ptr::null_mut();
            (*sg).prev = ptr::null_mut();
            (*sg).queued = false;
        }
    }
}
