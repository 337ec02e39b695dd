//! Go by Example: Select (gobyexample.com/select). Two goroutines send after different
//! delays; a `select!` in a loop receives whichever is ready first. Both delays run
//! concurrently, so the total is about the longer one, not their sum.
//!
//! Differences from Go: a tenth of Go's durations (100 and 200 ms, not 1 and 2 s); the
//! order received and the total time are checked.
//!
//! Run: `cargo run --example select`. Prints `received one`, then `received two`.

use goro::prelude::*;
use goro::time::{Instant, sleep};

#[goro::main]
pub fn main() {
    let start = Instant::now();
    let c1 = chan![&str];
    let c2 = chan![&str];
    go!({
        sleep(Duration::from_millis(100));
        c1.send("one");
    });
    go!({
        sleep(Duration::from_millis(200));
        c2.send("two");
    });

    let mut got = Vec::new();
    for _ in 0..2 {
        select! {
            msg1 := <-c1 => {
                let msg1 = msg1.unwrap();
                println!("received {msg1}");
                got.push(msg1);
            }
            msg2 := <-c2 => {
                let msg2 = msg2.unwrap();
                println!("received {msg2}");
                got.push(msg2);
            }
        }
    }
    let took = start.elapsed();
    assert_eq!(got, ["one", "two"], "the shorter delay wins first");
    // The sleeps overlap (about 200 ms, not their 300 ms sum; not asserted: a loaded
    // machine may be late), and never end early.
    assert!(took >= Duration::from_millis(200), "took {took:?}");
}
