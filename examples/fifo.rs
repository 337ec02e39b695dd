//! Channels are pure FIFOs. Port of Go's `test/chan/fifo.go`: a buffered channel gives its
//! values back in order, and on an unbuffered channel a daisy chain of goroutines — each
//! released by the previous one — receives 0, 1, 2, … in turn, so each must get exactly the
//! next value sent.
//!
//! Differences from Go: none in the logic; the result is printed.
//!
//! Run: `cargo run --example fifo`.

use goro::prelude::*;

const N: i32 = 10;

fn asynch_fifo() -> Vec<i32> {
    let ch = chan![i32; N as usize];
    for i in 0..N {
        ch.send(i);
    }
    (0..N)
        .map(|i| {
            let v = ch.recv().unwrap();
            assert_eq!(v, i, "bad receive");
            v
        })
        .collect()
}

/// Waits for its turn on `input`, checks it receives `val` from `ch`, then passes the turn on.
fn chain(ch: Receiver<i32>, val: i32, input: Receiver<i32>, out: Sender<i32>) {
    input.recv();
    let got = ch.recv().unwrap();
    assert_eq!(got, val, "link {val} received {got}");
    out.send(1);
}

/// Threads together a daisy chain to read the elements in sequence.
fn synch_fifo() {
    let ch = chan![i32];
    let mut input = chan![i32];
    let start = input.clone();
    for i in 0..N {
        let out = chan![i32];
        go!(chain(ch.receiver(), i, input.receiver(), out.sender()));
        input = out;
    }
    start.send(0);
    for i in 0..N {
        ch.send(i);
    }
    input.recv();
}

#[goro::main]
pub fn main() {
    let got = asynch_fifo();
    println!("buffered fifo: {got:?}");
    synch_fifo();
    println!("unbuffered fifo: a chain of {N} goroutines received 0..{N} in order");
}
