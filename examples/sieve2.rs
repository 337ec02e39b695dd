//! An Eratosthenes-style concurrent sieve with feedback. Port of Go's `test/chan/sieve2.go`:
//! one goroutine merges the streams of odd multiples of every prime found so far (a heap of
//! channels, ordered by their next value) into one increasing stream of composites; another
//! walks the odd candidates, emitting those the composites skip and feeding each new prime
//! back to the merger — through a proxy goroutine with an unbounded buffer, since the merger
//! needs primes far more slowly than they are found (a bounded feedback channel deadlocks).
//!
//! Differences from Go: `container/heap` of `*PeekCh` is a `BinaryHeap` of `PeekCh` ordered
//! by head, smallest first; the proxy's `container/ring` is a `VecDeque`. As in Go, the
//! proxy turns its send arm off with a nil channel while its buffer is empty.
//!
//! Run: `cargo run --example sieve2`. Checks the first 25 primes, as the Go test does, and
//! the next thousand against trial division.

use goro::prelude::*;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Returns a channel of odd numbers, starting from 5.
fn odds() -> Chan<i64> {
    let out = chan![i64; 50];
    go!({
        let mut n = 5;
        loop {
            out.send(n);
            n += 2;
        }
    });
    out
}

/// Returns a channel of the odd multiples of the prime `p`, starting from p·p.
fn multiples(p: i64) -> Chan<i64> {
    let out = chan![i64; 10];
    go!({
        let mut n = p * p;
        loop {
            out.send(n);
            n += 2 * p;
        }
    });
    out
}

/// A channel and the value last taken from it. Ordered so that `BinaryHeap`, a max-heap,
/// pops the smallest head first.
struct PeekCh {
    head: i64,
    ch: Chan<i64>,
}

impl PartialEq for PeekCh {
    fn eq(&self, other: &Self) -> bool {
        self.head == other.head
    }
}
impl Eq for PeekCh {}
impl PartialOrd for PeekCh {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for PeekCh {
    fn cmp(&self, other: &Self) -> Ordering {
        other.head.cmp(&self.head)
    }
}

/// Returns a channel to serve as a sending proxy to `out`: a goroutine receives from it
/// into an expanding buffer, so that sending to the proxy never blocks for long.
fn sendproxy(out: Chan<i64>) -> Chan<i64> {
    let proxy = chan![i64; 10];
    go!({
        let mut buf = VecDeque::with_capacity(16);
        loop {
            // Buffer empty: disable output with a nil channel, as Go does.
            let c = if buf.is_empty() {
                Chan::nil()
            } else {
                out.clone()
            };
            let e = buf.front().copied().unwrap_or_default();
            select! {
                v := <-proxy => buf.push_back(v.expect("never closed")),
                c <- e => {
                    buf.pop_front();
                }
            }
        }
    });
    proxy
}

/// Returns a channel of primes.
fn sieve() -> Chan<i64> {
    // The output values.
    let out = chan![i64; 10];
    out.send(2);
    out.send(3);

    // The channel of all composites to be eliminated in increasing order.
    let composites = chan![i64; 50];

    // The feedback loop.
    let primes = chan![i64; 10];
    primes.send(3);

    // Merge channels of multiples of `primes` into `composites`.
    go!({
        let mut h = BinaryHeap::new();
        let mut min = 15;
        loop {
            let m = multiples(primes.recv().unwrap());
            let head = m.recv().unwrap();
            while min < head {
                composites.send(min);
                let mut minchan: PeekCh = h.pop().unwrap();
                min = minchan.head;
                minchan.head = minchan.ch.recv().unwrap();
                h.push(minchan);
            }
            while min == head {
                let mut minchan: PeekCh = h.pop().unwrap();
                min = minchan.head;
                minchan.head = minchan.ch.recv().unwrap();
                h.push(minchan);
            }
            composites.send(head);
            h.push(PeekCh {
                head: m.recv().unwrap(),
                ch: m,
            });
        }
    });

    // Sieve out `composites` from `candidates`.
    go!({
        // To generate the nth prime the merger needs only multiples of primes up to
        // sqrt(nth prime), so it receives from `primes` much more slowly than this goroutine
        // sends: a plain buffer would fill and deadlock. The proxy buffers without bound.
        let primes = sendproxy(primes);
        let candidates = odds();
        let mut p = candidates.recv().unwrap();
        loop {
            let c = composites.recv().unwrap();
            while p < c {
                primes.send(p);
                out.send(p);
                p = candidates.recv().unwrap();
            }
            if p == c {
                p = candidates.recv().unwrap();
            }
        }
    });

    out
}

#[goro::main]
pub fn main() {
    let primes = sieve();
    let want = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97,
    ];
    let got: Vec<i64> = (0..want.len()).map(|_| primes.recv().unwrap()).collect();
    assert_eq!(got, want);
    let text: Vec<String> = got.iter().map(i64::to_string).collect();
    println!("primes below 100: {}", text.join(" "));
    // Beyond Go's check: the next thousand agree with trial division.
    let more: Vec<i64> = (0..1000).map(|_| primes.recv().unwrap()).collect();
    assert_eq!(more, trial_division(1025)[25..]);
    println!("the 1025th prime: {}", more[999]);
}

/// The first `n` primes, the slow obvious way.
fn trial_division(n: usize) -> Vec<i64> {
    let mut found: Vec<i64> = Vec::with_capacity(n);
    let mut k = 2;
    while found.len() < n {
        if found
            .iter()
            .take_while(|&&p| p * p <= k)
            .all(|&p| k % p != 0)
        {
            found.push(k);
        }
        k += 1;
    }
    found
}
