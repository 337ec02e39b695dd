//! A monitor goroutine: a `Ticker` samples `runtime::num_goroutine()` while workers of
//! different lengths finish, the way a Go service logs its goroutine count.
//!
//! ```go
//! var wg sync.WaitGroup
//! for _, ms := range []int{20, 60, 100, 140} {
//!     wg.Add(1)
//!     go func(ms int) { defer wg.Done(); time.Sleep(time.Duration(ms) * time.Millisecond) }(ms)
//! }
//! ticker, done := time.NewTicker(40*time.Millisecond), make(chan bool)
//! go func() {
//!     for {
//!         select {
//!         case <-ticker.C: fmt.Println("goroutines:", runtime.NumGoroutine())
//!         case <-done: return
//!         }
//!     }
//! }()
//! wg.Wait(); ticker.Stop(); done <- true
//! ```
//!
//! Differences from Go: `wg.go(f)` (Go 1.25's `wg.Go`) in place of `Add`/`defer Done`; the monitor also checks that the count never
//! grows, and main prints the count once the monitor has returned.
//!
//! Run: `cargo run --example monitor`. Prints a few `goroutines: N` lines (N falling from
//! at most 6 as workers finish), then `workers done` and `goroutines at the end: 1`.

use goro::prelude::*;
use goro::runtime::num_goroutine;
use goro::time::{Ticker, sleep};
use std::sync::Arc;

const WORKERS_MS: [u64; 4] = [20, 60, 100, 140];

#[goro::main]
pub fn main() {
    let wg = Arc::new(WaitGroup::new());
    for ms in WORKERS_MS {
        // Go 1.25's wg.Go: add(1), spawn, done() when the body returns.
        wg.go(move || sleep(Duration::from_millis(ms)));
    }
    let ticker = Arc::new(Ticker::new(Duration::from_millis(40)));
    let done = chan![bool];
    let returned = chan![()];
    go!({
        let mut last = usize::MAX;
        'monitor: loop {
            select! {
                _ = <-ticker.c() => {
                    let n = num_goroutine();
                    // main, this monitor and the workers still asleep.
                    assert!(n <= last && n <= 2 + WORKERS_MS.len(), "{n} after {last}");
                    last = n;
                    println!("goroutines: {n}");
                }
                _ = <-done => break 'monitor,
            }
        }
        returned.send(());
    });
    wg.wait();
    ticker.stop();
    println!("workers done");
    done.send(true);
    returned.recv();
    // The monitor has returned from its body; let it finish exiting.
    while num_goroutine() > 1 {
        goro::runtime::gosched();
    }
    println!("goroutines at the end: {}", num_goroutine());
}
