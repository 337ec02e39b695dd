//! semaphore: 16 goroutines (on every CPU) share a weighted semaphore of 4 units; of `--n`
//! (2,000,000) acquire(1)/release(1) pairs in all, each does its share, counting how many
//! hold a unit at once. Reports wall time per pair; never more than 4 may hold one, and
//! every pair must complete. x/sync's FIFO: a release hands units to the waiters in order.
//! Twin: go/semaphore/main.go — golang.org/x/sync/semaphore's `Weighted` algorithm written
//! out in the file (a mutex and a FIFO of waiters with a channel each), since the benches'
//! Go module has no dependencies.
//!
//! Peer: tokio's `Semaphore` (`acquire().await`, the permit dropped) in 16 tasks on the
//! multi-thread runtime. std and parking_lot have no semaphore.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use goro_benches::args::Flags;
use goro_benches::lockimpl::LockImpl;
use goro_benches::{peer, report};

const N: u64 = 2_000_000; // as go/semaphore/main.go
const WORKERS: u64 = 16;
const UNITS: u64 = 4;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or tokio (default goro)"),
    ("n", "acquire/release pairs in all (default 2000000)"),
];

/// Holders now and the most at once, updated by each holder.
struct Holders {
    now: AtomicU64,
    peak: AtomicU64,
    pairs: AtomicU64,
}

impl Holders {
    fn hold(&self) {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        self.pairs.fetch_add(1, Ordering::Relaxed);
        self.now.fetch_sub(1, Ordering::Relaxed);
    }
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    let each = n / WORKERS;
    let h = Arc::new(Holders {
        now: AtomicU64::new(0),
        peak: AtomicU64::new(0),
        pairs: AtomicU64::new(0),
    });
    let elapsed = match LockImpl::from_flags(&flags) {
        LockImpl::Goro => goro_run(each, h.clone()),
        LockImpl::Tokio => tokio_run(each, h.clone()),
        imp => flags.not_applicable(imp, "no semaphore"),
    };
    assert!(
        h.peak.load(Ordering::Relaxed) <= UNITS,
        "semaphore: over-granted"
    );
    assert_eq!(
        h.pairs.load(Ordering::Relaxed),
        each * WORKERS,
        "semaphore: lost a pair"
    );
    report::line(
        "semaphore_contended",
        elapsed.as_nanos() as f64 / (each * WORKERS) as f64,
        "ns/op",
    );
}

fn goro_run(each: u64, h: Arc<Holders>) -> Duration {
    goro::run(move || {
        let sem = Arc::new(goro::sync::Semaphore::new(UNITS as usize));
        let wg = Arc::new(goro::sync::WaitGroup::new());
        let start = Instant::now();
        for _ in 0..WORKERS {
            let (sem, h) = (sem.clone(), h.clone());
            wg.go(move || {
                for _ in 0..each {
                    sem.acquire(1);
                    h.hold();
                    sem.release(1);
                }
            });
        }
        wg.wait();
        start.elapsed()
    })
}

fn tokio_run(each: u64, h: Arc<Holders>) -> Duration {
    let procs = std::thread::available_parallelism().map_or(1, |n| n.get());
    peer::tokio_main(procs, async move {
        let sem = Arc::new(tokio::sync::Semaphore::new(UNITS as usize));
        let start = Instant::now();
        let hs: Vec<_> = (0..WORKERS)
            .map(|_| {
                let (sem, h) = (sem.clone(), h.clone());
                tokio::spawn(async move {
                    for _ in 0..each {
                        let permit = sem.acquire().await.expect("semaphore closed");
                        h.hold();
                        drop(permit);
                    }
                })
            })
            .collect();
        for t in hs {
            t.await.expect("task panicked");
        }
        start.elapsed()
    })
}
