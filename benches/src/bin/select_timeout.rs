//! select_timeout: `--n` (1,000,000) iterations of a `select!` between a channel that
//! holds a value and `time::after(1 h)`, which never fires: the cost of a timeout that is
//! armed and abandoned each time (a timer made, pushed, left stale). ns per iteration.
//! Checks that every value came through the channel arm.
//! Twin: go/select_timeout/main.go. Peers: none.

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 1_000_000; // as go/select_timeout/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default)"),
    ("n", "iterations (default 1000000)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    if let imp @ (Impl::May | Impl::Tokio | Impl::Crossbeam) = flags.imp() {
        flags.not_applicable(imp, "select_timeout measures Go's time.After");
    }
    let (elapsed, sum) = goro::run(move || {
        let ch = chan![u64; 1];
        let mut sum = 0;
        let start = Instant::now();
        for i in 0..n {
            ch.send(i);
            select! {
                v := <-ch => sum += v.unwrap(),
                _ = <-goro::time::after(Duration::from_secs(3600)) => panic!("timed out"),
            }
        }
        (start.elapsed(), sum)
    });
    assert_eq!(
        sum,
        n * n.saturating_sub(1) / 2,
        "select_timeout: wrong sum"
    );
    report::line(
        "select_timeout",
        elapsed.as_nanos() as f64 / n as f64,
        "ns/iter",
    );
}
