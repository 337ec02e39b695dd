//! Port of golang/go `src/sync/cond_test.go` (Go 1.19): TestCondSignal,
//! TestCondSignalGenerations, TestCondBroadcast, TestRace, TestCondSignalStealing.
//! Differences: `c.L` is the `Mutex` whose guard `wait` takes; Go's shared variables are
//! that mutex's data. Added: signal wakes waiters in the order they began waiting; a
//! `Cond` over an `RWMutex`'s write lock and over its read lock (Go's `rw.RLocker()`).

use super::support::{parked, wait_until};
use goro::prelude::*;
use goro::sync::Cond;
use std::sync::Arc;

/// Go: TestCondSignal — each signal wakes exactly one of two waiters.
#[goro::test]
fn test_cond_signal() {
    let mc = Arc::new((Mutex::new(()), Cond::new()));
    let mut n = 2;
    let running = chan![bool; n];
    let awake = chan![bool; n];
    for _ in 0..n {
        let (mc, running, awake) = (mc.clone(), running.clone(), awake.clone());
        go!(move || {
            let (m, c) = &*mc;
            let g = m.lock();
            running.send(true);
            let g = c.wait(g);
            awake.send(true);
            drop(g);
        });
    }
    for _ in 0..n {
        running.recv(); // Wait for everyone to run.
    }
    let (m, c) = &*mc;
    while n > 0 {
        assert!(awake.try_recv().is_err(), "goroutine not asleep");
        let g = m.lock();
        c.signal();
        drop(g);
        awake.recv(); // Will deadlock if no goroutine wakes up
        assert!(awake.try_recv().is_err(), "too many goroutines awake");
        n -= 1;
    }
    c.signal();
}

/// Go: TestCondSignalGenerations — 100 generations of one waiter each: a signal wakes the
/// waiter of its generation, never a later one.
#[goro::test]
fn test_cond_signal_generations() {
    let mc = Arc::new((Mutex::new(()), Cond::new()));
    let n = 100;
    let running = chan![bool; n];
    let awake = chan![usize; n];
    let (m, c) = &*mc;
    for i in 0..n {
        let (mc2, running2, awake2) = (mc.clone(), running.clone(), awake.clone());
        go!(move || {
            let (m, c) = &*mc2;
            let g = m.lock();
            running2.send(true);
            let g = c.wait(g);
            awake2.send(i);
            drop(g);
        });
        if i > 0 {
            let a = awake.recv().unwrap();
            assert_eq!(a, i - 1, "wrong goroutine woke up: want {}, got {a}", i - 1);
        }
        running.recv();
        let g = m.lock();
        c.signal();
        drop(g);
    }
}

/// Go: TestCondBroadcast — 200 goroutines, 200 rounds: each broadcast wakes every one of
/// them exactly once.
#[goro::test]
fn test_cond_broadcast() {
    let mc = Arc::new((Mutex::new(false), Cond::new()));
    let n = 200;
    let running = chan![usize; n];
    let awake = chan![usize; n];
    for g in 0..n {
        let (mc, running, awake) = (mc.clone(), running.clone(), awake.clone());
        go!(move || {
            let (m, c) = &*mc;
            let mut exit = m.lock();
            while !*exit {
                running.send(g);
                exit = c.wait(exit);
                awake.send(g);
            }
        });
    }
    let (m, c) = &*mc;
    for i in 0..n {
        for _ in 0..n {
            running.recv(); // Will deadlock unless n are running.
        }
        if i == n - 1 {
            *m.lock() = true;
        }
        assert!(awake.try_recv().is_err(), "goroutine not asleep");
        let g = m.lock();
        c.broadcast();
        drop(g);
        let mut seen = vec![false; n];
        for _ in 0..n {
            let g = awake.recv().unwrap();
            assert!(!seen[g], "goroutine woke up twice");
            seen[g] = true;
        }
    }
    assert!(running.try_recv().is_err(), "goroutine did not exit");
    c.broadcast();
}

/// Go: TestRace — three goroutines pass `x` 1 → 2 → 3 through one Cond.
#[goro::test]
fn test_race() {
    let xc = Arc::new((Mutex::new(0), Cond::new()));
    let done = chan![bool];
    {
        let (xc, done) = (xc.clone(), done.clone());
        go!(move || {
            let (m, c) = &*xc;
            let mut x = m.lock();
            *x = 1;
            x = c.wait(x);
            assert_eq!(*x, 2, "want 2");
            *x = 3;
            c.signal();
            drop(x);
            done.send(true);
        });
    }
    {
        let (xc, done) = (xc.clone(), done.clone());
        go!(move || {
            let (m, c) = &*xc;
            let mut x = m.lock();
            loop {
                if *x == 1 {
                    *x = 2;
                    c.signal();
                    break;
                }
                drop(x);
                goro::runtime::gosched();
                x = m.lock();
            }
            drop(x);
            done.send(true);
        });
    }
    {
        let (xc, done) = (xc.clone(), done.clone());
        go!(move || {
            let (m, c) = &*xc;
            let mut x = m.lock();
            loop {
                if *x == 2 {
                    x = c.wait(x);
                    assert_eq!(*x, 3, "want 3");
                    break;
                }
                if *x == 3 {
                    break;
                }
                drop(x);
                goro::runtime::gosched();
                x = m.lock();
            }
            drop(x);
            done.send(true);
        });
    }
    for _ in 0..3 {
        done.recv();
    }
}

/// Go: TestCondSignalStealing — a broadcast racing with a new waiter still wakes the waiter
/// that was there first, 1000 times.
#[goro::test]
fn test_cond_signal_stealing() {
    for _ in 0..1000 {
        let mc = Arc::new((Mutex::new(false), Cond::new()));
        // Start a waiter.
        let ch = chan![()];
        {
            let (mc, ch) = (mc.clone(), ch.clone());
            go!(move || {
                let (m, c) = &*mc;
                let g = m.lock();
                ch.send(());
                let g = c.wait(g);
                drop(g);
                ch.send(());
            });
        }
        ch.recv();
        let (m, c) = &*mc;
        drop(m.lock());
        // The waiter is in `wait`: we synchronised with it, then took and released the
        // mutex it held. Now a broadcast races with a second waiter; the first must wake.
        {
            let mc = mc.clone();
            go!(move || mc.1.broadcast());
        }
        {
            let mc = mc.clone();
            go!(move || {
                let (m, c) = &*mc;
                let mut done = m.lock();
                while !*done {
                    done = c.wait(done);
                }
            });
        }
        ch.recv(); // First waiter didn't get broadcast, if this hangs.
        // Release the second waiter in case it didn't get the broadcast.
        *m.lock() = true;
        c.broadcast();
    }
}

/// `signal` wakes the waiter that has waited longest: five goroutines wait in a known
/// order (each starts only once the one before is parked), and five signals wake them in
/// that order.
#[goro::test]
fn signal_wakes_the_longest_waiter_first() {
    let mc = Arc::new((Mutex::new(()), Cond::new()));
    let woke = chan![usize; 5];
    for i in 0..5 {
        let (mc, woke) = (mc.clone(), woke.clone());
        go!(move || {
            let (m, c) = &*mc;
            let g = c.wait(m.lock());
            woke.send(i);
            drop(g);
        });
        wait_until("waiter parked", || parked("sync.Cond.Wait") == i + 1);
    }
    let order: Vec<usize> = (0..5)
        .map(|_| {
            mc.1.signal();
            woke.recv().unwrap()
        })
        .collect();
    assert_eq!(order, [0, 1, 2, 3, 4]);
}

/// Go's `sync.NewCond(&rw)`: the write guard of an `RWMutex` as `c.L`. Two waiters; each
/// signal wakes one, and it holds the write lock again when `wait` returns.
#[goro::test]
fn cond_over_an_rwmutex_write_lock() {
    let mc = Arc::new((goro::sync::RWMutex::new(0u32), Cond::new()));
    let woke = chan![u32; 2];
    for _ in 0..2 {
        let (mc, woke) = (mc.clone(), woke.clone());
        go!(move || {
            let (m, c) = &*mc;
            let mut g = m.write();
            *g += 1; // counts the waiters that got in
            let mut g = c.wait(g);
            *g += 10; // exclusive again: no increment is lost
            woke.send(*g);
        });
    }
    let (m, c) = &*mc;
    wait_until("two waiters parked", || {
        parked("sync.Cond.Wait") == 2 && *m.read() == 2
    });
    c.signal();
    let first = woke.recv().unwrap();
    assert!(woke.try_recv().is_err(), "one signal woke one waiter");
    c.signal();
    let second = woke.recv().unwrap();
    assert_eq!((first, second), (12, 22));
}

/// Go's `sync.NewCond(rw.RLocker())`: readers wait holding the read lock (released while
/// parked, taken again after); a writer gets in meanwhile and broadcasts.
#[goro::test]
fn cond_over_an_rwmutex_read_lock() {
    let mc = Arc::new((goro::sync::RWMutex::new(false), Cond::new()));
    let done = chan![bool; 3];
    for _ in 0..3 {
        let (mc, done) = (mc.clone(), done.clone());
        go!(move || {
            let (m, c) = &*mc;
            let mut r = m.read();
            while !*r {
                r = c.wait(r);
            }
            // Read locks held by several woken readers at once.
            done.send(*r);
            drop(r);
        });
    }
    let (m, c) = &*mc;
    wait_until("three readers parked", || parked("sync.Cond.Wait") == 3);
    *m.write() = true; // no reader holds the lock while parked
    c.broadcast();
    for _ in 0..3 {
        assert_eq!(done.recv(), Some(true));
    }
}
