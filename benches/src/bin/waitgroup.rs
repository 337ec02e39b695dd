//! waitgroup: `--rounds` (1,000) rounds of Go's fan-out: `add(1000)`, start 1,000
//! goroutines that each call `done`, `wait`. Reports µs per round (the goroutine spawns
//! included: that is what a WaitGroup round costs a program). Each round's `wait` must see
//! all 1,000 `done`s.
//! Twin: go/waitgroup/main.go (`sync.WaitGroup`).
//!
//! No peers: std, parking_lot and tokio have no WaitGroup (a tokio `JoinSet` or a thread
//! per `done` would measure something else).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use goro::prelude::*;
use goro_benches::args::Flags;
use goro_benches::lockimpl::LockImpl;
use goro_benches::report;

const ROUNDS: u64 = 1_000; // as go/waitgroup/main.go
const GOROUTINES: u64 = 1_000;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default goro)"),
    ("rounds", "rounds of 1000 goroutines (default 1000)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let rounds: u64 = flags.get("rounds", ROUNDS);
    match LockImpl::from_flags(&flags) {
        LockImpl::Goro => {}
        imp => flags.not_applicable(imp, "no WaitGroup"),
    }
    let us = goro::run(move || {
        let wg = Arc::new(WaitGroup::new());
        let done = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        for r in 1..=rounds {
            wg.add(GOROUTINES as isize);
            for _ in 0..GOROUTINES {
                let (wg, done) = (wg.clone(), done.clone());
                go!(move || {
                    done.fetch_add(1, Ordering::Relaxed);
                    wg.done();
                });
            }
            wg.wait();
            assert_eq!(
                done.load(Ordering::Relaxed),
                r * GOROUTINES,
                "waitgroup: wait returned before every done"
            );
        }
        start.elapsed().as_secs_f64() * 1e6 / rounds as f64
    });
    report::line("waitgroup_1000", us, "us/round");
}
