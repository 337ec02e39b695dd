//! Two cases of one select must never both run. Port of Go's `test/chan/doubleselect.go`:
//! a sender offers each counter value to four channels in one `select!`; four muxes
//! forward whatever they receive onto one channel; the receiver checks that no value
//! arrives twice (a select that completed two cases would send one value on two channels).
//!
//! Differences from Go: the iteration count is the first argument (default 100 000, as Go's
//! `-n` flag); the receiver also checks that every value arrived, and prints the count.
//!
//! Run: `cargo run --example doubleselect [n]`.

use goro::prelude::*;

/// Sends 0..n, each on whichever of the four channels is ready first, then closes them all.
fn sender(n: u32, c1: Sender<u32>, c2: Sender<u32>, c3: Sender<u32>, c4: Sender<u32>) {
    for i in 0..n {
        select! {
            c1 <- i => {},
            c2 <- i => {},
            c3 <- i => {},
            c4 <- i => {},
        }
    }
    for c in [c1, c2, c3, c4] {
        c.close();
    }
}

/// Forwards the values of `input` onto `out` (as Go notes, sending straight to one channel
/// from four cases would not trigger the bug this looks for).
fn mux(out: Sender<u32>, input: Receiver<u32>, done: Sender<bool>) {
    for v in &input {
        out.send(v);
    }
    done.send(true);
}

/// Receives every value and checks for duplicates; returns how many arrived.
fn recver(input: Receiver<u32>, n: u32) -> u32 {
    let mut seen = vec![false; n as usize];
    let mut count = 0;
    for v in &input {
        assert!(!seen[v as usize], "got duplicate value: {v}");
        seen[v as usize] = true;
        count += 1;
    }
    count
}

fn iterations() -> u32 {
    std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000)
}

#[goro::main]
pub fn main() {
    goro::runtime::gomaxprocs(2);
    let n = iterations();
    let (c1, c2, c3, c4) = (chan![u32], chan![u32], chan![u32], chan![u32]);
    let (done, cmux) = (chan![bool], chan![u32]);
    go!(sender(
        n,
        c1.sender(),
        c2.sender(),
        c3.sender(),
        c4.sender()
    ));
    for c in [&c1, &c2, &c3, &c4] {
        go!(mux(cmux.sender(), c.receiver(), done.sender()));
    }
    go!({
        for _ in 0..4 {
            done.recv();
        }
        cmux.close();
    });
    // As Go notes, a double select once ended in "throw: bad g->status in ready" rather than
    // a duplicate; the receiver stays to catch more.
    let count = recver(cmux.receiver(), n);
    assert_eq!(count, n, "every value arrived once");
    println!("doubleselect: {count} values, each through exactly one of four select cases");
}
