//! `Mutex<T>`: Go's sync.Mutex, with the data it guards. Go: sync/mutex.go.
//!
//! State word (Go's, bit for bit): bit 0 `LOCKED`, bit 1 `WOKEN` (a waiter is awake and
//! competing, so `unlock` need not wake another), bit 2 `STARVING`, bits 3.. the number of
//! waiters (queued on `sema`, or on their way there).
//!
//! Two modes, as Go:
//! - **normal**: waiters queue FIFO, but a woken waiter does not own the mutex: it competes
//!   with goroutines arriving now, which usually win (they are running already). A waiter
//!   that loses goes back to the *head* of the queue.
//! - **starvation**: entered by a waiter that has waited more than 1 ms. `unlock` hands the
//!   mutex straight to the first waiter (`semrelease` with handoff); arrivals neither take
//!   it nor spin, they queue at the tail. Left when the waiter that got it is the last one,
//!   or waited less than 1 ms.
//!
//! A goroutine that finds the mutex locked spins a little first (`proc::can_spin`: other Ps
//! running, nothing else to run here), since the holder may be about to unlock. A woken
//! goroutine that loses the race again backs off on a timer, keeping `WOKEN`, for up to
//! 1 ms (goro's own: `BACKOFF_MIN_US` says why).
//!
//! Invariants (whenever no `state` CAS is in flight): `STARVING` implies the mutex is
//! locked or being handed to a waiter that is counted in the waiter bits; `WOKEN` is set by
//! at most one goroutine (the one that will clear it). Every unit released to `sema` is
//! taken by a waiter counted in the state word when it was released.
//!
//! A waiter whose runtime ends while it is parked finishes acquiring the mutex (the unit it
//! waits for is owed to it), unlocks it and then unwinds (`sema.rs`): the mutex stays
//! consistent for everyone else.

use crate::g::WaitReason;
use crate::loom::atomic::{AtomicU32, Ordering};
use crate::sema::{Killed, semacquire, semrelease};
use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

const LOCKED: u32 = 1;
const WOKEN: u32 = 2;
const STARVING: u32 = 4;
const WAITER_SHIFT: u32 = 3;
const ONE_WAITER: u32 = 1 << WAITER_SHIFT;

/// How long a waiter waits before it switches the mutex to starvation mode. Go:
/// starvationThresholdNs.
const STARVATION_THRESHOLD_NS: u64 = 1_000_000;

/// Go's fatal text for unlocking an unlocked mutex.
pub const UNLOCK_OF_UNLOCKED: &str = "sync: unlock of unlocked mutex";

/// The lock of a [`Mutex`], without data: what `RWMutex` and `Once` embed. Go: sync.Mutex.
pub(crate) struct RawMutex {
    state: AtomicU32,
    sema: AtomicU32,
}

impl RawMutex {
    #[cfg(not(goro_loom))]
    pub(crate) const fn new() -> RawMutex {
        RawMutex {
            state: AtomicU32::new(0),
            sema: AtomicU32::new(0),
        }
    }

    #[cfg(goro_loom)]
    pub(crate) fn new() -> RawMutex {
        RawMutex {
            state: AtomicU32::new(0),
            sema: AtomicU32::new(0),
        }
    }

    /// Go: Mutex.Lock. A scheduling point (`park::preempt_point`), as every call is in Go.
    #[inline]
    pub(crate) fn lock(&self) {
        #[cfg(not(goro_loom))]
        crate::park::preempt_point();
        if self
            .state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.lock_slow();
        }
    }

    /// Go: Mutex.TryLock.
    #[inline]
    pub(crate) fn try_lock(&self) -> bool {
        let old = self.state.load(Ordering::Relaxed);
        if old & (LOCKED | STARVING) != 0 {
            return false;
        }
        // A waiter may be queued, but we are running now: take it before it wakes.
        self.state
            .compare_exchange(old, old | LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    #[cold]
    fn lock_slow(&self) {
        let mut wait_start: u64 = 0;
        let mut starving = false;
        let mut awoke = false;
        let mut iter = 0;
        let mut killed: Option<Killed> = None;
        let mut backoff_us = BACKOFF_MIN_US;
        let mut backoffs = 0u32;
        let mut old = self.state.load(Ordering::Relaxed);
        loop {
            // No spinning in starvation mode: the mutex goes to a waiter, never to us.
            if old & (LOCKED | STARVING) == LOCKED && crate::proc::can_spin(iter) {
                // Tell `unlock` not to wake anyone: we are awake and will take it.
                if !awoke
                    && old & WOKEN == 0
                    && old >> WAITER_SHIFT != 0
                    && self
                        .state
                        .compare_exchange(old, old | WOKEN, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    awoke = true;
                }
                crate::proc::do_spin();
                iter += 1;
                old = self.state.load(Ordering::Relaxed);
                continue;
            }
            // Woken, and beaten to it again: a timed back-off (see `BACKOFF_MIN_US`).
            if awoke
                && wait_start != 0
                && old & (LOCKED | STARVING) == LOCKED
                && may_back_off(wait_start, backoffs)
            {
                self.back_off(backoff_us);
                backoffs += 1;
                backoff_us = (backoff_us * 2).min(BACKOFF_MAX_US);
                old = self.state.load(Ordering::Relaxed);
                continue;
            }
            let mut new = old;
            // A starving mutex is not ours to take: arrivals queue.
            if old & STARVING == 0 {
                new |= LOCKED;
            }
            if old & (LOCKED | STARVING) != 0 {
                new = new.wrapping_add(ONE_WAITER);
            }
            // Switch to starvation mode, but only while the mutex is locked: `unlock`
            // expects a starving mutex to have waiters.
            if starving && old & LOCKED != 0 {
                new |= STARVING;
            }
            if awoke {
                // We were woken (or claimed WOKEN while spinning): clear it in any case.
                if new & WOKEN == 0 {
                    crate::panic::throw("sync: inconsistent mutex state");
                }
                new &= !WOKEN;
            }
            match self
                .state
                .compare_exchange(old, new, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => {}
                Err(now) => {
                    old = now;
                    continue;
                }
            }
            if old & (LOCKED | STARVING) == 0 {
                break; // locked it with the CAS
            }
            // Waited before: back to the head of the queue.
            let lifo = wait_start != 0;
            if wait_start == 0 {
                wait_start = crate::runq::nanotime().max(1);
            }
            if let Err(k) = semacquire(&self.sema, lifo, WaitReason::SyncMutexLock) {
                killed.get_or_insert(k);
            }
            starving = starving || waited_too_long(wait_start);
            old = self.state.load(Ordering::Relaxed);
            if old & STARVING != 0 {
                // Handed to us in starvation mode. LOCKED is not set and we still count as
                // a waiter: fix both.
                if old & (LOCKED | WOKEN) != 0 || old >> WAITER_SHIFT == 0 {
                    crate::panic::throw("sync: inconsistent mutex state");
                }
                let mut delta = LOCKED.wrapping_sub(ONE_WAITER);
                if !starving || old >> WAITER_SHIFT == 1 {
                    // Leave starvation mode, here and now: two goroutines would otherwise
                    // hand the mutex back and forth in lock-step forever.
                    delta = delta.wrapping_sub(STARVING);
                }
                self.state.fetch_add(delta, Ordering::Acquire);
                break;
            }
            awoke = true;
            iter = 0;
        }
        if let Some(k) = killed {
            // Our runtime is ending: we hold the mutex only to give it back.
            self.unlock();
            k.resume();
        }
    }

    /// A woken waiter's timed park, holding `WOKEN` (so no unlock wakes another waiter
    /// meanwhile). If the runtime ends during it, `WOKEN` is given up (and the wake-up it
    /// stood for passed on) before the unwind goes on: plain threads may still use the mutex.
    #[cold]
    #[cfg(not(goro_loom))]
    fn back_off(&self, us: u64) {
        let d = std::time::Duration::from_micros(us);
        #[cfg(test)]
        tests::BACKING_OFF.fetch_add(1, Ordering::SeqCst);
        let parked = std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
            crate::time::park_for(d, WaitReason::SyncMutexLock)
        }));
        #[cfg(test)]
        tests::BACKING_OFF.fetch_sub(1, Ordering::SeqCst);
        if let Err(payload) = parked {
            let old = self.state.fetch_and(!WOKEN, Ordering::AcqRel);
            self.wake_one(old & !WOKEN);
            std::panic::resume_unwind(payload);
        }
    }

    /// The back-off in a loom model, which has no clock: a yield, still holding `WOKEN`.
    #[cold]
    #[cfg(goro_loom)]
    fn back_off(&self, _us: u64) {
        crate::loom::thread::yield_now();
    }

    /// Go: Mutex.Unlock.
    ///
    /// # Panics
    /// A fatal error (`fatal error: sync: unlock of unlocked mutex`, exit status 2) if the
    /// mutex is not locked.
    #[inline]
    pub(crate) fn unlock(&self) {
        let new = self
            .state
            .fetch_sub(LOCKED, Ordering::Release)
            .wrapping_sub(LOCKED);
        if new != 0 {
            self.unlock_slow(new);
        }
    }

    #[cold]
    fn unlock_slow(&self, new: u32) {
        if new.wrapping_add(LOCKED) & LOCKED == 0 {
            crate::panic::fatal(UNLOCK_OF_UNLOCKED);
        }
        if new & STARVING != 0 {
            // Hand the mutex to the first waiter and let it run at once. LOCKED stays clear
            // until it sets it; STARVING keeps arrivals off meanwhile.
            semrelease(&self.sema, true);
            return;
        }
        self.wake_one(new);
    }

    /// After the state became `old` with `LOCKED` (or `WOKEN`) cleared: wakes one waiter
    /// if there is one and nobody else will. Go: the rest of Mutex.unlockSlow.
    fn wake_one(&self, old: u32) {
        let mut old = old;
        loop {
            // Nobody to wake, or someone is awake already, or the mutex was taken (or
            // handed over in starvation mode, which we did not see: not our business).
            if old >> WAITER_SHIFT == 0 || old & (LOCKED | WOKEN | STARVING) != 0 {
                return;
            }
            // The right to wake one.
            let new = old.wrapping_sub(ONE_WAITER) | WOKEN;
            match self
                .state
                .compare_exchange(old, new, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => {
                    semrelease(&self.sema, false);
                    return;
                }
                Err(now) => old = now,
            }
        }
    }
}

/// A waiter that was woken and found the mutex taken again (the holder runs on another
/// thread and relocked it, or an arrival took it) parks on a timer for this long, then
/// twice as long each time, up to `BACKOFF_MAX_US`, keeping `WOKEN`; once it has waited
/// `STARVATION_THRESHOLD_NS` in all it queues again as in Go, and starvation mode follows.
///
/// goro's own. In Go the woken waiter is readied on the unlocker's P and, while the
/// unlocker runs, waits in its `runnext` holding `WOKEN`, so no further unlock wakes anyone
/// and the holder runs on alone. Here the waiter runs at once on its own thread (thread
/// affinity): it lost again, queued again (clearing `WOKEN`), the next unlock woke it (or
/// another) again, and two threads with a worker each fought over the state word at every
/// lock and unlock: `mutex_contended_p2` took 20-30 ns per lock/unlock when its four
/// workers started two on each thread, against 10-14 ns on one (Go: 12-16 ns). With the
/// back-off: 9-12 ns either way.
const BACKOFF_MIN_US: u64 = 10;
/// The longest back-off park (see `BACKOFF_MIN_US`).
const BACKOFF_MAX_US: u64 = 200;

/// Whether a woken waiter that lost the race may back off once more (`BACKOFF_MIN_US`):
/// a goroutine, for its first `STARVATION_THRESHOLD_NS` of waiting. Under loom, a model's
/// waiter (a plain thread there) backs off once per wait-and-wake, so the models cover the
/// path (a mutex whose woken waiter holds `WOKEN` while others lock, unlock and queue).
fn may_back_off(wait_start: u64, backoffs: u32) -> bool {
    if cfg!(goro_loom) {
        backoffs == 0
    } else {
        !waited_too_long(wait_start) && crate::tls::curg().is_some()
    }
}

/// Whether a waiter that started waiting at `start` has waited long enough to make the
/// mutex starve. Under loom, always: a model cannot branch on the clock, and this way it
/// reaches starvation mode on every second wake-up.
fn waited_too_long(start: u64) -> bool {
    #[cfg(all(test, not(goro_loom)))]
    let threshold = tests::STARVATION_THRESHOLD.load(Ordering::Relaxed);
    #[cfg(not(all(test, not(goro_loom))))]
    let threshold = STARVATION_THRESHOLD_NS;
    cfg!(goro_loom) || crate::runq::nanotime().saturating_sub(start) > threshold
}

/// A mutual-exclusion lock that owns the data it guards: Go's `sync.Mutex`, with Rust's
/// guard. `lock` parks the goroutine (never its thread) while another holds the lock, and
/// works the same from plain OS threads, so goroutines and `std::thread`s can share one.
///
/// Go's algorithm: a fast-path CAS; brief spinning while another processor runs the holder;
/// a FIFO of waiters where a woken waiter competes with running arrivals (fast); and
/// starvation mode once a waiter has waited more than 1 ms, in which the lock is handed to
/// the oldest waiter directly (fair). A woken goroutine that loses the race backs off on a
/// timer (10–200 µs, for at most 1 ms) before it tries again, rather than queue again and
/// be woken by the very next unlock: Go's woken waiter waits on the unlocker's processor
/// while the unlocker runs, which a goroutine bound to its own thread cannot. There is no poisoning: a panic while holding the
/// lock unlocks it, as Go's `defer mu.Unlock()` does.
///
/// `Mutex<()>` also has Go's explicit [`unlock`](Mutex::unlock), for ports that lock in one
/// place and unlock in another.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::sync::Arc;
///
/// goro::run(|| {
///     let counter = Arc::new(Mutex::new(0));
///     let wg = Arc::new(WaitGroup::new());
///     for _ in 0..10 {
///         let counter = counter.clone();
///         wg.go(move || *counter.lock() += 1);
///     }
///     wg.wait();
///     assert_eq!(*counter.lock(), 10);
/// });
/// ```
pub struct Mutex<T: ?Sized = ()> {
    raw: RawMutex,
    data: UnsafeCell<T>,
}

// SAFETY: the Mutex owns its T; moving it to another thread moves the T.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: `&Mutex` gives access to T only through a guard, one holder at a time (the lock
// provides acquire/release ordering), so T need only be Send, as std's Mutex.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// Proof that a [`Mutex`] is locked; unlocks it when dropped. Derefs to the data.
///
/// Like std's guard it is `!Send`: it stays with the goroutine (or thread) that locked.
///
/// # Examples
/// ```
/// let m = goro::sync::Mutex::new(vec![1]);
/// let mut g = m.lock();
/// g.push(2);
/// drop(g); // unlocks
/// assert_eq!(*m.lock(), [1, 2]);
/// ```
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized + 'a> {
    mutex: &'a Mutex<T>,
    _not_send: PhantomData<*const ()>,
}

// SAFETY: `&MutexGuard` only gives `&T`, so it may be shared when T is Sync.
unsafe impl<T: ?Sized + Sync> Sync for MutexGuard<'_, T> {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`; `const`, so it can be a `static`, like a Go
    /// package-level `var mu sync.Mutex`.
    ///
    /// # Examples
    /// ```
    /// static HITS: goro::sync::Mutex<u32> = goro::sync::Mutex::new(0);
    /// *HITS.lock() += 1;
    /// assert_eq!(*HITS.lock(), 1);
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new(value: T) -> Mutex<T> {
        Mutex {
            raw: RawMutex::new(),
            data: UnsafeCell::new(value),
        }
    }

    /// An unlocked mutex holding `value` (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            raw: RawMutex::new(),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the mutex and returns its data.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::Mutex::new(String::from("go"));
    /// assert_eq!(m.into_inner(), "go");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex, parking the caller while another holds it, and returns a guard that
    /// unlocks it when dropped. Go: `mu.Lock()` … `defer mu.Unlock()`.
    ///
    /// Not reentrant: locking a mutex the caller already holds parks it forever (Go: the
    /// same; with every goroutine asleep, a deadlock).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use std::sync::Arc;
    ///
    /// goro::run(|| {
    ///     let log = Arc::new(Mutex::new(Vec::new()));
    ///     let l2 = log.clone();
    ///     goro::spawn(move || l2.lock().push("goroutine")).join().unwrap();
    ///     log.lock().push("main");
    ///     assert_eq!(*log.lock(), ["goroutine", "main"]);
    /// });
    /// ```
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.raw.lock();
        MutexGuard {
            mutex: self,
            _not_send: PhantomData,
        }
    }

    /// Locks the mutex if that needs no waiting. Go: `mu.TryLock()`.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::Mutex::new(1);
    /// let g = m.lock();
    /// assert!(m.try_lock().is_none());
    /// drop(g);
    /// assert_eq!(*m.try_lock().unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.raw.try_lock().then(|| MutexGuard {
            mutex: self,
            _not_send: PhantomData,
        })
    }

    /// A mutable reference to the data: no locking, since `&mut self` proves nobody else
    /// can lock.
    ///
    /// # Examples
    /// ```
    /// let mut m = goro::sync::Mutex::new(1);
    /// *m.get_mut() += 1;
    /// assert_eq!(*m.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

impl Mutex<()> {
    /// Unlocks the mutex: Go's `mu.Unlock()`, for ports that lock and unlock in different
    /// places (even different goroutines, which Go allows). Pair it with a lock whose guard
    /// was forgotten, `std::mem::forget(mu.lock())`: a guard still alive would unlock a
    /// second time when dropped.
    ///
    /// # Panics
    /// Not a panic but Go's fatal error, which nothing can recover: unlocking a mutex that
    /// is not locked prints `fatal error: sync: unlock of unlocked mutex` and exits the
    /// process with status 2.
    ///
    /// # Examples
    /// ```
    /// use goro::sync::Mutex;
    /// static MU: Mutex = Mutex::new(());
    ///
    /// std::mem::forget(MU.lock()); // Go: mu.Lock()
    /// assert!(MU.try_lock().is_none());
    /// MU.unlock(); // Go: mu.Unlock()
    /// assert!(MU.try_lock().is_some());
    /// ```
    pub fn unlock(&self) {
        self.raw.unlock();
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Some(g) => d.field("data", &&*g),
            None => d.field("data", &format_args!("<locked>")),
        };
        d.finish_non_exhaustive()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard holds (for `Cond::wait`).
    pub(crate) fn mutex(&self) -> &'a Mutex<T> {
        self.mutex
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves the lock is held: no other reference to the data exists.
        unsafe { &*self.mutex.data.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only use of the guard.
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.mutex.raw.unlock();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::*;
    use crate::testutil::eventually;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    /// Goroutines in `RawMutex::back_off`'s park.
    pub(super) static BACKING_OFF: AtomicUsize = AtomicUsize::new(0);
    /// `STARVATION_THRESHOLD_NS`, which a test may raise (its steps take longer than 1 ms
    /// on a busy machine; no other test here depends on it).
    pub(super) static STARVATION_THRESHOLD: std::sync::atomic::AtomicU64 =
        std::sync::atomic::AtomicU64::new(STARVATION_THRESHOLD_NS);

    fn waiters<T>(m: &Mutex<T>) -> u32 {
        m.raw.state.load(Ordering::SeqCst) >> WAITER_SHIFT
    }

    /// A woken waiter that finds the mutex taken again backs off holding `WOKEN`; if its
    /// runtime ends then, it must give `WOKEN` up, or no later unlock wakes anyone: here a
    /// plain thread queued behind it would wait forever.
    #[test]
    fn a_runtime_ending_during_a_back_off_leaves_the_mutex_usable() {
        // W must still be in its first millisecond of waiting when it is woken.
        STARVATION_THRESHOLD.store(60_000_000_000, Ordering::Relaxed);
        let m = Arc::new(Mutex::new(0u32));
        let held = m.lock(); // this (plain) thread holds it
        let step = Arc::new(AtomicUsize::new(0));
        let runtime = std::thread::spawn({
            let (m, step) = (m.clone(), step.clone());
            move || {
                // One P from the start (not `gomaxprocs(1)` inside: a second P's thread
                // could take W meanwhile, and W's thread then waited for the only P).
                let one_p = crate::entry::Options {
                    gomaxprocs: 1,
                    ..Default::default()
                };
                crate::entry::run_test_with(
                    one_p,
                    move || {
                        let w = crate::spawn({
                            let m = m.clone();
                            move || *m.lock() += 1
                        });
                        // W counted itself; with one P and no scheduling point between its
                        // count and its park, it is parked now.
                        while waiters(&m) == 0 {
                            crate::park::gosched();
                        }
                        step.store(1, Ordering::SeqCst);
                        // Hold the only P: W, woken by the unlock below, cannot run before
                        // the test thread has locked the mutex again.
                        while step.load(Ordering::SeqCst) != 2 {
                            core::hint::spin_loop();
                        }
                        let t = Instant::now();
                        while BACKING_OFF.load(Ordering::SeqCst) == 0 {
                            assert!(
                                t.elapsed() < Duration::from_secs(10),
                                "W never backed off (mutex state {:#x})",
                                m.raw.state.load(Ordering::SeqCst)
                            );
                            crate::park::gosched();
                        }
                        drop(w); // the runtime ends with W in its back-off
                    },
                    || (),
                );
            }
        });
        eventually("W parked", || step.load(Ordering::SeqCst) == 1);
        let (tx, rx) = std::sync::mpsc::channel();
        let t2 = std::thread::spawn({
            let m = m.clone();
            move || {
                *m.lock() += 10;
                tx.send(()).unwrap();
            }
        });
        // Parked, not just counted: a waiter on its way to the queue would take the unit
        // the unlock below releases for W, and W would wait again instead of backing off.
        eventually("T2 parked behind W", || {
            waiters(&m) == 2 && crate::sema::queued(&m.raw.sema) == 2
        });
        drop(held); // wakes W (the first waiter): WOKEN set
        let held = m.lock(); // and takes the mutex back before W runs
        step.store(2, Ordering::SeqCst);
        runtime.join().unwrap();
        drop(held); // must wake T2
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the plain thread queued behind the killed waiter was never woken");
        t2.join().unwrap();
        assert_eq!(*m.lock(), 10, "the killed waiter never got the mutex");
        STARVATION_THRESHOLD.store(STARVATION_THRESHOLD_NS, Ordering::Relaxed);
    }
}
