//! sysmon's preemption (Go's retake): a goroutine whose time slice has lasted 10 ms —
//! including a pair handing work back and forth through `runnext`, which inherits the slice
//! — yields at its next channel operation, so the rest of its P gets to run.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn a_ping_pong_pair_on_one_p_does_not_starve_a_third_goroutine() {
    // Go 1.19 finishes this program; without preemption the pair would run forever on the
    // only P, the started third goroutine waiting behind them in the queue.
    let done = goro::run(|| {
        goro::runtime::gomaxprocs(1);
        let flag = Arc::new(AtomicBool::new(false));
        let (a, b) = (chan![i32], chan![i32]);
        let (a1, b1, a2, b2) = (a.clone(), b.clone(), a.clone(), b.clone());
        let (f1, f2, f3) = (flag.clone(), flag.clone(), flag.clone());
        go!(move || {
            while !f1.load(Ordering::SeqCst) {
                a1.send(1);
                let _ = b1.recv();
            }
        });
        go!(move || {
            while !f2.load(Ordering::SeqCst) {
                let _ = a2.recv();
                b2.send(1);
            }
        });
        go!(move || {
            goro::runtime::gosched(); // now a started goroutine, queued behind the pair
            f3.store(true, Ordering::SeqCst);
        });
        while !flag.load(Ordering::SeqCst) {
            goro::runtime::gosched();
        }
        true
    });
    assert!(done);
}

#[test]
fn a_spawner_on_one_p_runs_its_goroutines_once_its_queue_is_full() {
    // A goroutine spawning in a loop on one P: Go's sysmon preempts it every 10 ms and the
    // spawned goroutines run meanwhile; goro's `go` yields once the P's queue (256) is full,
    // so no more than a queue's worth ever waits (each waiting goroutine holds a stack).
    // Without that, all 100,000 would wait until the first join.
    const N: u64 = 100_000;
    let (max_waiting, sum) = goro::run(|| {
        goro::runtime::gomaxprocs(1);
        let ran = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut max_waiting = 0;
        let mut handles = Vec::with_capacity(N as usize);
        for i in 0..N {
            let r = ran.clone();
            handles.push(goro::spawn(move || {
                r.fetch_add(1, Ordering::SeqCst);
                i
            }));
            max_waiting = max_waiting.max(i + 1 - ran.load(Ordering::SeqCst));
        }
        let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        (max_waiting, sum)
    });
    assert_eq!(sum, N * (N - 1) / 2);
    assert!(
        max_waiting <= 258,
        "{max_waiting} spawned goroutines waited at once on one P"
    );
}
