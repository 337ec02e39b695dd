//! Memory statistics: `runtime::read_mem_stats`. Go: runtime.MemStats (mstats.go).
//!
//! Today goro's runtime memory is goroutine stacks and G structs; the heap fields are for
//! the scoped GC (`gc::scope`, to come) and read zero until it exists. Rust's own
//! allocations (`Box`, `Vec`) are not the runtime's and are not counted, as C allocations
//! are not in Go.

use crate::g::{G, G_DEAD};

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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemStats {
    /// Bytes of allocated heap objects (the GC's heap; 0 until it exists).
    pub alloc: u64,
    /// Cumulative bytes allocated for heap objects.
    pub total_alloc: u64,
    /// Bytes of memory the runtime has taken from the OS for goroutines: stack slots
    /// carved (with their guard pages) and G structs. Go: Sys.
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
    /// Cumulative GC pause time in ns.
    pub pause_total_ns: u64,
    /// When the last GC finished, in ns since the Unix epoch.
    pub last_gc: u64,
    /// Target heap size of the next GC cycle.
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
    MemStats {
        sys: crate::stack::carved_bytes() as u64 + gs.len() as u64 * size_of::<G>() as u64,
        num_goroutine: crate::runtime::num_goroutine() as u64,
        stack_inuse: live * slot,
        ..MemStats::default()
    }
}
