//! Go: `test/chanlinear.go` — dequeuing from a channel with many waiters is not linear in
//! their number: n goroutines each select 10 times on one shared channel `c` (never ready)
//! and their own `d`, so every wake-up takes a sudog out of `c`'s long queue; the time for
//! 2n goroutines must stay under 3× the time for n.
//!
//! Differences: none in the logic (Go's `checkLinear`, with its retries: n doubles while a
//! run takes under a second, and five failures in a row at a second or more fail). Time
//! is the behaviour measured here, so this test measures it; the bound is Go's. Go's
//! `runtime.GC()` between runs has no counterpart (nothing to collect).

use goro::prelude::*;
use std::time::{Duration, Instant};

/// Asserts that the running time of `f(n)` is in O(n); `tries` is the first n.
fn check_linear(typ: &str, tries: usize, f: impl Fn(usize)) {
    let time = |n: usize| {
        let t1 = Instant::now();
        f(n);
        t1.elapsed()
    };
    let mut n = tries;
    let mut fails = 0;
    loop {
        let t1 = time(n);
        let t2 = time(2 * n);
        // Should be 2x (linear); allow up to 3x.
        if t2 < 3 * t1 {
            return;
        }
        // If n ops run in under a second and the ratio doesn't work out, make n bigger,
        // reducing the effect a constant overhead has on the ratio.
        if t1 < Duration::from_secs(1) {
            n *= 2;
            continue;
        }
        // Once n ops take long enough, get the ratio right at least once in five.
        fails += 1;
        assert!(
            fails < 5,
            "{typ}: too slow: {n} channels: {t1:?}; {} channels: {t2:?}",
            2 * n
        );
    }
}

#[goro::test]
fn test_dequeue_from_a_long_queue_is_not_linear() {
    check_linear("chanSelect", 1000, |n| {
        const MESSAGES: usize = 10;
        let c = chan![bool]; // the shared channel
        let mut a = Vec::with_capacity(n); // a channel per goroutine
        for _ in 0..n {
            let d = chan![bool];
            a.push(d.clone());
            go!({
                for _ in 0..MESSAGES {
                    // Queue ourselves on the shared channel.
                    select! {
                        <-c => {}
                        <-d => {}
                    }
                }
            });
        }
        for _ in 0..MESSAGES {
            // Wake each goroutine, so it dequeues from `c` and enqueues again.
            for d in &a {
                d.send(true);
            }
        }
    });
}
