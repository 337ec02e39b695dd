//! Go's sense of time: timers kept per P and run by the scheduler, `sleep`, and the raw
//! timer that `goro::time`'s `Timer`, `Ticker`, `after` and `tick` are built on. Go:
//! runtime/time.go, time/sleep.go.
//!
//! - `heap`: a P's 4-ary min-heap of timer entries;
//! - `timer`: timers, their per-P heaps, running them, and the idle M sleeping until the
//!   earliest one (the protocol is in its header);
//! - `sleep`: [`sleep`], [`since`], [`until`], and [`RawTimer`].

mod heap;
mod sleep;
mod timer;

#[cfg(not(goro_loom))]
pub(crate) use sleep::park_for;
pub use sleep::{RawTimer, since, sleep, until};
pub(crate) use timer::{TimerPlan, Timers};

/// Nanoseconds on the runtime's monotonic clock (Go: nanotime).
pub(crate) fn nanotime() -> u64 {
    crate::runq::nanotime()
}

/// The nanotime `d` from now, saturating (Go: when(d), with its overflow clamp).
pub(crate) fn when(d: std::time::Duration) -> u64 {
    let d = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    nanotime().saturating_add(d).min(u64::MAX - 1)
}
