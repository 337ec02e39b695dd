//! Go's classic "WaitGroup + results slice" program: start one goroutine per job, each
//! writes its result into its own slot, `wg.Wait()` waits for all of them, then the
//! results are printed in job order. Here with Go 1.25's `wg.Go`, and once more with the
//! older `Add`/`Done` pair.
//!
//! Differences from Go: goroutines cannot share a plain slice, so the results live in a
//! `Mutex<Vec<_>>` (each goroutine still writes only its own slot).
//!
//! Run: `cargo run --example waitgroup`.

use goro::prelude::*;
use std::sync::Arc;

/// Some work worth a goroutine: the sum of the squares of 1..=n.
fn work(n: u64) -> u64 {
    (1..=n).map(|i| i * i).sum()
}

#[goro::main]
pub fn main() {
    const JOBS: usize = 10;
    // Go 1.25: wg.Go(func() { results[i] = work(i) })
    let results = Arc::new(Mutex::new(vec![0u64; JOBS]));
    let wg = Arc::new(WaitGroup::new());
    for i in 0..JOBS {
        let results = results.clone();
        wg.go(move || results.lock()[i] = work(i as u64 + 1));
    }
    wg.wait();
    println!("results: {:?}", *results.lock());

    // Before Go 1.25: wg.Add(1); go func() { defer wg.Done(); ... }()
    let squares = Arc::new(Mutex::new(vec![0u64; JOBS]));
    for i in 0..JOBS {
        wg.add(1);
        let (wg, squares) = (wg.clone(), squares.clone());
        go!(move || {
            squares.lock()[i] = (i as u64 + 1).pow(2);
            wg.done();
        });
    }
    wg.wait();
    println!("squares: {:?}", *squares.lock());
    let sum: u64 = squares.lock().iter().sum();
    assert_eq!(
        sum,
        results.lock()[JOBS - 1],
        "the last sum of squares, twice"
    );
    println!("the WaitGroup was reused: both rounds complete");
}
