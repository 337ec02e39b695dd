//! Go: `src/runtime/chan_test.go`, the runtime's channel tests.
//!
//! Ported: TestChan, TestNonblockRecvRace, TestNonblockSelectRace(2), TestSelfSelect,
//! TestChanSendInterface, TestMultiConsumer, TestSelectDuplicateChannel. Elsewhere:
//! TestSelectFairness and TestPseudoRandomSend in `tests/select.rs`, TestSelectStress in
//! `tests/stress.rs`. Not ported: the stack-shrinking tests (goro's stacks do not move).
//!
//! Differences: where Go sleeps 1 ms "to make sure" a goroutine has blocked, the goroutine
//! is parked on one P first (`park_in_order`), and whether it completed is then checked
//! exactly. Go's `t.Fatal` inside a goroutine is an assert in a joined goroutine.

use crate::support::park_in_order;
use goro::prelude::*;
use goro::runtime::{gomaxprocs, gosched};
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[goro::test]
fn test_chan() {
    const N: usize = 200; // Go: 200, or 20 with -short
    gomaxprocs(4);
    for chan_cap in 0..N {
        {
            // Ensure that receive from empty chan blocks.
            gomaxprocs(1);
            let c = chan![i32; chan_cap];
            let recv = [
                Arc::new(AtomicBool::new(false)),
                Arc::new(AtomicBool::new(false)),
            ];
            let (c2, flags) = (c.clone(), recv.clone());
            let _receivers = park_in_order(2, move |i| {
                c2.recv();
                flags[i].store(true, Ordering::SeqCst);
            });
            assert!(
                !recv[0].load(Ordering::SeqCst) && !recv[1].load(Ordering::SeqCst),
                "chan[{chan_cap}]: receive from empty chan"
            );
            // Ensure that non-blocking receive does not block.
            select! {
                _v := <-c => panic!("chan[{chan_cap}]: receive from empty chan"),
                default => {},
            }
            select! {
                (_v, _ok) := <-c => panic!("chan[{chan_cap}]: receive from empty chan"),
                default => {},
            }
            c.send(0);
            c.send(0);
            gomaxprocs(4);
        }

        {
            // Ensure that send to full chan blocks.
            gomaxprocs(1);
            let c = chan![i32; chan_cap];
            for i in 0..chan_cap {
                c.send(i as i32);
            }
            let sent = Arc::new(AtomicBool::new(false));
            let (c2, flag) = (c.clone(), sent.clone());
            let _sender = park_in_order(1, move |_| {
                c2.send(0);
                flag.store(true, Ordering::SeqCst);
            });
            assert!(
                !sent.load(Ordering::SeqCst),
                "chan[{chan_cap}]: send to full chan"
            );
            // Ensure that non-blocking send does not block.
            select! {
                c <- 0 => panic!("chan[{chan_cap}]: send to full chan"),
                default => {},
            }
            c.recv();
            gomaxprocs(4);
        }

        {
            // Ensure that we receive 0 from closed chan.
            let c = chan![i32; chan_cap];
            for i in 0..chan_cap {
                c.send(i as i32);
            }
            c.close();
            for i in 0..chan_cap {
                let v = c.recv().unwrap();
                assert_eq!(v, i as i32, "chan[{chan_cap}]: received {v}, expected {i}");
            }
            assert_eq!(c.recv().unwrap_or_default(), 0, "chan[{chan_cap}]");
            select! {
                (v, ok) := <-c => assert_eq!((v, ok), (0, false), "chan[{chan_cap}]"),
            }
        }

        {
            // Ensure that close unblocks receive.
            gomaxprocs(1);
            let c = chan![i32; chan_cap];
            let c2 = c.clone();
            let receiver = park_in_order(1, move |_| {
                select! {
                    (v, ok) := <-c2 => v == 0 && !ok,
                }
            });
            c.close();
            for h in receiver {
                assert!(
                    h.join().unwrap(),
                    "chan[{chan_cap}]: received non zero from closed chan"
                );
            }
            gomaxprocs(4);
        }

        {
            // Send 100 integers, ensure that we receive them non-corrupted in FIFO order.
            let c = chan![i32; chan_cap];
            go!({
                for i in 0..100 {
                    c.send(i);
                }
            });
            for i in 0..100 {
                let v = c.recv().unwrap();
                assert_eq!(v, i, "chan[{chan_cap}]: received {v}, expected {i}");
            }

            // Same, but using recv2.
            go!({
                for i in 0..100 {
                    c.send(i);
                }
            });
            for i in 0..100 {
                select! {
                    (v, ok) := <-c => {
                        assert!(ok, "chan[{chan_cap}]: receive failed, expected {i}");
                        assert_eq!(v, i, "chan[{chan_cap}]: received {v}, expected {i}");
                    }
                }
            }

            // Send 1000 integers in 4 goroutines, ensure that we receive what we send.
            const P: usize = 4;
            const L: i32 = 1000;
            for _ in 0..P {
                go!({
                    for i in 0..L {
                        c.send(i);
                    }
                });
            }
            let done = chan![HashMap<i32, usize>];
            for _ in 0..P {
                go!({
                    let mut recv = HashMap::new();
                    for _ in 0..L {
                        *recv.entry(c.recv().unwrap()).or_default() += 1;
                    }
                    done.send(recv);
                });
            }
            let mut recv = HashMap::<i32, usize>::new();
            for _ in 0..P {
                for (k, v) in done.recv().unwrap() {
                    *recv.entry(k).or_default() += v;
                }
            }
            assert_eq!(recv.len(), L as usize, "chan[{chan_cap}]: received values");
            assert!(
                recv.values().all(|&v| v == P),
                "chan[{chan_cap}]: each {P} times"
            );
        }

        {
            // Test len/cap.
            let c = chan![i32; chan_cap];
            assert_eq!(
                (c.len(), c.cap()),
                (0, chan_cap),
                "chan[{chan_cap}]: bad len/cap"
            );
            for i in 0..chan_cap {
                c.send(i as i32);
            }
            assert_eq!(
                (c.len(), c.cap()),
                (chan_cap, chan_cap),
                "chan[{chan_cap}]: bad len/cap"
            );
        }
    }
}

#[goro::test]
fn test_nonblock_recv_race() {
    const N: usize = 10_000; // Go: 10000, or 100 with -short
    for _ in 0..N {
        let c = chan![i32; 1];
        c.send(1);
        let c2 = c.clone();
        let h = goro::spawn(move || {
            select! {
                <-c2 => {},
                default => panic!("chan is not ready"),
            }
        });
        c.close();
        c.recv();
        h.join().unwrap();
    }
}

/// Select acts on the state of the channels at one moment, not over a smeared time window.
/// From the time the goroutine starts, at least one of c1 and c2 is always ready, so its
/// non-blocking select must receive from one of them, never run `default`.
#[goro::test]
fn test_nonblock_select_race() {
    const N: usize = 100_000; // Go: 100000, or 1000 with -short
    let done = chan![bool; 1];
    for _ in 0..N {
        let (c1, c2) = (chan![i32; 1], chan![i32; 1]);
        c1.send(1);
        go!({
            select! {
                <-c1 => {},
                <-c2 => {},
                default => {
                    done.send(false);
                    return;
                }
            }
            done.send(true);
        });
        c2.send(1);
        select! {
            <-c1 => {},
            default => {},
        }
        assert!(done.recv().unwrap(), "no chan is ready");
    }
}

/// As `test_nonblock_select_race`, with `close(c2)` instead of `c2 <- 1`.
#[goro::test]
fn test_nonblock_select_race2() {
    const N: usize = 100_000;
    let done = chan![bool; 1];
    for _ in 0..N {
        let (c1, c2) = (chan![i32; 1], chan![i32]);
        c1.send(1);
        go!({
            select! {
                <-c1 => {},
                <-c2 => {},
                default => {
                    done.send(false);
                    return;
                }
            }
            done.send(true);
        });
        c2.close();
        select! {
            <-c1 => {},
            default => {},
        }
        assert!(done.recv().unwrap(), "no chan is ready");
    }
}

/// Send and receive on the same channel in one select neither crash nor deadlock, and an
/// unbuffered select never receives its own value.
#[goro::test]
fn test_self_select() {
    gomaxprocs(2);
    for chan_cap in [0, 10] {
        let c = chan![usize; chan_cap];
        let workers: Vec<_> = (0..2)
            .map(|p| {
                let c = c.clone();
                goro::spawn(move || {
                    for i in 0..1000 {
                        let self_receive = |v: Option<usize>| chan_cap == 0 && v == Some(p);
                        if p == 0 || i % 2 == 0 {
                            select! {
                                c <- p => {},
                                v := <-c => assert!(!self_receive(v), "self receive"),
                            }
                        } else {
                            select! {
                                v := <-c => assert!(!self_receive(v), "self receive"),
                                c <- p => {},
                            }
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().for_each(|h| h.join().unwrap());
    }
}

#[goro::test]
fn test_chan_send_interface() {
    // Go sends `interface{}` values; here boxed `dyn Any`. The unsent values of the arms not
    // taken are dropped with the select.
    struct Mt;
    let m = || Box::new(Mt) as Box<dyn Any + Send>;
    let c = chan![Box<dyn Any + Send>; 1];
    c.send(m());
    select! {
        c <- m() => panic!("the buffer is full"),
        default => {},
    }
    select! {
        c <- m() => panic!("the buffer is full"),
        c <- Box::new(Mt) => panic!("the buffer is full"),
        default => {},
    }
    assert!(c.recv().unwrap().is::<Mt>());
}

#[goro::test]
fn test_multi_consumer() {
    const NWORK: usize = 23;
    const NITER: usize = 271_828;
    const PN: [usize; 10] = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    let (q, r) = (chan![usize; NWORK * 3], chan![usize; NWORK * 3]);

    // workers
    let workers: Vec<_> = (0..NWORK)
        .map(|w| {
            let (q, r) = (q.clone(), r.clone());
            goro::spawn(move || {
                for v in &q {
                    // mess with the fifo-ish nature of range
                    if PN[w % PN.len()] == v {
                        gosched();
                    }
                    r.send(v);
                }
            })
        })
        .collect();

    // feeder & closer
    let feeder = goro::spawn({
        let (q, r) = (q.clone(), r.clone());
        move || {
            let mut expect = 0;
            for i in 0..NITER {
                let v = PN[i % PN.len()];
                expect += v;
                q.send(v);
            }
            q.close(); // no more work
            workers.into_iter().for_each(|h| h.join().unwrap()); // workers done
            r.close(); // ... so there can be no more results
            expect
        }
    });

    // consume & check
    let (mut n, mut s) = (0, 0);
    for v in &r {
        n += 1;
        s += v;
    }
    let expect = feeder.join().unwrap();
    assert_eq!(
        (n, s),
        (NITER, expect),
        "expected sum {expect} (got {s}) from {NITER} iter (saw {n})"
    );
}

/// A goroutine can be queued on the same channel several times (one select, two cases).
#[goro::test]
fn test_select_duplicate_channel() {
    gomaxprocs(1);
    let (c, d, e) = (chan![i32], chan![i32], chan![i32]);
    let (c2, d2, e2) = (c.clone(), d.clone(), e.clone());
    // Goroutine A is queued on c (twice) first, then goroutine B (Go sleeps 1 ms for each).
    let _ab = park_in_order(2, move |who| {
        if who == 0 {
            select! {
                <-c2 => {},
                <-c2 => {},
                <-d2 => {},
            }
            e2.send(9);
        } else {
            c2.recv();
        }
    });
    d.send(7); // wakes A, which takes itself off c: this used to corrupt c's recvq
    e.recv(); // A is done
    c.send(8); // wakes B; with a corrupted recvq this would wake the finished A instead
}
