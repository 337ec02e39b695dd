//! Ports of Go's own `sync` tests, a module per Go file, each test naming the Go test it
//! ports: golang/go `src/sync/{mutex,rwmutex,cond,waitgroup,once}_test.go` (Go 1.19, plus
//! Go 1.25's `TestWaitGroupGo`) and golang.org/x/sync `semaphore/semaphore_test.go`.
//!
//! Common differences: Go's `*testing.T` failures are assertions; Go's plain shared
//! variables become atomics or the data of the `Mutex` that guards them; `time.Sleep` used
//! as *work inside a critical section* becomes a short busy loop (goro has no timers yet),
//! and Go's `time.After` deadlines on a channel receive are dropped (a hang fails CI by its
//! timeout instead). Go's misuse tests, which run a child process, are in `tests/sync.rs`.
#[path = "../support/mod.rs"]
mod support;

mod cond_test;
mod mutex_test;
mod once_test;
mod rwmutex_test;
mod semaphore_test;
mod waitgroup_test;

/// Busy work standing in for a short `time.Sleep` inside a critical section.
pub fn work(d: std::time::Duration) {
    let start = std::time::Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}
