//! Port of golang.org/x/sync `semaphore/semaphore_test.go`: TestWeighted, TestWeightedPanic,
//! TestWeightedTryAcquire, TestWeightedDoesntBlockIfTooBig, TestLargeAcquireDoesntStarve.
//! Differences: no contexts (goro's `acquire` cannot be cancelled), so the context tests
//! are not ported; Go's random sleeps in the hammer become `gosched`. Added: FIFO order, a
//! large request at the head blocking smaller ones.

use super::support::{parked, wait_until};
use goro::prelude::*;
use goro::sync::Semaphore;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// x/sync: TestWeighted (HammerWeighted) — n goroutines acquire i units each, never more
/// than the size held at once.
#[goro::test]
fn test_weighted() {
    let n = goro::runtime::gomaxprocs(0).max(2);
    let loops = 10000 / n;
    let sem = Arc::new(Semaphore::new(n));
    let held = Arc::new(AtomicUsize::new(0));
    let wg = Arc::new(WaitGroup::new());
    for i in 0..n {
        let (sem, held) = (sem.clone(), held.clone());
        wg.go(move || {
            for _ in 0..loops {
                sem.acquire(i);
                let now = held.fetch_add(i, Ordering::SeqCst) + i;
                assert!(now <= n, "over-granted: {now} > {n}");
                goro::runtime::gosched();
                held.fetch_sub(i, Ordering::SeqCst);
                sem.release(i);
            }
        });
    }
    wg.wait();
}

/// x/sync: TestWeightedPanic — releasing what was never acquired panics.
#[goro::test]
fn test_weighted_panic() {
    let w = Semaphore::new(1);
    let err = std::panic::catch_unwind(|| w.release(1))
        .expect_err("release of an unacquired weighted semaphore did not panic");
    assert_eq!(
        goro::panic::payload_str(&*err),
        "semaphore: released more than held"
    );
}

/// x/sync: TestWeightedTryAcquire.
#[goro::test]
fn test_weighted_try_acquire() {
    let sem = Semaphore::new(2);
    let mut tries = Vec::new();
    sem.acquire(1);
    tries.push(sem.try_acquire(1));
    tries.push(sem.try_acquire(1));
    sem.release(2);
    tries.push(sem.try_acquire(1));
    sem.acquire(1);
    tries.push(sem.try_acquire(1));
    assert_eq!(tries, [true, false, true, false]);
}

/// x/sync: TestWeightedDoesntBlockIfTooBig — a request larger than the size parks forever
/// but does not hold up the others.
#[goro::test]
fn test_weighted_doesnt_block_if_too_big() {
    const N: usize = 2;
    let sem = Arc::new(Semaphore::new(N));
    {
        let sem = sem.clone();
        go!(move || sem.acquire(N + 1));
    }
    wait_until("the oversized request parks", || parked("semacquire") == 1);
    let wg = Arc::new(WaitGroup::new());
    for _ in 0..N * 3 {
        let sem = sem.clone();
        wg.go(move || {
            sem.acquire(1);
            goro::runtime::gosched();
            sem.release(1);
        });
    }
    wg.wait();
}

/// x/sync: TestLargeAcquireDoesntStarve — goroutines that keep releasing and reacquiring
/// single units cannot starve a request for all of them.
#[goro::test]
fn test_large_acquire_doesnt_starve() {
    let n = goro::runtime::gomaxprocs(0).max(2);
    let sem = Arc::new(Semaphore::new(n));
    let running = Arc::new(AtomicBool::new(true));
    let wg = Arc::new(WaitGroup::new());
    wg.add(n as isize);
    for _ in 0..n {
        sem.acquire(1);
        let (sem, running, wg) = (sem.clone(), running.clone(), wg.clone());
        go!(move || {
            while running.load(Ordering::SeqCst) {
                goro::runtime::gosched();
                sem.release(1);
                sem.acquire(1);
            }
            sem.release(1);
            wg.done();
        });
    }
    sem.acquire(n);
    running.store(false, Ordering::SeqCst);
    sem.release(n);
    wg.wait();
}

/// FIFO: with 1 of 2 units held, a request for 2 queues; a request for 1 arriving after it
/// waits behind it although a unit is free, and is served only after the big one.
#[goro::test]
fn large_request_at_the_head_blocks_smaller_ones() {
    let sem = Arc::new(Semaphore::new(2));
    sem.acquire(1);
    let order = chan![&'static str; 2];
    let (s2, o2) = (sem.clone(), order.clone());
    let big = goro::spawn(move || {
        s2.acquire(2);
        o2.send("big");
        s2.release(2);
    });
    wait_until("the big request waits", || parked("semacquire") == 1);
    let (s3, o3) = (sem.clone(), order.clone());
    let small = goro::spawn(move || {
        s3.acquire(1);
        o3.send("small");
        s3.release(1);
    });
    wait_until("the small request waits too", || parked("semacquire") == 2);
    assert!(!sem.try_acquire(1), "try_acquire barged past waiters");
    sem.release(1);
    big.join().unwrap();
    small.join().unwrap();
    assert_eq!((order.recv(), order.recv()), (Some("big"), Some("small")));
}
