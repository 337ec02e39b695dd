//! mutex_contended: 4 goroutines on `--procs` (2) Ps increment one counter under one mutex,
//! `--n` (4,000,000) increments in all (a quarter each). Reports wall time per increment;
//! the counter must come out at N. Go's normal mode at work: spinning while the holder runs
//! on the other P, woken waiters competing with running ones.
//! Twin: go/mutex_contended/main.go (`runtime.GOMAXPROCS(2)`, `sync.Mutex`).
//!
//! Peers: 4 OS threads restricted to `--procs` CPUs (`sched_setaffinity`) with
//! `std::sync::Mutex` or `parking_lot::Mutex`; 4 tokio tasks on a multi-thread runtime of
//! `--procs` workers with `tokio::sync::Mutex`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use goro_benches::args::Flags;
use goro_benches::lockimpl::LockImpl;
use goro_benches::{peer, report};

const N: u64 = 4_000_000; // as go/mutex_contended/main.go
const WORKERS: u64 = 4;
const PROCS: usize = 2;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, std, parking_lot or tokio (default goro)"),
    ("n", "increments in all (default 4000000)"),
    ("procs", "GOMAXPROCS: Ps, CPUs or workers (default 2)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, procs): (u64, usize) = (flags.get("n", N), flags.get("procs", PROCS).max(1));
    let each = n / WORKERS;
    let (elapsed, count) = match LockImpl::from_flags(&flags) {
        LockImpl::Goro => goro_run(each, procs),
        LockImpl::Std => threads(procs, each, std::sync::Mutex::new(0u64), |m| {
            *m.lock().expect("poisoned") += 1
        }),
        LockImpl::ParkingLot => threads(procs, each, parking_lot::Mutex::new(0u64), |m| {
            *m.lock() += 1
        }),
        LockImpl::Tokio => tokio_run(each, procs),
    };
    assert_eq!(count, each * WORKERS, "mutex_contended: lost an increment");
    report::line(
        &format!("mutex_contended_p{procs}"),
        elapsed.as_nanos() as f64 / (each * WORKERS) as f64,
        "ns/op",
    );
}

fn goro_run(each: u64, procs: usize) -> (Duration, u64) {
    goro::run(move || {
        goro::runtime::gomaxprocs(procs);
        let m = Arc::new(goro::sync::Mutex::new(0u64));
        let wg = Arc::new(goro::sync::WaitGroup::new());
        let start = Instant::now();
        for _ in 0..WORKERS {
            let m = m.clone();
            wg.go(move || {
                for _ in 0..each {
                    *m.lock() += 1;
                }
            });
        }
        wg.wait();
        let elapsed = start.elapsed();
        let count = *m.lock();
        (elapsed, count)
    })
}

/// `WORKERS` OS threads on `procs` CPUs, each calling `inc` `each` times.
fn threads<M: Send + Sync + 'static + IntoCount>(
    procs: usize,
    each: u64,
    m: M,
    inc: fn(&M),
) -> (Duration, u64) {
    peer::pin_to_cpus(procs);
    let m = Arc::new(m);
    let start = Instant::now();
    let ts: Vec<_> = (0..WORKERS)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || {
                for _ in 0..each {
                    inc(&m);
                }
            })
        })
        .collect();
    for t in ts {
        t.join().expect("worker panicked");
    }
    let elapsed = start.elapsed();
    (elapsed, m.count())
}

/// Reads the counter of a peer's mutex.
trait IntoCount {
    fn count(&self) -> u64;
}
impl IntoCount for std::sync::Mutex<u64> {
    fn count(&self) -> u64 {
        *self.lock().expect("poisoned")
    }
}
impl IntoCount for parking_lot::Mutex<u64> {
    fn count(&self) -> u64 {
        *self.lock()
    }
}

fn tokio_run(each: u64, procs: usize) -> (Duration, u64) {
    peer::tokio_main(procs, async move {
        let m = Arc::new(tokio::sync::Mutex::new(0u64));
        let start = Instant::now();
        let hs: Vec<_> = (0..WORKERS)
            .map(|_| {
                let m = m.clone();
                tokio::spawn(async move {
                    for _ in 0..each {
                        *m.lock().await += 1;
                    }
                })
            })
            .collect();
        for h in hs {
            h.await.expect("task panicked");
        }
        let elapsed = start.elapsed();
        let count = *m.lock().await;
        (elapsed, count)
    })
}
