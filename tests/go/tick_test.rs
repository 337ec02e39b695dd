//! Go 1.19 src/time/tick_test.go.

use goro::prelude::*;
use goro::time::{Instant, Ticker, tick};

/// TestTicker: ticks come at the period, then after Reset at the new period (Go: 20 ticks
/// of 20 ms then of 40 ms, within a factor; here 5 of 5 ms then 5 of 10 ms, within ten
/// times the target). The least it can take is a period under the target: a receiver late
/// for a tick finds the next already in the channel (buffer 1), and `reset` leaves that tick
/// there (as Go's does), so the second half starts with a free tick; `t0` is read after the
/// ticker started, so allow two periods.
#[goro::test]
fn test_ticker() {
    const COUNT: u32 = 10;
    let delta = Duration::from_millis(5);
    let ticker = Ticker::new(delta);
    let t0 = Instant::now();
    for _ in 0..COUNT / 2 {
        ticker.c().recv();
    }
    ticker.reset(delta * 2);
    for _ in COUNT / 2..COUNT {
        ticker.c().recv();
    }
    ticker.stop();
    let dt = t0.elapsed();
    let target = delta * COUNT / 2 + delta * 2 * COUNT / 2;
    assert!(
        dt >= target - 2 * delta,
        "{COUNT} ticks took {dt:?}, expected {target:?}"
    );
    assert!(
        dt < target * 10,
        "{COUNT} ticks took {dt:?}, expected {target:?}"
    );
    // After stop, no more ticks (one already in the channel may remain).
    let _ = ticker.c().try_recv();
    goro::time::sleep(delta * 4);
    assert!(ticker.c().try_recv().is_err(), "ticker did not shut down");
}

/// TestTeardown: a ticker stopped right after creation sends nothing, many times over.
#[goro::test]
fn test_teardown() {
    let delta = Duration::from_millis(10);
    for _ in 0..3 {
        let ticker = Ticker::new(delta * 10);
        ticker.stop();
        goro::time::sleep(delta * 15);
        assert!(ticker.c().try_recv().is_err());
    }
}

/// TestTick: Tick of a zero duration is a nil channel.
#[goro::test]
fn test_tick() {
    assert!(tick(Duration::ZERO).is_nil());
    assert!(tick(Duration::from_millis(1)).recv().is_some());
}

/// TestNewTickerLtZeroDuration: Go panics on a non-positive interval.
#[goro::test]
#[should_panic(expected = "non-positive interval for NewTicker")]
fn test_new_ticker_lt_zero_duration() {
    let _ = Ticker::new(Duration::ZERO);
}

/// TestTickerResetLtZeroDuration.
#[goro::test]
#[should_panic(expected = "non-positive interval for Ticker.Reset")]
fn test_ticker_reset_lt_zero_duration() {
    Ticker::new(Duration::from_secs(1)).reset(Duration::ZERO);
}
