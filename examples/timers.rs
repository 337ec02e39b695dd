//! Go by Example: Timers (gobyexample.com/timers). A timer fires once; one stopped before
//! it fires never does.
//!
//! Differences from Go: durations are a tenth of Go's (200 ms and 100 ms, not 2 s and
//! 1 s), so the test suite stays quick.
//!
//! Run: `cargo run --example timers`. Prints `Timer 1 fired` and `Timer 2 stopped`.

use goro::prelude::*;
use goro::time::{Timer, sleep};

#[goro::main]
pub fn main() {
    let timer1 = Timer::new(Duration::from_millis(200));
    timer1.c().recv();
    println!("Timer 1 fired");

    let timer2 = std::sync::Arc::new(Timer::new(Duration::from_millis(100)));
    go!({
        timer2.c().recv();
        println!("Timer 2 fired");
    });
    let stop2 = timer2.stop();
    if stop2 {
        println!("Timer 2 stopped");
    }
    sleep(Duration::from_millis(200));
    assert!(stop2, "timer 2 fired before it was stopped");
}
