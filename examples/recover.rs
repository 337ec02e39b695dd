//! Go by Example: Recover. A deferred function recovers the panic of `may_panic`, so `main`
//! prints the error and ends normally (exit status 0); the line after the panicking call
//! never runs.
//!
//! Differences from Go: the payload is printed with `goro::panic::payload_str` (Go prints
//! the panic value `r`); the program checks that `After mayPanic()` was not printed.
//!
//! Run: `cargo run --example recover`.

use goro::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

static AFTER: AtomicBool = AtomicBool::new(false);

fn may_panic() {
    panic!("a problem");
}

#[goro::main]
pub fn main() {
    defer!({
        if let Some(r) = recover() {
            println!("Recovered. Error:\n {}", goro::panic::payload_str(&*r));
            assert!(
                !AFTER.load(Ordering::SeqCst),
                "main went on after the panic"
            );
        }
    });
    may_panic();
    AFTER.store(true, Ordering::SeqCst);
    println!("After mayPanic()");
}
