//! Many goroutines threaded together, then torn down cleanly. Port of Go's
//! `test/chan/goroutines.go`: a chain of 10 000 goroutines, each passing one value from its
//! right channel to its left; a value put in at the right end comes out at the left.
//!
//! Differences from Go: none in the logic; the chain length is the first argument (default
//! 10 000, as Go), and the program prints what went through.
//!
//! Run: `cargo run --example goroutines [n]`.

use goro::prelude::*;
use std::time::Instant;

/// Go: `left <- <-right`.
fn f(left: Sender<i32>, right: Receiver<i32>) {
    left.send(right.recv().unwrap());
}

fn chain_length() -> usize {
    std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000)
}

#[goro::main]
pub fn main() {
    let n = chain_length();
    let leftmost = chan![i32];
    let mut left = leftmost.clone();
    let mut right = leftmost.clone();
    for _ in 0..n {
        right = chan![i32];
        go!(f(left.sender(), right.receiver()));
        left = right.clone();
    }
    go!({ right.send(1) });
    let got = leftmost.recv();
    assert_eq!(got, Some(1));
    // The last link readied us and is finishing on another thread: wait for a state (with
    // a deadline that only bounds a failure).
    let deadline = Instant::now() + Duration::from_secs(10);
    while goro::runtime::num_goroutine() > 1 {
        assert!(Instant::now() < deadline, "the links did not all finish");
        goro::runtime::gosched();
    }
    println!("goroutines: 1 passed through a chain of {n} goroutines, all of which have ended");
}
