//! skynet: the classic skynet benchmark. A goroutine for a range of `size` numbers starting at
//! `num` starts `--div` (10) children for its tenths and sends the sum of their answers to its
//! parent; a leaf (size 1) sends its number. `--n` (1,000,000) leaves: 1,111,111 goroutines,
//! each with its own unbuffered channel to its children. Reports the total wall time in ms, on
//! the default GOMAXPROCS (every CPU). The answer must be N(N-1)/2 (499999500000).
//! Twin: go/skynet/main.go.
//!
//! Peers: tokio tasks with `mpsc::channel(1)` (tokio's smallest) on the multi-thread runtime;
//! may coroutines with may's mpsc channels (a parent's channel never holds more than `div`
//! values). Not crossbeam: a million OS threads.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::{peer, report};

const N: u64 = 1_000_000; // leaves, as go/skynet/main.go
const DIV: u64 = 10;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, may or tokio (default goro)"),
    ("n", "leaves, a power of -div (default 1000000)"),
    ("div", "children per goroutine (default 10)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, div): (u64, u64) = (flags.get("n", N), flags.get("div", DIV));
    assert!(div >= 2, "skynet: --div must be at least 2");
    let mut leaves = 1;
    while leaves < n {
        leaves *= div;
    }
    assert_eq!(leaves, n, "skynet: --n must be a power of --div");
    let (elapsed, sum) = match flags.imp() {
        Impl::Goro => goro_run(n, div),
        Impl::May => may_run(n, div),
        Impl::Tokio => tokio_run(n, div),
        imp @ Impl::Crossbeam => flags.not_applicable(imp, "a million OS threads"),
    };
    assert_eq!(sum, n * (n - 1) / 2, "skynet: wrong sum");
    report::line("skynet", elapsed.as_secs_f64() * 1e3, "ms");
}

fn skynet(c: Chan<u64>, num: u64, size: u64, div: u64) {
    if size == 1 {
        c.send(num);
        return;
    }
    let rc = chan![u64];
    for i in 0..div {
        let sub = num + i * (size / div);
        go!(skynet(rc.clone(), sub, size / div, div));
    }
    let mut sum = 0;
    for _ in 0..div {
        sum += rc.recv().expect("rc closed");
    }
    c.send(sum);
}

fn goro_run(n: u64, div: u64) -> (Duration, u64) {
    goro::run(move || {
        let start = Instant::now();
        let c = chan![u64];
        go!(skynet(c.clone(), 0, n, div));
        let sum = c.recv().expect("c closed");
        (start.elapsed(), sum)
    })
}

fn may_skynet(c: may::sync::mpsc::Sender<u64>, num: u64, size: u64, div: u64) {
    if size == 1 {
        c.send(num).expect("parent gone");
        return;
    }
    let (tx, rx) = may::sync::mpsc::channel();
    for i in 0..div {
        let (tx, sub) = (tx.clone(), num + i * (size / div));
        drop(peer::may_spawn(move || {
            may_skynet(tx, sub, size / div, div)
        }));
    }
    let mut sum = 0;
    for _ in 0..div {
        sum += rx.recv().expect("children gone");
    }
    c.send(sum).expect("parent gone");
}

fn may_run(n: u64, div: u64) -> (Duration, u64) {
    let procs = std::thread::available_parallelism().map_or(1, |p| p.get());
    peer::may_main(procs, move || {
        let start = Instant::now();
        let (tx, rx) = may::sync::mpsc::channel();
        drop(peer::may_spawn(move || may_skynet(tx, 0, n, div)));
        let sum = rx.recv().expect("root gone");
        (start.elapsed(), sum)
    })
}

fn tokio_skynet(
    c: tokio::sync::mpsc::Sender<u64>,
    num: u64,
    size: u64,
    div: u64,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        if size == 1 {
            c.send(num).await.expect("parent gone");
            return;
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        for i in 0..div {
            let sub = num + i * (size / div);
            tokio::spawn(tokio_skynet(tx.clone(), sub, size / div, div));
        }
        let mut sum = 0;
        for _ in 0..div {
            sum += rx.recv().await.expect("children gone");
        }
        c.send(sum).await.expect("parent gone");
    })
}

fn tokio_run(n: u64, div: u64) -> (Duration, u64) {
    let procs = std::thread::available_parallelism().map_or(1, |p| p.get());
    peer::tokio_main(procs, async move {
        let start = Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        tokio::spawn(tokio_skynet(tx, 0, n, div));
        let sum = rx.recv().await.expect("root gone");
        (start.elapsed(), sum)
    })
}
