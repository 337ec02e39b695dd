//! mutex_uncontended: one goroutine locks and unlocks a mutex `--n` (10,000,000) times,
//! incrementing the counter it guards: the fast path alone (one CAS to lock, one atomic
//! add to unlock). Reports ns per lock/unlock pair; the counter must come out at N.
//! Twin: go/mutex_uncontended/main.go (`sync.Mutex`).
//!
//! Peers: `std::sync::Mutex` and `parking_lot::Mutex` on the main thread; a
//! `tokio::sync::Mutex` (`lock().await`) in a task on the current-thread runtime.

use std::time::{Duration, Instant};

use goro_benches::args::Flags;
use goro_benches::lockimpl::LockImpl;
use goro_benches::{peer, report};

const N: u64 = 10_000_000; // as go/mutex_uncontended/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, std, parking_lot or tokio (default goro)"),
    ("n", "lock/unlock pairs (default 10000000)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    let (elapsed, count) = match LockImpl::from_flags(&flags) {
        LockImpl::Goro => goro::run(move || {
            let m = goro::sync::Mutex::new(0u64);
            timed(|| {
                for _ in 0..n {
                    *m.lock() += 1;
                }
                m.into_inner()
            })
        }),
        LockImpl::Std => {
            let m = std::sync::Mutex::new(0u64);
            timed(|| {
                for _ in 0..n {
                    *m.lock().expect("poisoned") += 1;
                }
                m.into_inner().expect("poisoned")
            })
        }
        LockImpl::ParkingLot => {
            let m = parking_lot::Mutex::new(0u64);
            timed(|| {
                for _ in 0..n {
                    *m.lock() += 1;
                }
                m.into_inner()
            })
        }
        LockImpl::Tokio => peer::tokio_main(1, async move {
            let m = tokio::sync::Mutex::new(0u64);
            let start = Instant::now();
            for _ in 0..n {
                *m.lock().await += 1;
            }
            (start.elapsed(), m.into_inner())
        }),
    };
    assert_eq!(count, n, "mutex_uncontended: lost an increment");
    report::line(
        "mutex_uncontended",
        elapsed.as_nanos() as f64 / n as f64,
        "ns/op",
    );
}

fn timed(f: impl FnOnce() -> u64) -> (Duration, u64) {
    let start = Instant::now();
    let v = std::hint::black_box(f());
    (start.elapsed(), v)
}
