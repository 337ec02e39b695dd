//! Many goroutines on all Ps hammering channels: every message is received exactly once
//! (a bitmap over all values), per-sender order survives, nothing deadlocks. Sized to take
//! seconds in a debug build on two cores (CI runs `cargo test --workspace` in debug).
mod support;

use goro::Chan;
use std::time::Instant;

const SENDERS: usize = 8;
const RECEIVERS: usize = 8;
const TOTAL: usize = 1_000_000;
const PER_SENDER: usize = TOTAL / SENDERS;

/// What one receiver saw: a bitmap of the values and how many it got.
struct Seen {
    bits: Vec<u64>,
    n: usize,
}

/// 8 senders × 8 receivers move `TOTAL` distinct values through one channel of capacity
/// `cap`; checks each value arrives exactly once and each sender's values arrive in order
/// at any one receiver (a channel is FIFO).
fn eight_by_eight(cap: usize) {
    let start = Instant::now();
    let ch = Chan::<u32>::new(cap);
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let tx = ch.sender();
            goro::spawn(move || {
                for k in 0..PER_SENDER {
                    tx.send((s * PER_SENDER + k) as u32);
                }
            })
        })
        .collect();
    let receivers: Vec<_> = (0..RECEIVERS)
        .map(|_| {
            let rx = ch.receiver();
            goro::spawn(move || {
                let mut seen = Seen {
                    bits: vec![0; TOTAL / 64 + 1],
                    n: 0,
                };
                let mut last = [None::<u32>; SENDERS];
                for v in &rx {
                    let s = v as usize / PER_SENDER;
                    assert!(last[s] < Some(v), "sender {s}'s values out of order");
                    last[s] = Some(v);
                    let (word, bit) = (v as usize / 64, v % 64);
                    assert_eq!(seen.bits[word] & 1 << bit, 0, "{v} received twice");
                    seen.bits[word] |= 1 << bit;
                    seen.n += 1;
                }
                seen
            })
        })
        .collect();
    senders.into_iter().for_each(|h| h.join().unwrap());
    ch.close();
    let mut all = vec![0u64; TOTAL / 64 + 1];
    let mut n = 0;
    for h in receivers {
        let seen = h.join().unwrap();
        n += seen.n;
        for (a, b) in all.iter_mut().zip(&seen.bits) {
            assert_eq!(*a & b, 0, "a value reached two receivers");
            *a |= b;
        }
    }
    assert_eq!(n, TOTAL);
    let ones: u32 = all.iter().map(|w| w.count_ones()).sum();
    assert_eq!(ones as usize, TOTAL, "every value received");
    eprintln!(
        "eight_by_eight(cap {cap}): {TOTAL} messages in {:?}",
        start.elapsed()
    );
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_unbuffered() {
    eight_by_eight(0);
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_buffered() {
    eight_by_eight(64);
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_through_one_slot() {
    eight_by_eight(1);
}
