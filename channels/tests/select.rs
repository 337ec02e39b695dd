//! `select!`: operands evaluated once in source order, a ready arm chosen at random (fairly),
//! `default` only when nothing is ready, nil arms never chosen, closed receives ready with
//! `None`, send arms on closed channels panic, and `select! {}` blocks forever.
mod support;

use goro::chan::SEND_ON_CLOSED;
use goro::prelude::*;
use goro::runtime::{gomaxprocs, gosched, num_goroutine};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::{DropCount, count, panic_text, park_in_order, parked, wait_until};

/// A log of evaluations, shared with the expressions under test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<&'static str>>>);

impl Log {
    /// Records `event` and returns `v`: an operand with a visible side effect.
    fn at<T>(&self, event: &'static str, v: T) -> T {
        self.0.lock().unwrap().push(event);
        v
    }
    fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[goro::test]
fn operands_are_evaluated_once_in_source_order_whichever_arm_runs() {
    let log = Log::default();
    let (a, b, c) = (chan![i32; 1], chan![i32; 1], chan![i32]);
    for ready in [false, true] {
        if ready {
            a.send(1);
        }
        let picked = select! {
            case v := <-log.at("recv a", &a) => v,
            case log.at("chan b", &b) <- log.at("value b", 2) => Some(-2),
            case log.at("chan c", &c) <- log.at("value c", 3) => unreachable!("c has no receiver"),
            default => unreachable!("b has room"),
        };
        assert!(matches!(picked, Some(1) | Some(-2)));
        assert_eq!(
            log.take(),
            ["recv a", "chan b", "value b", "chan c", "value c"],
            "each operand once, in order, before choosing"
        );
        while a.try_recv().is_ok() || b.try_recv().is_ok() {}
    }
}

#[goro::test]
fn operands_are_evaluated_once_before_a_blocking_select_waits() {
    let log = Log::default();
    let (a, b) = (chan![u8], chan![u8]);
    let (l, a2, b2) = (log.clone(), a.clone(), b.clone());
    let waiter = goro::spawn(move || {
        select! {
            v := <-l.at("a", &a2) => ('a', v),
            v := <-l.at("b", &b2) => ('b', v),
        }
    });
    wait_until("the select evaluates its operands", || {
        log.0.lock().unwrap().len() == 2
    });
    for _ in 0..10 {
        gosched(); // waiting (or polling again) must not evaluate anything again
    }
    b.send(9);
    assert_eq!(waiter.join().unwrap(), ('b', Some(9)));
    assert_eq!(log.take(), ["a", "b"]);
}

#[goro::test]
fn default_runs_only_when_no_arm_is_ready() {
    let (a, b) = (chan![u32; 1], chan![u32]);
    for _ in 0..100 {
        let took_default = select! {
            <-a => false,
            b <- 1 => false,
            default => true,
        };
        assert!(took_default, "nothing was ready");
    }
    for i in 0..1000 {
        a.send(i);
        let got = select! {
            v := <-a => v,
            b <- 1 => unreachable!("no receiver on b"),
            default => unreachable!("a was ready"),
        };
        assert_eq!(got, Some(i));
    }
}

#[goro::test]
fn a_select_with_only_default_runs_it() {
    assert_eq!(select! { default => 7 }, 7);
}

#[goro::test]
fn a_closed_channel_is_always_ready_to_receive_none() {
    let closed = chan![String; 2];
    closed.send("buffered".to_owned());
    closed.close();
    let first = select! {
        v := <-closed => v,
        default => unreachable!("closed channels are ready"),
    };
    assert_eq!(
        first.as_deref(),
        Some("buffered"),
        "the buffer drains first"
    );
    for _ in 0..10 {
        select! {
            (v, ok) := <-closed => assert_eq!((v, ok), (String::new(), false)),
            default => unreachable!("closed channels are ready"),
        }
        select! {
            case v := <-closed => assert_eq!(v, None),
        }
    }
}

#[goro::test]
#[should_panic(expected = "send on closed channel")]
fn a_send_arm_on_a_closed_channel_panics() {
    let ch = chan![i32; 1];
    ch.close();
    select! {
        ch <- 1 => {},
        default => {},
    }
}

#[goro::test]
fn a_parked_send_arm_panics_when_its_channel_is_closed() {
    gomaxprocs(1);
    let (ch, other) = (chan![i32], chan![i32]);
    let (ch2, other2) = (ch.clone(), other.clone());
    let parked = park_in_order(2, move |i| {
        select! {
            ch2 <- i as i32 => {},
            <-other2 => {},
        }
    });
    ch.close();
    for h in parked {
        let payload = h.join().expect_err("send arm woken by close");
        assert_eq!(panic_text(&*payload), SEND_ON_CLOSED);
    }
    // The panicking selects left `other`'s queue: nobody is receiving there now.
    assert_eq!(other.try_send(1), Err(goro::TrySendError::Full(1)));
}

#[goro::test]
fn nil_arms_are_never_chosen() {
    let nil = Chan::<u8>::nil();
    let ready = chan![u8; 1];
    for _ in 0..1000 {
        let took_default = select! {
            <-nil => unreachable!("nil receive"),
            nil <- 1 => unreachable!("nil send"),
            default => true,
        };
        assert!(took_default);
        ready.send(5);
        let got = select! {
            v := <-nil => unreachable!("nil receive {v:?}"),
            nil <- 1 => unreachable!("nil send"),
            v := <-ready => v,
        };
        assert_eq!(got, Some(5));
    }
}

#[goro::test]
fn setting_a_channel_to_nil_turns_its_arm_off() {
    // Go's idiom for merging until every input is closed.
    let (mut a, mut b) = (chan![u32; 4], chan![u32; 4]);
    for i in 0..4 {
        a.send(i);
        b.send(10 + i);
    }
    a.close();
    b.close();
    let mut got = Vec::new();
    while !(a.is_nil() && b.is_nil()) {
        select! {
            v := <-a => match v {
                Some(v) => got.push(v),
                None => a = Chan::nil(),
            },
            v := <-b => match v {
                Some(v) => got.push(v),
                None => b = Chan::nil(),
            },
        }
    }
    got.sort();
    assert_eq!(got, [0, 1, 2, 3, 10, 11, 12, 13]);
}

#[test]
fn empty_and_all_nil_selects_block_until_the_runtime_ends() {
    let unwound = Arc::new(AtomicUsize::new(0));
    let resumed = Arc::new(AtomicUsize::new(0));
    let (u, r) = (unwound.clone(), resumed.clone());
    goro::run(move || {
        gomaxprocs(1);
        let before = num_goroutine();
        let (u2, r2) = (u.clone(), r.clone());
        let _blocked = park_in_order(3, move |i| {
            let _frame = DropCount(u2.clone());
            let nil = Chan::<u8>::nil();
            match i {
                0 => select! {},
                1 => select! { <-nil => {} },
                _ => select! { <-nil => {}, nil <- 1 => {} },
            }
            r2.fetch_add(1, Ordering::SeqCst);
        });
        wait_until("the helper exits", || num_goroutine() == before + 3);
        for _ in 0..100 {
            gosched();
        }
        assert_eq!(num_goroutine(), before + 3);
        assert_eq!(parked("select (no cases)"), 1, "select! {{}}");
        // A one-case select is Go's plain receive: on a nil channel it waits as one.
        assert_eq!(
            parked("chan receive (nil chan)"),
            1,
            "the one-case nil select"
        );
        assert_eq!(parked("select"), 1, "the two-case all-nil select");
        assert_eq!(count(&u), 0);
    });
    assert_eq!(resumed.load(Ordering::SeqCst), 0, "no select returned");
    assert_eq!(count(&unwound), 3, "run unwound the three blocked selects");
}

#[goro::test]
fn a_parked_select_takes_a_value_from_a_later_sender() {
    gomaxprocs(1);
    let (a, b) = (chan![&str], chan![&str]);
    let (a2, b2) = (a.clone(), b.clone());
    let waiters = park_in_order(1, move |_| {
        select! {
            v := <-a2 => ("a", v),
            v := <-b2 => ("b", v),
        }
    });
    b.send("hello"); // straight into the parked select's slot
    assert_eq!(
        a.try_send("nobody"),
        Err(goro::TrySendError::Full("nobody"))
    );
    let got: Vec<_> = waiters.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, [("b", Some("hello"))]);
}

#[goro::test]
fn a_parked_select_hands_its_value_to_a_later_receiver() {
    gomaxprocs(1);
    let (a, b) = (chan![u8], chan![u8]);
    let (a2, b2) = (a.clone(), b.clone());
    let waiters = park_in_order(1, move |_| {
        select! {
            a2 <- 1 => 'a',
            b2 <- 2 => 'b',
        }
    });
    assert_eq!(a.recv(), Some(1));
    assert_eq!(
        b.try_recv(),
        Err(goro::TryRecvError::Empty),
        "only one arm ran"
    );
    let got: Vec<_> = waiters.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, ['a']);
}

#[goro::test]
fn parked_selects_are_served_in_arrival_order() {
    gomaxprocs(1);
    let (shared, never) = (chan![usize], chan![usize]);
    let (s2, n2) = (shared.clone(), never.clone());
    let waiters = park_in_order(5, move |_| {
        select! {
            v := <-s2 => v,
            v := <-n2 => v,
        }
    });
    assert_eq!(parked("select"), 5);
    for v in 0..5 {
        shared.try_send(v).unwrap();
    }
    let got: Vec<_> = waiters.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, (0..5).map(Some).collect::<Vec<_>>());
    assert_eq!(
        never.try_send(9),
        Err(goro::TrySendError::Full(9)),
        "queues clean"
    );
}

#[goro::test]
fn a_select_never_meets_itself() {
    // Go: test/chan/select3.go "select should not get confused if it sees itself".
    gomaxprocs(1);
    let ch = chan![i32];
    let c2 = ch.clone();
    let parked = park_in_order(1, move |_| {
        select! {
            c2 <- 1 => "sent",
            v := <-c2 => if v == Some(1) { "received itself" } else { "received" },
        }
    });
    // It parked (one P: we run only because it blocked). Now meet it from outside.
    assert_eq!(ch.recv(), Some(1));
    let got: Vec<_> = parked.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, ["sent"]);
}

#[goro::test]
fn arm_bodies_are_code_of_the_enclosing_function() {
    fn first_even(ch: &Chan<u32>) -> Option<u32> {
        'recv: loop {
            select! {
                v := <-ch => match v {
                    Some(v) if v % 2 == 1 => continue,
                    Some(v) => return Some(v),
                    None => break 'recv,
                },
            }
        }
        None
    }
    let ch = chan![u32; 4];
    for v in [1, 3, 4, 5] {
        ch.send(v);
    }
    assert_eq!(first_even(&ch), Some(4));
    ch.close();
    assert_eq!(first_even(&ch), None);
}

#[goro::test]
fn select_picks_fairly_between_two_ready_channels() {
    // Go: runtime/chan_test.go TestSelectFairness — 10000 trials, two always-ready buffered
    // channels among four arms, fail beyond 10 standard deviations from an even split.
    const TRIALS: usize = 10_000;
    let (c1, c2) = (chan![u8; TRIALS + 1], chan![u8; TRIALS + 1]);
    for _ in 0..=TRIALS {
        c1.send(1);
        c2.send(2);
    }
    let (c3, c4) = (chan![u8], chan![u8]);
    let (out, done) = (chan![u8], chan![()]);
    let picker = goro::spawn({
        let (c1, c2, out, done) = (c1.clone(), c2.clone(), out.clone(), done.clone());
        move || loop {
            let b = select! {
                v := <-c3 => v,
                v := <-c4 => v,
                v := <-c1 => v,
                v := <-c2 => v,
            };
            select! {
                out <- b.unwrap() => {},
                <-done => return,
            }
        }
    });
    let (mut cnt1, mut cnt2) = (0i64, 0i64);
    for _ in 0..TRIALS {
        match out.recv() {
            Some(1) => cnt1 += 1,
            Some(2) => cnt2 += 1,
            other => panic!("unexpected value {other:?}"),
        }
    }
    let mean = TRIALS as f64 * 0.5;
    let stddev = (TRIALS as f64 * 0.5 * 0.5).sqrt();
    assert!(
        (cnt1 as f64 - mean).abs() <= 10.0 * stddev,
        "unfair select: in {TRIALS} trials, results were {cnt1}, {cnt2}"
    );
    done.close();
    picker.join().unwrap();
}

#[goro::test]
fn select_sends_pseudo_randomly_between_arms_on_one_channel() {
    // Go: runtime/chan_test.go TestPseudoRandomSend — `select { case c <- 1: case c <- 0: }`
    // must pick both arms, each more than a tenth of the time.
    const N: usize = 100;
    for cap in [0, N] {
        let c = chan![u32; cap];
        let rx = c.clone();
        let reader = goro::spawn(move || {
            (0..N)
                .map(|_| {
                    gosched();
                    rx.recv().unwrap()
                })
                .collect::<Vec<_>>()
        });
        for _ in 0..N {
            select! {
                c <- 1 => {},
                c <- 0 => {},
            }
        }
        let got = reader.join().unwrap();
        let ones = got.iter().filter(|&&v| v == 1).count();
        let zeros = N - ones;
        assert!(
            zeros > N / 10 && ones > N / 10,
            "want pseudorandom, got {zeros} zeros and {ones} ones (cap {cap})"
        );
    }
}

#[goro::test]
fn close_wakes_a_parked_select_through_its_receive_arm() {
    gomaxprocs(1);
    let (a, b) = (chan![u8], chan![u8]);
    let (a2, b2) = (a.clone(), b.clone());
    let waiter = park_in_order(1, move |_| {
        select! {
            v := <-a2 => ('a', v),
            b2 <- 1 => ('b', None),
        }
    });
    assert_eq!(parked("select"), 1);
    a.close();
    let got: Vec<_> = waiter.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, [('a', None)]);
    assert_eq!(
        b.try_recv(),
        Err(goro::TryRecvError::Empty),
        "the send arm left b"
    );
}

#[goro::test]
fn unsent_values_are_dropped_with_the_select_and_sent_ones_move() {
    let (first, drops) = DropCount::new();
    let (full, ready) = (chan![DropCount; 1], chan![DropCount; 1]);
    full.send(first);
    for _ in 0..100 {
        select! {
            full <- DropCount(drops.clone()) => unreachable!("full"),
            ready <- DropCount(drops.clone()) => {},
        }
        assert_eq!(
            count(&drops),
            1,
            "the value for the full channel, dropped once"
        );
        drop(ready.recv()); // the sent one arrives intact and is dropped by its receiver
        assert_eq!(count(&drops), 2);
        drops.store(0, Ordering::SeqCst);
    }
    drop(full);
    assert_eq!(count(&drops), 1, "the buffered value");
}

#[goro::test]
fn a_parked_send_arm_moves_its_value_to_the_receiver() {
    gomaxprocs(1);
    let (first, drops) = DropCount::new();
    let slot = Mutex::new(Some(first));
    let (a, never) = (chan![DropCount], chan![DropCount]);
    let (a2, n2) = (a.clone(), never.clone());
    let sender = park_in_order(1, move |_| {
        let v = slot.lock().unwrap().take().unwrap();
        select! {
            a2 <- v => {},
            <-n2 => unreachable!("nobody sends on never"),
        }
    });
    let got = a.recv().unwrap();
    sender.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(count(&drops), 0, "moved, not copied or dropped");
    drop(got);
    assert_eq!(count(&drops), 1);
}

#[goro::test]
fn a_select_that_won_elsewhere_is_skipped_by_its_other_channels() {
    // One P: after `b.recv()` wins the parked select, it stays runnable (not yet run, so its
    // sudog is still on `a`'s queue) while we go on. `a` must treat that sudog as gone.
    gomaxprocs(1);
    let (a, b) = (chan![i32], chan![i32]);
    let (a2, b2) = (a.clone(), b.clone());
    let waiter = park_in_order(1, move |_| {
        select! {
            a2 <- 1 => 'a',
            b2 <- 2 => 'b',
        }
    });
    assert_eq!(b.recv(), Some(2));
    assert_eq!(
        a.try_recv(),
        Err(goro::TryRecvError::Empty),
        "stale sudog skipped"
    );
    a.close(); // must not wake the select a second time
    let got: Vec<_> = waiter.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, ['b']);
    assert_eq!(a.recv(), None);
}

#[goro::test]
fn a_select_on_both_ends_of_a_buffered_channel_does_what_the_buffer_allows() {
    let c = chan![u8; 1];
    for _ in 0..100 {
        let sent = select! {
            c <- 7 => true,
            v := <-c => unreachable!("empty buffer, got {v:?}"),
        };
        assert!(sent);
        let got = select! {
            c <- 8 => unreachable!("full buffer"),
            v := <-c => v,
        };
        assert_eq!(got, Some(7));
    }
}

#[test]
fn a_send_case_reused_after_its_value_was_sent_panics_and_sends_nothing() {
    // Only direct callers of the engine can reuse a case (`select!` makes fresh ones). A
    // spent case once "sent" nothing on a buffered channel (and handed a parked receiver
    // an empty slot, or left a full buffer's slot uninitialised).
    use goro::chan::select;
    let ch = chan![u8; 2];
    let mut sc = select::send(&ch, 7);
    assert_eq!(select::select([&mut sc], true), Some(0));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        select::select([&mut sc], true)
    }));
    assert_eq!(
        panic_text(&*r.expect_err("a spent send case must be refused")),
        "select: send case reused after its value was sent"
    );
    assert_eq!(ch.len(), 1, "nothing more was sent");
    assert_eq!(ch.recv(), Some(7));
}
