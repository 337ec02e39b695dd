//! Port of golang/go `src/sync/waitgroup_test.go` (Go 1.19; TestWaitGroupGo from Go 1.25):
//! TestWaitGroup, TestWaitGroupMisuse, TestWaitGroupRace, TestWaitGroupGo. Go's racy misuse
//! hammers (TestWaitGroupMisuse2/3) are replaced by a deterministic child-process test of
//! the same panic in `tests/sync.rs`.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

/// Go: testWaitGroup — 16 goroutines pass `wg1` and block on `wg2`; none may leave before
/// every `wg2.Done`, and all must leave after.
fn test_wait_group(wg1: &Arc<WaitGroup>, wg2: &Arc<WaitGroup>) {
    let n = 16;
    wg1.add(n);
    wg2.add(n);
    let exited = chan![bool; n as usize];
    for _ in 0..n {
        let (wg1, wg2, exited) = (wg1.clone(), wg2.clone(), exited.clone());
        go!(move || {
            wg1.done();
            wg2.wait();
            exited.send(true);
        });
    }
    wg1.wait();
    for _ in 0..n {
        assert!(
            exited.try_recv().is_err(),
            "WaitGroup released group too soon"
        );
        wg2.done();
    }
    for _ in 0..n {
        exited.recv(); // blocks if the barrier fails to release someone
    }
}

/// Go: TestWaitGroup — the same two groups, eight rounds: reusable after each.
#[goro::test]
fn test_wait_group_reused_eight_times() {
    let wg1 = Arc::new(WaitGroup::new());
    let wg2 = Arc::new(WaitGroup::new());
    for _ in 0..8 {
        test_wait_group(&wg1, &wg2);
    }
}

/// Go: TestWaitGroupMisuse — one `Done` too many panics with Go's text.
#[goro::test]
fn test_wait_group_misuse() {
    let wg = WaitGroup::new();
    wg.add(1);
    wg.done();
    let err = std::panic::catch_unwind(|| wg.done()).expect_err("Should panic");
    assert_eq!(
        goro::panic::payload_str(&*err),
        "sync: negative WaitGroup counter"
    );
}

/// Go: TestWaitGroupRace — `Wait` never returns before both `Done`s, 1000 times.
#[goro::test]
fn test_wait_group_race() {
    for _ in 0..1000 {
        let wg = Arc::new(WaitGroup::new());
        let n = Arc::new(AtomicI32::new(0));
        for _ in 0..2 {
            wg.add(1);
            let (wg, n) = (wg.clone(), n.clone());
            go!(move || {
                n.fetch_add(1, Ordering::SeqCst);
                wg.done();
            });
        }
        wg.wait();
        assert_eq!(n.load(Ordering::SeqCst), 2, "Spurious wakeup from Wait");
    }
}

/// Go 1.25: TestWaitGroupGo — `wg.Go(f)` counts `f` in and out.
#[goro::test]
fn test_wait_group_go() {
    let wg = Arc::new(WaitGroup::new());
    let i = Arc::new(AtomicI32::new(0));
    let i2 = i.clone();
    wg.go(move || {
        i2.fetch_add(1, Ordering::SeqCst);
    });
    wg.wait();
    assert_eq!(i.load(Ordering::SeqCst), 1);
}
