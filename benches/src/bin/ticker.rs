//! ticker: a `Ticker` of `--period-us` (1000) µs read by one goroutine for `--ms` (1000)
//! ms. Ticks delivered (at most ms × 1000 / period-us; missed ones are dropped, as Go).
//! Checks that some ticks came, and no more than the ticker can have sent by the time the
//! loop ended (a tick that comes after the deadline may still win a select against it, more
//! than once if the reader is late).
//! Twin: go/ticker/main.go. Peers: none.

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default)"),
    ("period-us", "ticker period in µs (default 1000)"),
    ("ms", "how long to read in ms (default 1000)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (period_us, ms): (u64, u64) = (flags.get("period-us", 1000), flags.get("ms", 1000));
    if let imp @ (Impl::May | Impl::Tokio | Impl::Crossbeam) = flags.imp() {
        flags.not_applicable(imp, "ticker measures Go's Ticker");
    }
    let (ticks, elapsed) = goro::run(move || {
        // `start` before `after`: the deadline is counted from inside `after`.
        let start = Instant::now();
        let ticker = goro::time::Ticker::new(Duration::from_micros(period_us));
        let end = goro::time::after(Duration::from_millis(ms));
        let mut ticks = 0u64;
        'ticking: loop {
            select! {
                _ = <-ticker.c() => ticks += 1,
                _ = <-end => break 'ticking,
            }
        }
        ticker.stop();
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(ms));
        (ticks, elapsed)
    });
    // Tick k is sent `k` periods after the ticker started, which was after `start`: by
    // `elapsed`, at most `elapsed / period` were. When the deadline and a tick are both
    // ready, select picks either (Go's does too), so a late reader may count ticks past
    // `ms`.
    let most = elapsed.as_micros() as u64 / period_us;
    assert!(
        ticks > 0 && ticks <= most,
        "ticker: {ticks} ticks, at most {most} in {elapsed:?}"
    );
    report::line("ticker", ticks as f64, "ticks");
}
