//! `Cond`: Go's sync.Cond, on the runtime's ticket list. Go: sync/cond.go,
//! runtime.notifyList (`notify.rs`).

use super::mutex::MutexGuard;
use super::rwmutex::{RWMutexReadGuard, RWMutexWriteGuard};
use crate::notify::NotifyList;
use core::fmt;

/// A guard [`Cond::wait`] can release and take again: Go's `sync.Locker` as a `Cond`'s
/// `L` uses it. [`MutexGuard`] (`sync.NewCond(&mu)`), [`RWMutexWriteGuard`]
/// (`sync.NewCond(&rw)`) and [`RWMutexReadGuard`] (`sync.NewCond(rw.RLocker())`). Sealed.
#[diagnostic::on_unimplemented(
    message = "`Cond::wait` takes the guard of the lock it waits with, not `{Self}`",
    label = "not a `MutexGuard`, `RWMutexWriteGuard` or `RWMutexReadGuard`",
    note = "Go's `c.L.Lock(); c.Wait()` is `let g = mu.lock(); let g = c.wait(g);`"
)]
pub trait CondGuard<'a>: Sized + sealed::Sealed {
    /// Releases the lock, runs `wait`, locks again the same way.
    #[doc(hidden)]
    fn relock(self, wait: impl FnOnce()) -> Self;
}

mod sealed {
    pub trait Sealed {}
}

/// `CondGuard` for a guard type whose lock `$lock` is taken again by `$relock`.
macro_rules! cond_guard {
    ($guard:ident, $lock:ident, $relock:ident) => {
        impl<T: ?Sized> sealed::Sealed for $guard<'_, T> {}
        impl<'a, T: ?Sized> CondGuard<'a> for $guard<'a, T> {
            fn relock(self, wait: impl FnOnce()) -> Self {
                let l = self.$lock();
                drop(self);
                wait();
                l.$relock()
            }
        }
    };
}
cond_guard!(MutexGuard, mutex, lock);
cond_guard!(RWMutexWriteGuard, rwmutex, write);
cond_guard!(RWMutexReadGuard, rwmutex, read);

/// A condition variable: goroutines wait on it for an event, and [`signal`](Cond::signal)
/// or [`broadcast`](Cond::broadcast) wake them. Go's `sync.Cond`, whose `L` is the lock
/// whose guard you pass to [`wait`](Cond::wait): a [`Mutex`](super::Mutex)'s, or an
/// [`RWMutex`](super::RWMutex)'s write or read guard (Go's `rw.RLocker()`).
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
    ///
    /// With an [`RWMutex`](super::RWMutex): its write guard as Go's `sync.NewCond(&rw)`,
    /// its read guard as `sync.NewCond(rw.RLocker())` (the read lock is released and taken
    /// again):
    /// ```
    /// use goro::sync::{Cond, RWMutex};
    /// use std::sync::Arc;
    ///
    /// goro::run(|| {
    ///     let pair = Arc::new((RWMutex::new(0), Cond::new()));
    ///     let p2 = pair.clone();
    ///     goro::spawn(move || {
    ///         *p2.0.write() = 7;
    ///         p2.1.broadcast();
    ///     });
    ///     let mut r = pair.0.read();
    ///     while *r == 0 {
    ///         r = pair.1.wait(r);
    ///     }
    ///     assert_eq!(*r, 7);
    /// });
    /// ```
    pub fn wait<'a, G: CondGuard<'a>>(&self, guard: G) -> G {
        let t = self.notify.add();
        guard.relock(|| {
            if let Err(k) = self.notify.wait(t) {
                // The runtime is ending: unwind without the lock (the guard is gone).
                k.resume();
            }
        })
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
