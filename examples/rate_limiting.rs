//! Go by Example: Rate Limiting (gobyexample.com/rate-limiting). Requests are served one
//! per tick of a `tick` channel; then a buffered channel of "tokens" allows bursts of 3.
//!
//! Differences from Go: a tenth of Go's 200 ms period (20 ms); instead of the wall-clock
//! time each line is checked against the limiter (a request served no sooner than its
//! slot) and says whether it went out in the burst.
//!
//! Run: `cargo run --example rate_limiting`. Prints `request 1` … `request 5` twice, the
//! first three of the second round marked `(burst)`.

use goro::prelude::*;
use goro::time::{Instant, tick};

const PERIOD: Duration = Duration::from_millis(20);

#[goro::main]
pub fn main() {
    let requests = chan![i32; 5];
    for i in 1..=5 {
        requests.send(i);
    }
    requests.close();
    let start = Instant::now();
    let limiter = tick(PERIOD);
    for req in &requests {
        limiter.recv();
        let at = start.elapsed();
        assert!(
            at >= PERIOD * req as u32,
            "request {req} served early: {at:?}"
        );
        println!("request {req}");
    }

    let bursty_limiter = chan![Instant; 3];
    for _ in 0..3 {
        bursty_limiter.send(Instant::now());
    }
    let start = Instant::now();
    go!({
        for t in &tick(PERIOD) {
            bursty_limiter.send(t);
        }
    });
    let bursty_requests = chan![i32; 5];
    for i in 1..=5 {
        bursty_requests.send(i);
    }
    bursty_requests.close();
    for req in &bursty_requests {
        bursty_limiter.recv();
        if req <= 3 {
            println!("request {req} (burst)");
        } else {
            let at = start.elapsed();
            let slot = PERIOD * (req as u32 - 3);
            assert!(
                at >= slot - Duration::from_millis(1),
                "request {req}: {at:?}"
            );
            println!("request {req}");
        }
    }
}
