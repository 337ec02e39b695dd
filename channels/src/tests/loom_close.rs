//! Models of `close` racing blocked operations (`Hchan::close`, and the `success == false`
//! branch of `Chan::send`/`Chan::recv`): a sender woken by close panics `send on closed
//! channel` (as does one that arrives after it), a receiver woken by close gets `None`, and
//! a value is never both delivered and refused.

use super::support::{Drops, val};
use crate::{Chan, SEND_ON_CLOSED};
use loom::thread;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// Runs `f`; returns whether it panicked with `send on closed channel`. Any other panic
/// (an assertion, or loom's own) is passed on.
fn panics_send_on_closed(f: impl FnOnce()) -> bool {
    let Err(p) = catch_unwind(AssertUnwindSafe(f)) else {
        return false;
    };
    if text(&*p) != Some(SEND_ON_CLOSED) {
        resume_unwind(p);
    }
    true
}

fn text(p: &(dyn Any + Send)) -> Option<&str> {
    p.downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| p.downcast_ref::<&str>().copied())
}

#[test]
fn loom_close_racing_a_parked_sender_makes_it_panic() {
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(0);
        let tx = thread::spawn({
            let (ch, m) = (ch.clone(), drops.msg(1));
            move || panics_send_on_closed(|| ch.send(m))
        });
        ch.close();
        assert!(tx.join().unwrap(), "a send with no receiver outlived close");
        assert_eq!(val(ch.recv()), None);
        assert_eq!(
            drops.count(),
            1,
            "the refused value was not dropped exactly once"
        );
    });
}

#[test]
fn loom_close_racing_a_hand_off_either_delivers_or_refuses() {
    // A sender, a receiver and a closer: either the hand-off happened first (the receiver
    // has the value, the sender returned) or close came first (the receiver got None, the
    // sender panicked). Never half of each. The main thread only joins, so loom picks which
    // of the three starts without spending a preemption on it.
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(0);
        let tx = thread::spawn({
            let (ch, m) = (ch.clone(), drops.msg(1));
            move || panics_send_on_closed(|| ch.send(m))
        });
        let rx = thread::spawn({
            let ch = ch.clone();
            move || val(ch.recv())
        });
        let closer = thread::spawn({
            let ch = ch.clone();
            move || ch.close()
        });
        let refused = tx.join().unwrap();
        let got = rx.join().unwrap();
        closer.join().unwrap();
        assert_eq!(got, if refused { None } else { Some(1) });
        assert_eq!(drops.count(), 1);
    });
}

#[test]
fn loom_close_wakes_every_parked_receiver_with_none() {
    loom::model(|| {
        let ch = Chan::<u32>::new(0);
        let rxs: Vec<_> = (0..2)
            .map(|_| {
                let ch = ch.clone();
                thread::spawn(move || ch.recv())
            })
            .collect();
        let closer = thread::spawn({
            let ch = ch.clone();
            move || ch.close()
        });
        for rx in rxs {
            assert_eq!(rx.join().unwrap(), None);
        }
        closer.join().unwrap();
    });
}
