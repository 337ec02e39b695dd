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
    // thread and the borrows cannot collide. `lock_os_thread` pinned these goroutines before
    // thread affinity existed too: the next test holds such borrows without it.
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

/// Goroutines in `a_refcell_borrow_held_across_parks_stays_on_its_own_thread`.
const RING: usize = 8;

std::thread_local! {
    /// One slot per goroutine of that test: goroutine `i` is the only one that borrows
    /// `HELD[i]` of whichever thread it is on.
    static HELD: [RefCell<u64>; RING] = const { [const { RefCell::new(0) }; RING] };
}

/// This thread's `HELD[i]`, its address computed afresh (not inlined into the caller, so
/// LLVM cannot reuse an address the caller computed before a switch).
#[inline(never)]
fn held_addr(i: usize) -> usize {
    HELD.with(|h| &h[i] as *const RefCell<u64> as usize)
}

/// Whether this thread's `HELD[i]` is borrowed now, looked up afresh.
#[inline(never)]
fn held_is_borrowed(i: usize) -> bool {
    HELD.with(|h| h[i].try_borrow_mut().is_err())
}

/// This thread's id, looked up afresh.
#[inline(never)]
fn current_thread() -> std::thread::ThreadId {
    std::thread::current().id()
}

#[test]
fn a_refcell_borrow_held_across_parks_stays_on_its_own_thread() {
    // No `lock_os_thread` (with it, as in the test above, goroutines were pinned before
    // thread affinity existed): 8 goroutines on 2 Ps pass 2 tokens around a ring of
    // 1-slot channels. Two leaders are made to start on different threads (each spins,
    // never yielding, until the other has started: only another thread can run it), so
    // every lap of a token crosses threads at least twice: a goroutine parked in `recv`
    // (or in `send`, on a full slot) is woken by a goroutine of the other thread. Each
    // goroutine holds a `RefMut` of its own slot of a thread-local, `HELD[i]`, across 16
    // rounds of `recv`/`gosched`/`send`, then drops it and borrows again (which must never
    // find it already borrowed). After each blocking call it looks afresh (`#[inline(never)]`
    // helpers) at its thread and at that thread's `HELD[i]`.
    //
    // Why migration at a park fails this: under Go's scheduling (goro before thread
    // affinity) a goroutine readied by another thread's goroutine went to the waker's P and
    // ran on the waker's thread, which here happens at least twice a lap. Resumed on thread
    // B while holding a `RefMut` of thread A's `HELD[i]`, it would find B's `HELD[i]` at
    // another address and not borrowed (only goroutine `i` ever borrows slot `i`, and it
    // holds A's), and B's id instead of A's: each is asserted after every blocking call.
    // Nothing here depends on LLVM reusing a thread-local address (the ring test above
    // covers that), and no two goroutines ever touch the same slot, so with affinity the
    // borrows cannot collide however the goroutines share the two threads. Checked with
    // `Sched::ready` (proc.rs) changed for a moment to rehome a G readied by another M's
    // goroutine onto the waker's M: this test failed at goroutine 0's first receive (and,
    // with the thread and address asserts taken out, at the borrow check), while the two
    // tests above passed.
    const ROUNDS: usize = 16_000;
    const HOLD: usize = 16;
    type Token = (std::thread::ThreadId, u64);
    let (crossings, tokens) = goro::run(|| {
        gomaxprocs(2);
        let ring: Vec<Chan<Token>> = (0..RING).map(|_| Chan::new(1)).collect();
        let arrived = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let leaders_ready = Chan::<()>::new(2);
        let member = |i: usize| {
            let (rx, tx) = (ring[i].clone(), ring[(i + 1) % RING].clone());
            let (arrived, leaders_ready) = (arrived.clone(), leaders_ready.clone());
            move || {
                if i < 2 {
                    use std::sync::atomic::Ordering::SeqCst;
                    arrived.fetch_add(1, SeqCst);
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
                    while arrived.load(SeqCst) < 2 {
                        assert!(
                            std::time::Instant::now() < deadline,
                            "the other leader never started alongside"
                        );
                        std::hint::spin_loop();
                    }
                    leaders_ready.send(());
                }
                let thread = current_thread();
                let home = held_addr(i);
                let check = |held: &std::cell::RefMut<'_, u64>, what: &str, n: usize| {
                    assert_eq!(
                        current_thread(),
                        thread,
                        "goroutine {i} resumed on another thread after {what} {n}"
                    );
                    assert_eq!(
                        held_addr(i),
                        home,
                        "goroutine {i}'s thread-local moved after {what} {n}"
                    );
                    assert!(
                        held_is_borrowed(i),
                        "goroutine {i} holds a borrow, but its thread's slot is free after {what} {n}"
                    );
                    // The RefMut still points into this thread's slot.
                    let inside = &**held as *const u64 as usize;
                    assert!(
                        (home..home + size_of::<RefCell<u64>>()).contains(&inside),
                        "goroutine {i}'s RefMut is of another thread's slot after {what} {n}"
                    );
                };
                let mut crossings = 0usize;
                HELD.with(|h| {
                    for n in (0..ROUNDS).step_by(HOLD) {
                        let mut held = h[i].try_borrow_mut().unwrap_or_else(|_| {
                            panic!("goroutine {i}: its slot was already borrowed at {n}")
                        });
                        for k in n..n + HOLD {
                            let (from, v) = rx.recv().expect("the ring is never closed");
                            check(&held, "recv", k);
                            crossings += usize::from(from != thread);
                            *held += 1;
                            if k % 4 == 3 {
                                gosched();
                                check(&held, "gosched", k);
                            }
                            tx.send((thread, v + 1));
                            check(&held, "send", k);
                        }
                        drop(held);
                        assert!(
                            !held_is_borrowed(i),
                            "goroutine {i}: the slot stays borrowed"
                        );
                    }
                    assert_eq!(*h[i].borrow(), ROUNDS as u64);
                });
                crossings
            }
        };
        let leaders: Vec<_> = (0..2).map(|i| goro::spawn(member(i))).collect();
        leaders_ready.recv().unwrap();
        leaders_ready.recv().unwrap();
        let followers: Vec<_> = (2..RING).map(|i| goro::spawn(member(i))).collect();
        let me = std::thread::current().id();
        ring[0].send((me, 0));
        ring[RING / 2].send((me, 0));
        let crossings: usize = leaders
            .into_iter()
            .chain(followers)
            .map(|h| h.join().unwrap())
            .sum();
        // Conservation: both tokens are left, after RING × ROUNDS hops in all.
        let tokens = ring[0].recv().unwrap().1 + ring[RING / 2].recv().unwrap().1;
        (crossings, tokens)
    });
    assert_eq!(tokens, (RING * ROUNDS) as u64);
    // Every lap (RING hops) passes both leaders, on different threads.
    assert!(
        crossings >= ROUNDS,
        "only {crossings} hand-offs between threads: the two threads did not share the ring"
    );
}
