//! The concurrent prime sieve. Port of Go's `test/chan/sieve1.go` (the sieve of the Go tour
//! and of the Go documentation): a generator goroutine feeds 2, 3, 4, … into a daisy chain
//! of filter goroutines, one per prime found, each dropping the multiples of its prime.
//!
//! Differences from Go: none in the logic. Channels are `chan![i32]`; the directional
//! parameters are `Sender`/`Receiver`, as `chan<- int` / `<-chan int`.
//!
//! Run: `cargo run --example sieve1`. Checks the first 25 primes (those below 100), as the
//! Go test does, and prints them.

use goro::prelude::*;

/// Sends the sequence 2, 3, 4, … to `ch`.
fn generate(ch: Sender<i32>) {
    for i in 2.. {
        ch.send(i);
    }
}

/// Copies the values from `input` to `out`, removing those divisible by `prime`.
fn filter(input: Receiver<i32>, out: Sender<i32>, prime: i32) {
    for i in &input {
        if i % prime != 0 {
            out.send(i);
        }
    }
}

/// The prime sieve: daisy-chains `filter` goroutines together.
fn sieve(primes: Sender<i32>) {
    let mut ch = chan![i32];
    go!(generate(ch.sender()));
    loop {
        // `ch` is a different channel on each iteration.
        let prime = ch.recv().expect("the chain never closes");
        primes.send(prime);
        let ch1 = chan![i32];
        go!(filter(ch.receiver(), ch1.sender(), prime));
        ch = ch1;
    }
}

#[goro::main]
pub fn main() {
    let primes = chan![i32];
    go!(sieve(primes.sender()));
    let want = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97,
    ];
    let got: Vec<i32> = (0..want.len()).map(|_| primes.recv().unwrap()).collect();
    assert_eq!(got, want);
    let text: Vec<String> = got.iter().map(i32::to_string).collect();
    println!("primes below 100: {}", text.join(" "));
}
