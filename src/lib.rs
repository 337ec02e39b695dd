//! goro: Go's concurrency runtime in Rust — stackful goroutines on Go's G-M-P scheduler.
//!
//! Port Go programs almost line by line: `go!` is Go's `go` statement, `#[goro::main]`
//! runs `main` as goroutine 1 of a runtime with `GOMAXPROCS` threads, and blocking
//! operations park the goroutine, not the thread.
//!
//! ```
//! use goro::prelude::*;
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! goro::run(|| {
//!     let hits = Arc::new(AtomicU32::new(0));
//!     let handles: Vec<_> = (0..8)
//!         .map(|_| {
//!             let hits = hits.clone();
//!             goro::spawn(move || hits.fetch_add(1, Ordering::SeqCst))
//!         })
//!         .collect();
//!     for h in handles {
//!         h.join().unwrap();
//!     }
//!     assert_eq!(hits.load(Ordering::SeqCst), 8);
//! });
//! ```
//!
//! A goroutine that has started stays on its OS thread until it ends, like a `std::thread`,
//! so `thread_local!`s and `!Send` values held across a blocking call behave as in a
//! thread. Wrap blocking std calls in [`runtime::syscall`] so they do not hold up the other
//! goroutines of that thread.
#![warn(missing_docs)]

pub use goro_chan::{Chan, Receiver, Sender, TryRecvError, TrySendError};
pub use goro_macros::{chan, defer, func, go, main, select, test};
pub use goro_rt::{JoinHandle, recover, run, share::Share, spawn};

// Not for use: named here, outside `__private`, only so that rustc calls it
// `goro::ShareOrCopy` in the error for a variable a `go!` block cannot capture.
#[doc(hidden)]
pub use goro_rt::share::ShareOrCopy;

/// Channel internals a port may need: iterators and `select`'s engine.
pub mod chan {
    pub use goro_chan::{CLOSE_OF_CLOSED, CLOSE_OF_NIL, Iter, SEND_ON_CLOSED, select};
}

/// Runtime queries and controls: Go's `runtime` package.
pub mod runtime {
    pub use goro_rt::runtime::*;
}

/// Go's `sync` package: `Mutex`, `RWMutex`, `Cond`, `WaitGroup`, `Once`, and the weighted
/// `Semaphore` of `golang.org/x/sync/semaphore`.
pub mod sync {
    pub use goro_rt::sync::*;
}

/// Timers, tickers and sleeping: Go's `time` package (the parts about waiting).
///
/// A sleeping goroutine holds no thread; timers are kept per P and fired by the scheduler;
/// [`after`](time::after) and [`Ticker`](time::Ticker) channels work in `select!`.
pub mod time {
    pub use goro_chan::time::*;
}

/// Panic payloads and helpers: `Goexit`, `payload_str`.
pub mod panic {
    pub use goro_rt::panic::{Goexit, payload_str};
}

/// Everything a Go port usually needs: `use goro::prelude::*;`.
pub mod prelude {
    pub use crate::sync::{Mutex, StaticGo as _, WaitGroup};
    pub use crate::{Chan, Receiver, Sender};
    pub use goro_macros::{chan, defer, go, select};
    pub use goro_rt::recover;
    pub use std::time::Duration;
}

#[doc(hidden)]
pub mod __private {
    pub use goro_chan::Chan;
    pub use goro_chan::select;
    pub use goro_rt::defer::{DeferCall, Deferred, func, recover_in};
    pub use goro_rt::entry::*;
    pub use goro_rt::share::*;
    pub use goro_rt::sysmon::set_preemption;
}
