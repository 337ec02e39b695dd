//! `try_send` / `try_recv` (Go's `select` with one case and `default`): they complete when a
//! peer or the buffer allows and otherwise report why not — `Full`/`Empty`, or `Closed` —
//! without ever parking, in every state a channel can be in.
mod support;

use goro::runtime::gomaxprocs;
use goro::{Chan, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};
use support::{blocks, park_in_order};

/// A state's name, a channel in it, and what `try_send(9)` and `try_recv()` must return.
type State = (
    &'static str,
    Chan<u32>,
    Result<(), TrySendError<u32>>,
    Result<u32, TryRecvError>,
);

/// A channel in each state a non-blocking operation can meet, with what `try_send` and
/// `try_recv` must report there.
fn states() -> Vec<State> {
    let full = Chan::new(2);
    full.send(1);
    full.send(2);
    let partial = Chan::new(2);
    partial.send(1);
    let closed = Chan::new(0);
    closed.close();
    let closed_buffered = Chan::new(2);
    closed_buffered.send(1);
    closed_buffered.close();
    vec![
        (
            "nil",
            Chan::nil(),
            Err(TrySendError::Full(9)),
            Err(TryRecvError::Empty),
        ),
        (
            "unbuffered, nobody waiting",
            Chan::new(0),
            Err(TrySendError::Full(9)),
            Err(TryRecvError::Empty),
        ),
        (
            "buffered, empty",
            Chan::new(2),
            Ok(()),
            Err(TryRecvError::Empty),
        ),
        ("buffered, partly full", partial, Ok(()), Ok(1)),
        ("buffered, full", full, Err(TrySendError::Full(9)), Ok(1)),
        (
            "closed",
            closed,
            Err(TrySendError::Closed(9)),
            Err(TryRecvError::Closed),
        ),
        (
            "closed with values left",
            closed_buffered,
            Err(TrySendError::Closed(9)),
            Ok(1),
        ),
    ]
}

/// Runs `f` on its own goroutine, asserts it did not park, and returns its result.
fn without_parking<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let out = Arc::new(Mutex::new(None));
    let slot = out.clone();
    assert!(
        !blocks(move || *slot.lock().unwrap() = Some(f())),
        "{what}: parked"
    );
    out.lock().unwrap().take().expect("f returned")
}

#[goro::test]
fn non_blocking_operations_report_each_state_and_never_park() {
    gomaxprocs(1);
    for (what, ch, send, _) in states() {
        assert_eq!(
            without_parking(what, move || ch.try_send(9)),
            send,
            "{what}: try_send"
        );
    }
    for (what, ch, _, recv) in states() {
        assert_eq!(
            without_parking(what, move || ch.try_recv()),
            recv,
            "{what}: try_recv"
        );
    }
}

#[goro::test]
fn the_witness_does_see_a_blocking_operation() {
    // The check above is only as good as `blocks`: the blocking forms are caught.
    gomaxprocs(1);
    assert!(blocks(|| Chan::<u32>::new(0).send(1)));
    assert!(blocks(|| {
        Chan::<u32>::new(1).recv();
    }));
    assert!(!blocks(|| Chan::<u32>::new(1).send(1)));
}

#[goro::test]
fn non_blocking_operations_complete_with_a_parked_peer() {
    gomaxprocs(1);
    let ch = Chan::<u32>::new(0);
    let rx = ch.clone();
    let receiver = park_in_order(1, move |_| rx.recv());
    assert_eq!(ch.try_send(5), Ok(()), "straight into the parked receiver");
    assert_eq!(
        receiver
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>(),
        [Some(5)]
    );
    let tx = ch.clone();
    let sender = park_in_order(1, move |_| tx.send(6));
    assert_eq!(ch.try_recv(), Ok(6), "straight from the parked sender");
    sender.into_iter().for_each(|h| h.join().unwrap());
}

#[test]
fn try_errors_hand_the_value_back_and_describe_themselves() {
    let full = TrySendError::Full(String::from("kept"));
    assert_eq!(full.to_string(), "sending on a full channel");
    assert_eq!(format!("{full:?}"), "Full(..)");
    assert_eq!(full.into_inner(), "kept");
    let closed = TrySendError::Closed(7);
    assert_eq!(closed.to_string(), "send on closed channel");
    assert_eq!(closed.into_inner(), 7);
    assert_eq!(
        TryRecvError::Empty.to_string(),
        "receiving on an empty channel"
    );
    assert_eq!(
        TryRecvError::Closed.to_string(),
        "receiving on a closed channel"
    );
    let _: &dyn std::error::Error = &TryRecvError::Empty;
    let _: &dyn std::error::Error = &TrySendError::Full(());
}

#[goro::test]
fn a_one_case_select_with_default_reports_each_state_as_try_does() {
    // Go compiles `select { case v := <-ch: ... default: }` to a non-blocking receive
    // that can answer without the channel lock: the same answers as the locked path.
    use goro::chan::select;
    gomaxprocs(1);
    for (what, ch, send, recv) in states() {
        // A send case on a closed channel panics (Go's select does too): not asked here.
        let sent = !matches!(send, Err(TrySendError::Closed(_))) && {
            let c = ch.clone();
            let sent = without_parking(what, move || {
                let mut case = select::send(&c, 9);
                select::select([&mut case], false).is_some()
            });
            assert_eq!(sent, send.is_ok(), "{what}: select send");
            sent
        };
        let got = without_parking(what, move || {
            let mut case = select::recv(&ch);
            select::select([&mut case], false).map(|_| case.take())
        });
        let want = match recv {
            Ok(v) => Some(Some(v)),
            Err(TryRecvError::Closed) => Some(None), // proceeds, with nothing
            Err(TryRecvError::Empty) => None,        // the default
        };
        // The send above may have filled a buffered channel's free slot first.
        if !(sent && want.is_none()) {
            assert_eq!(got, want, "{what}: select recv");
        }
    }
}

#[goro::test]
fn non_blocking_operations_see_a_peer_parked_in_select() {
    // A goroutine parked in a two-case select is on both channels' queues: a lock-free
    // look must see it there (its select published that before parking).
    use goro::chan::select;
    gomaxprocs(1);
    let (a, b) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
    let (ra, rb) = (a.clone(), b.clone());
    let receiver = park_in_order(1, move |_| {
        let (mut ca, mut cb) = (select::recv(&ra), select::recv(&rb));
        let i = select::select([&mut ca, &mut cb], true);
        (i, ca.take(), cb.take())
    });
    assert_eq!(b.len(), 0);
    assert_eq!(b.try_send(7), Ok(()), "into the select parked on `b`");
    let got: Vec<_> = receiver.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, [(Some(1), None, Some(7))]);
    // Its sudog on `a` is gone too: nobody waits there now.
    assert_eq!(a.try_send(1), Err(TrySendError::Full(1)));

    let (sa, sb) = (a.clone(), b.clone());
    let sender = park_in_order(1, move |_| {
        let (mut ca, mut cb) = (select::send(&sa, 1), select::send(&sb, 2));
        select::select([&mut ca, &mut cb], true)
    });
    assert_eq!(a.try_recv(), Ok(1), "from the select parked on `a`");
    let got: Vec<_> = sender.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, [Some(0)]);
    assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
}

#[goro::test]
fn len_is_read_without_the_lock_and_follows_every_operation() {
    let ch = Chan::<u32>::new(3);
    assert_eq!((ch.len(), ch.cap()), (0, 3));
    ch.send(1);
    ch.send(2);
    assert_eq!(ch.len(), 2);
    assert_eq!(ch.try_recv(), Ok(1));
    assert_eq!(ch.len(), 1);
    ch.close();
    assert_eq!(ch.len(), 1, "close keeps the buffer");
    assert_eq!(ch.recv(), Some(2));
    assert_eq!(ch.len(), 0);
}
