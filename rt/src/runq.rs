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
//! Thread affinity (`proc.rs`): the queue (`worker`, `peek`) holds only *fresh* Gs, the
//! kind thieves may take; a started G readied or yielding on its own M waits in that M's
//! queue (`M::runq`), and `runnext` may hold either (thieves never take a started one). Go
//! keeps one FIFO per P; to give the same order, every G queued at a tail gets a stamp from
//! its P's counter (`stamp`), and `M::runqget` runs the older of the two heads.

use crate::g::{G, GRef};
use crate::lock::Lock;
use crate::loom::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use core::cell::UnsafeCell;
use core::ptr;
use crossbeam_deque::{Steal, Stealer, Worker};
use std::collections::VecDeque;

/// Logical capacity of a P's local run queue (Go: len(p.runq)).
pub(crate) const RUNQ_CAP: usize = 256;

/// A P's local run queue: fresh Gs only (`worker`, `peek`), plus `runnext`.
pub(crate) struct LocalQ {
    worker: UnsafeCell<Worker<GRef>>,
    stealer: Stealer<GRef>,
    runnext: AtomicPtr<G>,
    /// The worker's head, taken off by the owner to compare its stamp with the head of its
    /// M's queue (`M::runqget`); thieves may take it as they take `runnext`.
    peek: AtomicPtr<G>,
    /// The next stamp (owner writes; thieves read it to catch up, `steal_from`).
    stamp: AtomicU64,
    /// When this queue last went from no fresh G to some (`nanotime`); owner writes,
    /// thieves read (`fresh_age`).
    fresh_since: AtomicU64,
    /// The owner's schedule count (owner writes at every schedule; thieves read it).
    ticks: AtomicU32,
    /// `ticks` when the current fresh work arrived.
    fresh_tick: AtomicU32,
}

/// Nanoseconds on a process-wide monotonic clock, for the age of queued work.
pub(crate) fn nanotime() -> u64 {
    static BASE: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    BASE.get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

/// The global run queue (Go: sched.runq), shared by all Ps of one runtime: a FIFO ring
/// of G handles under a lock of its own, as Go's gQueue under sched.lock.
///
/// Batches move under one lock, as Go's globrunqputbatch and globrunqget: a full local
/// queue sends half of itself here, and a taker takes its share at once. The ring keeps
/// its buffer, so queueing allocates nothing once it has grown: with crossbeam's
/// `Injector` every 63 Gs allocated a block on the putting thread that the taking thread
/// freed into the putter's malloc arena, under that arena's lock (a futex wake-up per
/// contended free in spawn_join_held), and each G cost two atomic operations on each side.
/// A list linked through the Gs (Go's) makes the taker walk cold Gs under the lock to cut
/// its batch: skynet ran 10% slower with one. The buffer is 16 bytes per G queued; one
/// that a burst grew past `GLOBAL_KEEP` entries shrinks back when the queue empties.
///
/// Ownership: the ring belongs to `lock`; `size` and `puts` are written under it and read
/// by anyone (`size` with SeqCst: an M about to sleep reads it after publishing itself
/// idle, a putter updates it before `wakep`).
pub(crate) struct GlobalQ {
    lock: Lock,
    /// Guarded by `lock`.
    ring: UnsafeCell<VecDeque<GRef>>,
    size: AtomicUsize,
    /// Gs ever put (with `size`: how many were taken), for a G waiting behind the queue's
    /// contents (`M::defer_behind_global`).
    puts: AtomicU64,
}

// SAFETY: the ring is only touched with `lock` held; the rest is atomic.
unsafe impl Sync for GlobalQ {}
// SAFETY: as above; GRefs name leaked, never-freed G structs.
unsafe impl Send for GlobalQ {}

/// The most Gs one `GlobalQ::get_batch` takes (a P takes at most half its capacity).
pub(crate) const GLOBAL_BATCH: usize = RUNQ_CAP / 2 + 1;
/// Entries the global queue's buffer keeps when it empties (64 KiB): a million goroutines
/// spawned from a plain thread would otherwise pin 16 MB for the runtime's life.
const GLOBAL_KEEP: usize = 4096;

impl GlobalQ {
    pub(crate) fn new() -> GlobalQ {
        GlobalQ {
            lock: Lock::new(),
            ring: UnsafeCell::new(VecDeque::new()),
            size: AtomicUsize::new(0),
            puts: AtomicU64::new(0),
        }
    }

    /// Go: globrunqput.
    pub(crate) fn put(&self, gp: GRef) {
        self.put_batch(&[gp]);
    }

    /// Puts several Gs, oldest first, under one lock. Go: globrunqputbatch.
    pub(crate) fn put_batch(&self, gs: &[GRef]) {
        self.lock.lock();
        // SAFETY: we hold `lock`, which guards the ring.
        unsafe { &mut *self.ring.get() }.extend(gs.iter().copied());
        self.size.fetch_add(gs.len(), Ordering::SeqCst);
        let puts = self.puts.load(Ordering::Relaxed);
        self.puts.store(puts + gs.len() as u64, Ordering::Relaxed);
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
    }

    /// How many Gs have been put so far: once `taken() >= puts()` of some moment, every G
    /// queued then has been taken.
    pub(crate) fn puts(&self) -> u64 {
        self.puts.load(Ordering::Relaxed)
    }

    /// How many Gs have been taken: a moment's estimate, off by the puts in flight between
    /// the two loads (either way: a waiter goes one G early or looks once more; the order
    /// it keeps is Go's only approximately anyway, since other Ps take from the queue).
    pub(crate) fn taken(&self) -> u64 {
        let size = self.size.load(Ordering::SeqCst) as u64;
        self.puts.load(Ordering::Relaxed).saturating_sub(size)
    }

    pub(crate) fn len(&self) -> usize {
        self.size.load(Ordering::SeqCst)
    }

    /// Takes one G (no P needed).
    pub(crate) fn get_one(&self) -> Option<GRef> {
        let mut one = [None];
        self.get_batch(&mut one);
        one[0]
    }

    /// Takes up to `out.len()` Gs into `out`, oldest first; returns how many.
    pub(crate) fn get_batch(&self, out: &mut [Option<GRef>]) -> usize {
        if out.is_empty() || self.len() == 0 {
            return 0;
        }
        self.lock.lock();
        // SAFETY: we hold `lock`, which guards the ring.
        let ring = unsafe { &mut *self.ring.get() };
        let n = out.len().min(ring.len());
        for (slot, gp) in out.iter_mut().zip(ring.drain(..n)) {
            *slot = Some(gp);
        }
        if ring.is_empty() && ring.capacity() > GLOBAL_KEEP {
            ring.shrink_to(GLOBAL_KEEP);
        }
        self.size.fetch_sub(n, Ordering::SeqCst);
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        n
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
            peek: AtomicPtr::new(ptr::null_mut()),
            stamp: AtomicU64::new(1),
            fresh_since: AtomicU64::new(0),
            ticks: AtomicU32::new(0),
            fresh_tick: AtomicU32::new(0),
        }
    }

    /// # Safety
    /// The caller holds the P that owns this queue.
    unsafe fn worker(&self) -> &Worker<GRef> {
        // SAFETY: only the P's holder calls this (function contract), so no other `&Worker`
        // is live on another thread.
        unsafe { &*self.worker.get() }
    }

    /// Stamps `gp` with this queue's next position, for FIFO order across the P's queue and
    /// its M's. Owner only.
    pub(crate) fn stamp(&self, gp: GRef) {
        let st = self.stamp.load(Ordering::Relaxed);
        self.stamp.store(st + 1, Ordering::Relaxed);
        gp.qstamp.store(st, Ordering::Relaxed);
    }

    /// Moves the stamp counter up to at least `st` (Gs stamped elsewhere arrived).
    pub(crate) fn catch_up(&self, st: u64) {
        if self.stamp.load(Ordering::Relaxed) < st {
            self.stamp.store(st, Ordering::Relaxed);
        }
    }

    /// Puts `gp` in `runnext`; returns the G it displaced, for the caller to queue at the
    /// tail. Go: runqput with next.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn put_next(&self, gp: GRef) -> Option<GRef> {
        if gp.m.load(Ordering::Relaxed).is_null() {
            self.fresh_arrives();
        }
        let old = self.runnext.swap(gp.as_ptr(), Ordering::AcqRel);
        // SAFETY: non-null pointers in runnext come from GRef::as_ptr.
        (!old.is_null()).then(|| unsafe { GRef::from_ptr(old) })
    }

    /// Puts a fresh `gp` at the tail (stamped); when the queue is full, half of it and `gp`
    /// go to the global queue. Go: runqput, runqputslow.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn put_fresh(&self, gp: GRef, global: &GlobalQ) {
        self.fresh_arrives();
        self.stamp(gp);
        // SAFETY: forwarded contract.
        let w = unsafe { self.worker() };
        if w.len() < RUNQ_CAP {
            w.push(gp);
            return;
        }
        // Go: runqputslow — half the queue and gp go to the global queue.
        let mut batch = [gp; GLOBAL_BATCH];
        let mut n = 0;
        while n < RUNQ_CAP / 2
            && let Some(g) = w.pop()
        {
            batch[n] = g;
            n += 1;
        }
        batch[n] = gp;
        global.put_batch(&batch[..=n]);
    }

    /// Takes `runnext`. Go: the first step of runqget.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn take_next(&self) -> Option<GRef> {
        // Look before swapping: an empty runnext is the common case in a busy queue, and
        // the swap is a locked instruction.
        if self.runnext.load(Ordering::Relaxed).is_null() {
            return None;
        }
        let next = self.runnext.swap(ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: non-null pointers in runnext come from GRef::as_ptr.
        (!next.is_null()).then(|| unsafe { GRef::from_ptr(next) })
    }

    /// The stamp of the oldest fresh G, taking it off the worker into `peek` if needed.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn peek_stamp(&self) -> Option<u64> {
        let mut head = self.peek.load(Ordering::Acquire);
        if head.is_null() {
            // SAFETY: forwarded contract.
            let gp = unsafe { self.worker() }.pop()?;
            head = gp.as_ptr();
            self.peek.store(head, Ordering::Release);
        }
        // SAFETY: non-null pointers in peek come from GRef::as_ptr; G structs are never
        // freed (a thief may have taken it since: then the stamp is stale, and `take_peek`
        // finds the slot empty).
        Some(
            unsafe { GRef::from_ptr(head) }
                .qstamp
                .load(Ordering::Relaxed),
        )
    }

    /// Takes the G `peek_stamp` looked at, unless a thief did.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn take_peek(&self) -> Option<GRef> {
        let gp = self.peek.swap(ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: non-null pointers in peek come from GRef::as_ptr.
        (!gp.is_null()).then(|| unsafe { GRef::from_ptr(gp) })
    }

    /// Whether the queue (including `runnext`) looks empty. Any thread. Go: runqempty.
    pub(crate) fn is_empty(&self) -> bool {
        self.runnext.load(Ordering::SeqCst).is_null()
            && self.peek.load(Ordering::SeqCst).is_null()
            && self.stealer.is_empty()
    }

    /// Fresh work is about to be queued: if there was none, its age starts now. Owner only.
    fn fresh_arrives(&self) {
        if !self.has_fresh() {
            self.fresh_since.store(nanotime(), Ordering::Relaxed);
            self.fresh_tick
                .store(self.ticks.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }

    /// The owner went through a schedule point. Owner only.
    pub(crate) fn tick(&self) {
        self.ticks.store(
            self.ticks.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
    }

    /// Whether the owner has scheduled since its current fresh work arrived: it is not
    /// stuck, and will get to its `runnext`.
    pub(crate) fn progressed(&self) -> bool {
        self.ticks.load(Ordering::Relaxed) != self.fresh_tick.load(Ordering::Relaxed)
    }

    /// How long this queue has had fresh work waiting (meaningful when `has_fresh`).
    pub(crate) fn fresh_age(&self, now: u64) -> u64 {
        now.saturating_sub(self.fresh_since.load(Ordering::Relaxed))
    }

    /// Fresh Gs queued (not counting `runnext`), for `GODEBUG=schedtrace`. Any thread.
    pub(crate) fn len(&self) -> usize {
        self.stealer.len() + usize::from(!self.peek.load(Ordering::Relaxed).is_null())
    }

    /// Whether fresh Gs wait behind `runnext` (in the queue or `peek`). Any thread.
    pub(crate) fn has_queued_fresh(&self) -> bool {
        !self.peek.load(Ordering::Acquire).is_null() || !self.stealer.is_empty()
    }

    /// Whether a thief could find something here: a fresh G queued, peeked or in
    /// `runnext` (a started one in `runnext` belongs to the P's M). Any thread.
    pub(crate) fn has_fresh(&self) -> bool {
        let next = self.runnext.load(Ordering::Acquire);
        // SAFETY: non-null pointers in runnext come from GRef::as_ptr; G structs are never
        // freed (a stale look only makes the answer stale, as any look here is).
        let fresh_next = !next.is_null()
            && unsafe { GRef::from_ptr(next) }
                .m
                .load(Ordering::Relaxed)
                .is_null();
        fresh_next || !self.peek.load(Ordering::Acquire).is_null() || !self.stealer.is_empty()
    }

    /// Steals about half of `victim`'s fresh Gs into ours and returns one G to run (else
    /// its `peek`); with `take_runnext`, may take the victim's `runnext` too, if that G has
    /// not run yet. Go: runqsteal.
    ///
    /// # Safety
    /// The caller holds the P that owns `self`.
    pub(crate) unsafe fn steal_from(&self, victim: &LocalQ, take_runnext: bool) -> Option<GRef> {
        // Gs stamped by the victim's counter join ours: keep ours ahead of theirs.
        self.catch_up(victim.stamp.load(Ordering::Relaxed));
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
        if !victim.peek.load(Ordering::Relaxed).is_null() {
            let gp = victim.peek.swap(ptr::null_mut(), Ordering::AcqRel);
            if !gp.is_null() {
                // SAFETY: non-null pointers in peek come from GRef::as_ptr.
                return Some(unsafe { GRef::from_ptr(gp) });
            }
        }
        // `runnext` is what the victim runs next: take it only from a victim stuck in one
        // goroutine since the work arrived (Go backs off 3 µs and takes it anyway; here a
        // G stolen from a pipeline stays off its pipeline's thread for good).
        if take_runnext && !victim.progressed() {
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
        let mut batch = [None; GLOBAL_BATCH];
        let got = global.get_batch(&mut batch[..n]);
        let mut gs = batch[..got].iter().flatten().copied();
        let first = gs.next()?;
        for gp in gs {
            self.stamp(gp);
            w.push(gp);
        }
        Some(first)
    }

    /// Empties the queue (runnext included), oldest first, for a P being retired.
    ///
    /// # Safety
    /// The caller holds the P that owns this queue.
    pub(crate) unsafe fn drain(&self, mut f: impl FnMut(GRef)) {
        // SAFETY: forwarded contract (three times).
        let (next, peek, w) = unsafe { (self.take_next(), self.take_peek(), self.worker()) };
        next.into_iter()
            .chain(peek)
            .chain(core::iter::from_fn(|| w.pop()))
            .for_each(&mut f);
    }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::{GLOBAL_BATCH, GLOBAL_KEEP, GlobalQ};
    use crate::g::GRef;

    /// Batches go in and come out oldest first, single puts interleaved, and the counters
    /// say exactly how many were put and taken.
    #[test]
    fn the_global_queue_is_fifo_across_batches_and_counts_exactly() {
        let q = GlobalQ::new();
        let gs: Vec<GRef> = (0..300).map(|_| GRef::alloc(None)).collect();
        q.put_batch(&gs[..200]);
        q.put(gs[200]);
        q.put_batch(&gs[201..]);
        assert_eq!((q.len(), q.puts(), q.taken()), (300, 300, 0));

        let mut got = Vec::new();
        let mut batch = [None; GLOBAL_BATCH];
        let n = q.get_batch(&mut batch[..7]);
        assert_eq!(n, 7);
        got.extend(batch[..n].iter().flatten().copied());
        assert_eq!((q.len(), q.taken()), (293, 7));
        got.push(q.get_one().expect("a queued G"));
        loop {
            let n = q.get_batch(&mut batch);
            if n == 0 {
                break;
            }
            assert!(n <= GLOBAL_BATCH);
            got.extend(batch[..n].iter().flatten().copied());
        }
        let order = |v: &[GRef]| v.iter().map(|g| g.as_ptr() as usize).collect::<Vec<_>>();
        assert_eq!(order(&got), order(&gs), "taken in the order put");
        assert_eq!((q.len(), q.puts(), q.taken()), (0, 300, 300));
        assert!(q.get_one().is_none());
        assert_eq!(q.get_batch(&mut batch), 0);
    }

    /// A burst past `GLOBAL_KEEP` grows the buffer; emptied, it shrinks back.
    #[test]
    fn the_global_queue_gives_back_a_burst_s_buffer_once_empty() {
        let q = GlobalQ::new();
        let g = GRef::alloc(None);
        let burst = vec![g; 3 * GLOBAL_KEEP];
        q.put_batch(&burst);
        // SAFETY: no other thread uses this queue.
        let cap = || unsafe { (*q.ring.get()).capacity() };
        assert!(cap() >= 3 * GLOBAL_KEEP);
        let mut batch = [None; GLOBAL_BATCH];
        let mut taken = 0;
        while q.len() > 0 {
            taken += q.get_batch(&mut batch);
        }
        assert_eq!(taken, 3 * GLOBAL_KEEP);
        assert!(cap() <= GLOBAL_KEEP, "capacity {} after emptying", cap());
    }
}
