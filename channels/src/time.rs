//! Go's `time` package, the parts about waiting: [`sleep`], [`after`], [`tick`], [`Timer`],
//! [`Ticker`], [`since`], [`until`]. Go: time/sleep.go, time/tick.go.
//!
//! Timers live in goro-rt (kept per P in a 4-ary heap and run by the scheduler); this
//! module gives them Go's channel face. A timer's channel has capacity 1 and the timer
//! sends without waiting (Go's sendTime): a value nobody has received yet makes the next
//! one be dropped, which is how a slow reader of a [`Ticker`] skips ticks.
//!
//! Differences from Go (1.19), all Rust's:
//! - times are [`std::time::Instant`]s and [`Duration`]s, so no negative durations:
//!   `Duration::ZERO` is Go's "now or in the past";
//! - dropping a [`Ticker`] stops it (Go ≥ 1.23 collects unreferenced tickers; a clone of
//!   its channel does not keep it ticking); dropping a [`Timer`] does not stop it, as in
//!   Go, so `after_func`'s function still runs and `after`'s value still arrives;
//! - [`Timer::reset`] does not drain the channel (Go ≤ 1.22): a value sent before the
//!   reset may still be received after it. Use `stop`, then `try_recv`, then `reset`.

use crate::{Chan, Receiver};
use goro_rt::time::RawTimer;
pub use goro_rt::time::{since, sleep, until};
pub use std::time::{Duration, Instant};

/// A one-shot timer: it sends the current time on its channel once, `d` after it was made
/// or last reset. Go: time.Timer.
///
/// # Examples
/// ```
/// use goro::time::{Duration, Timer};
/// goro::run(|| {
///     let t = Timer::new(Duration::from_millis(1));
///     let fired_at = t.c().recv().unwrap();
///     assert!(!t.stop()); // already fired
///     assert!(fired_at.elapsed() < Duration::from_secs(60));
/// });
/// ```
#[derive(Debug)]
pub struct Timer {
    c: Receiver<Instant>,
    t: RawTimer,
}

impl Timer {
    /// A timer that sends the time on [`c`](Timer::c) after at least `d`. Go: time.NewTimer.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Timer};
    /// goro::run(|| {
    ///     let t = Timer::new(Duration::ZERO);
    ///     assert!(t.c().recv().is_some());
    /// });
    /// ```
    pub fn new(d: Duration) -> Timer {
        let ch = Chan::<Instant>::new(1);
        let tx = ch.sender();
        let t = RawTimer::new(move || {
            // Go's sendTime: never block the scheduler; a full channel drops the value.
            let _ = tx.try_send(Instant::now());
        });
        t.reset(d, None);
        Timer {
            c: ch.receiver(),
            t,
        }
    }

    /// Runs `f` in its own goroutine after at least `d` (again after each
    /// [`reset`](Timer::reset)). The timer's channel is nil. Go: time.AfterFunc.
    ///
    /// The goroutine belongs to the runtime the timer was armed in (the process-wide one
    /// when armed on a plain thread).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::time::Timer;
    /// goro::run(|| {
    ///     let done = chan![&str; 1];
    ///     let d2 = done.clone();
    ///     let _t = Timer::after_func(Duration::from_millis(1), move || d2.send("ran"));
    ///     assert_eq!(done.recv(), Some("ran"));
    /// });
    /// ```
    pub fn after_func<F>(d: Duration, f: F) -> Timer
    where
        F: Fn() + Send + Sync + 'static,
    {
        let f = std::sync::Arc::new(f);
        let t = RawTimer::new(move || {
            let f = f.clone();
            // Go's goFunc: user code runs in a goroutine, never on the scheduler's stack.
            goro_rt::entry::go(move || f());
        });
        t.reset(d, None);
        Timer {
            c: Chan::nil().into(),
            t,
        }
    }

    /// The channel the time is sent on (nil for [`after_func`](Timer::after_func)). Go:
    /// Timer.C.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::time::Timer;
    /// goro::run(|| {
    ///     let t = Timer::new(Duration::from_millis(1));
    ///     let idle = chan![()];
    ///     let fired = select! {
    ///         <-t.c() => true, // Go: case <-t.C:
    ///         <-idle => false,
    ///     };
    ///     assert!(fired);
    /// });
    /// ```
    pub fn c(&self) -> &Receiver<Instant> {
        &self.c
    }

    /// Stops the timer. True if this call stopped it; false if it had already fired or been
    /// stopped. It does not drain the channel. Go: Timer.Stop.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Timer};
    /// goro::run(|| {
    ///     let t = Timer::new(Duration::from_secs(3600));
    ///     assert!(t.stop());
    ///     assert!(!t.stop());
    ///     assert!(t.c().try_recv().is_err()); // nothing was sent
    /// });
    /// ```
    pub fn stop(&self) -> bool {
        self.t.stop()
    }

    /// Makes the timer fire `d` from now. True if it was active (had not fired or been
    /// stopped). It does not drain the channel (Go ≤ 1.22). Go: Timer.Reset.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Timer};
    /// goro::run(|| {
    ///     let t = Timer::new(Duration::from_secs(3600));
    ///     assert!(t.reset(Duration::from_millis(1))); // was active
    ///     t.c().recv();
    ///     assert!(!t.reset(Duration::from_millis(1))); // had fired
    ///     t.c().recv();
    /// });
    /// ```
    pub fn reset(&self, d: Duration) -> bool {
        self.t.reset(d, None)
    }
}

/// Sends the time on its channel every period; a slow receiver misses ticks rather than
/// queueing them (the channel holds one). Dropping it stops it. Go: time.Ticker.
///
/// # Examples
/// ```
/// use goro::time::{Duration, Ticker};
/// goro::run(|| {
///     let ticker = Ticker::new(Duration::from_millis(1));
///     let (a, b) = (ticker.c().recv().unwrap(), ticker.c().recv().unwrap());
///     assert!(b > a);
///     ticker.stop();
/// });
/// ```
#[derive(Debug)]
pub struct Ticker {
    c: Receiver<Instant>,
    t: RawTimer,
}

impl Ticker {
    /// A ticker sending the time every `d`. Go: time.NewTicker.
    ///
    /// # Panics
    /// `non-positive interval for NewTicker` if `d` is zero, as Go.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Ticker};
    /// goro::run(|| {
    ///     let ticker = Ticker::new(Duration::from_millis(1));
    ///     for _ in 0..3 {
    ///         ticker.c().recv().unwrap(); // Go: <-ticker.C
    ///     }
    /// }); // dropping the ticker stops it
    /// ```
    pub fn new(d: Duration) -> Ticker {
        if d.is_zero() {
            panic!("non-positive interval for NewTicker");
        }
        let ch = Chan::<Instant>::new(1);
        let tx = ch.sender();
        let t = RawTimer::new(move || {
            let _ = tx.try_send(Instant::now());
        });
        t.reset(d, Some(d));
        Ticker {
            c: ch.receiver(),
            t,
        }
    }

    /// The channel the ticks are sent on. Go: Ticker.C.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Ticker};
    /// goro::run(|| {
    ///     let ticker = Ticker::new(Duration::from_millis(1));
    ///     let ticks: Vec<_> = ticker.c().iter().take(2).collect();
    ///     assert!(ticks[1] > ticks[0]);
    /// });
    /// ```
    pub fn c(&self) -> &Receiver<Instant> {
        &self.c
    }

    /// Stops the ticker; no more ticks are sent (one already sent may still be received).
    /// Go: Ticker.Stop.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Ticker};
    /// goro::run(|| {
    ///     let t = Ticker::new(Duration::from_secs(3600));
    ///     t.stop();
    ///     assert!(t.c().try_recv().is_err());
    /// });
    /// ```
    pub fn stop(&self) {
        self.t.stop();
    }

    /// Stops the ticker and restarts it with period `d`; the next tick comes `d` from now.
    /// Go: Ticker.Reset.
    ///
    /// # Panics
    /// `non-positive interval for Ticker.Reset` if `d` is zero, as Go.
    ///
    /// # Examples
    /// ```
    /// use goro::time::{Duration, Ticker};
    /// goro::run(|| {
    ///     let t = Ticker::new(Duration::from_secs(3600));
    ///     t.reset(Duration::from_millis(1));
    ///     assert!(t.c().recv().is_some());
    /// });
    /// ```
    pub fn reset(&self, d: Duration) {
        if d.is_zero() {
            panic!("non-positive interval for Ticker.Reset");
        }
        self.t.reset(d, Some(d));
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.t.stop();
    }
}

/// A channel that receives the time once, after at least `d`: for timeouts in `select!`.
/// Go: time.After.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// goro::run(|| {
///     let never = chan![i32];
///     let timeout = goro::time::after(Duration::from_millis(5));
///     let got = select! {
///         v := <-never => v,
///         <-timeout => None,
///     };
///     assert_eq!(got, None);
/// });
/// ```
pub fn after(d: Duration) -> Receiver<Instant> {
    Timer::new(d).c
}

/// A channel receiving the time every `d`, for as long as the program runs (nothing can
/// stop it: use a [`Ticker`] to stop). A zero `d` gives a nil channel, as Go's `Tick`.
/// Go: time.Tick.
///
/// # Examples
/// ```
/// use goro::time::{Duration, tick};
/// goro::run(|| {
///     let c = tick(Duration::from_millis(1));
///     assert!(c.recv().is_some());
/// });
/// ```
pub fn tick(d: Duration) -> Receiver<Instant> {
    if d.is_zero() {
        return Chan::nil().into();
    }
    let t = Ticker::new(d);
    let c = t.c.clone();
    // Never stopped, as Go's Tick.
    std::mem::forget(t);
    c
}
