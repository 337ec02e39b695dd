//! select4: one receiver selects over 4 unbuffered channels (`--cap` 0), each fed by its own
//! sender goroutine; sender k sends its quarter of 0..N and closes its channel, and the
//! receiver sets a closed channel to nil (Go's idiom), until all four are. Reports wall time
//! per message, on the default GOMAXPROCS (every CPU). The count and sum are checked, and
//! every channel must have delivered exactly its quarter.
//! Twin: go/select4/main.go.
//!
//! Peers: crossbeam-channel's `select!` over four `bounded(cap)` channels between 5 OS
//! threads (a disconnected channel becomes `never()`); tokio's `select!` over four
//! `mpsc::channel(max(cap, 1))` (tokio's smallest) on the multi-thread runtime. may's
//! `select!` is built on its cqueue, not on channels, so may has no version here.

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::{peer, report};

const N: u64 = 2_000_000; // messages, as go/select4/main.go
const CAP: usize = 0;
const K: usize = 4; // channels and senders

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, tokio or crossbeam (default goro)"),
    ("n", "messages, a multiple of 4 (default 2000000)"),
    ("cap", "buffer of each channel (default 0)"),
];

/// What the receiver saw, per channel.
#[derive(Default)]
struct Tally {
    count: [u64; K],
    sum: u64,
}

impl Tally {
    fn add(&mut self, k: usize, v: u64) {
        self.count[k] += 1;
        self.sum += v;
    }
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, cap): (u64, usize) = (flags.get("n", N), flags.get("cap", CAP));
    assert!(n % K as u64 == 0, "select4: --n must be a multiple of {K}");
    let (elapsed, got) = match flags.imp() {
        Impl::Goro => goro_run(n, cap),
        Impl::Tokio => tokio_run(n, cap),
        Impl::Crossbeam => crossbeam_run(n, cap),
        imp @ Impl::May => flags.not_applicable(imp, "may's select! does not select on channels"),
    };
    assert_eq!(
        got.count,
        [n / K as u64; K],
        "select4: a channel lost or duplicated messages"
    );
    assert_eq!(got.sum, n * n.saturating_sub(1) / 2, "select4: wrong sum");
    report::line("select4", elapsed.as_nanos() as f64 / n as f64, "ns/msg");
}

fn goro_run(n: u64, cap: usize) -> (Duration, Tally) {
    goro::run(move || {
        let [mut c0, mut c1, mut c2, mut c3]: [Chan<u64>; K] =
            std::array::from_fn(|_| chan![u64; cap]);
        let per = n / K as u64;
        let start = Instant::now();
        for (k, c) in [&c0, &c1, &c2, &c3].into_iter().enumerate() {
            let k = k as u64;
            go!({
                for i in k * per..(k + 1) * per {
                    c.send(i);
                }
                c.close();
            });
        }
        let mut got = Tally::default();
        let mut open = K;
        while open > 0 {
            select! {
                case (v, ok) := <-c0 => {
                    if !ok {
                        c0 = Chan::nil();
                        open -= 1;
                        continue;
                    }
                    got.add(0, v);
                }
                case (v, ok) := <-c1 => {
                    if !ok {
                        c1 = Chan::nil();
                        open -= 1;
                        continue;
                    }
                    got.add(1, v);
                }
                case (v, ok) := <-c2 => {
                    if !ok {
                        c2 = Chan::nil();
                        open -= 1;
                        continue;
                    }
                    got.add(2, v);
                }
                case (v, ok) := <-c3 => {
                    if !ok {
                        c3 = Chan::nil();
                        open -= 1;
                        continue;
                    }
                    got.add(3, v);
                }
            }
        }
        (start.elapsed(), got)
    })
}

fn tokio_run(n: u64, cap: usize) -> (Duration, Tally) {
    let procs = std::thread::available_parallelism().map_or(1, |p| p.get());
    peer::tokio_main(procs, async move {
        let per = n / K as u64;
        let mut rxs = Vec::new();
        let start = Instant::now();
        for k in 0..K as u64 {
            let (tx, rx) = tokio::sync::mpsc::channel::<u64>(cap.max(1));
            rxs.push(rx);
            tokio::spawn(async move {
                for i in k * per..(k + 1) * per {
                    tx.send(i).await.expect("receiver gone");
                }
            });
        }
        let [mut r0, mut r1, mut r2, mut r3]: [_; K] =
            rxs.try_into().expect("one receiver per channel");
        let mut got = Tally::default();
        let mut open = [true; K];
        while open.iter().any(|&o| o) {
            // A `None` is a closed channel: its precondition turns the branch off.
            let (k, v) = tokio::select! {
                v = r0.recv(), if open[0] => (0, v),
                v = r1.recv(), if open[1] => (1, v),
                v = r2.recv(), if open[2] => (2, v),
                v = r3.recv(), if open[3] => (3, v),
            };
            match v {
                Some(v) => got.add(k, v),
                None => open[k] = false,
            }
        }
        (start.elapsed(), got)
    })
}

fn crossbeam_run(n: u64, cap: usize) -> (Duration, Tally) {
    let per = n / K as u64;
    let mut rxs = Vec::new();
    let start = Instant::now();
    let senders: Vec<_> = (0..K as u64)
        .map(|k| {
            let (tx, rx) = crossbeam_channel::bounded::<u64>(cap);
            rxs.push(rx);
            std::thread::spawn(move || {
                for i in k * per..(k + 1) * per {
                    tx.send(i).expect("receiver gone");
                }
            })
        })
        .collect();
    let mut got = Tally::default();
    let mut open = K;
    while open > 0 {
        let (k, v) = crossbeam_channel::select! {
            recv(rxs[0]) -> v => (0, v),
            recv(rxs[1]) -> v => (1, v),
            recv(rxs[2]) -> v => (2, v),
            recv(rxs[3]) -> v => (3, v),
        };
        match v {
            Ok(v) => got.add(k, v),
            Err(_) => {
                rxs[k] = crossbeam_channel::never();
                open -= 1;
            }
        }
    }
    let elapsed = start.elapsed();
    for s in senders {
        s.join().expect("sender panicked");
    }
    (elapsed, got)
}
