//! Shared helpers of the facade's tests: wait for a *state*, never a duration (STYLE H10).

use std::time::{Duration, Instant};

/// Polls `cond` (yielding between polls) until it holds; after 10 s panics naming `what`.
/// The deadline only bounds a failure; a passing run never waits for it.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        goro::runtime::gosched();
    }
}
