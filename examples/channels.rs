//! Go by Example: Channels (gobyexample.com/channels). A goroutine sends `"ping"` on an
//! unbuffered channel; `main` receives it. Send and receive block until both sides are
//! ready, so no other synchronisation is needed.
//!
//! Differences from Go: none.
//!
//! Run: `cargo run --example channels`. Prints `ping`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let messages = chan![&str];
    go!({ messages.send("ping") });
    let msg = messages.recv();
    assert_eq!(msg, Some("ping"));
    println!("{}", msg.unwrap());
}
