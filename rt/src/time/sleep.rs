//! `sleep`, `since`, `until`, and the raw timer handle the channel-based timers of
//! `goro::time` use. Go: time.Sleep (runtime.timeSleep), time.Since, time.Until.

use super::timer::TimerInner;
use crate::g::WaitReason;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::Ordering;
use crate::park::{getg, gopark};
use crate::tls::{curg, current_sched};
use std::time::{Duration, Instant};

/// Pauses the calling goroutine for at least `d`. Go: time.Sleep.
///
/// A sleeping goroutine holds no thread: it parks (wait reason `sleep`) and a timer of its
/// P readies it. On a plain thread (outside any goroutine) this is
/// `std::thread::sleep`. A zero duration returns at once, as Go's.
///
/// # Examples
/// ```
/// use std::time::{Duration, Instant};
/// goro::run(|| {
///     let start = Instant::now();
///     goro::time::sleep(Duration::from_millis(2));
///     assert!(start.elapsed() >= Duration::from_millis(2));
/// });
/// ```
pub fn sleep(d: Duration) {
    if d.is_zero() {
        return;
    }
    if curg().is_none() {
        std::thread::sleep(d);
        return;
    }
    // A scheduling point, as every call is in Go: a goroutine sleeping in a loop wakes in
    // `runnext` (`timer.rs`), so only a preemption makes it give the rest of its queue a turn.
    crate::park::preempt_point();
    park_for(d, WaitReason::Sleep);
}

/// Parks the calling goroutine for `d` with wait reason `reason` (a `sync` wait that backs
/// off on a timer shows as that wait in a dump, not as `sleep`). Goroutines only.
pub(crate) fn park_for(d: Duration, reason: WaitReason) {
    let when = super::when(d);
    // SAFETY: the token is for the park below; the timer readies it once.
    let t: Arc<TimerInner> = Arc::new(TimerInner::new(Some(unsafe { getg() }), || {}));
    // While any goroutine sleeps, an ending runtime is not quiescent (`Sched::quiescent`):
    // its timer will ready it.
    let s = current_sched().expect("a goroutine runs on an M of its runtime");
    let _sleeping = Sleeping::enter(s);
    let arm = |_| {
        t.modify(when, 0);
        true
    };
    // SAFETY: the token goes only into `t`, a one-shot timer armed once, here, after the G
    // is parked (Go: resetForSleep as gopark's unlock function); its firing is the park's
    // only wake-up (`TimerInner::ready`). The callback always parks.
    unsafe { gopark(arm, reason) };
}

struct Sleeping(&'static crate::proc::Sched);

impl Sleeping {
    fn enter(s: &'static crate::proc::Sched) -> Sleeping {
        s.nsleeping.fetch_add(1, Ordering::SeqCst);
        Sleeping(s)
    }
}

impl Drop for Sleeping {
    fn drop(&mut self) {
        self.0.nsleeping.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The time elapsed since `t`. Go: time.Since.
///
/// # Examples
/// ```
/// let t = std::time::Instant::now();
/// assert!(goro::time::since(t) < std::time::Duration::from_secs(3600));
/// ```
pub fn since(t: Instant) -> Duration {
    Instant::now().saturating_duration_since(t)
}

/// The time until `t` (zero if `t` has passed). Go: time.Until (which may be negative).
///
/// # Examples
/// ```
/// use std::time::{Duration, Instant};
/// let t = Instant::now() + Duration::from_secs(60);
/// assert!(goro::time::until(t) > Duration::from_secs(59));
/// assert_eq!(goro::time::until(Instant::now()), Duration::ZERO);
/// ```
pub fn until(t: Instant) -> Duration {
    t.saturating_duration_since(Instant::now())
}

/// A runtime timer calling a function on the scheduler's stack: the building block of
/// `goro::time`'s `Timer`, `Ticker`, `after` and `tick`. Go: runtime.timer as time.Timer
/// uses it.
///
/// The function runs on the scheduler's own stack (g0) of whichever thread runs the timer:
/// it must not block, park or panic (a panic there is a fatal error). Sending on a channel
/// with `try_send` and starting a goroutine are fine. Timers armed on a plain thread belong
/// to the process-wide runtime, whose threads run them.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// let fired = Arc::new(AtomicU32::new(0));
/// let f2 = fired.clone();
/// let t = goro_rt::time::RawTimer::new(move || {
///     f2.fetch_add(1, Ordering::SeqCst);
/// });
/// assert!(!t.reset(Duration::from_secs(3600), None)); // was not active
/// assert!(t.stop()); // stopped before it fired
/// assert!(!t.stop());
/// assert_eq!(fired.load(Ordering::SeqCst), 0);
/// ```
#[derive(Clone)]
pub struct RawTimer(Arc<TimerInner>);

impl RawTimer {
    /// A stopped timer that runs `f` whenever it fires.
    pub fn new(f: impl Fn() + Send + Sync + 'static) -> RawTimer {
        RawTimer(Arc::new(TimerInner::new(None, f)))
    }

    /// Arms the timer to fire `d` from now, then every `period` if given (a zero period
    /// means none). Returns whether it was active. Go: modtimer / resettimer.
    pub fn reset(&self, d: Duration, period: Option<Duration>) -> bool {
        let period = period.map_or(0, |p| u64::try_from(p.as_nanos()).unwrap_or(u64::MAX));
        self.0.modify(super::when(d), period)
    }

    /// Stops the timer. True if this stopped it before it fired; false if it had already
    /// fired (and is not periodic) or was stopped. Go: deltimer.
    pub fn stop(&self) -> bool {
        self.0.stop()
    }
}

impl std::fmt::Debug for RawTimer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawTimer")
            .field("seq", &self.0.seq())
            .finish()
    }
}
