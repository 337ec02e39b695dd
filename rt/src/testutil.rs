//! Helpers for the in-crate tests.

use std::time::{Duration, Instant};

/// Waits (yielding) until `f` holds; fails the test after 10 s, naming `what`.
pub(crate) fn eventually(what: &str, f: impl Fn() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(10), "never: {what}");
        std::thread::yield_now();
    }
}
