//! `goro::time`: sleeping, timers, tickers and timeouts, from goroutines and plain threads.
//! Time is the behaviour here, so these tests assert times, with wide margins: a check
//! that something happened no *earlier* than asked is exact, one that it happened soon
//! enough allows seconds.

mod support;

use goro::prelude::*;
use goro::time::{Instant, Ticker, Timer};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::wait_until;

/// Far beyond any lateness a loaded CI machine shows; only bounds a failure.
const LATE: Duration = Duration::from_secs(5);

/// A deterministic xorshift for the sleepers' durations.
fn durations(n: usize, max_ms: u64) -> Vec<Duration> {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(x % (max_ms * 1000 + 1))
        })
        .collect()
}

#[goro::test]
fn ten_thousand_sleepers_wake_in_deadline_order_and_never_early() {
    const N: usize = 10_000;
    // How far out of deadline order two wake-ups may be: timers of different Ps run on
    // different threads, and a woken goroutine waits for its own thread.
    const ORDER_TOLERANCE: Duration = Duration::from_millis(50);
    let woke = chan![(Instant, Instant); N];
    for d in durations(N, 100) {
        go!({
            let deadline = Instant::now() + d;
            goro::time::sleep(d);
            woke.send((deadline, Instant::now()));
        });
    }
    let mut got: Vec<(Instant, Instant)> = (0..N).map(|_| woke.recv().unwrap()).collect();
    for &(deadline, at) in &got {
        assert!(at >= deadline, "woke {:?} early", deadline - at);
        assert!(at - deadline < LATE, "woke {:?} late", at - deadline);
    }
    got.sort_by_key(|&(_, at)| at);
    let mut latest = got[0].0;
    for &(deadline, _) in &got {
        assert!(
            deadline + ORDER_TOLERANCE >= latest,
            "a sleeper woke after one whose deadline was {:?} later",
            latest - deadline
        );
        latest = latest.max(deadline);
    }
}

#[goro::test]
fn sleep_parks_with_wait_reason_sleep() {
    let started = chan![(); 1];
    go!({
        started.send(());
        goro::time::sleep(Duration::from_secs(3600));
    });
    started.recv();
    wait_until("a goroutine in [sleep]", || {
        goro::runtime::stack(true).contains("[sleep]")
    });
}

#[goro::test]
fn a_ticker_channel_never_holds_more_than_one_tick() {
    let t = Ticker::new(Duration::from_millis(1));
    assert_eq!(t.c().cap(), 1);
    let mut received = Vec::new();
    let mut last_recv = Instant::now();
    for _ in 0..5 {
        // A slow receiver: about twenty ticks come and go while it sleeps.
        goro::time::sleep(Duration::from_millis(20));
        assert!(t.c().len() <= 1);
        let tick = t.c().recv().unwrap();
        // Ticks are dropped, not queued: the one received was sent after the previous
        // receive emptied the channel, never one left over from before.
        assert!(tick >= last_recv);
        last_recv = Instant::now();
        received.push(tick);
    }
    t.stop();
    assert!(received.windows(2).all(|w| w[1] > w[0]));
}

#[goro::test]
fn a_stopped_ticker_sends_no_more() {
    let t = Ticker::new(Duration::from_millis(1));
    t.c().recv();
    t.stop();
    let _ = t.c().try_recv(); // one sent before the stop may be there
    goro::time::sleep(Duration::from_millis(20));
    assert!(t.c().try_recv().is_err());
}

#[goro::test]
#[should_panic(expected = "non-positive interval for NewTicker")]
fn a_zero_ticker_panics() {
    let _ = Ticker::new(Duration::ZERO);
}

#[goro::test]
fn after_func_runs_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let r2 = runs.clone();
    let t = Timer::after_func(Duration::from_millis(1), move || {
        r2.fetch_add(1, Ordering::SeqCst);
    });
    assert!(t.c().is_nil());
    wait_until("after_func ran", || runs.load(Ordering::SeqCst) == 1);
    goro::time::sleep(Duration::from_millis(20));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(!t.stop());
}

#[goro::test]
fn a_stopped_after_func_never_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let r2 = runs.clone();
    let t = Timer::after_func(Duration::from_millis(10), move || {
        r2.fetch_add(1, Ordering::SeqCst);
    });
    assert!(t.stop());
    goro::time::sleep(Duration::from_millis(30));
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[goro::test]
fn select_with_after_times_out_when_nothing_arrives() {
    let never = chan![i32];
    let start = Instant::now();
    let got = select! {
        v := <-never => v,
        _ = <-goro::time::after(Duration::from_millis(20)) => None,
    };
    assert_eq!(got, None);
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(start.elapsed() < LATE);
}

#[goro::test]
fn select_with_after_does_not_time_out_when_a_value_arrives() {
    let ch = chan![i32];
    go!({ ch.send(7) });
    let start = Instant::now();
    let got = select! {
        v := <-ch => v,
        _ = <-goro::time::after(Duration::from_secs(10)) => None,
    };
    assert_eq!(got, Some(7));
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[goro::test]
fn a_timeout_loop_whose_timer_never_fires_leaves_nothing_behind() {
    let ch = chan![u32; 1];
    for i in 0..10_000 {
        ch.send(i);
        let got = select! {
            v := <-ch => v,
            _ = <-goro::time::after(Duration::from_secs(60)) => None,
        };
        assert_eq!(got, Some(i));
    }
}

#[goro::test]
fn timers_fire_after_gomaxprocs_shrinks() {
    let before = goro::runtime::gomaxprocs(4);
    const N: usize = 200;
    let done = chan![usize; N];
    let timers = chan![Timer; N];
    // Spread sleepers and timers over the Ps (fresh goroutines go wherever an M is free).
    for i in 0..N {
        go!({
            if i % 2 == 0 {
                goro::time::sleep(Duration::from_millis(50));
                done.send(i);
            } else {
                timers.send(Timer::new(Duration::from_millis(50)));
            }
        });
    }
    let timers: Vec<Timer> = (0..N / 2).map(|_| timers.recv().unwrap()).collect();
    goro::runtime::gomaxprocs(1);
    for t in &timers {
        assert!(t.c().recv().is_some());
    }
    for _ in 0..N / 2 {
        done.recv();
    }
    goro::runtime::gomaxprocs(before);
}

#[goro::test]
fn many_goroutines_can_wait_on_one_timer_and_others_on_their_own() {
    let t = Arc::new(Timer::new(Duration::from_millis(10)));
    let done = chan![bool; 3];
    for _ in 0..3 {
        go!({
            let own = goro::time::after(Duration::from_secs(60));
            let fired = select! {
                _ = <-t.c() => true,
                _ = <-own => false,
            };
            done.send(fired);
        });
    }
    // One value is sent; one goroutine gets it, the others wait on: stop them with a reset.
    let mut fired = vec![done.recv().unwrap()];
    assert_eq!(fired, [true]);
    t.reset(Duration::from_millis(1));
    fired.push(done.recv().unwrap());
    t.reset(Duration::from_millis(1));
    fired.push(done.recv().unwrap());
    assert_eq!(fired, [true, true, true]);
}

#[test]
fn timers_work_from_a_plain_thread() {
    std::thread::spawn(|| {
        let start = Instant::now();
        goro::time::sleep(Duration::from_millis(10)); // blocks this thread
        assert!(start.elapsed() >= Duration::from_millis(10));

        let start = Instant::now();
        let at = goro::time::after(Duration::from_millis(10)).recv().unwrap();
        assert!(at >= start + Duration::from_millis(10));

        let t = Timer::new(Duration::from_secs(3600));
        assert!(t.stop());
        assert!(!t.reset(Duration::from_millis(1)));
        assert!(t.c().recv().is_some());

        let ticker = Ticker::new(Duration::from_millis(2));
        for _ in 0..3 {
            assert!(ticker.c().recv().is_some());
        }
        ticker.stop();

        let ran = chan![(); 1];
        let r2 = ran.clone();
        let _t = Timer::after_func(Duration::from_millis(1), move || r2.send(()));
        assert_eq!(ran.recv(), Some(()));
    })
    .join()
    .unwrap();
}

#[test]
fn since_and_until() {
    let t = Instant::now();
    assert!(goro::time::since(t) < LATE);
    assert_eq!(goro::time::until(t), Duration::ZERO);
    assert!(goro::time::until(t + Duration::from_secs(60)) > Duration::from_secs(59));
}

#[goro::test]
fn a_timer_pushed_back_fires_once_at_its_last_time_never_at_an_earlier_one() {
    // A reset to a later time leaves the queued heap entry where it is (Go's
    // timerModifiedLater); once due, that entry must move on, not fire.

    let start = Instant::now();
    let t = Timer::new(Duration::from_millis(20));
    for _ in 0..100 {
        assert!(t.reset(Duration::from_millis(60)), "still active");
    }
    let fired = t.c().recv().expect("the timer's channel");
    let waited = fired.duration_since(start);
    assert!(
        waited >= Duration::from_millis(60),
        "fired at the first time: {waited:?}"
    );
    // Exactly one value: nothing else arrives.
    goro::time::sleep(Duration::from_millis(80));
    assert!(t.c().try_recv().is_err(), "fired twice");
    assert!(!t.reset(Duration::from_millis(1)), "had fired");
    assert!(t.c().recv().is_some());
}

#[goro::test]
fn a_timer_pushed_back_then_forward_fires_at_the_earlier_time() {
    let start = Instant::now();
    let t = Timer::new(Duration::from_millis(30));
    assert!(t.reset(Duration::from_secs(3600)), "later: the entry stays");
    assert!(t.reset(Duration::from_millis(5)), "earlier: a new entry");
    t.c().recv().expect("fired");
    let waited = start.elapsed();
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert!(!t.stop(), "had fired");
    // Pushed back, then stopped: never fires.
    let t = Timer::new(Duration::from_millis(5));
    assert!(t.reset(Duration::from_millis(20)));
    assert!(t.stop());
    goro::time::sleep(Duration::from_millis(40));
    assert!(t.c().try_recv().is_err(), "a stopped timer fired");
}

#[goro::test]
fn a_ticker_reset_to_a_longer_period_ticks_at_the_new_period() {
    let start = Instant::now();
    let tk = Ticker::new(Duration::from_millis(5));
    tk.reset(Duration::from_millis(40));
    let first = tk.c().recv().expect("a tick");
    assert!(
        first.duration_since(start) >= Duration::from_millis(40),
        "ticked at the old period: {:?}",
        first.duration_since(start)
    );
    let second = tk.c().recv().expect("a tick");
    assert!(second.duration_since(first) >= Duration::from_millis(30));
    tk.stop();
}

/// A goroutine whose sleep ends runs next (`runnext`, Go's goroutineReady), even on one P
/// where a pair hands values back and forth through `runnext`: with sysmon's preemption
/// off, the sleeper would otherwise wait behind them for good (it used to join the queue's
/// tail and wake a 10 ms slice late). In a child process: preemption is process-wide.
#[test]
fn a_sleep_ends_on_time_while_a_pair_hands_work_back_and_forth_on_one_p() {
    if support::is_child() {
        goro::__private::set_preemption(false);
        goro::run(|| {
            goro::runtime::gomaxprocs(1);
            let stop = Arc::new(AtomicUsize::new(0));
            let (a, b) = (chan![u32], chan![u32]);
            for ping in [true, false] {
                let (a, b, stop) = (a.clone(), b.clone(), stop.clone());
                go!(move || {
                    let start = std::time::Instant::now();
                    while stop.load(Ordering::SeqCst) == 0 {
                        assert!(
                            start.elapsed() < Duration::from_secs(10),
                            "the sleeper never ran again"
                        );
                        if ping {
                            a.send(1);
                            b.recv();
                        } else {
                            a.recv();
                            b.send(1);
                        }
                    } // the other is left parked: `run` unwinds it
                });
            }
            goro::time::sleep(Duration::from_millis(2));
            stop.store(1, Ordering::SeqCst);
        });
        return;
    }
    let (code, err) =
        support::run_child("a_sleep_ends_on_time_while_a_pair_hands_work_back_and_forth_on_one_p");
    assert_eq!(code, 0, "{err}");
}
