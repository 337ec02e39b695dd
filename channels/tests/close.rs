//! `close(ch)`: receivers drain what is buffered, then get `None` (Go's zero value with
//! `ok == false`) forever; parked receivers wake with `None`; parked senders and every later
//! send panic `send on closed channel`; closing twice or closing nil panics.
mod support;

use goro::chan::{CLOSE_OF_CLOSED, CLOSE_OF_NIL, SEND_ON_CLOSED};
use goro::runtime::gomaxprocs;
use goro::{Chan, Sender, TryRecvError, TrySendError};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex};
use support::{DropCount, count, panic_text, park_each, park_in_order, parked};

#[goro::test]
fn close_wakes_every_parked_receiver_with_none() {
    gomaxprocs(1);
    for cap in [0, 3] {
        let ch = Chan::<i32>::new(cap);
        let rx = ch.clone();
        let receivers = park_in_order(5, move |_| rx.recv());
        assert_eq!(parked("chan receive"), 5, "cap {cap}");
        ch.close();
        let got: Vec<_> = receivers.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(got, [None; 5], "cap {cap}");
    }
}

#[goro::test]
fn close_makes_every_parked_sender_panic() {
    gomaxprocs(1);
    for cap in [0, 2] {
        let ch = Chan::<usize>::new(cap);
        for v in 0..cap {
            ch.send(100 + v); // fill the buffer so the senders below park
        }
        let tx = ch.clone();
        let senders = park_in_order(4, move |i| tx.send(i));
        assert_eq!(parked("chan send"), 4, "cap {cap}");
        ch.close();
        for h in senders {
            let payload = h.join().expect_err("a parked sender must panic on close");
            assert_eq!(panic_text(&*payload), SEND_ON_CLOSED, "cap {cap}");
        }
        // Their values were never delivered; what was buffered still is.
        let rest: Vec<_> = ch.iter().collect();
        assert_eq!(rest, (0..cap).map(|v| 100 + v).collect::<Vec<_>>());
    }
}

/// Parks four goroutines on `ch`, in index order, each running `op(ch, i)` (which must
/// block with wait reason `reason`) and then logging its index; closes `ch`; returns the
/// order in which they ran after the close, and their results.
fn run_order_after_close<R: Send + 'static>(
    ch: &Chan<usize>,
    reason: &str,
    op: fn(&Chan<usize>, usize) -> R,
) -> (Vec<usize>, Vec<std::thread::Result<R>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (c, l) = (ch.clone(), log.clone());
    let handles = park_each(4, reason, move |i| {
        let r = catch_unwind(AssertUnwindSafe(|| op(&c, i)));
        l.lock().unwrap().push(i);
        r.unwrap_or_else(|payload| resume_unwind(payload))
    });
    assert_eq!(parked(reason), 4);
    assert!(log.lock().unwrap().is_empty());
    ch.close();
    let results = handles.into_iter().map(|h| h.join()).collect();
    let order = log.lock().unwrap().clone();
    (order, results)
}

#[goro::test]
fn close_readies_parked_receivers_in_gos_order() {
    // Go's closechan pushes the Gs it dequeues on a stack (glist) and readies them from
    // its top; each goready puts its G in runnext, kicking the one before to the tail. So
    // on one P, receivers parked in the order 0, 1, 2, 3 run 0, 3, 2, 1 after the close.
    gomaxprocs(1);
    for cap in [0, 2] {
        let ch = Chan::<usize>::new(cap);
        let (order, results) = run_order_after_close(&ch, "chan receive", |c, _| c.recv());
        assert_eq!(order, [0, 3, 2, 1], "cap {cap}");
        assert!(results.into_iter().all(|r| r.unwrap().is_none()));
    }
}

#[goro::test]
fn close_readies_parked_senders_in_gos_order() {
    // As for receivers; each sender then panics `send on closed channel`.
    gomaxprocs(1);
    for cap in [0, 2] {
        let ch = Chan::<usize>::new(cap);
        for v in 0..cap {
            ch.send(100 + v); // fill the buffer so the senders park
        }
        let (order, results) = run_order_after_close(&ch, "chan send", |c, i| c.send(i));
        assert_eq!(order, [0, 3, 2, 1], "cap {cap}");
        for r in results {
            let payload = r.expect_err("a parked sender must panic on close");
            assert_eq!(panic_text(&*payload), SEND_ON_CLOSED, "cap {cap}");
        }
    }
}

#[goro::test]
fn a_parked_senders_value_is_dropped_once_when_close_wakes_it() {
    gomaxprocs(1);
    let (value, drops) = DropCount::new();
    let ch = Chan::<DropCount>::new(0);
    let tx = ch.clone();
    let slot = std::sync::Mutex::new(Some(value));
    let sender = park_in_order(1, move |_| tx.send(slot.lock().unwrap().take().unwrap()));
    assert_eq!(count(&drops), 0);
    ch.close();
    for h in sender {
        assert!(h.join().is_err());
    }
    assert_eq!(count(&drops), 1);
}

#[goro::test]
fn receives_drain_the_buffer_before_reporting_closed() {
    // Go: TestChan's "receive 0 from closed chan", for several capacities.
    for cap in [1, 2, 7, 64] {
        let ch = Chan::<usize>::new(cap);
        for i in 0..cap {
            ch.send(i);
        }
        ch.close();
        assert_eq!(ch.len(), cap, "close keeps the buffered values");
        for i in 0..cap {
            assert_eq!(ch.recv(), Some(i));
        }
        assert_eq!(ch.recv(), None);
        assert_eq!(ch.recv(), None, "and keeps reporting closed");
        assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
    }
}

#[goro::test]
fn try_recv_drains_then_reports_closed_not_empty() {
    let ch = Chan::<u8>::new(2);
    ch.send(1);
    ch.close();
    assert_eq!(ch.try_recv(), Ok(1));
    assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
}

#[goro::test]
#[should_panic(expected = "send on closed channel")]
fn send_on_a_closed_channel_panics() {
    let ch = Chan::<i32>::new(1);
    ch.close();
    ch.send(1);
}

#[goro::test]
#[should_panic(expected = "send on closed channel")]
fn send_on_a_closed_buffered_channel_with_room_panics() {
    let ch = Chan::<i32>::new(10);
    ch.send(1);
    ch.close();
    ch.send(2);
}

#[goro::test]
fn try_send_on_a_closed_channel_hands_the_value_back() {
    let ch = Chan::<String>::new(1);
    ch.close();
    let err = ch.try_send("kept".to_owned()).unwrap_err();
    assert_eq!(err, TrySendError::Closed("kept".to_owned()));
    assert_eq!(err.to_string(), SEND_ON_CLOSED);
    assert_eq!(err.into_inner(), "kept");
}

#[goro::test]
#[should_panic(expected = "close of closed channel")]
fn closing_twice_panics() {
    let ch = Chan::<()>::new(0);
    ch.close();
    ch.close();
}

#[goro::test]
#[should_panic(expected = "close of nil channel")]
fn closing_nil_panics() {
    Chan::<()>::nil().close();
}

#[goro::test]
fn close_panics_carry_gos_texts() {
    let closed = goro::spawn(|| {
        let ch = Chan::<u8>::new(1);
        ch.close();
        ch.close();
    });
    assert_eq!(panic_text(&*closed.join().unwrap_err()), CLOSE_OF_CLOSED);
    let nil = goro::spawn(|| Chan::<u8>::nil().close());
    assert_eq!(panic_text(&*nil.join().unwrap_err()), CLOSE_OF_NIL);
}

#[goro::test]
fn a_closed_channel_stays_usable_for_receives_after_a_close_panic() {
    let ch = Chan::<u8>::new(1);
    ch.send(9);
    ch.close();
    let again = ch.clone();
    assert!(goro::spawn(move || again.close()).join().is_err());
    assert_eq!(ch.recv(), Some(9));
    assert_eq!(ch.recv(), None);
}

#[goro::test]
fn iteration_ends_when_the_channel_is_closed_and_drained() {
    let ch = Chan::<u32>::new(4);
    let tx = ch.clone();
    goro::go!(move || {
        for i in 0..10 {
            tx.send(i);
        }
        tx.close();
    });
    let mut got = Vec::new();
    for v in &ch {
        got.push(v);
    }
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    assert_eq!(ch.iter().next(), None, "a finished range stays finished");
}

#[goro::test]
fn a_sender_view_can_close() {
    let ch = Chan::<u8>::new(1);
    let tx: Sender<u8> = ch.sender();
    tx.send(1);
    tx.close();
    assert_eq!(ch.iter().collect::<Vec<_>>(), [1]);
    assert_eq!(tx.try_send(2), Err(TrySendError::Closed(2)));
}

#[goro::test]
fn close_releases_every_receiver_racing_with_it() {
    // Unordered, on every P: a receiver that parked before the close or came after it
    // gets None either way.
    let ch = Chan::<u64>::new(0);
    let done = Chan::<Option<u64>>::new(64);
    for _ in 0..64 {
        let (rx, done) = (ch.clone(), done.clone());
        goro::go!(move || done.send(rx.recv()));
    }
    ch.close();
    assert_eq!(done.iter().take(64).filter(Option::is_none).count(), 64);
}

/// Handles cross `catch_unwind` without `AssertUnwindSafe` (as crossbeam's), and the
/// channel works on after a send on it panicked.
#[goro::test]
fn a_channel_handle_is_unwind_safe_and_usable_after_a_caught_panic() {
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>(_: &T) {}
    let ch = Chan::<String>::new(1);
    let (tx, rx) = (ch.sender(), ch.receiver());
    unwind_safe(&ch);
    unwind_safe(&tx);
    unwind_safe(&rx);
    ch.send("kept".to_string());
    ch.close();
    let err = catch_unwind(|| tx.send("late".to_string())).unwrap_err();
    assert_eq!(goro::panic::payload_str(&*err), SEND_ON_CLOSED);
    assert_eq!(catch_unwind(|| rx.recv()).unwrap().as_deref(), Some("kept"));
    assert_eq!(rx.recv(), None);
}
