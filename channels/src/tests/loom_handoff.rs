//! Model of the unbuffered hand-off (`Chan::send`/`Chan::recv` on a `cap == 0` channel):
//! whichever side comes first parks on its queue and the other completes the exchange
//! through its sudog; loom tries both orders and every interleaving of the lock, the
//! enqueue, the park commit and the `goready`. The value must arrive exactly once.

use super::support::{Drops, val};
use crate::{Chan, TryRecvError};
use loom::thread;

#[test]
fn loom_unbuffered_send_recv_hands_the_value_over_once() {
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(0);
        let tx = thread::spawn({
            let (ch, m) = (ch.clone(), drops.msg(7));
            move || ch.send(m)
        });
        assert_eq!(val(ch.recv()), Some(7));
        tx.join().unwrap();
        assert!(matches!(ch.try_recv(), Err(TryRecvError::Empty)));
        assert_eq!(ch.len(), 0);
        assert_eq!(drops.count(), 1, "the value was dropped twice or leaked");
    });
}

#[test]
fn loom_unbuffered_two_exchanges_each_arrive_once_in_order() {
    // Two values back to back: the second send may find the receiver parked again or park
    // itself, while the first wake-up is still in flight.
    loom::model(|| {
        let drops = Drops::default();
        let ch = Chan::new(0);
        let tx = thread::spawn({
            let (ch, m1, m2) = (ch.clone(), drops.msg(1), drops.msg(2));
            move || {
                ch.send(m1);
                ch.send(m2);
            }
        });
        assert_eq!(val(ch.recv()), Some(1));
        assert_eq!(val(ch.recv()), Some(2));
        tx.join().unwrap();
        assert_eq!(drops.count(), 2);
    });
}
