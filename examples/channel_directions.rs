//! Go by Example: Channel Directions (gobyexample.com/channel-directions). `ping` only
//! sends (Go's `chan<- string`, here a `Sender`), `pong` receives from one channel and sends
//! on another (`<-chan string` and `chan<- string`: a `Receiver` and a `Sender`). Trying to
//! receive on a `Sender` is a compile-time error, as in Go.
//!
//! Differences from Go: none.
//!
//! Run: `cargo run --example channel_directions`. Prints `passed message`.

use goro::prelude::*;

/// Go: func ping(pings chan<- string, msg string)
fn ping(pings: Sender<&'static str>, msg: &'static str) {
    pings.send(msg);
}

/// Go: func pong(pings <-chan string, pongs chan<- string)
fn pong(pings: Receiver<&'static str>, pongs: Sender<&'static str>) {
    let msg = pings.recv().unwrap();
    pongs.send(msg);
}

#[goro::main]
pub fn main() {
    let pings = chan![&'static str; 1];
    let pongs = chan![&'static str; 1];
    ping(pings.sender(), "passed message");
    pong(pings.receiver(), pongs.sender());
    let msg = pongs.recv().unwrap();
    assert_eq!(msg, "passed message");
    println!("{msg}");
}
