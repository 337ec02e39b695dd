//! Go by Example: Range over Channels (gobyexample.com/range-over-channels). `for elem in
//! &queue` receives until the channel is closed and drained; closing a channel that still
//! holds values does not lose them.
//!
//! Differences from Go: the values received are checked.
//!
//! Run: `cargo run --example range_over_channels`. Prints `one`, then `two`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let queue = chan![&str; 2];
    queue.send("one");
    queue.send("two");
    queue.close();

    let mut got = Vec::new();
    for elem in &queue {
        println!("{elem}");
        got.push(elem);
    }
    assert_eq!(
        got,
        ["one", "two"],
        "both buffered values survive the close"
    );
}
