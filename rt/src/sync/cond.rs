//! `Cond`: Go's sync.Cond, on the runtime's ticket list. Go: sync/cond.go,
//! runtime.notifyList (`notify.rs`).

use super::mutex::MutexGuard;
use crate::notify::NotifyList;
use core::fmt;

/// A condition variable: goroutines wait on it for an event, and [`signal`](Cond::signal)
/// or [`broadcast`](Cond::broadcast) wake them. Go's `sync.Cond`, whose `L` is the
/// [`Mutex`](super::Mutex) whose guard you pass to [`wait`](Cond::wait).
///
/// Waiters are woken in the order they began waiting (Go's tickets): `signal` wakes the
/// one that has waited longest. As in Go, a woken waiter must check its condition again in
/// a loop: another goroutine may have changed it before the waiter got the lock back.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use goro::sync::Cond;
/// use std::sync::Arc;
///
/// goro::run(|| {
///     let state = Arc::new((Mutex::new(false), Cond::new()));
///     let s2 = state.clone();
///     let waiter = goro::spawn(move || {
///         let (ready, cond) = &*s2;
///         let mut g = ready.lock();
///         while !*g {
///             g = cond.wait(g);
///         }
///     });
///     let (ready, cond) = &*state;
///     *ready.lock() = true;
///     cond.broadcast();
///     waiter.join().unwrap();
/// });
/// ```
pub struct Cond {
    notify: NotifyList,
}

impl Cond {
    /// A condition variable nobody waits on; `const`, so it can be a `static`.
    ///
    /// # Examples
    /// ```
    /// static COND: goro::sync::Cond = goro::sync::Cond::new();
    /// COND.signal(); // nobody waits: nothing happens
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new() -> Cond {
        Cond {
            notify: NotifyList::new(),
        }
    }

    /// A condition variable nobody waits on (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new() -> Cond {
        Cond {
            notify: NotifyList::new(),
        }
    }

    /// Unlocks `guard`'s mutex, parks until woken by `signal` or `broadcast`, locks the
    /// mutex again and returns the new guard. Go: `c.Wait()`.
    ///
    /// The caller is registered *before* the mutex is unlocked, so a `signal` sent after
    /// the unlock is never missed.
    ///
    /// # Examples
    /// ```
    /// use goro::sync::{Cond, Mutex};
    /// use std::sync::Arc;
    ///
    /// goro::run(|| {
    ///     let pair = Arc::new((Mutex::new(0), Cond::new()));
    ///     let p2 = pair.clone();
    ///     goro::spawn(move || {
    ///         *p2.0.lock() = 42;
    ///         p2.1.signal();
    ///     });
    ///     let mut g = pair.0.lock();
    ///     while *g == 0 {
    ///         g = pair.1.wait(g);
    ///     }
    ///     assert_eq!(*g, 42);
    /// });
    /// ```
    pub fn wait<'a, T: ?Sized>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        let t = self.notify.add();
        let mutex = guard.mutex();
        drop(guard);
        if let Err(k) = self.notify.wait(t) {
            // The runtime is ending: unwind without the lock (the guard is gone).
            k.resume();
        }
        mutex.lock()
    }

    /// Wakes the goroutine that has waited longest, if any. Go: `c.Signal()`. Holding the
    /// mutex is allowed but not required.
    ///
    /// # Examples
    /// ```
    /// let c = goro::sync::Cond::new();
    /// c.signal(); // no waiter: a no-op
    /// ```
    pub fn signal(&self) {
        self.notify.notify_one();
    }

    /// Wakes every waiting goroutine. Go: `c.Broadcast()`.
    ///
    /// # Examples
    /// ```
    /// let c = goro::sync::Cond::new();
    /// c.broadcast(); // no waiter: a no-op
    /// ```
    pub fn broadcast(&self) {
        self.notify.notify_all();
    }
}

// No user code runs under the ticket list's lock: a panic cannot leave it inconsistent.
impl std::panic::RefUnwindSafe for Cond {}
impl std::panic::UnwindSafe for Cond {}

impl Default for Cond {
    fn default() -> Cond {
        Cond::new()
    }
}

impl fmt::Debug for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cond").finish_non_exhaustive()
    }
}
