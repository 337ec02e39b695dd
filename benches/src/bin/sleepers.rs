//! sleepers: `--n` (100,000) goroutines each sleep a pseudo-random 0..`--max-ms` (100) ms
//! (the same xorshift sequence as the Go twin), all started at once. `--report total`: ms
//! from the first spawn until the last has woken and reported; `p50`/`p99`: wake-up
//! lateness (woken − deadline) percentiles in µs. Checks that every goroutine reported once
//! and none woke before its deadline.
//! Twin: go/sleepers/main.go. Peers: none (a timer wheel is not Go's timer heap).

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: usize = 100_000; // as go/sleepers/main.go
const MAX_MS: u64 = 100;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default)"),
    ("n", "goroutines (default 100000)"),
    ("max-ms", "longest sleep in ms (default 100)"),
    ("report", "total, p50 or p99 (default total)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, max_ms): (usize, u64) = (flags.get("n", N), flags.get("max-ms", MAX_MS));
    let what: String = flags.get("report", "total".to_string());
    if let imp @ (Impl::May | Impl::Tokio | Impl::Crossbeam) = flags.imp() {
        flags.not_applicable(imp, "sleepers measures Go's timers");
    }
    let (total, mut late) = goro::run(move || {
        let done = chan![i64; n];
        let mut x: u64 = 88172645463325252;
        let start = Instant::now();
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = Duration::from_micros(x % (max_ms * 1000 + 1));
            go!({
                let deadline = Instant::now() + d;
                goro::time::sleep(d);
                let now = Instant::now();
                let late = if now >= deadline {
                    (now - deadline).as_nanos() as i64
                } else {
                    -((deadline - now).as_nanos() as i64)
                };
                done.send(late);
            });
        }
        let late: Vec<i64> = (0..n).map(|_| done.recv().unwrap()).collect();
        (start.elapsed(), late)
    });
    assert_eq!(late.len(), n, "sleepers: lost a goroutine");
    assert!(
        late.iter().all(|&l| l >= 0),
        "sleepers: a goroutine woke early"
    );
    late.sort_unstable();
    let pct = |p: usize| late[(late.len() - 1) * p / 100] as f64 / 1000.0;
    match what.as_str() {
        "p50" => report::line("sleepers_late_p50", pct(50), "us"),
        "p99" => report::line("sleepers_late_p99", pct(99), "us"),
        _ => report::line("sleepers_total", total.as_secs_f64() * 1000.0, "ms"),
    }
}
