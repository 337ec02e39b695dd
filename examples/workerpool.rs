//! A bounded worker pool with a weighted `sync::Semaphore`: port of golang.org/x/sync's
//! `semaphore` package example (`Example_workerPool`). It computes the number of Collatz
//! steps for 1..=32 with at most `GOMAXPROCS` goroutines at a time: the loop acquires a
//! unit before starting each worker, so it waits while the pool is full; at the end,
//! acquiring every unit waits for the last workers.
//!
//! Differences from Go: no `context` (goro's `acquire` cannot fail); `out` is a
//! `Mutex<Vec<_>>` since goroutines cannot share a plain slice. A check that never more
//! than `GOMAXPROCS` workers ran at once is added.
//!
//! Run: `cargo run --example workerpool`. Prints the same slice as Go's example.

use goro::prelude::*;
use goro::sync::Semaphore;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of steps of the Collatz sequence from `n` to 1.
fn collatz_steps(mut n: u64) -> u64 {
    assert!(n > 0, "nonpositive input");
    let mut steps = 0;
    while n > 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            n.checked_mul(3)
                .and_then(|x| x.checked_add(1))
                .expect("overflow")
        };
        steps += 1;
    }
    steps
}

#[goro::main]
pub fn main() {
    let max_workers = goro::runtime::gomaxprocs(0);
    let sem = Arc::new(Semaphore::new(max_workers));
    let out = Arc::new(Mutex::new(vec![0u64; 32]));
    let (busy, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    for i in 0..32 {
        // With max_workers goroutines in flight, this waits until one of them finishes.
        sem.acquire(1);
        let (sem, out, busy, peak) = (sem.clone(), out.clone(), busy.clone(), peak.clone());
        go!(move || {
            peak.fetch_max(busy.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            let steps = collatz_steps(i as u64 + 1);
            out.lock()[i] = steps;
            busy.fetch_sub(1, Ordering::SeqCst);
            sem.release(1);
        });
    }
    // Acquire every unit: waits for the remaining workers to finish.
    sem.acquire(max_workers);
    let out = out.lock();
    let line: Vec<String> = out.iter().map(u64::to_string).collect();
    println!("[{}]", line.join(" "));
    assert!(
        peak.load(Ordering::SeqCst) <= max_workers,
        "the pool overflowed"
    );
    println!("at most {max_workers} workers at a time (GOMAXPROCS)");
}
