//! Go's `runtime` package: queries and controls of the current runtime.
//!
//! Called outside any runtime (from a plain thread), these act on the process-wide runtime
//! that `go!` starts on first use.

use crate::proc::Sched;
use crate::tls::{curg, current_sched};

pub use crate::lockosthread::{lock_os_thread, unlock_os_thread};
pub use crate::mstats::{MemStats, read_mem_stats};
pub use crate::park::gosched;
pub use crate::syscall::syscall;
pub use crate::traceback::stack;

fn sched() -> &'static Sched {
    current_sched().unwrap_or_else(|| crate::entry::global())
}

/// The number of goroutines that currently exist (including the main one). Go:
/// runtime.NumGoroutine. From a plain thread outside any runtime: the process-wide
/// runtime's, 0 if nothing started it (this does not start it).
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// goro::run(|| {
///     assert_eq!(goro::runtime::num_goroutine(), 1); // main alone
///     let gate = chan![()];
///     let h = goro::spawn({
///         let gate = gate.clone();
///         move || gate.recv()
///     });
///     assert_eq!(goro::runtime::num_goroutine(), 2);
///     gate.close();
///     h.join().unwrap();
///     assert_eq!(goro::runtime::num_goroutine(), 1);
/// });
/// ```
pub fn num_goroutine() -> usize {
    // A plain thread outside any runtime counts the process-wide one's goroutines, without
    // starting it (read_mem_stats calls this too).
    match current_sched() {
        Some(s) => s.num_goroutines(),
        None => crate::entry::global_if_started().map_or(0, |s| s.num_goroutines()),
    }
}

/// Sets the number of Ps (threads running goroutines at once) and returns the previous
/// value; `n == 0` only reads it. Go: runtime.GOMAXPROCS. At most 256 (a runtime's Ps are
/// made when it starts): a larger `n`, or `GOMAXPROCS`, gives 256; Go allows more.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let before = goro::runtime::gomaxprocs(1);
///     assert_eq!(goro::runtime::gomaxprocs(0), 1);
///     goro::runtime::gomaxprocs(before);
/// });
/// ```
pub fn gomaxprocs(n: usize) -> usize {
    let s = sched();
    if n == 0 {
        s.gomaxprocs()
    } else {
        s.set_gomaxprocs(n)
    }
}

/// The number of CPUs this process may use. Go: runtime.NumCPU.
///
/// # Examples
/// ```
/// assert!(goro::runtime::num_cpu() >= 1);
/// ```
pub fn num_cpu() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Ends the calling goroutine after running its destructors; other goroutines are not
/// affected, and its [`JoinHandle::join`](crate::JoinHandle::join) returns `Err` with a
/// [`Goexit`](crate::panic::Goexit) payload. Go: runtime.Goexit.
///
/// Implemented as an unwind with a private payload, so it must not be caught by a
/// `catch_unwind` of your own that swallows it.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let h = goro::spawn(|| -> i32 { goro::runtime::goexit() });
///     assert!(h.join().unwrap_err().is::<goro::panic::Goexit>());
/// });
/// ```
pub fn goexit() -> ! {
    crate::defer::resume_goexit(Box::new(crate::panic::Goexit))
}

/// The calling goroutine's id (1 for the main goroutine of a runtime); 0 on a plain
/// thread. Go has no public goid; it prints it in panics and stack dumps.
///
/// # Examples
/// ```
/// goro::run(|| assert_eq!(goro::runtime::goid(), 1));
/// assert_eq!(goro::runtime::goid(), 0);
/// ```
pub fn goid() -> u64 {
    curg().map_or(0, |g| g.goid())
}

/// The runtime's version: `goro` and the crate version (Go: runtime.Version, `go1.19.8`).
///
/// # Examples
/// ```
/// assert!(goro::runtime::version().starts_with("goro"));
/// ```
pub fn version() -> &'static str {
    concat!("goro", env!("CARGO_PKG_VERSION"))
}

/// Runs a full collection of every open `gc::scope` heap now, blocking until it is done.
/// Go: runtime.GC.
///
/// # Examples
/// ```
/// use goro::gc;
/// gc::scope(|s| {
///     let keep = s.alloc(1u64);
///     drop(s.alloc(2u64)); // unreachable at once
///     let before = goro::runtime::read_mem_stats();
///     goro::runtime::gc();
///     let after = goro::runtime::read_mem_stats();
///     assert_eq!(after.num_gc, before.num_gc + 1);
///     assert!(after.frees > before.frees);
///     assert_eq!(*keep, 1);
/// });
/// ```
pub fn gc() {
    crate::mgc::collect::gc_all();
}

/// Sets the collector's target percentage (Go's `GOGC`: a collection starts when the heap
/// has grown by this percentage of what the last one left live); a negative value turns
/// pacing off. Returns the previous setting. Go: debug.SetGCPercent.
///
/// # Examples
/// ```
/// let old = goro::runtime::set_gc_percent(-1); // off
/// assert_eq!(goro::runtime::set_gc_percent(old), -1);
/// ```
pub fn set_gc_percent(percent: i32) -> i32 {
    crate::mgc::heap::set_gc_percent(percent)
}
