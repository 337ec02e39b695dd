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
fn a_goroutine_spawning_in_a_loop_is_preempted_behind_what_it_spawned() {
    // Go 1.19 preempts a goroutine running a `go` loop after 10 ms; it resumes behind
    // everything queued (its local queue, then the global queue, where the overflow went),
    // so on one P every goroutine spawned before the preemption has run when it resumes.
    // goro's `go` checks sysmon's mark (Go <= 1.13 checked it at every call). Without
    // that check nothing runs here until the first join.
    const MAX: u64 = 500_000;
    let (preemptions, sum, n) = goro::run(|| {
        goro::runtime::gomaxprocs(1);
        let ran = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut handles = Vec::new();
        let (mut preemptions, mut seen) = (0, 0);
        let start = std::time::Instant::now();
        for i in 0..MAX {
            let r = ran.clone();
            handles.push(goro::spawn(move || {
                r.fetch_add(1, Ordering::SeqCst);
                i
            }));
            let now = ran.load(Ordering::SeqCst);
            if now != seen {
                // The yield came at the start of spawn `i`: goroutines 0..i have all run.
                assert_eq!(now, i, "goroutines run when the spawner resumed");
                seen = now;
                preemptions += 1;
                if preemptions == 3 || start.elapsed() > std::time::Duration::from_secs(2) {
                    break;
                }
            }
        }
        let n = handles.len() as u64;
        let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        (preemptions, sum, n)
    });
    assert_eq!(sum, n * (n - 1) / 2);
    assert!(preemptions >= 1, "{n} spawns and no goroutine ran");
}

#[test]
fn a_goroutine_looping_on_locks_is_preempted_as_in_go() {
    // Go 1.19 preempts a goroutine that only takes and releases locks after 10 ms; here a
    // lock is a scheduling point as a channel operation is. On one P, goroutine 1 loops on
    // a `Mutex` and an `RWMutex` until the started goroutine queued behind it has run:
    // without the preemption the loop never ends.
    let (rounds, seen) = goro::run(|| {
        goro::runtime::gomaxprocs(1);
        let flag = Arc::new(AtomicBool::new(false));
        let m = Arc::new(goro::sync::Mutex::new(0u64));
        let rw = Arc::new(goro::sync::RWMutex::new(0u64));
        let (f, m2) = (flag.clone(), m.clone());
        go!(move || {
            goro::runtime::gosched(); // now a started goroutine, queued behind goroutine 1
            *m2.lock() += 1_000_000;
            f.store(true, Ordering::SeqCst);
        });
        goro::runtime::gosched(); // let it start
        let mut rounds = 0u64;
        while !flag.load(Ordering::SeqCst) {
            *m.lock() += 1;
            *rw.write() += 1;
            let _ = *rw.read();
            rounds += 1;
        }
        let seen = *m.lock();
        (rounds, seen)
    });
    assert_eq!(seen, rounds + 1_000_000, "both goroutines' increments");
    assert!(rounds > 0, "goroutine 1 looped before it was preempted");
}

/// Runs `setup` (which starts a goroutine that parks, then is woken from elsewhere and
/// returns how late it ran) while goroutine 1, on the only P, loops on a lock without ever
/// giving up its slice. Five rounds; returns the waits.
fn waits_behind_a_busy_slice<F>(setup: F) -> Vec<std::time::Duration>
where
    F: Fn(Arc<AtomicBool>) -> goro::JoinHandle<std::time::Duration> + Send + 'static,
{
    goro::run(move || {
        goro::runtime::gomaxprocs(1);
        let m = goro::sync::Mutex::new(0u64);
        (0..5)
            .map(|_| {
                let done = Arc::new(AtomicBool::new(false));
                let h = setup(done.clone());
                while !done.load(Ordering::SeqCst) {
                    *m.lock() += 1; // a scheduling point that keeps the slice
                }
                h.join().unwrap()
            })
            .collect()
    })
}

#[test]
fn a_goroutine_readied_by_another_thread_runs_within_about_a_millisecond() {
    // goro's own bound. In Go the goroutine would run on the readier's P; here only its
    // own thread may run it, so sysmon cuts the running slice once the woken goroutine has
    // waited 1 ms, not after Go's 10 ms slice. The best of five rounds must be well under
    // that slice (a busy machine may delay any one round).
    let waits = waits_behind_a_busy_slice(|done| {
        let ch = chan![std::time::Instant];
        let (rx, tx) = (ch.clone(), ch);
        let h = goro::spawn(move || {
            let sent = rx.recv().unwrap();
            done.store(true, Ordering::SeqCst);
            sent.elapsed()
        });
        goro::runtime::gosched(); // it starts here (its home) and parks in `recv`
        std::thread::spawn(move || tx.send(std::time::Instant::now()));
        h
    });
    let best = waits.iter().min().unwrap();
    assert!(
        *best < std::time::Duration::from_millis(5),
        "a goroutine readied from a plain thread waited {best:?} behind a busy slice ({waits:?})"
    );
}

#[test]
fn a_timer_due_on_a_busy_thread_fires_within_about_a_millisecond() {
    // The same bound for a sleeper whose thread runs a goroutine that keeps its slice: its
    // timer is due, and sysmon cuts the slice once it is 1 ms late.
    let waits = waits_behind_a_busy_slice(|done| {
        let h = goro::spawn(move || {
            let start = std::time::Instant::now();
            goro::time::sleep(std::time::Duration::from_millis(1));
            done.store(true, Ordering::SeqCst);
            start.elapsed() - std::time::Duration::from_millis(1)
        });
        goro::runtime::gosched(); // it starts here (its home) and sleeps
        h
    });
    let best = waits.iter().min().unwrap();
    assert!(
        *best < std::time::Duration::from_millis(5),
        "a 1 ms sleep was {best:?} late behind a busy slice ({waits:?})"
    );
}
