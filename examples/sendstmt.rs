//! Send statements and their operands. Port of Go's `test/chan/sendstmt.go`, which checks
//! parsing cases that changed when send became a statement: a select arm that sends on a
//! channel just received from another (`case <-cc <- 2`), and a send whose value is a
//! low-precedence expression (`c <- false || true`).
//!
//! Differences from Go: `select!` names the channel of a send arm with any expression, so
//! Go's `<-cc <- 2` is written `cc.recv().unwrap() <- 2`; the boolean operands are variables
//! (a literal `false || true` is a lint, not a parsing question, in Rust).
//!
//! Run: `cargo run --example sendstmt`.

use goro::prelude::*;

/// Go: `select { case <-cc <- 2: default: panic("nonblock") }`.
fn chanchan() -> i32 {
    let cc = chan![Chan<i32>; 1];
    let c = chan![i32; 1];
    cc.send(c.clone());
    select! {
        cc.recv().unwrap() <- 2 => {},
        default => panic!("nonblock"),
    }
    let got = c.recv().unwrap();
    assert_eq!(got, 2, "bad receive");
    got
}

/// Go: `c <- false || true` is `c <- (false || true)`.
fn sendprec() -> bool {
    let (no, yes) = (false, true);
    let c = chan![bool; 1];
    select! {
        c <- no || yes => {},
    }
    let got = c.recv().unwrap();
    assert!(got, "sent false");
    got
}

#[goro::main]
pub fn main() {
    println!("sent on a channel received from a channel: {}", chanchan());
    println!("sent `false || true`: {}", sendprec());
}
