//! spsc_buffered: one goroutine sends 0..N on a channel with a buffer of `--cap` (1024) and
//! closes it; the driver receives until closed (Go's `range`). Reports wall time per message,
//! on the default GOMAXPROCS (every CPU). The count and the sum of what arrived are checked.
//! Twin: go/spsc_buffered/main.go.
//!
//! Peers: tokio `mpsc::channel(cap)` on the multi-thread runtime; crossbeam-channel
//! `bounded(cap)` between two OS threads. may has no bounded channel (its channels never make
//! a sender wait), so it has no version here.

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::{peer, report};

const N: u64 = 10_000_000; // messages, as go/spsc_buffered/main.go
const CAP: usize = 1024;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, tokio or crossbeam (default goro)"),
    ("n", "messages (default 10000000)"),
    ("cap", "channel buffer (default 1024)"),
];

/// What the receiver saw.
#[derive(Default)]
struct Tally {
    count: u64,
    sum: u64,
}

impl Tally {
    fn add(&mut self, v: u64) {
        self.count += 1;
        self.sum += v;
    }
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, cap): (u64, usize) = (flags.get("n", N), flags.get("cap", CAP));
    let (elapsed, got) = match flags.imp() {
        Impl::Goro => goro_run(n, cap),
        Impl::Tokio => tokio_run(n, cap),
        Impl::Crossbeam => crossbeam_run(n, cap),
        imp @ Impl::May => flags.not_applicable(imp, "may has no bounded channel"),
    };
    assert_eq!(got.count, n, "spsc_buffered: lost or duplicated messages");
    assert_eq!(
        got.sum,
        n * n.saturating_sub(1) / 2,
        "spsc_buffered: wrong sum"
    );
    report::line(
        "spsc_buffered",
        elapsed.as_nanos() as f64 / n as f64,
        "ns/msg",
    );
}

fn goro_run(n: u64, cap: usize) -> (Duration, Tally) {
    goro::run(move || {
        let ch = chan![u64; cap];
        let start = Instant::now();
        go!({
            for i in 0..n {
                ch.send(i);
            }
            ch.close();
        });
        let mut got = Tally::default();
        for v in &ch {
            got.add(v);
        }
        (start.elapsed(), got)
    })
}

fn tokio_run(n: u64, cap: usize) -> (Duration, Tally) {
    let procs = std::thread::available_parallelism().map_or(1, |p| p.get());
    peer::tokio_main(procs, async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(cap.max(1));
        let start = Instant::now();
        tokio::spawn(async move {
            for i in 0..n {
                tx.send(i).await.expect("receiver gone");
            }
        });
        let mut got = Tally::default();
        while let Some(v) = rx.recv().await {
            got.add(v);
        }
        (start.elapsed(), got)
    })
}

fn crossbeam_run(n: u64, cap: usize) -> (Duration, Tally) {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(cap);
    let start = Instant::now();
    let sender = std::thread::spawn(move || {
        for i in 0..n {
            tx.send(i).expect("receiver gone");
        }
    });
    let mut got = Tally::default();
    for v in rx.iter() {
        got.add(v);
    }
    let elapsed = start.elapsed();
    sender.join().expect("sender panicked");
    (elapsed, got)
}
