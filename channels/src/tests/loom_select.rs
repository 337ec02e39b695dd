//! Models of `select` (`select.rs`: poll, enqueue one sudog per case, park, relock and take
//! the losers off their queues) racing wakers on two channels. Exactly one case may fire per
//! call, the losing case's slot stays untouched, and the value of the case that lost is
//! still there for the next receiver: nothing lost, nothing duplicated.
//!
//! The wakers wait at a gate the selecting thread opens just before it selects, so loom
//! explores mostly the parked path (a preemption still lets them overtake the select).
//! Each model runs four times: with either case polled first (`pin_poll_order`), and with
//! case 0 on the channel locked first or second (`chan_pair`), so loom sees every role each
//! channel can play; within one run loom explores every interleaving within the
//! preemption bound (`LOOM_MAX_PREEMPTIONS`, 2 in CI).

use super::support::{Drops, Gate, chan_pair, pin_poll_order, receiver_queued, val};
use crate::select::{self, recv};
use crate::{Chan, TryRecvError};
use loom::thread;

/// The four runs: (case polled first, whether case 0 is on the lower-address channel).
const VARIANTS: [(usize, bool); 4] = [(0, true), (1, true), (0, false), (1, false)];

/// Two channels in case order: case 0's channel is the lower-address one iff `low_first`.
fn cases_chans<T>(low_first: bool) -> (Chan<T>, Chan<T>) {
    let (lo, hi) = chan_pair(0);
    if low_first { (lo, hi) } else { (hi, lo) }
}

#[test]
fn loom_select_with_two_senders_fires_exactly_one_case() {
    for (first, low_first) in VARIANTS {
        loom::model(move || {
            let drops = Drops::default();
            let (c0, c1) = cases_chans(low_first);
            let gate = Gate::new();
            let senders = [(&c0, 10), (&c1, 11)].map(|(c, v)| {
                let (c, m, gate) = (c.clone(), drops.msg(v), gate.clone());
                thread::spawn(move || {
                    gate.wait();
                    c.send(m)
                })
            });
            // The selecting thread reports (winner, case 0's slot, case 1's slot, the value
            // the other channel still held afterwards).
            let selector = thread::spawn({
                let (c0, c1) = (c0.clone(), c1.clone());
                move || {
                    pin_poll_order(first);
                    gate.open();
                    let (mut r0, mut r1) = (recv(&c0), recv(&c1));
                    let won = select::select([&mut r0, &mut r1], true);
                    let (v0, v1) = (val(r0.take()), val(r1.take()));
                    // Nobody else receives here: a queued receiver is a sudog the select left.
                    assert!(
                        !receiver_queued(&c0) && !receiver_queued(&c1),
                        "a sudog left"
                    );
                    let rest = match won {
                        Some(0) => val(c1.recv()),
                        Some(1) => val(c0.recv()),
                        other => panic!("a blocking select returned {other:?}"),
                    };
                    (won, v0, v1, rest)
                }
            });
            let (won, v0, v1, rest) = selector.join().unwrap();
            match won {
                Some(0) => {
                    assert_eq!((v0, v1), (Some(10), None), "case 1's slot was written");
                    assert_eq!(rest, Some(11), "case 1's value was lost");
                }
                _ => {
                    assert_eq!((v0, v1), (None, Some(11)), "case 0's slot was written");
                    assert_eq!(rest, Some(10), "case 0's value was lost");
                }
            }
            for s in senders {
                s.join().unwrap();
            }
            for c in [&c0, &c1] {
                assert!(matches!(c.try_recv(), Err(TryRecvError::Empty)));
            }
            assert_eq!(drops.count(), 2, "a value was duplicated or leaked");
        });
    }
}

#[test]
fn loom_select_racing_close_and_send_takes_one_and_loses_nothing() {
    // Case 0's channel is closed by one thread while another sends on case 1's.
    for (first, low_first) in VARIANTS {
        loom::model(move || {
            let drops = Drops::default();
            let (closed, sent) = cases_chans(low_first);
            let gate = Gate::new();
            let closer = thread::spawn({
                let (c, gate) = (closed.clone(), gate.clone());
                move || {
                    gate.wait();
                    c.close()
                }
            });
            let sender = thread::spawn({
                let (c, m, gate) = (sent.clone(), drops.msg(2), gate.clone());
                move || {
                    gate.wait();
                    c.send(m)
                }
            });
            let selector = thread::spawn({
                let (closed, sent) = (closed.clone(), sent.clone());
                move || {
                    pin_poll_order(first);
                    gate.open();
                    let (mut r0, mut r1) = (recv(&closed), recv(&sent));
                    let won = select::select([&mut r0, &mut r1], true);
                    let (v0, v1) = (val(r0.take()), val(r1.take()));
                    assert!(
                        !receiver_queued(&closed) && !receiver_queued(&sent),
                        "a sudog left"
                    );
                    // The final receive: the case that lost must still deliver.
                    let rest = match won {
                        Some(0) => val(sent.recv()),
                        Some(1) => val(closed.recv()),
                        other => panic!("a blocking select returned {other:?}"),
                    };
                    (won, v0, v1, rest)
                }
            });
            let (won, v0, v1, rest) = selector.join().unwrap();
            match won {
                Some(0) => {
                    assert_eq!((v0, v1), (None, None), "a closed case got a value");
                    assert_eq!(rest, Some(2), "the send was lost");
                }
                _ => {
                    assert_eq!((v0, v1), (None, Some(2)));
                    assert_eq!(rest, None, "a closed channel delivered");
                }
            }
            closer.join().unwrap();
            sender.join().unwrap();
            assert!(matches!(sent.try_recv(), Err(TryRecvError::Empty)));
            assert_eq!(drops.count(), 1);
        });
    }
}

#[test]
fn loom_pin_poll_order_makes_select_poll_the_pinned_case_first() {
    // The models above rely on it: with both cases ready, the case polled first wins.
    loom::model(|| {
        for first in [0, 1, 1, 0, 0, 1] {
            let (a, b) = (Chan::new(1), Chan::new(1));
            a.send(10);
            b.send(11);
            pin_poll_order(first);
            let (mut ra, mut rb) = (recv(&a), recv(&b));
            assert_eq!(select::select([&mut ra, &mut rb], true), Some(first));
        }
    });
}
