//! Port of golang/go `src/sync/rwmutex_test.go` (Go 1.19): TestParallelReaders, TestRWMutex
//! (its try-lock checks and HammerRWMutex). Differences: HammerRWMutex runs with
//! GOMAXPROCS 1, 2 and 4 (Go: 1, 4, 10) and 1000 iterations; a test that a pending writer
//! holds off new readers is added (Go's doc states it, its tests do not check it).

use super::support::{parked, wait_until};
use goro::prelude::*;
use goro::sync::RWMutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

/// Go: parallelReader.
fn parallel_reader(m: &RWMutex, clocked: &Chan<bool>, cunlock: &Chan<bool>, cdone: &Chan<bool>) {
    m.rlock();
    clocked.send(true);
    cunlock.recv();
    m.runlock();
    cdone.send(true);
}

/// Go: doTestParallelReaders — `num_readers` goroutines hold the read lock at once.
fn do_test_parallel_readers(num_readers: usize, gomaxprocs: usize) {
    let before = goro::runtime::gomaxprocs(gomaxprocs);
    let m = Arc::new(RWMutex::new(()));
    let (clocked, cunlock, cdone) = (chan![bool], chan![bool], chan![bool]);
    for _ in 0..num_readers {
        let (m, clocked, cunlock, cdone) =
            (m.clone(), clocked.clone(), cunlock.clone(), cdone.clone());
        go!(move || parallel_reader(&m, &clocked, &cunlock, &cdone));
    }
    // Wait for all parallel RLock()s to succeed.
    for _ in 0..num_readers {
        clocked.recv();
    }
    for _ in 0..num_readers {
        cunlock.send(true);
    }
    for _ in 0..num_readers {
        cdone.recv();
    }
    goro::runtime::gomaxprocs(before);
}

/// Go: TestParallelReaders.
#[goro::test]
fn test_parallel_readers() {
    do_test_parallel_readers(1, 4);
    do_test_parallel_readers(3, 4);
    do_test_parallel_readers(4, 2);
}

/// Go: reader — checks no writer is active while it reads.
fn reader(rwm: &RWMutex, iterations: usize, activity: &AtomicI32) {
    for _ in 0..iterations {
        let g = rwm.read();
        let n = activity.fetch_add(1, Ordering::SeqCst) + 1;
        assert!((1..10000).contains(&n), "rlock({n})");
        for _ in 0..100 {
            std::hint::spin_loop();
        }
        activity.fetch_sub(1, Ordering::SeqCst);
        drop(g);
    }
}

/// Go: writer — checks it is alone.
fn writer(rwm: &RWMutex, iterations: usize, activity: &AtomicI32) {
    for _ in 0..iterations {
        let g = rwm.write();
        let n = activity.fetch_add(10000, Ordering::SeqCst) + 10000;
        assert_eq!(n, 10000, "wlock({n})");
        for _ in 0..100 {
            std::hint::spin_loop();
        }
        activity.fetch_sub(10000, Ordering::SeqCst);
        drop(g);
    }
}

/// Go: HammerRWMutex — two writers and `num_readers` readers, `activity` counting active
/// readers plus 10000 per active writer.
fn hammer_rwmutex(gomaxprocs: usize, num_readers: usize, iterations: usize) {
    let before = goro::runtime::gomaxprocs(gomaxprocs);
    let activity = Arc::new(AtomicI32::new(0));
    let rwm = Arc::new(RWMutex::new(()));
    let cdone = chan![bool];
    let spawn = |is_writer: bool| {
        let (rwm, activity, cdone) = (rwm.clone(), activity.clone(), cdone.clone());
        go!(move || {
            if is_writer {
                writer(&rwm, iterations, &activity);
            } else {
                reader(&rwm, iterations, &activity);
            }
            cdone.send(true);
        });
    };
    spawn(true);
    let mut i = 0;
    while i < num_readers / 2 {
        spawn(false);
        i += 1;
    }
    spawn(true);
    while i < num_readers {
        spawn(false);
        i += 1;
    }
    // Wait for the 2 writers and all readers to finish.
    for _ in 0..2 + num_readers {
        cdone.recv();
    }
    goro::runtime::gomaxprocs(before);
}

/// Go: TestRWMutex — the try-lock table, then the hammer on 1, 2 and 4 Ps.
#[goro::test]
fn test_rwmutex() {
    let m = RWMutex::new(());
    m.lock();
    assert!(
        m.try_write().is_none(),
        "TryLock succeeded with mutex locked"
    );
    assert!(
        m.try_read().is_none(),
        "TryRLock succeeded with mutex locked"
    );
    m.unlock();
    assert!(
        m.try_write().is_some(),
        "TryLock failed with mutex unlocked"
    );
    m.rlock();
    assert!(
        m.try_write().is_none(),
        "TryLock succeeded with mutex rlocked"
    );
    let r2 = m.try_read().expect("TryRLock failed with mutex rlocked");
    drop(r2);
    m.runlock();

    let n = 1000;
    for procs in [1, 2, 4] {
        for readers in [1, 3, 10] {
            hammer_rwmutex(procs, readers, n);
        }
    }
    hammer_rwmutex(4, 5, n);
}

/// Once a writer waits, a new reader waits behind it even though the lock is only read-
/// held: writers are not starved by a stream of readers. The writer gets in when the
/// readers it found leave, and the new reader after the writer.
#[goro::test]
fn pending_writer_holds_off_new_readers() {
    let m = Arc::new(RWMutex::new(Vec::new()));
    let first = m.read();
    let w = m.clone();
    let writer = goro::spawn(move || w.write().push("writer"));
    wait_until("the writer waits for the reader", || {
        parked("sync.RWMutex.Lock") == 1
    });
    assert!(
        m.try_read().is_none(),
        "a new reader got past a pending writer"
    );
    let r = m.clone();
    let late = goro::spawn(move || r.read().clone());
    wait_until("the late reader waits", || {
        parked("sync.RWMutex.RLock") == 1
    });
    drop(first);
    writer.join().unwrap();
    assert_eq!(late.join().unwrap(), ["writer"]);
}
