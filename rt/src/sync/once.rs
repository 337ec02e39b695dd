//! `Once`: Go's sync.Once. Go: sync/once.go.
//!
//! A `done` flag read with one atomic load on the fast path, and a mutex the first callers
//! serialise on: the one that wins runs `f`, the others park on the mutex until it has
//! finished, then see `done` and return. `done` is set even if `f` panics (Go's deferred
//! store), and before the mutex is unlocked.

use super::mutex::RawMutex;
use crate::loom::atomic::{AtomicU32, Ordering};
use core::fmt;

/// Runs a function exactly once: Go's `sync.Once`. Callers that arrive while the first is
/// running `f` park until it has finished, so all of them see its effects.
///
/// As Go (and unlike `std::sync::Once`), a panicking `f` still counts as done: later calls
/// do nothing, and nothing is poisoned. Calling `call_once` on the same `Once` from inside
/// `f` deadlocks, as in Go.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use goro::sync::Once;
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static INIT: Once = Once::new();
/// static CALLS: AtomicU32 = AtomicU32::new(0);
///
/// goro::run(|| {
///     let wg = Arc::new(WaitGroup::new());
///     for _ in 0..10 {
///         wg.go(|| INIT.call_once(|| { CALLS.fetch_add(1, Ordering::SeqCst); }));
///     }
///     wg.wait();
///     assert_eq!(CALLS.load(Ordering::SeqCst), 1);
/// });
/// ```
pub struct Once {
    done: AtomicU32,
    m: RawMutex,
}

impl Once {
    /// A `Once` that has not run; `const`, so it can be a `static`.
    ///
    /// # Examples
    /// ```
    /// static ONCE: goro::sync::Once = goro::sync::Once::new();
    /// assert!(!ONCE.is_done());
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new() -> Once {
        Once {
            done: AtomicU32::new(0),
            m: RawMutex::new(),
        }
    }

    /// A `Once` that has not run (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new() -> Once {
        Once {
            done: AtomicU32::new(0),
            m: RawMutex::new(),
        }
    }

    /// Calls `f` if and only if this is the first `call_once` on this `Once`; every caller
    /// returns only after that first `f` has finished. Go: `once.Do(f)`.
    ///
    /// # Panics
    /// If `f` panics, the panic goes on in its caller, and the `Once` counts as done.
    ///
    /// # Examples
    /// ```
    /// let once = goro::sync::Once::new();
    /// let mut n = 0;
    /// once.call_once(|| n += 1);
    /// once.call_once(|| n += 1);
    /// assert_eq!(n, 1);
    /// ```
    #[inline]
    pub fn call_once<F: FnOnce()>(&self, f: F) {
        // Not a CAS: a caller that returns must find `f` finished, so the losers wait on
        // the mutex rather than return early (Go's comment on Do says the same).
        if self.done.load(Ordering::Acquire) == 0 {
            self.call_slow(f);
        }
    }

    #[cold]
    fn call_slow<F: FnOnce()>(&self, f: F) {
        struct Unlock<'a>(&'a RawMutex);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.unlock();
            }
        }
        struct SetDone<'a>(&'a AtomicU32);
        impl Drop for SetDone<'_> {
            fn drop(&mut self) {
                self.0.store(1, Ordering::Release);
            }
        }
        self.m.lock();
        let _unlock = Unlock(&self.m);
        if self.done.load(Ordering::Relaxed) == 0 {
            // Dropped before `_unlock` (reverse order): done is set, then the mutex freed.
            let _done = SetDone(&self.done);
            f();
        }
    }

    /// Whether a `call_once` has finished (or panicked). Go has no such method; `sync.Once`
    /// keeps its `done` flag private.
    ///
    /// # Examples
    /// ```
    /// let once = goro::sync::Once::new();
    /// once.call_once(|| {});
    /// assert!(once.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire) != 0
    }
}

impl Default for Once {
    fn default() -> Once {
        Once::new()
    }
}

impl fmt::Debug for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Once")
            .field("done", &self.is_done())
            .finish_non_exhaustive()
    }
}
