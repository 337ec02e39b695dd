//! Go by Example: Channel Synchronization (gobyexample.com/channel-synchronization).
//! `main` blocks on a receive from `done` until the worker goroutine says it has finished.
//!
//! Differences from Go: the worker sleeps a tenth of Go's second (100 ms); `main` checks
//! that it waited at least that long.
//!
//! Run: `cargo run --example channel_synchronization`. Prints `working...done`.

use goro::prelude::*;
use goro::time::{Instant, sleep};
use std::io::Write;

const WORK: Duration = Duration::from_millis(100);

/// Does some "work", then notifies `done`.
fn worker(done: Chan<bool>) {
    print!("working...");
    std::io::stdout().flush().expect("flush stdout");
    sleep(WORK);
    println!("done");
    done.send(true);
}

#[goro::main]
pub fn main() {
    let start = Instant::now();
    let done = chan![bool; 1];
    go!(worker(done.clone()));
    // Without this receive, main could return before the worker even started.
    assert_eq!(done.recv(), Some(true));
    assert!(start.elapsed() >= WORK, "main waited for the worker");
}
