//! Go by Example: Timeouts (gobyexample.com/timeouts). `select!` with `time::after`: the
//! first call takes longer than its timeout, the second does not.
//!
//! Differences from Go: a tenth of Go's durations (calls of 200 ms; timeouts of 100 and
//! 300 ms).
//!
//! Run: `cargo run --example timeouts`. Prints `timeout 1`, then `result 2`.

use goro::prelude::*;
use goro::time::{after, sleep};

#[goro::main]
pub fn main() {
    let c1 = chan![&str; 1];
    go!({
        sleep(Duration::from_millis(200));
        c1.send("result 1");
    });
    select! {
        res := <-c1 => println!("{}", res.unwrap()),
        _ = <-after(Duration::from_millis(100)) => println!("timeout 1"),
    }

    let c2 = chan![&str; 1];
    go!({
        sleep(Duration::from_millis(200));
        c2.send("result 2");
    });
    select! {
        res := <-c2 => println!("{}", res.unwrap()),
        _ = <-after(Duration::from_millis(300)) => println!("timeout 2"),
    }
}
