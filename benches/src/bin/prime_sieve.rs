//! prime_sieve: the concurrent prime sieve of Go's tour and spec: a generator goroutine sends
//! 2, 3, 4, … on an unbuffered channel; the driver takes a prime from the head of the chain
//! and puts a filter goroutine for it behind, `--n` (5,000) times. Reports the total wall time
//! in ms, on the default GOMAXPROCS (every CPU). The last prime must be the n-th prime (48611
//! for 5,000), checked by trial division after the clock stops. The generator and filters are
//! still blocked when the driver returns (in Go the process exits; `goro::run` unwinds them,
//! after the clock stopped).
//! Twin: go/prime_sieve/main.go.
//!
//! Peer: tokio tasks with `mpsc::channel(1)` (tokio's smallest) on the multi-thread runtime.
//! Not may (its channels are unbounded: the generator would never wait) nor crossbeam (5,000
//! OS threads, every number a thread switch per filter).

use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::{peer, report};

const N: u64 = 5000; // primes, as go/prime_sieve/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or tokio (default goro)"),
    ("n", "primes (default 5000)"),
];

/// The n-th prime by trial division: the answer the sieve must give.
fn nth_prime(n: u64) -> u64 {
    let mut found = 0;
    (2u64..)
        .find(|&c| {
            let prime = (2..).take_while(|d| d * d <= c).all(|d| c % d != 0);
            found += u64::from(prime);
            found == n
        })
        .expect("there are infinitely many primes")
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N).max(1);
    let (elapsed, prime) = match flags.imp() {
        Impl::Goro => goro_run(n),
        Impl::Tokio => tokio_run(n),
        imp @ Impl::May => flags.not_applicable(imp, "may's channels are unbounded"),
        imp @ Impl::Crossbeam => flags.not_applicable(imp, "one OS thread per prime"),
    };
    let want = nth_prime(n);
    assert_eq!(prime, want, "prime_sieve: prime {n} is {want}, got {prime}");
    report::line("prime_sieve", elapsed.as_secs_f64() * 1e3, "ms");
}

fn generate(ch: Sender<u64>) {
    for i in 2.. {
        ch.send(i);
    }
}

fn filter(inp: Receiver<u64>, out: Sender<u64>, prime: u64) {
    for i in &inp {
        if i % prime != 0 {
            out.send(i);
        }
    }
}

fn goro_run(n: u64) -> (Duration, u64) {
    goro::run(move || {
        let start = Instant::now();
        let mut ch = chan![u64];
        go!(generate(ch.sender()));
        let mut prime = 0;
        for _ in 0..n {
            prime = ch.recv().expect("the sieve never closes");
            let ch1 = chan![u64];
            go!(filter(ch.receiver(), ch1.sender(), prime));
            ch = ch1;
        }
        (start.elapsed(), prime)
    })
}

fn tokio_run(n: u64) -> (Duration, u64) {
    use tokio::sync::mpsc;
    let procs = std::thread::available_parallelism().map_or(1, |p| p.get());
    peer::tokio_main(procs, async move {
        let start = Instant::now();
        let (tx, mut ch) = mpsc::channel::<u64>(1);
        tokio::spawn(async move {
            for i in 2.. {
                if tx.send(i).await.is_err() {
                    return; // the runtime is shutting down
                }
            }
        });
        let mut prime = 0;
        for _ in 0..n {
            prime = ch.recv().await.expect("the sieve never closes");
            let (tx1, ch1) = mpsc::channel::<u64>(1);
            let mut inp = std::mem::replace(&mut ch, ch1);
            tokio::spawn(async move {
                while let Some(i) = inp.recv().await {
                    if i % prime != 0 && tx1.send(i).await.is_err() {
                        return;
                    }
                }
            });
        }
        (start.elapsed(), prime)
    })
}
