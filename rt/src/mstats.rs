//! Memory statistics: `runtime::read_mem_stats`. Go: runtime.MemStats (mstats.go).
//!
//! goro's runtime memory is goroutine stacks, G structs and the scoped GC's heaps
//! (`gc::scope`), which the heap fields describe. Rust's own
//! allocations (`Box`, `Vec`) are not the runtime's and are not counted, as C allocations
//! are not in Go.

use crate::g::G_DEAD;
use std::sync::atomic::Ordering;

/// Memory statistics, with Go's field names in snake case. Go: runtime.MemStats.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let m = goro::runtime::read_mem_stats();
///     assert_eq!(m.num_goroutine, 1);
///     assert!(m.stack_inuse > 0 && m.sys >= m.stack_inuse);
/// });
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MemStats {
    /// Bytes of allocated heap objects (the GC's heap; 0 until it exists).
    pub alloc: u64,
    /// Cumulative bytes allocated for heap objects.
    pub total_alloc: u64,
    /// Bytes of memory the runtime holds from the OS: goroutine stack slots carved (with
    /// their guard pages), G structs, and the GC heaps' chunks and large objects. Unlike
    /// Go's Sys, it goes down when a `gc::scope` ends or a sweep frees a large object:
    /// those bytes go back to the system. Go: Sys.
    pub sys: u64,
    /// Bytes in in-use heap spans.
    pub heap_alloc: u64,
    /// Number of allocated heap objects.
    pub heap_objects: u64,
    /// Cumulative count of heap objects allocated.
    pub mallocs: u64,
    /// Cumulative count of heap objects freed.
    pub frees: u64,
    /// Completed GC cycles.
    pub num_gc: u64,
    /// GC cycles forced by `runtime::gc`.
    pub num_forced_gc: u64,
    /// Cumulative GC pause time in ns. Marking is concurrent and stops no goroutine; a
    /// cycle's pause is the longest an allocation waited for it ("GC assist wait": the heap
    /// outgrew twice its goal while the cycle ran, and no mark work was left for the
    /// allocation to do itself), 0 when none did. Mark work done by allocations (assists)
    /// is not counted, as in Go's PauseNs.
    pub pause_total_ns: u64,
    /// The last 256 cycles' pauses in ns, a ring: the latest is at `(num_gc + 255) % 256`,
    /// as Go's PauseNs.
    pub pause_ns: [u64; 256],
    /// When the last GC finished, in ns since the Unix epoch.
    pub last_gc: u64,
    /// Target heap size of the next GC cycle: what the last cycle left live, grown by
    /// GOGC percent (at least 4 MiB × GOGC/100); it follows `runtime::set_gc_percent` at
    /// once. `i64::MAX` while GOGC is off (Go reports about `math.MaxInt64`, its memory
    /// limit, then). Go: NextGC.
    pub next_gc: u64,
    /// Fraction of CPU time used by the GC since the program started.
    pub gc_cpu_fraction: f64,
    /// Goroutines of the calling runtime (as `runtime::num_goroutine`).
    pub num_goroutine: u64,
    /// Bytes of stack slots held by live goroutines of every runtime in the process (their
    /// usable size; pages a goroutine never touched are reserved, not resident). Go:
    /// StackInuse.
    pub stack_inuse: u64,
}

impl Default for MemStats {
    fn default() -> MemStats {
        MemStats {
            alloc: 0,
            total_alloc: 0,
            sys: 0,
            heap_alloc: 0,
            heap_objects: 0,
            mallocs: 0,
            frees: 0,
            num_gc: 0,
            num_forced_gc: 0,
            pause_total_ns: 0,
            pause_ns: [0; 256],
            last_gc: 0,
            next_gc: 0,
            gc_cpu_fraction: 0.0,
            num_goroutine: 0,
            stack_inuse: 0,
        }
    }
}

/// Reads the runtime's memory statistics. Go: runtime.ReadMemStats.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let gate = goro::Chan::<()>::new(0);
///     for _ in 0..10 {
///         let g = gate.clone();
///         goro::go!(move || { g.recv(); });
///     }
///     let m = goro::runtime::read_mem_stats();
///     assert_eq!(m.num_goroutine, 11);
///     assert!(m.stack_inuse >= 11 * 16 * 1024); // a stack each
///     gate.close();
/// });
/// ```
pub fn read_mem_stats() -> MemStats {
    let gs = crate::gfree::all_gs();
    let live = gs.iter().filter(|g| g.status() != G_DEAD).count() as u64;
    let slot = crate::stack::stack_size() as u64;
    let h = &crate::mgc::heap::STATS;
    // The frees first (acquire): every object they count was counted allocated before,
    // so the differences below never undercount what is live.
    let frees = h.frees.load(Ordering::Acquire);
    let freed_bytes = h.freed_bytes.load(Ordering::Acquire);
    let (mallocs, total_alloc) = crate::mgc::heap::mallocs();
    let heap_alloc = total_alloc - freed_bytes;
    MemStats {
        alloc: heap_alloc,
        heap_alloc,
        heap_objects: mallocs - frees,
        total_alloc,
        mallocs,
        frees,
        num_gc: h.num_gc.load(Ordering::Relaxed),
        num_forced_gc: h.num_forced_gc.load(Ordering::Relaxed),
        pause_total_ns: h.pause_total_ns.load(Ordering::Relaxed),
        last_gc: h.last_gc.load(Ordering::Relaxed),
        next_gc: crate::mgc::heap::goal(h.last_live.load(Ordering::Relaxed)).min(i64::MAX as u64),
        sys: (crate::stack::carved_bytes() + crate::stack::gtable_bytes()) as u64
            + crate::mgc::heap::SYS_BYTES.load(Ordering::Relaxed),
        num_goroutine: crate::runtime::num_goroutine() as u64,
        stack_inuse: live * slot,
        pause_ns: *crate::mgc::heap::lock(&crate::mgc::heap::PAUSES),
        gc_cpu_fraction: crate::mgc::collect::cpu_fraction(),
    }
}
