//! pingpong_unbuffered: a value goes back and forth N times over two unbuffered channels, ping
//! and pong, between the driver and an echo goroutine that answers `v + 1`; on `--procs` Ps
//! (GOMAXPROCS). Reports wall time per round trip (a send and a receive on each side).
//! The driver checks every answer, and the last value must be N.
//! Twin: go/pingpong_unbuffered/main.go.
//!
//! Peers: may coroutines on `--procs` workers with may's mpsc channels (unbounded: may has no
//! rendezvous channel; with one value in flight it never buffers more than one); tokio tasks
//! with `mpsc::channel(1)` (tokio's smallest; no rendezvous channel either) on the
//! current-thread runtime for 1 P and the multi-thread runtime with `--procs` workers
//! otherwise; crossbeam-channel `bounded(0)` between two OS threads restricted to `--procs`
//! CPUs (`sched_setaffinity`; fewer if fewer are allowed, as Go's Ps then share them).

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::{peer, report};

const N: u64 = 1_000_000; // round trips, as go/pingpong_unbuffered/main.go
const PROCS: usize = 1;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, may, tokio or crossbeam (default goro)"),
    ("n", "round trips (default 1000000)"),
    ("procs", "GOMAXPROCS: Ps, workers or CPUs (default 1)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, procs): (u64, usize) = (flags.get("n", N), flags.get("procs", PROCS).max(1));
    let (elapsed, last) = match flags.imp() {
        Impl::Goro => goro_run(n, procs),
        Impl::May => may_run(n, procs),
        Impl::Tokio => tokio_run(n, procs),
        Impl::Crossbeam => crossbeam_run(n, procs),
    };
    assert_eq!(last, n, "pingpong_unbuffered: lost or duplicated a message");
    report::line(
        &format!("pingpong_unbuffered_p{procs}"),
        elapsed.as_nanos() as f64 / n as f64,
        "ns/roundtrip",
    );
}

/// The driver's side of `n` round trips: send `v`, expect `v + 1` back.
fn drive(n: u64, mut round: impl FnMut(u64) -> u64) -> (Duration, u64) {
    let start = Instant::now();
    let mut v = 0;
    for _ in 0..n {
        let w = round(v);
        assert_eq!(w, v + 1, "pingpong_unbuffered: wrong answer");
        v = w;
    }
    (start.elapsed(), v)
}

fn goro_run(n: u64, procs: usize) -> (Duration, u64) {
    goro::run(move || {
        goro::runtime::gomaxprocs(procs);
        let (ping, pong) = (chan![u64], chan![u64]);
        go!({
            for v in &ping {
                pong.send(v + 1)
            }
        });
        let out = drive(n, |v| {
            ping.send(v);
            pong.recv().expect("pong closed")
        });
        ping.close();
        out
    })
}

fn may_run(n: u64, procs: usize) -> (Duration, u64) {
    peer::may_main(procs, move || {
        let (ping_tx, ping_rx) = may::sync::mpsc::channel::<u64>();
        let (pong_tx, pong_rx) = may::sync::mpsc::channel::<u64>();
        let echo = peer::may_spawn(move || {
            for v in ping_rx.iter() {
                pong_tx.send(v + 1).expect("pong receiver gone");
            }
        });
        let out = drive(n, |v| {
            ping_tx.send(v).expect("echo gone");
            pong_rx.recv().expect("pong closed")
        });
        drop(ping_tx);
        echo.join().expect("echo panicked");
        out
    })
}

fn tokio_run(n: u64, procs: usize) -> (Duration, u64) {
    peer::tokio_main(procs, async move {
        let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel::<u64>(1);
        let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel::<u64>(1);
        let echo = tokio::spawn(async move {
            while let Some(v) = ping_rx.recv().await {
                pong_tx.send(v + 1).await.expect("pong receiver gone");
            }
        });
        let start = Instant::now();
        let mut v = 0;
        for _ in 0..n {
            ping_tx.send(v).await.expect("echo gone");
            let w = pong_rx.recv().await.expect("pong closed");
            assert_eq!(w, v + 1, "pingpong_unbuffered: wrong answer");
            v = w;
        }
        let elapsed = start.elapsed();
        drop(ping_tx);
        echo.await.expect("echo panicked");
        (elapsed, v)
    })
}

fn crossbeam_run(n: u64, procs: usize) -> (Duration, u64) {
    let cpus = peer::pin_to_cpus(procs);
    if cpus < procs {
        eprintln!(
            "note: --procs {procs}, but only {cpus} CPUs are allowed: the threads share them"
        );
    }
    let (ping_tx, ping_rx) = crossbeam_channel::bounded::<u64>(0);
    let (pong_tx, pong_rx) = crossbeam_channel::bounded::<u64>(0);
    let echo = std::thread::spawn(move || {
        for v in ping_rx.iter() {
            pong_tx.send(v + 1).expect("pong receiver gone");
        }
    });
    let out = drive(n, |v| {
        ping_tx.send(v).expect("echo gone");
        pong_rx.recv().expect("pong closed")
    });
    drop(ping_tx);
    echo.join().expect("echo panicked");
    out
}
