//! `WaitGroup`: Go's sync.WaitGroup. Go: sync/waitgroup.go (Go 1.25, with `Go`).
//!
//! State (Go's): one `AtomicU64`, the counter in the high 32 bits, the number of waiters in
//! the low 32; `sema` is where waiters park. When an `add` brings the counter to zero with
//! waiters, it resets the whole state to 0 *before* releasing one unit per waiter, so a
//! woken waiter that finds the state non-zero knows the group was reused too early.
//!
//! A waiter whose runtime ends while it is parked leaves (`sema.rs`): it uncounts itself
//! if the group has not reached zero, else it takes the unit released for it, so no unit is
//! left over for the group's next round.

use crate::g::WaitReason;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::{AtomicU32, AtomicU64, Ordering};
use crate::sema::{cansemacquire, semacquire_cancellable, semrelease};
use core::fmt;

/// Go's panic text for a counter taken below zero.
pub const NEGATIVE_COUNTER: &str = "sync: negative WaitGroup counter";
/// Go's panic text for a waiter that finds the next round already started.
pub const REUSED_BEFORE_WAIT_RETURNED: &str =
    "sync: WaitGroup is reused before previous Wait has returned";
/// Go's panic text for an `add` from zero racing with waiters.
pub const ADD_CONCURRENT_WITH_WAIT: &str =
    "sync: WaitGroup misuse: Add called concurrently with Wait";

/// Waits for a collection of goroutines to finish: Go's `sync.WaitGroup`. The main
/// goroutine [`add`](WaitGroup::add)s the number to wait for, each calls
/// [`done`](WaitGroup::done) when it finishes, and [`wait`](WaitGroup::wait) parks until
/// the count is zero. [`go`](WaitGroup::go) does all three for one function (Go 1.25's
/// `wg.Go`). Any number of goroutines (or threads) may wait; the group can be reused once
/// every `wait` has returned.
///
/// Shared through an `Arc` (Go passes `&wg`) or a `static`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// goro::run(|| {
///     let wg = Arc::new(WaitGroup::new());
///     let sum = Arc::new(AtomicU32::new(0));
///     for i in 1..=4 {
///         wg.add(1);
///         let (wg, sum) = (wg.clone(), sum.clone());
///         go!(move || {
///             sum.fetch_add(i, Ordering::SeqCst);
///             wg.done();
///         });
///     }
///     wg.wait();
///     assert_eq!(sum.load(Ordering::SeqCst), 10);
/// });
/// ```
pub struct WaitGroup {
    state: AtomicU64,
    sema: AtomicU32,
}

impl WaitGroup {
    /// A group with a count of zero; `const`, so it can be a `static`.
    ///
    /// # Examples
    /// ```
    /// static WG: goro::sync::WaitGroup = goro::sync::WaitGroup::new();
    /// WG.wait(); // zero: returns at once
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new() -> WaitGroup {
        WaitGroup {
            state: AtomicU64::new(0),
            sema: AtomicU32::new(0),
        }
    }

    /// A group with a count of zero (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new() -> WaitGroup {
        WaitGroup {
            state: AtomicU64::new(0),
            sema: AtomicU32::new(0),
        }
    }

    /// Adds `delta` (which may be negative) to the counter; at zero, every `wait` returns.
    /// Go: `wg.Add(delta)`.
    ///
    /// As Go's rules: calls with a positive delta that start from zero must happen before
    /// `wait`; typically, `add` before spawning the goroutine.
    ///
    /// # Panics
    /// `sync: negative WaitGroup counter` if the counter goes below zero;
    /// `sync: WaitGroup misuse: Add called concurrently with Wait` if a positive `add` from
    /// zero races with waiters.
    ///
    /// # Examples
    /// ```
    /// let wg = goro::sync::WaitGroup::new();
    /// wg.add(2);
    /// wg.add(-2);
    /// wg.wait();
    /// ```
    pub fn add(&self, delta: isize) {
        let delta32 = delta as i32;
        let state = self
            .state
            .fetch_add((delta as i64 as u64) << 32, Ordering::AcqRel)
            .wrapping_add((delta as i64 as u64) << 32);
        let v = (state >> 32) as i32;
        let w = state as u32;
        if v < 0 {
            panic!("{NEGATIVE_COUNTER}");
        }
        if w != 0 && delta > 0 && v == delta32 {
            panic!("{ADD_CONCURRENT_WITH_WAIT}");
        }
        if v > 0 || w == 0 {
            return;
        }
        // The counter is zero and there are waiters. Nobody may change the state now: `add`
        // from zero must not race with `wait`, and waiters only come while it is non-zero.
        if self.state.load(Ordering::Acquire) != state {
            panic!("{ADD_CONCURRENT_WITH_WAIT}");
        }
        // Reset the waiter count to 0, then release them all.
        self.state.store(0, Ordering::Release);
        for _ in 0..w {
            semrelease(&self.sema, false);
        }
    }

    /// Decrements the counter by one. Go: `wg.Done()`.
    ///
    /// # Panics
    /// `sync: negative WaitGroup counter` if the counter was zero.
    ///
    /// # Examples
    /// ```
    /// let wg = goro::sync::WaitGroup::new();
    /// wg.add(1);
    /// wg.done();
    /// wg.wait();
    /// ```
    pub fn done(&self) {
        self.add(-1);
    }

    /// Parks until the counter is zero. Go: `wg.Wait()`.
    ///
    /// # Panics
    /// `sync: WaitGroup is reused before previous Wait has returned` if, by the time this
    /// waiter runs again, the group was already counting up for its next round.
    ///
    /// # Examples
    /// ```
    /// use goro::sync::WaitGroup;
    /// use std::sync::Arc;
    ///
    /// goro::run(|| {
    ///     let wg = Arc::new(WaitGroup::new());
    ///     wg.add(1);
    ///     let w2 = wg.clone();
    ///     goro::spawn(move || w2.done());
    ///     wg.wait();
    /// });
    /// ```
    pub fn wait(&self) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if (state >> 32) as i32 == 0 {
                return;
            }
            // Count ourselves as a waiter.
            match self.state.compare_exchange_weak(
                state,
                state + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if let Err(k) = semacquire_cancellable(&self.sema, WaitReason::SyncWaitGroupWait) {
            if !k.acquired {
                self.leave();
            }
            k.resume();
        }
        if self.state.load(Ordering::Acquire) != 0 {
            panic!("{REUSED_BEFORE_WAIT_RETURNED}");
        }
    }

    /// A counted waiter that left the queue without its unit (its runtime is ending):
    /// uncount it, or, if the count already reached zero (whose `add` counted us and is
    /// releasing one unit per waiter), take the unit meant for us.
    #[cold]
    fn leave(&self) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if (state >> 32) as i32 == 0 || state as u32 == 0 {
                break; // reset: a unit is ours
            }
            match self.state.compare_exchange_weak(
                state,
                state - 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(now) => state = now,
            }
        }
        // The resetting `add` releases its units without blocking: ours comes at once.
        while !cansemacquire(&self.sema) {
            crate::park::gosched();
        }
    }

    /// Runs `f` in a new goroutine counted by this group: `add(1)`, spawn, and `done` when
    /// `f` returns or panics. Go 1.25: `wg.Go(f)`.
    ///
    /// A panic in `f` is an unrecovered goroutine panic, as in Go (the group is still
    /// counted down first).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use std::sync::Arc;
    ///
    /// goro::run(|| {
    ///     let wg = Arc::new(WaitGroup::new());
    ///     let results = Arc::new(Mutex::new(Vec::new()));
    ///     for i in 0..3 {
    ///         let results = results.clone();
    ///         wg.go(move || results.lock().push(i * i));
    ///     }
    ///     wg.wait();
    ///     let mut r = results.lock().clone();
    ///     r.sort();
    ///     assert_eq!(r, [0, 1, 4]);
    /// });
    /// ```
    #[track_caller]
    pub fn go<F: FnOnce() + Send + 'static>(self: &Arc<Self>, f: F) {
        struct Done(Arc<WaitGroup>);
        impl Drop for Done {
            fn drop(&mut self) {
                self.0.done();
            }
        }
        self.add(1);
        let done = Done(self.clone());
        crate::entry::go(move || {
            let _done = done;
            f();
        });
    }
}

/// `wg.go(f)` on a `static` WaitGroup (Go's package-level `var wg sync.WaitGroup`), where
/// the inherent [`WaitGroup::go`] needs an `Arc`. In the prelude.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static WG: WaitGroup = WaitGroup::new();
/// static SUM: AtomicU32 = AtomicU32::new(0);
///
/// goro::run(|| {
///     for i in 1..=4 {
///         WG.go(move || {
///             SUM.fetch_add(i, Ordering::SeqCst);
///         });
///     }
///     WG.wait();
///     assert_eq!(SUM.load(Ordering::SeqCst), 10);
/// });
/// ```
pub trait StaticGo {
    /// As [`WaitGroup::go`]: `add(1)`, then `f` in a new goroutine that calls `done()` when
    /// `f` returns.
    ///
    /// # Examples
    /// ```
    /// use goro::sync::{StaticGo, WaitGroup};
    /// use std::sync::atomic::{AtomicBool, Ordering};
    ///
    /// static WG: WaitGroup = WaitGroup::new(); // Go: var wg sync.WaitGroup
    /// static RAN: AtomicBool = AtomicBool::new(false);
    ///
    /// goro::run(|| {
    ///     WG.go(|| RAN.store(true, Ordering::SeqCst));
    ///     WG.wait();
    ///     assert!(RAN.load(Ordering::SeqCst));
    /// });
    /// ```
    fn go<F: FnOnce() + Send + 'static>(self, f: F);
}

impl StaticGo for &'static WaitGroup {
    #[track_caller]
    fn go<F: FnOnce() + Send + 'static>(self, f: F) {
        struct Done(&'static WaitGroup);
        impl Drop for Done {
            fn drop(&mut self) {
                self.0.done();
            }
        }
        self.add(1);
        let done = Done(self);
        crate::entry::go(move || {
            let _done = done;
            f();
        });
    }
}

impl Default for WaitGroup {
    fn default() -> WaitGroup {
        WaitGroup::new()
    }
}

impl fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.load(Ordering::Relaxed);
        f.debug_struct("WaitGroup")
            .field("counter", &((s >> 32) as i32))
            .field("waiters", &(s as u32))
            .finish()
    }
}
