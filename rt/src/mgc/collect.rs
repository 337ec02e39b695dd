//! The collector: a background thread running concurrent tri-colour mark-and-sweep cycles
//! over the scopes' heaps. Go: mgc.go (gcStart, gcMarkDone, gcSweep), mgcmark.go,
//! gcBgMarkWorker, forcegchelper.
//!
//! # A cycle (`cycle`)
//! 1. **Mark starts**: the heap's phase becomes "marking, epoch e" (set by the collector,
//!    or by an allocation at twice the goal that finds no cycle running nor awaiting its
//!    sweep, `start_by_assist`: Go's mallocgc starts cycles too; the collector then takes
//!    that cycle over) and a handshake follows (`barrier::grace`): from then on every root
//!    operation shades what it touches. Then the heap's chunks and large objects are taken
//!    (by the collector, or an allocation that gets there first, `mark::take`): objects
//!    made later are marked with this cycle's epoch as they are made, so not swept in this
//!    cycle (Go allocates black during marking). They are published for the mark work
//!    (`mark.rs`), which allocating goroutines share.
//! 2. **Roots**: every object of the taken blocks whose root count is not zero is shaded
//!    (in runs of blocks, by whichever worker claims them).
//! 3. **Mark**: grey objects are traced (their handles shade their pointees) until none is
//!    left, from each worker's own stack and from the heap's queue, which the barrier and
//!    workers' leftovers fill; cells are read only while no mutable borrow exists
//!    (`cell.rs`).
//! 4. **Termination** (`mark::try_finish`, by the collector or an assist): when no grey
//!    object is left and no worker holds a unit, another handshake lets every root
//!    operation in flight finish its shading; if all that stays so, marking is done (a
//!    reachable object not marked yet would need a path cut by an op that has finished,
//!    whose shade was traced, or by one begun after the handshake, which found the path
//!    marked already). The phase goes back to idle.
//! 5. **Sweep**, by the collector alone, once it sees the phase idle and a last handshake
//!    has let every root operation that read the phase as marking end (one late to shade
//!    would otherwise write `e` over the next cycle's mark, which then never marked the
//!    object again). A sweep ends before the next mark starts, since it tells dead from live
//!    by `mark == e`: objects of the taken blocks not marked with `e` are condemned, their
//!    values dropped, then their memory freed (`heap::free_all`); large ones that live go
//!    back on the heap's list.
//!
//! Goroutines are not stopped to mark (the handshakes wait only for root operations already
//! running, which never block). An allocation past the heap's goal during marking helps
//! mark when marking lags, and one at twice the goal helps until it is done (Go's assists,
//! `mark.rs`); the only pause is the time such an allocation then *waits* with no mark work
//! it can do: another worker holds the last unit (the collector thread may be descheduled
//! in one; "GC assist wait"). Nobody waits for a sweep: an allocation that finds the last
//! cycle still sweeping goes on (Go's allocations never wait for the sweep either).
//! MemStats' PauseNs records, per cycle, the longest such wait (0 when none did), the
//! counterpart of Go's stop-the-world time; the mark work an assist does is not a pause,
//! as Go's PauseNs does not count its assists either. A heap's cycles run one at a time,
//! driven by the `goro-gc` thread (one heap after another); pacing asks for them
//! (`request`), `runtime::gc()` waits for a whole cycle of every heap ("wait for GC
//! cycle"), and a heap goes no longer than two minutes without one (Go's forcegcperiod).

use super::barrier;
use super::heap::{EPOCHS, Epoch, HEAPS, Heap, PAUSES, STATS, lock};
use super::mark::{self, UNIT_BUDGET, Unit};
use crate::g::WaitReason;
use crate::notify::NotifyList;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A heap goes no longer than this without a cycle, in ms. Go: forcegcperiod (2 minutes).
static FORCE_PERIOD_MS: AtomicU64 = AtomicU64::new(120_000);

/// Sets the period after which the collector runs a cycle unasked (tests; Go's runtime
/// tests change `forcegcperiod` the same way).
#[doc(hidden)]
pub fn set_force_period(d: Duration) {
    FORCE_PERIOD_MS.store(d.as_millis().max(1) as u64, Ordering::Relaxed);
    start();
    let _w = lock(&WORK.0);
    WORK.1.notify_one();
}

/// Holds the collector from starting cycles and, once a cycle has started, from marking
/// (tests: the assists must then start and end the marking themselves).
static HOLD_MARKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// While `on`, the collector starts no cycle and does no mark work: once an allocation has
/// started a cycle it waits until an assist ends the marking (or `on` is cleared, or 30 s
/// pass), then sweeps as usual. For tests of assists.
#[doc(hidden)]
pub fn hold_marking(on: bool) {
    HOLD_MARKING.store(on, Ordering::SeqCst);
}

fn force_period() -> Duration {
    Duration::from_millis(FORCE_PERIOD_MS.load(Ordering::Relaxed))
}

/// What the collector thread is asked to do.
struct Work {
    /// Some heap's `wanted` is set.
    pending: bool,
    /// `runtime::gc()` calls so far; `done` is the last one a full pass answered.
    forced: u64,
}

static WORK: (Mutex<Work>, Condvar) = (
    Mutex::new(Work {
        pending: false,
        forced: 0,
    }),
    Condvar::new(),
);
/// The last `runtime::gc()` call answered by a full pass over every heap.
static FORCED_DONE: AtomicU64 = AtomicU64::new(0);
/// Woken after every pass.
#[cfg(not(goro_loom))]
static DONE: NotifyList = NotifyList::new();
#[cfg(goro_loom)]
loom::lazy_static! {
    static ref DONE: NotifyList = NotifyList::new();
}
/// Goroutines parked waiting for the collector (they keep the deadlock report away: the
/// collector will wake them).
pub(crate) static WAITERS: AtomicUsize = AtomicUsize::new(0);
static STARTED: OnceLock<()> = OnceLock::new();
/// When the process first used the collector (GCCPUFraction's denominator).
static EPOCH: OnceLock<Instant> = OnceLock::new();

std::thread_local! {
    /// This is the collector thread: it never waits for itself (a destructor it runs may
    /// allocate or call `runtime::gc()`).
    static IS_COLLECTOR: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

pub(crate) fn is_collector() -> bool {
    IS_COLLECTOR.with(|c| c.get())
}

/// Starts the collector thread once (with the first heap: its periodic cycles run even
/// if nothing asks for one).
pub(crate) fn start() {
    STARTED.get_or_init(|| {
        EPOCH.get_or_init(Instant::now);
        std::thread::Builder::new()
            .name("goro-gc".into())
            .spawn(collector)
            .expect("goro: cannot start the GC thread");
    });
}

/// Asks for a cycle of `heap` (pacing).
pub(crate) fn request(heap: &Heap) {
    if heap.wanted.swap(true, Ordering::AcqRel) {
        return;
    }
    start();
    let mut w = lock(&WORK.0);
    w.pending = true;
    WORK.1.notify_one();
}

/// A full cycle of every open heap, begun after this call; returns when all are swept.
/// Go: runtime.GC.
pub(crate) fn gc_all() {
    if is_collector() {
        return;
    }
    start();
    let me = {
        let mut w = lock(&WORK.0);
        w.forced += 1;
        WORK.1.notify_one();
        w.forced
    };
    wait(WaitReason::GcWaitForCycle, || {
        FORCED_DONE.load(Ordering::SeqCst) >= me
    });
}

/// Parks the caller (a goroutine, or blocks a plain thread) until `done()`, re-checked
/// after every pass of the collector and every `wake`; returns whether it parked.
///
/// `done()` must read its condition with `SeqCst`, and whoever makes it true must store
/// with `SeqCst` before `wake` (`DONE.notify_all`): the waiter takes its ticket and then
/// reads the condition, the waker writes the condition and then reads the tickets (to skip
/// the lock when nobody waits), Dekker's pattern. With a release store the waker's ticket
/// read could pass its store: each side saw the other's old value, and `runtime::gc()`
/// slept forever (found by a helper: 2 hangs in 60 runs with one P).
pub(crate) fn wait(reason: WaitReason, done: impl Fn() -> bool) -> bool {
    let mut parked = false;
    loop {
        let t = DONE.add();
        if done() {
            return parked;
        }
        parked = true;
        WAITERS.fetch_add(1, Ordering::SeqCst);
        let r = DONE.wait_for(t, reason);
        WAITERS.fetch_sub(1, Ordering::SeqCst);
        if let Err(k) = r {
            k.resume();
        }
    }
}

/// Wakes the callers of `wait` to re-check (a cycle's marking started or ended).
pub(crate) fn wake() {
    DONE.notify_all();
}

/// The collector thread's loop.
fn collector() {
    IS_COLLECTOR.with(|c| c.set(true));
    let mut last = Instant::now();
    loop {
        let (forced, periodic) = {
            let mut w = lock(&WORK.0);
            loop {
                if w.pending || w.forced > FORCED_DONE.load(Ordering::Relaxed) {
                    break;
                }
                let left = force_period().saturating_sub(last.elapsed());
                if left.is_zero() {
                    break;
                }
                w = WORK
                    .1
                    .wait_timeout(w, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            w.pending = false;
            let forced = (w.forced > FORCED_DONE.load(Ordering::Relaxed)).then_some(w.forced);
            (forced, last.elapsed() >= force_period())
        };
        let heaps: Vec<usize> = lock(&HEAPS).clone();
        let mut collected = false;
        for h in heaps {
            let all = forced.is_some() || periodic;
            with_heap(h, |heap| {
                if heap.wanted.swap(false, Ordering::AcqRel) || all {
                    collected = true;
                    // A cycle an allocation started may have begun before `runtime::gc()`
                    // asked: one more then.
                    if cycle(heap, forced.is_some()) && forced.is_some() {
                        cycle(heap, true);
                    }
                }
            });
        }
        if forced.is_some() && !collected {
            // `runtime::gc()` with no heap open (no `gc::scope`): an empty cycle, still
            // counted, as Go's `runtime.GC()` always completes one.
            let live = STATS.last_live.load(Ordering::Relaxed);
            account(Instant::now(), Duration::ZERO, live, true);
        }
        last = Instant::now();
        if let Some(g) = forced {
            // SeqCst, as `wait`'s check: see there.
            FORCED_DONE.store(g, Ordering::SeqCst);
        }
        DONE.notify_all();
    }
}

/// Runs `f` on the heap at `addr` if it is still open, holding its cycle lock (so its
/// scope cannot end meanwhile: `Heap::destroy` takes that lock).
fn with_heap(addr: usize, f: impl FnOnce(&Heap)) {
    let heaps = lock(&HEAPS);
    if !heaps.contains(&addr) {
        return;
    }
    // SAFETY: a registered heap is alive until `destroy` unregisters it (under `HEAPS`,
    // which we hold) and then takes its cycle lock, which we take before releasing
    // `HEAPS`: it stays alive until `_c` drops.
    let heap = unsafe { &*(addr as *const Heap) };
    let _c = lock(&heap.cycle);
    drop(heaps);
    f(heap);
}

/// One cycle of `heap` (see the header). The caller holds `heap.cycle`.
/// Returns whether it finished a cycle an allocation had started (`start_by_assist`)
/// rather than one of its own.
pub(crate) fn cycle(heap: &Heap, forced: bool) -> bool {
    let start = Instant::now();
    // 1. Mark starts, unless an allocation has started this cycle (its marking may be over
    // even, its sweep is ours). The phase first, then the work: while we hold the cycle
    // lock no allocation can start a cycle (`start_by_assist` tries that lock), so the phase
    // can only end marking and the work only appear (`take`; only we clear it). Read the
    // other way round, an assist's cycle could be taken and finished between the reads:
    // no work yet, then an idle phase, and a new cycle here replaced the unswept work, whose
    // objects were then never swept nor scanned again (and what only they reached was
    // freed by the next cycle; `loom_gc` models it).
    let p = heap.phase.load(Ordering::SeqCst);
    // Models: where the OS may deschedule the collector (loom's bounded preemption does
    // not reach that far into an assist on its own).
    #[cfg(goro_loom)]
    crate::loom::thread::yield_now();
    let unswept = heap.work.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let (p, adopted) = if p & 1 != 0 {
        (p, true)
    } else if let Some(w) = unswept {
        (u64::from(w.epoch) << 1 | 1, true)
    } else if HOLD_MARKING.load(Ordering::SeqCst) {
        heap.wanted.store(true, Ordering::Release);
        return false; // (tests: allocations start it)
    } else {
        (start_marking(heap), false)
    };
    let epoch = (p >> 1) as Epoch;
    // It takes the objects (unless an allocation did first), after the start handshake.
    // (The barrier's queue may hold shades for the last cycle, queued by ops that were
    // ending as it ended: workers skip them, since the start handshake waited for those
    // ops, so what they did is in this cycle's roots. Clearing the queue here instead
    // could lose shades of this cycle's ops.)
    let work = mark::take(heap, p).expect("marking ends only after the objects are taken");
    let held = Instant::now();
    while HOLD_MARKING.load(Ordering::SeqCst)
        && heap.phase.load(Ordering::SeqCst) == p
        && held.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    // 2–4. Roots and marking, shared with assists, until one of us ends it.
    let mut spins = 0u32;
    while heap.phase.load(Ordering::SeqCst) == p {
        if let Unit::Done(_) = mark::unit(heap, UNIT_BUDGET, false) {
            spins = 0;
            continue;
        }
        if mark::try_finish(heap, p) {
            break;
        }
        // An assist holds a unit (or shading is still arriving): briefly.
        spins += 1;
        barrier::backoff(spins);
    }
    // The pause: how long allocations were stopped waiting for this cycle (its start, its
    // marking's end, its sweep), as Go's PauseNs is how long its stop-the-world phases
    // stopped them all; the marking's part is set by whoever ended it, under the queue's
    // lock.
    drop(heap.grey());
    let mark_pause = heap.mark_pause.swap(0, Ordering::Relaxed);
    // An op may have read the phase as marking just before it ended, after the finisher's
    // last handshake, and not have shaded yet. Let it finish now: shading late, during the
    // next cycle, it would write this epoch over the next one's mark (the object moved
    // into a new black object meanwhile, say) and nothing would mark that object again, so
    // the next sweep freed it while reachable (`loom_a_late_shade_...`). After this no op
    // shades for this epoch: the next cycle starts after this sweep.
    barrier::grace();
    // 5. Sweep.
    let swept = work.objects.sweep(Some(epoch));
    drop(work);
    let (dead, dead_bytes) = (swept.dead, swept.dead_bytes);
    heap.put_back(swept.large);
    // The dead leave the heap's count (and the next goal is set) before their destructors
    // run and their memory goes: allocations pace themselves by the new figures at once.
    heap.bytes.fetch_sub(dead_bytes, Ordering::Relaxed);
    // The goal grows from what marking left live (Go: heapMarked), not from the heap now,
    // which also holds what was made since marking ended: counted, a collector thread
    // descheduled for a while raised every later goal (gc_alloc grew to 150 MB on a
    // loaded machine, where 30 MB do).
    let marked = heap.marked.load(Ordering::Relaxed);
    debug_assert!(marked >= dead_bytes, "marked {marked} < dead {dead_bytes}");
    let live_bytes = marked.saturating_sub(dead_bytes);
    heap.live.store(live_bytes, Ordering::Relaxed);
    let (freed, panicked) = heap.free_all(&dead);
    debug_assert_eq!(freed, dead_bytes);
    if let Some(p) = panicked {
        // A destructor of an unreachable object panicked on the collector's thread, where
        // nobody can catch it: fatal, as a panic in a Go finalizer.
        use std::io::Write;
        let msg = crate::panic::payload_text(&*p);
        let _ = writeln!(
            std::io::stderr().lock(),
            "fatal error: a destructor run by the garbage collector panicked: {msg}"
        );
        crate::panic::exit(2);
    }
    // With waits that ended as the marking did.
    let pause = Duration::from_nanos(mark_pause.max(mark::stalls(heap, true).0));
    // No cycle awaits its sweep now: an allocation may start the next.
    *heap.work.lock().unwrap_or_else(|e| e.into_inner()) = None;
    heap.cycles.fetch_add(1, Ordering::Release);
    account(start, pause, live_bytes, forced && !adopted);
    adopted
}

/// Starts a cycle's marking: the phase becomes "marking" with the next epoch, which it
/// returns. The caller holds `heap.cycle`, and no cycle of `heap` awaits its sweep.
fn start_marking(heap: &Heap) -> u64 {
    let p = u64::from(next_epoch(heap)) << 1 | 1;
    heap.phase.store(p, Ordering::SeqCst);
    p
}

/// An allocation at twice the goal found no cycle marking: it starts one itself (Go's
/// mallocgc calls gcStart), unless the collector is in a cycle of this heap (sweeping,
/// or about to start one) or one awaits its sweep; returns the marking phase then. The
/// collector, woken, takes the cycle over and sweeps it (`cycle`). The caller is not
/// inside a root operation.
pub(crate) fn start_by_assist(heap: &Heap) -> Option<u64> {
    let _c = match heap.cycle.try_lock() {
        Ok(c) => c,
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    if heap.phase.load(Ordering::SeqCst) & 1 != 0
        || heap
            .work
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    {
        return None;
    }
    let p = start_marking(heap);
    drop(_c);
    heap.wanted.store(true, Ordering::Release);
    let mut w = lock(&WORK.0);
    w.pending = true;
    WORK.1.notify_one();
    Some(p)
}

/// The next epoch of `heap`, round `0..EPOCHS`: its first cycle's is 1, as objects made
/// before it are marked 0.
fn next_epoch(heap: &Heap) -> Epoch {
    let e = (heap.phase.load(Ordering::Relaxed) >> 1) as Epoch;
    (e + 1) % EPOCHS
}

/// Records a finished cycle in MemStats.
fn account(start: Instant, pause: Duration, live: u64, forced: bool) {
    let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    // The ring and the totals first: a reader that sees `num_gc` move sees this cycle.
    let n = STATS.num_gc.load(Ordering::Relaxed);
    lock(&PAUSES)[(n % 256) as usize] = ns(pause);
    STATS.pause_total_ns.fetch_add(ns(pause), Ordering::Relaxed);
    STATS
        .busy_ns
        .fetch_add(ns(start.elapsed()), Ordering::Relaxed);
    STATS.last_live.store(live, Ordering::Relaxed);
    if forced {
        STATS.num_forced_gc.fetch_add(1, Ordering::Relaxed);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, ns);
    STATS.last_gc.store(now, Ordering::Relaxed);
    STATS.num_gc.store(n + 1, Ordering::Release);
}

/// The share of the machine's CPU time the collector has used since it started. Go:
/// GCCPUFraction.
pub(crate) fn cpu_fraction() -> f64 {
    let Some(t0) = EPOCH.get() else { return 0.0 };
    let wall = t0.elapsed().as_nanos() as f64;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    if wall == 0.0 {
        return 0.0;
    }
    STATS.busy_ns.load(Ordering::Relaxed) as f64 / (wall * cpus)
}

/// Whether the collector owes a parked goroutine a wake-up (deadlock detection).
pub(crate) fn has_waiters() -> bool {
    WAITERS.load(Ordering::SeqCst) != 0
}
