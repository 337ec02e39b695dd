//! Go by Example: Tickers (gobyexample.com/tickers). A ticker ticks until stopped.
//!
//! Differences from Go: a tenth of Go's durations (ticks every 50 ms for 175 ms, not
//! 500 ms for 1600 ms); each line says the tick's number and its time since the start,
//! rounded to the period, instead of the wall-clock time.
//!
//! Run: `cargo run --example tickers`. Prints three ticks, then `Ticker stopped`.

use goro::prelude::*;
use goro::time::{Instant, Ticker, sleep};

const PERIOD: Duration = Duration::from_millis(50);

#[goro::main]
pub fn main() {
    let start = Instant::now();
    let ticker = std::sync::Arc::new(Ticker::new(PERIOD));
    let done = chan![bool];
    let ticks = chan![u32; 1];
    go!({
        let mut n = 0;
        loop {
            select! {
                _ = <-done => {
                    ticks.send(n);
                    return;
                }
                t := <-ticker.c() => {
                    n += 1;
                    let at = t.unwrap() - start;
                    assert!(at >= PERIOD * n, "tick {n} came early: {at:?}");
                    println!("Tick {n} at ~{} ms", at.as_millis() / 50 * 50);
                }
            }
        }
    });
    sleep(Duration::from_millis(175));
    ticker.stop();
    done.send(true);
    println!("Ticker stopped");
    let n = ticks.recv().unwrap();
    // A loaded machine may deliver a tick late (a later one is then dropped), never more.
    assert!((1..=3).contains(&n), "{n} ticks");
}
