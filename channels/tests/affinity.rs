//! Thread affinity: a goroutine that has started runs on one OS thread until it exits, so
//! thread-locals behave as in a `std::thread` across blocking channel operations.
//!
//! This package's tests are built with optimisations (the workspace Cargo.toml sets
//! `opt-level` for goro-chan), because what these tests guard against shows only in
//! optimised code: LLVM computes a thread-local's address once per function, so a
//! goroutine resumed on another thread would go on using the first thread's data.
mod support;

use goro::Chan;
use goro::runtime::{gomaxprocs, gosched};
use std::cell::{Cell, RefCell};

std::thread_local! {
    static LOG: RefCell<Vec<(u32, u32)>> = const { RefCell::new(Vec::new()) };
    static PROBE: Cell<u8> = const { Cell::new(0) };
}

/// This thread's `PROBE` address, computed afresh (not inlined into the caller, so LLVM
/// cannot reuse an address the caller computed before a switch).
#[inline(never)]
fn probe_addr() -> usize {
    PROBE.with(|c| c as *const Cell<u8> as usize)
}

#[test]
fn thread_locals_stay_valid_across_blocking_receives_in_a_ring_of_goroutines() {
    // 16 goroutines pass tokens around a ring of buffered channels on 2 Ps, logging to a
    // thread-local Vec before and after every receive. Before thread affinity this
    // corrupted the heap in release builds (two threads pushing to one Vec), and the
    // address of a thread-local read after a receive was the old thread's.
    const N: u32 = 16;
    const ROUNDS: u32 = 50_000;
    let results = goro::run(|| {
        gomaxprocs(2);
        let ring: Vec<Chan<u32>> = (0..N).map(|_| Chan::new(4)).collect();
        for c in &ring {
            c.send(0);
        }
        let hs: Vec<_> = (0..N)
            .map(|i| {
                let rx = ring[i as usize].clone();
                let tx = ring[((i + 1) % N) as usize].clone();
                goro::spawn(move || {
                    let thread = std::thread::current().id();
                    let home = probe_addr();
                    let (mut stale, mut moved) = (0u32, 0u32);
                    for r in 0..ROUNDS {
                        LOG.with_borrow_mut(|v| v.push((i, 2 * r)));
                        let before = PROBE.with(|c| c as *const Cell<u8> as usize);
                        let t = rx.recv().expect("the ring is never closed");
                        // Possibly the address computed before the receive, reused.
                        let after = PROBE.with(|c| c as *const Cell<u8> as usize);
                        let now = probe_addr();
                        if before != now || after != now || now != home {
                            stale += 1;
                        }
                        LOG.with_borrow_mut(|v| v.push((i, 2 * r + 1)));
                        if r % 64 == 0 {
                            gosched();
                            if PROBE.with(|c| c as *const Cell<u8> as usize) != probe_addr() {
                                stale += 1;
                            }
                        }
                        if std::thread::current().id() != thread {
                            moved += 1;
                        }
                        tx.send(t + 1);
                    }
                    // Every entry this goroutine logged is in its own thread's Vec, in order.
                    let mine: Vec<u32> =
                        LOG.with_borrow(|v| v.iter().filter(|e| e.0 == i).map(|e| e.1).collect());
                    let complete = mine.iter().copied().eq(0..2 * ROUNDS);
                    (stale, moved, complete)
                })
            })
            .collect();
        let results: Vec<_> = hs.into_iter().map(|h| h.join().unwrap()).collect();
        // Conservation: one token per link is left, and all 16 × ROUNDS hops happened.
        let left: u32 = ring.iter().map(|c| c.recv().unwrap()).sum();
        assert_eq!(left, N * ROUNDS);
        results
    });
    for (i, (stale, moved, complete)) in results.into_iter().enumerate() {
        assert_eq!(
            stale, 0,
            "goroutine {i} read another thread's thread-local address"
        );
        assert_eq!(moved, 0, "goroutine {i} changed threads");
        assert!(
            complete,
            "goroutine {i}'s log entries are not all on its thread, in order"
        );
    }
}

#[test]
fn a_refcell_thread_local_borrowed_across_a_receive_is_borrowed_by_its_thread_only() {
    // Each goroutine holds its own thread's `LOG` borrowed across a blocking receive; a
    // goroutine resumed elsewhere would hold the borrow flag of one thread while writing to
    // another's Vec. Here every goroutine has a thread to itself: at most GOMAXPROCS
    // goroutines, each started on an M with nothing else homed on it, so no two share a
    // thread and the borrows cannot collide.
    let counts = goro::run(|| {
        gomaxprocs(2);
        let (a, b) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
        let ping = {
            let (a, b) = (a.clone(), b.clone());
            goro::spawn(move || {
                goro::runtime::lock_os_thread(); // nothing else starts on this thread
                LOG.with_borrow_mut(|log| {
                    log.clear();
                    for k in 0..2000 {
                        a.send(k);
                        log.push((0, b.recv().unwrap()));
                    }
                    log.len()
                })
            })
        };
        let pong = goro::spawn(move || {
            goro::runtime::lock_os_thread();
            LOG.with_borrow_mut(|log| {
                log.clear();
                for _ in 0..2000 {
                    let k = a.recv().unwrap();
                    log.push((1, k));
                    b.send(k);
                }
                log.len()
            })
        });
        (ping.join().unwrap(), pong.join().unwrap())
    });
    assert_eq!(counts, (2000, 2000));
}
