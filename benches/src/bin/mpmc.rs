//! mpmc: 4 sender goroutines and 4 receiver goroutines share one channel with a buffer of
//! `--cap` (1024: `mpmc_buffered`; 0: `mpmc_unbuffered`). Sender k sends its quarter of 0..N,
//! then reports on `done`; once all four have, the driver closes the channel. Each receiver
//! counts and sums what it got until the channel is closed and reports its tally on
//! `results`. Reports wall time per message, on the default GOMAXPROCS (every CPU). Every
//! message is counted: the tallies must add up to N messages summing to N(N-1)/2.
//! Twin: go/mpmc/main.go.
//!
//! Peer: crossbeam-channel `bounded(cap)` between 8 OS threads. tokio's channels have a single
//! consumer and may's are unbounded, so neither has a version here.

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 4_000_000; // messages, as go/mpmc/main.go
const CAP: usize = 1024;
const SENDERS: u64 = 4;
const RECEIVERS: u64 = 4;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or crossbeam (default goro)"),
    ("n", "messages, a multiple of 4 (default 4000000)"),
    (
        "cap",
        "channel buffer: 1024 (mpmc_buffered) or 0 (mpmc_unbuffered)",
    ),
];

/// What one receiver saw (and the sum of all of them).
#[derive(Clone, Copy, Default, Debug)]
struct Tally {
    count: u64,
    sum: u64,
}

impl Tally {
    fn add(&mut self, v: u64) {
        self.count += 1;
        self.sum += v;
    }
    fn merge(self, o: Tally) -> Tally {
        Tally {
            count: self.count + o.count,
            sum: self.sum + o.sum,
        }
    }
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, cap): (u64, usize) = (flags.get("n", N), flags.get("cap", CAP));
    assert!(
        n % SENDERS == 0,
        "mpmc: --n must be a multiple of {SENDERS}"
    );
    let (elapsed, got) = match flags.imp() {
        Impl::Goro => goro_run(n, cap),
        Impl::Crossbeam => crossbeam_run(n, cap),
        imp @ Impl::Tokio => flags.not_applicable(imp, "tokio's channels have one consumer"),
        imp @ Impl::May => flags.not_applicable(imp, "may has no bounded channel"),
    };
    assert_eq!(got.count, n, "mpmc: lost or duplicated messages");
    assert_eq!(got.sum, n * n.saturating_sub(1) / 2, "mpmc: wrong sum");
    let name = if cap == 0 {
        "mpmc_unbuffered"
    } else {
        "mpmc_buffered"
    };
    report::line(name, elapsed.as_nanos() as f64 / n as f64, "ns/msg");
}

fn goro_run(n: u64, cap: usize) -> (Duration, Tally) {
    goro::run(move || {
        let ch = chan![u64; cap];
        let done = chan![(); SENDERS as usize];
        let results = chan![Tally; RECEIVERS as usize];
        let per = n / SENDERS;
        let start = Instant::now();
        for k in 0..SENDERS {
            go!({
                for i in k * per..(k + 1) * per {
                    ch.send(i);
                }
                done.send(());
            });
        }
        for _ in 0..RECEIVERS {
            go!({
                let mut t = Tally::default();
                for v in &ch {
                    t.add(v);
                }
                results.send(t);
            });
        }
        for _ in 0..SENDERS {
            done.recv().expect("done closed");
        }
        ch.close();
        let mut total = Tally::default();
        for _ in 0..RECEIVERS {
            total = total.merge(results.recv().expect("results closed"));
        }
        (start.elapsed(), total)
    })
}

fn crossbeam_run(n: u64, cap: usize) -> (Duration, Tally) {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(cap);
    let per = n / SENDERS;
    let start = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|k| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in k * per..(k + 1) * per {
                    tx.send(i).expect("receivers gone");
                }
            })
        })
        .collect();
    drop(tx);
    let receivers: Vec<_> = (0..RECEIVERS)
        .map(|_| {
            let rx = rx.clone();
            std::thread::spawn(move || {
                let mut t = Tally::default();
                for v in rx.iter() {
                    t.add(v);
                }
                t
            })
        })
        .collect();
    for s in senders {
        s.join().expect("sender panicked");
    }
    // The channel disconnects when the last sender's handle drops: crossbeam's close.
    let total = receivers
        .into_iter()
        .map(|r| r.join().expect("receiver panicked"))
        .fold(Tally::default(), Tally::merge);
    (start.elapsed(), total)
}
