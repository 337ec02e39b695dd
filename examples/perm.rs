//! Channel directions: what a `chan T`, a `<-chan T` and a `chan<- T` permit. Port of the
//! accepted lines of Go's `test/chan/perm.go` (an `errchk` test), run for real.
//!
//! In goro `Chan<T>` is `chan T`, `Receiver<T>` is `<-chan T` and `Sender<T>` is `chan<- T`.
//! A bidirectional channel converts to either view (`cr = c`, `cs = c`); nothing converts
//! back or across. Go's `ERROR` lines do not compile here either, because the methods do
//! not exist: `Receiver` has no `send` or `close`, `Sender` has no `recv` or `iter`, and
//! `select!` rejects a `Receiver` in a send arm and a `Sender` in a receive arm (the
//! compile-fail cases `recv-from-sender` and `send-on-receiver` in `ui-tests/`).
//!
//! Run: `cargo run --example perm`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let c = chan![i32; 4];
    let cr: Receiver<i32> = c.clone().into(); // cr = c  // ok
    let cs = Sender::from(c.clone()); // cs = c  // ok

    c.send(0); // c <- 0  // ok
    assert_eq!(c.recv(), Some(0)); // <-c  // ok
    c.send(1);
    select! {
        (x, ok) := <-c => assert_eq!((x, ok), (1, true)), // x, ok := <-c  // ok
    }

    c.send(2);
    assert_eq!(cr.recv(), Some(2)); // <-cr  // ok
    cs.send(3); // cs <- 0  // ok
    select! {
        (x, ok) := <-cr => assert_eq!((x, ok), (3, true)), // x, ok = <-cr  // ok
    }

    // select {
    // case c <- 0:   // ok
    // case x := <-c: // ok
    // case x := <-cr: // ok
    // case cs <- 0:  // ok
    // }
    let mut sent = 0;
    for round in 0..4 {
        select! {
            c <- 10 + round => sent += 1,
            x := <-c => println!("select: received {x:?} through the Chan"),
            x := <-cr => println!("select: received {x:?} through the Receiver"),
            cs <- 20 + round => sent += 1,
        }
    }
    println!("select: {sent} of 4 rounds sent (through the Chan or the Sender)");

    c.close(); // close(c)  // ok
    let c2 = chan![i32];
    c2.sender().close(); // close(cs)  // ok
    assert_eq!(c2.receiver().recv(), None);
    println!("perm: every operation Go's perm.go accepts works, on the matching view");
}
