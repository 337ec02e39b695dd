//! Go by Example: Non-Blocking Channel Operations
//! (gobyexample.com/non-blocking-channel-operations). A `select!` with a `default` arm
//! never blocks: with no sender, a receive takes `default`; with no receiver, a send on an
//! unbuffered channel does too; a multi-way select with nothing ready as well.
//!
//! Differences from Go: the arm each `select!` took is checked.
//!
//! Run: `cargo run --example non_blocking_channel_operations`. Prints `no message
//! received`, `no message sent`, `no activity`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let messages = chan![&str];
    let signals = chan![bool];
    let mut taken = Vec::new();

    select! {
        msg := <-messages => println!("received message {}", msg.unwrap()),
        default => {
            println!("no message received");
            taken.push("default");
        }
    }

    let msg = "hi";
    select! {
        messages <- msg => println!("sent message {msg}"),
        default => {
            println!("no message sent");
            taken.push("default");
        }
    }

    select! {
        msg := <-messages => println!("received message {}", msg.unwrap()),
        sig := <-signals => println!("received signal {}", sig.unwrap()),
        default => {
            println!("no activity");
            taken.push("default");
        }
    }
    assert_eq!(
        taken, ["default"; 3],
        "nothing was ready: every select took default"
    );
}
