//! goro-rt: the runtime under goro — goroutines, the scheduler and the park/ready protocol.
//! (Temporary thread-backed stand-in; the real G-M-P runtime replaces it.)
#![warn(missing_docs)]

pub mod share;

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

/// Handle to a spawned goroutine's result.
pub struct JoinHandle<T>(std::thread::JoinHandle<T>);

impl<T> JoinHandle<T> {
    /// Waits for the goroutine; `Err` holds the panic payload.
    pub fn join(self) -> Result<T, Box<dyn Any + Send + 'static>> {
        self.0.join()
    }
}

/// Starts a goroutine.
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    JoinHandle(std::thread::spawn(f))
}

/// Runs `f` as the main goroutine of a new runtime.
pub fn run<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    f()
}

/// Entry points the macros expand to.
#[doc(hidden)]
pub mod entry {
    /// `go!`: spawn and forget.
    pub fn go<F: FnOnce() + Send + 'static>(f: F) {
        drop(super::spawn(f));
    }
    /// `#[goro::main]`.
    pub fn run_main<F: FnOnce() -> R + Send, R: Send>(f: F) -> R {
        super::run(f)
    }
    /// `#[goro::test]`.
    pub fn run_test<F: FnOnce() -> R + Send, R: Send>(f: F) -> R {
        super::run(f)
    }
}

/// Runtime queries and controls.
pub mod runtime {
    use super::*;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local!(static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed));
    /// Current goroutine id.
    pub fn goid() -> u64 { ID.with(|i| *i) }
    /// Yields.
    pub fn gosched() { std::thread::yield_now() }
    /// Number of goroutines.
    pub fn num_goroutine() -> usize { 1 }
    /// Number of CPUs.
    pub fn num_cpu() -> usize { std::thread::available_parallelism().map_or(1, |n| n.get()) }
    /// GOMAXPROCS.
    pub fn gomaxprocs(_n: usize) -> usize { num_cpu() }
    /// Ends the calling goroutine.
    pub fn goexit() -> ! { panic!("goexit") }
}
