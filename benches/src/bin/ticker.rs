//! ticker: a `Ticker` of `--period-us` (1000) µs read by one goroutine for `--ms` (1000)
//! ms. Ticks delivered (at most ms × 1000 / period-us; missed ones are dropped, as Go).
//! Checks that some ticks came and at most one more than the period allows (a late tick
//! may win the last select against the deadline).
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
    let ticks = goro::run(move || {
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
        assert!(start.elapsed() >= Duration::from_millis(ms));
        ticks
    });
    // One more than the period allows can come: when the deadline and a late tick are
    // both ready, select picks either (Go's does too), and the ticker started first.
    let most = ms * 1000 / period_us + 1;
    assert!(
        ticks > 0 && ticks <= most,
        "ticker: {ticks} ticks, at most {most}"
    );
    report::line("ticker", ticks as f64, "ticks");
}
