//! rwmutex_read99: 4 goroutines (on every CPU) share a map-like table under one RWMutex;
//! of `--n` (4,000,000) operations in all, 99% read a slot under the read lock and 1% bump
//! it under the write lock. Reports wall time per operation; the slots must add up to the
//! number of writes. Readers only touch the lock word: the cost is the shared counter's
//! cache line (Go's readerCount) and how writers get in.
//! Twin: go/rwmutex_read99/main.go (`sync.RWMutex`).
//!
//! Peers: 4 OS threads with `std::sync::RwLock` or `parking_lot::RwLock`; 4 tokio tasks on
//! the multi-thread runtime (a worker per CPU) with `tokio::sync::RwLock`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use goro_benches::args::Flags;
use goro_benches::lockimpl::LockImpl;
use goro_benches::{peer, report};

const N: u64 = 4_000_000; // as go/rwmutex_read99/main.go
const WORKERS: u64 = 4;
const SLOTS: usize = 64;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, std, parking_lot or tokio (default goro)"),
    ("n", "operations in all (default 4000000)"),
];

/// Whether operation `i` of a worker writes: 1 in 100.
fn writes(i: u64) -> bool {
    i.is_multiple_of(100)
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    let each = n / WORKERS;
    let (elapsed, sum, seen) = match LockImpl::from_flags(&flags) {
        LockImpl::Goro => goro_run(each),
        LockImpl::Std => threads(each, std::sync::RwLock::new([0u64; SLOTS]), |l, i, w| {
            if w {
                l.write().expect("poisoned")[i] += 1;
                0
            } else {
                l.read().expect("poisoned")[i]
            }
        }),
        LockImpl::ParkingLot => {
            threads(each, parking_lot::RwLock::new([0u64; SLOTS]), |l, i, w| {
                if w {
                    l.write()[i] += 1;
                    0
                } else {
                    l.read()[i]
                }
            })
        }
        LockImpl::Tokio => tokio_run(each),
    };
    let want = WORKERS * (0..each).filter(|&i| writes(i)).count() as u64;
    assert_eq!(sum, want, "rwmutex_read99: lost a write");
    std::hint::black_box(seen);
    report::line(
        "rwmutex_read99",
        elapsed.as_nanos() as f64 / (each * WORKERS) as f64,
        "ns/op",
    );
}

fn goro_run(each: u64) -> (Duration, u64, u64) {
    goro::run(move || {
        let table = Arc::new(goro::sync::RWMutex::new([0u64; SLOTS]));
        let seen = Arc::new(goro::sync::Mutex::new(0u64));
        let wg = Arc::new(goro::sync::WaitGroup::new());
        let start = Instant::now();
        for w in 0..WORKERS {
            let (table, seen) = (table.clone(), seen.clone());
            wg.go(move || {
                let mut acc = 0u64;
                for i in 0..each {
                    let slot = ((i + w) as usize) % SLOTS;
                    if writes(i) {
                        table.write()[slot] += 1;
                    } else {
                        acc = acc.wrapping_add(table.read()[slot]);
                    }
                }
                *seen.lock() += acc;
            });
        }
        wg.wait();
        let elapsed = start.elapsed();
        let sum = table.read().iter().sum();
        let seen = *seen.lock();
        (elapsed, sum, seen)
    })
}

/// `WORKERS` OS threads; `op(lock, slot, write)` does one operation and returns what it read.
fn threads<L: Send + Sync + 'static + Sum>(
    each: u64,
    lock: L,
    op: fn(&L, usize, bool) -> u64,
) -> (Duration, u64, u64) {
    let lock = Arc::new(lock);
    let start = Instant::now();
    let ts: Vec<_> = (0..WORKERS)
        .map(|w| {
            let lock = lock.clone();
            std::thread::spawn(move || {
                let mut acc = 0u64;
                for i in 0..each {
                    let slot = ((i + w) as usize) % SLOTS;
                    acc = acc.wrapping_add(op(&lock, slot, writes(i)));
                }
                acc
            })
        })
        .collect();
    let seen = ts
        .into_iter()
        .map(|t| t.join().expect("worker panicked"))
        .fold(0u64, u64::wrapping_add);
    let elapsed = start.elapsed();
    (elapsed, lock.sum(), seen)
}

/// The sum of a peer's table.
trait Sum {
    fn sum(&self) -> u64;
}
impl Sum for std::sync::RwLock<[u64; SLOTS]> {
    fn sum(&self) -> u64 {
        self.read().expect("poisoned").iter().sum()
    }
}
impl Sum for parking_lot::RwLock<[u64; SLOTS]> {
    fn sum(&self) -> u64 {
        self.read().iter().sum()
    }
}

fn tokio_run(each: u64) -> (Duration, u64, u64) {
    let procs = std::thread::available_parallelism().map_or(1, |n| n.get());
    peer::tokio_main(procs, async move {
        let table = Arc::new(tokio::sync::RwLock::new([0u64; SLOTS]));
        let start = Instant::now();
        let hs: Vec<_> = (0..WORKERS)
            .map(|w| {
                let table = table.clone();
                tokio::spawn(async move {
                    let mut acc = 0u64;
                    for i in 0..each {
                        let slot = ((i + w) as usize) % SLOTS;
                        if writes(i) {
                            table.write().await[slot] += 1;
                        } else {
                            acc = acc.wrapping_add(table.read().await[slot]);
                        }
                    }
                    acc
                })
            })
            .collect();
        let mut seen = 0u64;
        for h in hs {
            seen = seen.wrapping_add(h.await.expect("task panicked"));
        }
        let elapsed = start.elapsed();
        let sum = table.read().await.iter().sum();
        (elapsed, sum, seen)
    })
}
