//! Go by Example: Goroutines (gobyexample.com/goroutines). A function called directly runs
//! to completion; the same function started with `go!` runs concurrently, as does an
//! anonymous function given its argument.
//!
//! Differences from Go: Go's program waits with `time.Sleep(time.Second)` and hopes both
//! goroutines are done; this port waits for them with a `WaitGroup` (the robust way the page
//! itself points to), so `done` always comes last. The goroutines' lines may interleave, as
//! in Go; each goroutine's own lines keep their order.
//!
//! Run: `cargo run --example gbe_goroutines`. Prints `direct : 0` … `direct : 2`, then
//! `goroutine : 0` … `goroutine : 2` and `going` in some interleaving, then `done`.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Prints `from : i` for i in 0..3 and counts the lines in `printed`.
fn f(from: &str, printed: &AtomicUsize) {
    for i in 0..3 {
        println!("{from} : {i}");
        printed.fetch_add(1, Ordering::SeqCst);
    }
}

#[goro::main]
pub fn main() {
    let printed = Arc::new(AtomicUsize::new(0));
    f("direct", &printed);
    assert_eq!(
        printed.load(Ordering::SeqCst),
        3,
        "a direct call runs to completion"
    );

    let wg = Arc::new(WaitGroup::new());
    wg.add(2);
    go!({
        f("goroutine", &printed);
        wg.done();
    });
    // Go: go func(msg string) { ... }("going"). The closure owns its own handles; `go!`
    // evaluates the function value and its argument now, and calls it in the goroutine.
    let anonymous = {
        let (printed, wg) = (printed.clone(), wg.clone());
        move |msg: &str| {
            println!("{msg}");
            printed.fetch_add(1, Ordering::SeqCst);
            wg.done();
        }
    };
    go!(anonymous("going"));
    wg.wait();
    assert_eq!(
        printed.load(Ordering::SeqCst),
        7,
        "both goroutines finished"
    );
    println!("done");
}
