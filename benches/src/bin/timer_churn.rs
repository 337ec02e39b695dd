//! timer_churn: `--n` (1,000,000) times make a `Timer` due in an hour and stop it. ns per
//! make + stop. Checks that every stop found its timer active.
//! Twin: go/timer_churn/main.go. Peers: none.

use std::time::{Duration, Instant};

use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 1_000_000; // as go/timer_churn/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default)"),
    ("n", "timers (default 1000000)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    if let imp @ (Impl::May | Impl::Tokio | Impl::Crossbeam) = flags.imp() {
        flags.not_applicable(imp, "timer_churn measures Go's timers");
    }
    let (elapsed, stopped) = goro::run(move || {
        let mut stopped = 0;
        let start = Instant::now();
        for _ in 0..n {
            let t = goro::time::Timer::new(Duration::from_secs(3600));
            stopped += u64::from(t.stop());
        }
        (start.elapsed(), stopped)
    });
    assert_eq!(stopped, n, "timer_churn: a stop found its timer inactive");
    report::line("timer_churn", elapsed.as_nanos() as f64 / n as f64, "ns/op");
}
