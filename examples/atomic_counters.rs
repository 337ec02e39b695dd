//! Go by Example: Atomic Counters (gobyexample.com/atomic-counters). Fifty goroutines each
//! increment a shared counter 1000 times with an atomic add; a `WaitGroup` waits for them,
//! and the total is exactly 50 000 (a plain `+= 1` would race).
//!
//! Differences from Go: the counter is a `std::sync::atomic::AtomicU64` in an `Arc` (Go's
//! `atomic.Uint64`); the total is asserted.
//!
//! Run: `cargo run --example atomic_counters`. Prints `ops: 50000`.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[goro::main]
pub fn main() {
    let ops = Arc::new(AtomicU64::new(0));
    let wg = Arc::new(WaitGroup::new());
    for _ in 0..50 {
        wg.add(1);
        go!({
            for _ in 0..1000 {
                ops.fetch_add(1, Ordering::Relaxed);
            }
            wg.done();
        });
    }
    wg.wait();
    let total = ops.load(Ordering::SeqCst);
    println!("ops: {total}");
    assert_eq!(total, 50_000);
}
