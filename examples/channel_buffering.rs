//! Go by Example: Channel Buffering (gobyexample.com/channel-buffering). A channel with a
//! buffer of 2 accepts two sends with no receiver ready; they are received later, in order.
//!
//! Differences from Go: asserts the buffer's length and capacity and the order received.
//!
//! Run: `cargo run --example channel_buffering`. Prints `buffered`, then `channel`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let messages = chan![&str; 2];
    messages.send("buffered");
    messages.send("channel");
    assert_eq!(
        (messages.len(), messages.cap()),
        (2, 2),
        "both sends are buffered"
    );

    let first = messages.recv().unwrap();
    println!("{first}");
    let second = messages.recv().unwrap();
    println!("{second}");
    assert_eq!([first, second], ["buffered", "channel"], "FIFO order");
}
