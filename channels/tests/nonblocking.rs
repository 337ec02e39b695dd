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
