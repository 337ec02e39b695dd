//! Port of golang/go `src/sync/mutex_test.go` (Go 1.19): TestMutex, TestMutexFairness.
//! Differences: the hammer also checks mutual exclusion directly (an unsynchronised counter
//! inside the lock must come out exact), which Go leaves to the race detector.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Go: HammerMutex, plus a count of holders that must never exceed one.
fn hammer_mutex(m: &Mutex<u64>, inside: &AtomicU32, loops: u64) -> u64 {
    let mut mine = 0;
    for i in 0..loops {
        if i % 3 == 0 {
            if let Some(mut g) = m.try_lock() {
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                *g += 1;
                mine += 1;
                inside.fetch_sub(1, Ordering::SeqCst);
            }
            continue;
        }
        let mut g = m.lock();
        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
        *g += 1;
        mine += 1;
        inside.fetch_sub(1, Ordering::SeqCst);
    }
    mine
}

/// Go: TestMutex — try_lock fails on a locked mutex and succeeds on an unlocked one; then
/// 10 goroutines hammer one mutex on 4 Ps, 1000 times each.
#[goro::test]
fn test_mutex() {
    let m = Arc::new(Mutex::new(0u64));
    {
        let g = m.lock();
        assert!(
            m.try_lock().is_none(),
            "TryLock succeeded with mutex locked"
        );
        drop(g);
    }
    assert!(m.try_lock().is_some(), "TryLock failed with mutex unlocked");
    let before = goro::runtime::gomaxprocs(4);
    let inside = Arc::new(AtomicU32::new(0));
    let c = chan![u64];
    for _ in 0..10 {
        let (m, inside, c) = (m.clone(), inside.clone(), c.clone());
        go!(move || c.send(hammer_mutex(&m, &inside, 1000)));
    }
    let done: u64 = (0..10).map(|_| c.recv().unwrap()).sum();
    assert_eq!(*m.lock(), done, "an increment under the lock was lost");
    assert!(done >= 10 * 666, "every plain lock() got the lock");
    goro::runtime::gomaxprocs(before);
}

/// Go: TestMutexFairness — a goroutine that holds the mutex for 100 µs at a time and
/// relocks it at once cannot starve another that wants it 10 times: Go's bound, 10 s for
/// all 10, is asserted. (Without starvation mode the relocking goroutine, which is always
/// running, wins nearly every race.) Two Ps: goro does not preempt a goroutine inside a
/// loop with no blocking call, so on one P the first would never let the second run.
#[goro::test]
fn test_mutex_fairness() {
    let before = goro::runtime::gomaxprocs(2);
    let mu = Arc::new(Mutex::new(()));
    let stop = Arc::new(AtomicBool::new(false));
    let (mu1, stop1) = (mu.clone(), stop.clone());
    let hog = goro::spawn(move || {
        while !stop1.load(Ordering::SeqCst) {
            let g = mu1.lock();
            super::work(Duration::from_micros(100));
            drop(g);
        }
    });
    let done = chan![Duration; 1];
    let (mu2, done2) = (mu.clone(), done.clone());
    go!(move || {
        let start = Instant::now();
        for _ in 0..10 {
            super::work(Duration::from_micros(100));
            drop(mu2.lock());
        }
        done2.send(start.elapsed());
    });
    let took = done.recv().unwrap();
    stop.store(true, Ordering::SeqCst);
    hog.join().unwrap();
    assert!(
        took < Duration::from_secs(10),
        "can't acquire Mutex in 10 seconds ({took:?})"
    );
    goro::runtime::gomaxprocs(before);
}
