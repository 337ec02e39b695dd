//! Port of golang/go `src/sync/once_test.go` (Go 1.19): TestOnce, TestOncePanic.

use goro::prelude::*;
use goro::sync::Once;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Go: TestOnce — 10 goroutines race to `Do`; every one sees the increment done, once.
#[goro::test]
fn test_once() {
    let o = Arc::new(AtomicU32::new(0));
    let once = Arc::new(Once::new());
    let c = chan![bool];
    for _ in 0..10 {
        let (o, once, c) = (o.clone(), once.clone(), c.clone());
        go!(move || {
            once.call_once(|| {
                o.fetch_add(1, Ordering::SeqCst);
            });
            let v = o.load(Ordering::SeqCst);
            assert_eq!(v, 1, "once failed inside run: {v} is not 1");
            c.send(true);
        });
    }
    for _ in 0..10 {
        c.recv();
    }
    assert_eq!(o.load(Ordering::SeqCst), 1, "once failed outside run");
}

/// Go: TestOncePanic — a panicking function counts as done: the next `Do` does nothing.
#[goro::test]
fn test_once_panic() {
    let once = Once::new();
    let r = std::panic::catch_unwind(|| once.call_once(|| panic!("failed")));
    assert!(r.is_err(), "Once.Do did not panic");
    assert!(once.is_done());
    once.call_once(|| panic!("Once.Do called twice"));
}
