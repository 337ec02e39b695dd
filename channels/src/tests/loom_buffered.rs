//! Models of a buffered channel (`cap == 1`) with a sender that fills it, waits for space and
//! closes, racing a receiver that drains it: the ring buffer, a sender parked on a full
//! buffer (whose value the receiver moves into the freed slot), and `close` leaving buffered
//! values receivable. The receiver must see exactly `[1, 2]`, then `None`.

use super::support::{Drops, val};
use crate::{Chan, TryRecvError, TrySendError};
use loom::thread;

#[test]
fn loom_buffered_send_send_close_is_drained_in_order() {
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(1);
        let tx = thread::spawn({
            let (ch, m1, m2) = (ch.clone(), drops.msg(1), drops.msg(2));
            move || {
                ch.send(m1);
                ch.send(m2); // waits for space unless the receiver already took 1
                ch.close();
            }
        });
        let got: Vec<u32> = ch.iter().map(|m| m.v()).collect();
        assert_eq!(got, [1, 2]);
        assert_eq!(
            val(ch.recv()),
            None,
            "a drained closed channel stays closed"
        );
        tx.join().unwrap();
        assert_eq!(drops.count(), 2);
    });
}

#[test]
fn loom_buffered_try_send_try_recv_close_is_drained_in_order() {
    // The same exchange without parking: both sides retry (yielding to loom) until the
    // other side has made room or left a value.
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(1);
        let tx = thread::spawn({
            let (ch, m1, m2) = (ch.clone(), drops.msg(1), drops.msg(2));
            move || {
                for mut m in [m1, m2] {
                    loop {
                        match ch.try_send(m) {
                            Ok(()) => break,
                            Err(TrySendError::Full(back)) => m = back,
                            Err(TrySendError::Closed(_)) => panic!("closed by nobody"),
                        }
                        thread::yield_now();
                    }
                }
                ch.close();
            }
        });
        let mut got = Vec::new();
        loop {
            match ch.try_recv() {
                Ok(m) => got.push(m.v()),
                Err(TryRecvError::Empty) => thread::yield_now(),
                Err(TryRecvError::Closed) => break,
            }
        }
        assert_eq!(got, [1, 2]);
        tx.join().unwrap();
        assert!(matches!(
            ch.try_send(drops.msg(3)),
            Err(TrySendError::Closed(_))
        ));
        assert_eq!(drops.count(), 3);
    });
}

#[test]
fn loom_a_lock_free_try_recv_after_a_send_sees_its_value() {
    // `try_recv` may answer "empty" without the lock (Go's fast path): never for a send
    // that happened before it.
    loom::model(|| {
        let ch = Chan::new(1);
        let sent = std::sync::Arc::new(loom::sync::atomic::AtomicBool::new(false));
        let tx = thread::spawn({
            let (ch, sent) = (ch.clone(), sent.clone());
            move || {
                ch.send(7u32);
                sent.store(true, loom::sync::atomic::Ordering::Release);
            }
        });
        if sent.load(loom::sync::atomic::Ordering::Acquire) {
            assert_eq!(ch.len(), 1);
            assert_eq!(ch.try_recv(), Ok(7));
        } else {
            assert!(matches!(ch.try_recv(), Ok(7) | Err(TryRecvError::Empty)));
        }
        tx.join().unwrap();
    });
}
