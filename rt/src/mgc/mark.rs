//! Mark work shared by the collector and allocating goroutines (assists), and the end of
//! marking. Go: mgcmark.go (gcDrain, gcAssistAlloc), mgc.go (gcMarkDone).
//!
//! # Units
//! While a heap marks, its mark work lies where any worker can take it: the blocks and
//! large objects the cycle took (`MarkWork`, published on the heap by whoever takes them
//! first after the start handshake, `take`), scanned for roots in runs claimed by a
//! cursor, and the
//! heap's grey queue, which the barrier fills and from which workers take batches. A
//! worker (the collector, or an allocation that outran it) counts itself in
//! `Heap::holders` *before* it claims a unit and leaves *after* it has traced the unit
//! with its own stack (children marked and pushed there), up to a budget, and put what is
//! left back on the queue. So "no unit left and nobody holding one" means no
//! marked object waits to be traced anywhere.
//!
//! Every object taken is alive until this cycle's sweep, which starts only once marking has
//! ended, which cannot happen while a worker holds a unit (`try_finish`); an object marked
//! later than the take is alive until the next cycle's sweep. So a worker's objects stay
//! alive while it traces them.
//!
//! # Assists
//! An allocation that finds the heap past its goal while a cycle marks (every 64 KiB a
//! thread allocates, `FLUSH_BYTES`) checks that marking keeps pace: the work done so far,
//! by anyone, must be the cycle's expected work (the last cycle's, at least this one's root
//! scan) in proportion to how far the heap has grown since the cycle took its objects over
//! a runway of half the goal. If it lags, the allocation does the difference itself. So
//! while the collector thread keeps up, allocations do nothing; when it is descheduled,
//! they mark in its place, and marking ends by about 1.5 times the goal, before twice it.
//! (Go: gcAssistAlloc with assistWorkPerByte, and the background workers' credit.) An
//! allocation at twice the goal starts the cycle if none runs (`collect::start_by_assist`),
//! helps until no unit is left, ends marking if it can, and waits ("GC assist wait") only
//! when it cannot, because another worker holds a unit; one that finds the last cycle
//! still sweeping (the collector sweeps) goes on, as Go's. Only that wait is a pause (MemStats'
//! PauseNs, the longest per cycle): the mark work is the collector's work done on the
//! allocating thread, as Go's assists, which its PauseNs does not count either.
//!
//! An assist may run while its thread holds a `GcCell` borrow or a `GcMutex` lock; tracing
//! never waits for those: a cell borrowed mutably is skipped (its handles are roots), one
//! shared gets the collector's reading bit beside the borrow, and a mutex held by its
//! exposing holder is skipped. A mutex locked but not yet exposed (handed to a parked
//! goroutine) would need another goroutine to run: an assist leaves such an object to the
//! collector (`Tracer::deferred`) and does no more units this time.

use super::barrier;
use super::collect;
use super::heap::{DYING, Epoch, FREE, Heap, Obj, Objects, STATE, mark_of};
use super::trace::{TraceOp, Tracer};
use crate::loom::Arc;
use crate::loom::atomic::{AtomicUsize, Ordering};

/// Grey queue entries one unit takes.
const GREY_BATCH: usize = if cfg!(goro_loom) { 1 } else { 256 };
/// Mark work a root scan counts per block (its `Meta` byte read), in bytes.
pub(crate) const ROOT_SCAN_BYTES: usize = 8;
/// Bytes a worker traces per unit before handing what is left back to the queue: a worker
/// holding a unit keeps marking from ending (and its stack from the others), so units
/// stay short (tens of µs).
pub(crate) const UNIT_BUDGET: usize = 256 << 10;

/// A cycle's objects, for the root scan (and then the sweep).
pub(crate) struct MarkWork {
    pub(crate) epoch: Epoch,
    pub(crate) objects: Objects,
    /// The next unit of `objects` whose roots nobody has claimed to scan.
    cursor: AtomicUsize,
}

// SAFETY: the pointers name objects of the heap, every one `Send` and traced through
// shared references (the `Trace` contract); they are read only while alive (header).
unsafe impl Send for MarkWork {}
// SAFETY: as above; the cursor is atomic.
unsafe impl Sync for MarkWork {}

impl MarkWork {
    pub(crate) fn new(epoch: Epoch, objects: Objects) -> MarkWork {
        MarkWork {
            epoch,
            objects,
            cursor: AtomicUsize::new(0),
        }
    }

    fn scanned(&self) -> bool {
        self.cursor.load(Ordering::SeqCst) >= self.objects.units()
    }
}

/// Takes the heap's objects for the cycle marking with phase `p` (`epoch << 1 | 1`) and
/// publishes them, unless that is done: by the collector right after it starts the cycle,
/// or by an allocation that finds the cycle marking before the collector thread got that
/// far (it may be descheduled). Returns the cycle's work, or `None` once its marking is
/// over. The caller is not inside a root operation.
pub(crate) fn take(heap: &Heap, p: u64) -> Option<Arc<MarkWork>> {
    let epoch = (p >> 1) as Epoch;
    let published = |w: &Option<Arc<MarkWork>>| w.as_ref().filter(|w| w.epoch == epoch).cloned();
    let lock = || heap.work.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(w) = published(&lock()) {
        return Some(w);
    }
    // Every root operation begun before the phase changed has ended (none still believes
    // the heap idle): objects made from now on are marked with this epoch (not swept).
    barrier::grace();
    let mut slot = lock();
    if let Some(w) = published(&slot) {
        return Some(w);
    }
    // Marking cannot end before its objects are published (under this lock): a phase
    // that moved on means `p` is an old cycle's.
    if heap.phase.load(Ordering::SeqCst) != p {
        return None;
    }
    let work = Arc::new(MarkWork::new(epoch, heap.take_objects(p)));
    // Assists pace themselves by the work of the last cycle (at least this root scan).
    let last = heap.mark_done.swap(0, Ordering::Relaxed);
    let scan = (work.objects.count * ROOT_SCAN_BYTES) as u64;
    heap.mark_expect.store(last.max(scan), Ordering::Relaxed);
    heap.mark_start
        .store(heap.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    *slot = Some(work.clone());
    drop(slot);
    if stalls(heap, false).1 {
        collect::wake(); // allocations waiting for this cycle to start can help now
    }
    Some(work)
}

/// What one call of `unit` did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Traced this many bytes' worth.
    Done(usize),
    /// Found nothing to take (or the heap is not marking).
    Empty,
    /// An assist left an object to the collector (see the header).
    Deferred,
}

/// A worker's count in `Heap::holders`; a panic in a `Trace` while it holds one leaves a
/// marked object half traced, which is fatal (as Go throws).
struct Holding<'h> {
    heap: &'h Heap,
    /// The thread was unwinding already (an allocation in a destructor assists).
    unwinding: bool,
}

impl Holding<'_> {
    fn new(heap: &Heap) -> Holding<'_> {
        heap.holders.fetch_add(1, Ordering::SeqCst);
        Holding {
            heap,
            unwinding: std::thread::panicking(),
        }
    }
}

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        // (Models let the panic reach loom, which reports the failed check.)
        if std::thread::panicking() && !self.unwinding && !cfg!(goro_loom) {
            crate::panic::throw("a Trace implementation panicked while the collector marked");
        }
        self.heap.holders.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Claims a unit of `heap`'s mark work and traces it: up to `budget` bytes, the rest back
/// on the grey queue. `assist`: the caller is an allocating goroutine (see the header).
pub(crate) fn unit(heap: &Heap, budget: usize, assist: bool) -> Unit {
    // Counted before claiming (and before reading the phase): a finisher that does not
    // see us saw every claim we can make fail (`try_finish`).
    let _held = Holding::new(heap);
    let p = heap.phase.load(Ordering::SeqCst);
    if p & 1 == 0 {
        return Unit::Empty;
    }
    let epoch = (p >> 1) as Epoch;
    let mut t = Tracer::for_heap(TraceOp::Mark, heap);
    t.epoch = epoch;
    t.assist = assist;
    let mut done = 0;
    let work = heap.work.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(w) = work.filter(|w| w.epoch == epoch) {
        // The cursor only grows and a finisher saw it past the end: a chunk claimed here
        // belongs to a cycle still marking (and an old cycle's work has no chunk left).
        let i = w.cursor.fetch_add(1, Ordering::SeqCst);
        if i < w.objects.units() {
            for (o, h) in w.objects.unit(i) {
                // SAFETY: a block of a chunk the cycle took, or a large object it took:
                // alive while it marks (header). Read with acquire, its state says whether
                // the block holds an object, whole, and one made after the take is marked
                // with this epoch already (black), or still `FREE` (see `heap.rs`).
                let m = unsafe { &*h };
                let old = m.load(Ordering::Acquire);
                let state = old & STATE;
                if state != FREE
                    && state != DYING
                    && state != mark_of(epoch)
                    && old >> 2 != 0
                    && m.mark(epoch)
                {
                    t.grey.push(o);
                }
                done += ROOT_SCAN_BYTES;
            }
        }
    }
    if done == 0 {
        let mut g = heap.grey();
        // Under the queue's lock, which a finisher holds from its checks to the phase's
        // change: either it will see us, or we see it has ended.
        if heap.phase.load(Ordering::SeqCst) != p {
            return Unit::Empty;
        }
        while t.grey.is_empty() && !g.is_empty() {
            let from = g.len().saturating_sub(GREY_BATCH);
            t.grey.extend(
                g.drain(from..)
                    .filter(|&(_, e)| e == epoch)
                    .map(|(a, _)| Obj::from_bits(a)),
            );
        }
        if t.grey.is_empty() {
            return Unit::Empty;
        }
    }
    let mut deferred = false;
    while let Some(o) = t.grey.pop() {
        // SAFETY: a marked object is alive until a sweep that cannot start while we hold a
        // unit (header).
        let size = unsafe {
            let vt = o.vt();
            (vt.trace)(o.value(), &mut t);
            vt.size
        };
        done += size;
        if t.deferred {
            // Traced again later, whole, by the collector (marking twice is harmless).
            t.grey.push(o);
            deferred = true;
            break;
        }
        if done >= budget {
            break;
        }
    }
    if !t.grey.is_empty() {
        heap.grey()
            .extend(t.grey.drain(..).map(|o| (o.bits(), epoch)));
    }
    heap.mark_done.fetch_add(done as u64, Ordering::Relaxed);
    if deferred {
        Unit::Deferred
    } else {
        Unit::Done(done)
    }
}

/// Ends the marking of phase `p` (`epoch << 1 | 1`) if no work is left: callable by any
/// worker not inside a root operation. Returns whether that marking is over (ended here
/// or by another worker). Go: gcMarkDone.
///
/// Why it is safe, beyond the collector's termination argument (`collect.rs`): the
/// checks see no grey object, the root scan claimed whole and nobody holding a unit; the
/// handshake then lets root operations in flight finish their shading, and the second
/// checks, under the queue's lock, find it all still true, so every marked object has been
/// traced. A worker that counts itself after those checks can claim nothing: the cursor
/// is past the end for good, and it reads the queue under the lock, after the phase
/// changed. A worker that counted itself before them, or claimed a chunk the first check's
/// cursor covered (holders is counted before the cursor is claimed, and the finisher reads
/// the cursor before holders, all `SeqCst`), keeps holders above zero, so marking goes on.
pub(crate) fn try_finish(heap: &Heap, p: u64) -> bool {
    if heap.phase.load(Ordering::SeqCst) != p {
        return true;
    }
    debug_assert!(!barrier::in_op(), "a handshake inside a root operation");
    let epoch = (p >> 1) as Epoch;
    let work = heap.work.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(w) = work.filter(|w| w.epoch == epoch) else {
        return false; // the collector has not taken the objects yet
    };
    let idle = |g: &mut Vec<(usize, Epoch)>| {
        // Entries of past cycles are stale (queued by ops that were ending as they ended,
        // before their cycle's sweep: `collect::cycle` waits for those).
        g.retain(|&(_, e)| e == epoch);
        g.is_empty() && w.scanned() && heap.holders.load(Ordering::SeqCst) == 0
    };
    if !idle(&mut heap.grey()) {
        return false;
    }
    barrier::grace();
    let mut g = heap.grey();
    if heap.phase.load(Ordering::SeqCst) != p {
        return true;
    }
    if !idle(&mut g) {
        return false;
    }
    // Go's heapMarked, for the next goal: what survives plus what was made black, not
    // what is made after (before the phase: the collector reads it after the phase).
    heap.marked
        .store(heap.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    heap.phase.store(p & !1, Ordering::SeqCst);
    // Waits for this marking end now (the collector reads this after taking the lock).
    let pause = stalls(heap, true).0;
    heap.mark_pause.store(pause, Ordering::Relaxed);
    drop(g);
    collect::wake();
    true
}

/// Allocations waiting for the collector (`assist`), for the pause.
#[derive(Default)]
pub(crate) struct Stall {
    /// Waits in progress: (id, since, nanotime).
    waiting: Vec<(u64, u64)>,
    /// The longest wait that ended since the last report, ns.
    longest: u64,
    ids: u64,
}

/// Ends the waits in progress (they are over as far as the pause goes: marking ended, or
/// a cycle started and has work for them); with `report`, returns the longest wait since
/// the last report and starts anew. Also says whether any wait was in progress.
pub(crate) fn stalls(heap: &Heap, report: bool) -> (u64, bool) {
    let now = crate::time::nanotime();
    let mut s = crate::mgc::heap::lock(&heap.stall);
    let any = !s.waiting.is_empty();
    let ended = s.longest;
    let longest = s
        .waiting
        .drain(..)
        .map(|(_, since)| now.saturating_sub(since))
        .fold(ended, u64::max);
    s.longest = if report { 0 } else { longest };
    (longest, any)
}

/// Waits (parks) until `done()`, as a stall of `heap`.
fn stall(heap: &Heap, done: impl Fn() -> bool) {
    let id = {
        let mut s = crate::mgc::heap::lock(&heap.stall);
        s.ids += 1;
        let id = s.ids;
        s.waiting.push((id, crate::time::nanotime()));
        id
    };
    let parked = collect::wait(crate::g::WaitReason::GcAssistWait, done);
    let now = crate::time::nanotime();
    let mut s = crate::mgc::heap::lock(&heap.stall);
    if let Some(i) = s.waiting.iter().position(|&(w, _)| w == id) {
        let (_, since) = s.waiting.swap_remove(i);
        if parked {
            s.longest = s.longest.max(now.saturating_sub(since));
        }
    }
}

/// An allocation found `heap` grown to `bytes`, at or past its goal `next`: helps mark
/// if marking is behind, and at twice the goal stays until marking is over (see the
/// header). Go: gcAssistAlloc.
pub(crate) fn assist(heap: &Heap, bytes: u64, next: u64) {
    // The collector never waits for itself (a destructor it runs may allocate), and a
    // handshake inside a root operation would wait for it.
    if collect::is_collector() || barrier::in_op() {
        return;
    }
    if bytes < next.saturating_mul(2) {
        let p = heap.phase.load(Ordering::SeqCst);
        if p & 1 == 0 || take(heap, p).is_none() {
            return;
        }
        // Owed: the share of the expected work the allocation since the start has used up
        // of the runway (half the goal), less the work done.
        let grown = bytes.saturating_sub(heap.mark_start.load(Ordering::Relaxed));
        let runway = (next / 2).max(1);
        let expect = heap.mark_expect.load(Ordering::Relaxed);
        let due = (u128::from(expect) * u128::from(grown) / u128::from(runway)) as u64;
        let mut owed = due.saturating_sub(heap.mark_done.load(Ordering::Relaxed)) as usize;
        while owed > 0 {
            match unit(heap, owed.min(UNIT_BUDGET), true) {
                Unit::Done(n) => owed = owed.saturating_sub(n),
                Unit::Empty => {
                    // Nothing to take: maybe nothing left at all.
                    let p = heap.phase.load(Ordering::SeqCst);
                    if p & 1 != 0 {
                        try_finish(heap, p);
                    }
                    return;
                }
                Unit::Deferred => return,
            }
        }
        return;
    }
    loop {
        let p = heap.phase.load(Ordering::SeqCst);
        if p & 1 != 0 {
            take(heap, p);
            while let Unit::Done(_) = unit(heap, UNIT_BUDGET, true) {}
            if try_finish(heap, p) {
                return;
            }
            // Another worker holds a unit, or the collector has not taken the objects
            // yet, or an object was left to it: wait for the marking to end.
            stall(heap, || heap.phase.load(Ordering::SeqCst) != p);
            return;
        }
        if !heap.wanted.load(Ordering::Acquire) {
            return; // no cycle to wait for
        }
        if collect::start_by_assist(heap).is_some() {
            continue; // and help it
        }
        // The collector is sweeping the last cycle (or starting this one): go on. The
        // sweep frees meanwhile, and the next flush looks again; Go never makes an
        // allocation wait for a sweep either (its allocations sweep a share themselves).
        // Waiting here was most of the pauses left on a loaded machine, where the
        // collector thread waits for a CPU.
        return;
    }
}
