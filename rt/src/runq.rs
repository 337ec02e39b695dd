//! Run queues: each P's local queue with its `runnext` slot, and the global queue.
//! Go: runtime.runqput / runqget / runqsteal / globrunqput / globrunqget (proc.go).
//!
//! The local queue is a crossbeam-deque FIFO `Worker` (owned by the M holding the P; any M
//! may steal through the `Stealer`) logically capped at `RUNQ_CAP`: a put that finds it full
//! moves half of it, plus the new G, to the global `Injector` (Go's runqputslow), so one busy
//! P cannot hoard work. `runnext` holds the G that should run next — a G just readied or
//! spawned by the running G — so a producer/consumer pair ping-pongs without queueing
//! latency; putting a new one there kicks the old one to the tail.
//!
//! Ownership: `worker` is touched only by the M that holds the P (so its accessors are
//! `unsafe`), `stealer` and `runnext` by anyone.
//!
//! Thread affinity (`proc.rs`): a queue may hold started Gs of its P's M (readied or
//! yielding there). Thieves never take a started G from `runnext`; a started G in a stolen
//! batch is forwarded home by the scheduler.

use crate::g::{G, GRef};
use crate::loom::atomic::{AtomicPtr, AtomicUsize, Ordering};
use core::cell::UnsafeCell;
use core::ptr;
use crossbeam_deque::{Injector, Steal, Stealer, Worker};

/// Logical capacity of a P's local run queue (Go: len(p.runq)).
pub(crate) const RUNQ_CAP: usize = 256;

/// A P's local run queue.
pub(crate) struct LocalQ {
    worker: UnsafeCell<Worker<GRef>>,
    stealer: Stealer<GRef>,
    runnext: AtomicPtr<G>,
}

// SAFETY: `worker` is only used by the M holding the owning P (the `unsafe` accessors'
// contract); `Stealer` is Sync and `runnext` atomic.
unsafe impl Sync for LocalQ {}

/// The global run queue (Go: sched.runq), shared by all Ps of one runtime.
pub(crate) struct GlobalQ {
    inj: Injector<GRef>,
    size: AtomicUsize,
}

impl GlobalQ {
    pub(crate) fn new() -> GlobalQ {
        GlobalQ {
            inj: Injector::new(),
            size: AtomicUsize::new(0),
        }
    }

    /// Go: globrunqput.
    pub(crate) fn put(&self, gp: GRef) {
        // Count first, push second: `size` never undercounts, so it cannot wrap below 0.
        self.size.fetch_add(1, Ordering::SeqCst);
        self.inj.push(gp);
    }

    pub(crate) fn len(&self) -> usize {
        self.size.load(Ordering::SeqCst)
    }

    /// Takes one G (no P needed).
    pub(crate) fn get_one(&self) -> Option<GRef> {
        loop {
            match self.inj.steal() {
                Steal::Success(gp) => {
                    self.size.fetch_sub(1, Ordering::SeqCst);
                    return Some(gp);
                }
                Steal::Empty => return None,
                Steal::Retry => crate::loom::hint::spin_loop(),
            }
        }
    }
}

impl LocalQ {
    pub(crate) fn new() -> LocalQ {
        let worker = Worker::new_fifo();
        let stealer = worker.stealer();
        LocalQ {
            worker: UnsafeCell::new(worker),
            stealer,
            runnext: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// # Safety
    /// The caller holds the P that owns this queue.
    unsafe fn worker(&self) -> &Worker<GRef> {
        // SAFETY: only the P's holder calls this (function contract), so no other `&Worker`
        // is live on another thread.
        unsafe { &*self.worker.get() }
    }

    /// Puts `gp` on the queue: into `runnext` if `next`, else at the tail. Go: runqput.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn put(&self, mut gp: GRef, next: bool, global: &GlobalQ) {
        if next {
            let old = self.runnext.swap(gp.as_ptr(), Ordering::AcqRel);
            if old.is_null() {
                return;
            }
            // SAFETY: non-null pointers in runnext come from GRef::as_ptr.
            gp = unsafe { GRef::from_ptr(old) };
        }
        // SAFETY: forwarded contract.
        let w = unsafe { self.worker() };
        if w.len() < RUNQ_CAP {
            w.push(gp);
            return;
        }
        // Go: runqputslow — half the queue and gp go to the global queue.
        for _ in 0..RUNQ_CAP / 2 {
            match w.pop() {
                Some(g) => global.put(g),
                None => break,
            }
        }
        global.put(gp);
    }

    /// Takes the next G to run: `runnext` first, then the head. Go: runqget.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn get(&self) -> Option<GRef> {
        // Look before swapping: an empty runnext is the common case in a busy queue, and
        // the swap is a locked instruction.
        if !self.runnext.load(Ordering::Relaxed).is_null() {
            let next = self.runnext.swap(ptr::null_mut(), Ordering::AcqRel);
            if !next.is_null() {
                // SAFETY: non-null pointers in runnext come from GRef::as_ptr.
                return Some(unsafe { GRef::from_ptr(next) });
            }
        }
        // SAFETY: forwarded contract.
        unsafe { self.worker() }.pop()
    }

    /// Whether the queue (including `runnext`) looks empty. Any thread. Go: runqempty.
    pub(crate) fn is_empty(&self) -> bool {
        self.runnext.load(Ordering::SeqCst).is_null() && self.stealer.is_empty()
    }

    /// Steals about half of `victim`'s queue into ours and returns one G to run; with
    /// `take_runnext`, may take the victim's `runnext` when its queue is empty. Go: runqsteal.
    ///
    /// # Safety
    /// The caller holds the P that owns `self`.
    pub(crate) unsafe fn steal_from(
        &self,
        victim: &LocalQ,
        take_runnext: bool,
        victim_running: bool,
    ) -> Option<GRef> {
        // SAFETY: forwarded contract.
        let w = unsafe { self.worker() };
        loop {
            match victim
                .stealer
                .steal_batch_with_limit_and_pop(w, RUNQ_CAP / 2)
            {
                Steal::Success(gp) => return Some(gp),
                Steal::Retry => crate::loom::hint::spin_loop(),
                Steal::Empty => break,
            }
        }
        if take_runnext {
            let next = victim.runnext.load(Ordering::Acquire);
            if next.is_null() {
                return None;
            }
            // SAFETY: non-null pointers in runnext come from GRef::as_ptr (G structs are
            // never freed, so a stale one is still readable).
            if !unsafe { GRef::from_ptr(next) }
                .m
                .load(Ordering::Acquire)
                .is_null()
            {
                // A started G belongs to its home M: never take it. (If it changes under
                // us, the swap below may still take one; the scheduler then forwards it.)
                return None;
            }
            if victim_running {
                // Go: back off ~3µs first. The usual case is a G that readied another and is
                // about to block; its own M will run runnext next, and stealing it would
                // bounce a ping-pong pair between threads.
                // A real sleep, as Go's usleep(3) (on a VM it lasts far longer): meanwhile
                // this M still counts as spinning, so `wakep` does not wake yet another M.
                std::thread::sleep(std::time::Duration::from_micros(3));
            }
            let next = victim.runnext.swap(ptr::null_mut(), Ordering::AcqRel);
            if !next.is_null() {
                // SAFETY: non-null pointers in runnext come from GRef::as_ptr.
                return Some(unsafe { GRef::from_ptr(next) });
            }
        }
        None
    }

    /// Takes a batch from the global queue into ours and returns one G. Go: globrunqget.
    ///
    /// One G at a time: `GlobalQ::size` must drop by exactly what was taken, and a batch
    /// steal straight into our worker cannot say how many it moved while thieves may be
    /// taking from that same worker (counting by its length once made `size` wrap, and two
    /// Ms spun forever on a global queue that looked non-empty).
    ///
    /// # Safety
    /// The caller holds the P that owns `self`.
    pub(crate) unsafe fn get_global(&self, global: &GlobalQ, nprocs: usize) -> Option<GRef> {
        let size = global.len();
        if size == 0 {
            return None;
        }
        // SAFETY: forwarded contract.
        let w = unsafe { self.worker() };
        let room = RUNQ_CAP - w.len().min(RUNQ_CAP);
        let n = (size / nprocs.max(1) + 1).min(room / 2 + 1).max(1);
        let first = global.get_one()?;
        for _ in 1..n {
            match global.get_one() {
                Some(gp) => w.push(gp),
                None => break,
            }
        }
        Some(first)
    }

    /// Empties the queue (runnext included), oldest first, for a P being retired.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn drain(&self, mut f: impl FnMut(GRef)) {
        // SAFETY: forwarded contract.
        while let Some(gp) = unsafe { self.get() } {
            f(gp);
        }
    }
}
