//! Destructors of channel values run with no channel lock held: a `Drop` may use the very
//! channel its value came from (`len`, `try_send`, `close`, …) and may panic, and the
//! channel stays consistent (every value counted and dropped once) and usable.
//!
//! The deadlock checks run the operation on a thread of their own (`support::completes`):
//! a destructor run under the channel lock would block on that lock forever.
mod support;

use goro::Chan;
use goro::chan::{SEND_ON_CLOSED, select};
use goro::runtime::gomaxprocs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{completes, count, panic_text, parked, wait_until};

/// A value that counts its drop and may panic in it.
struct Noisy {
    drops: Arc<AtomicUsize>,
    panics: bool,
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
        if self.panics {
            panic!("Noisy::drop");
        }
    }
}

/// A value whose `Drop` runs `f` on the channel it was made for (inert if made without).
type OnDrop = Box<dyn FnOnce(&Chan<Touch>) + Send>;
struct Touch(Option<(Chan<Touch>, OnDrop)>);

impl Touch {
    fn inert() -> Touch {
        Touch(None)
    }
    fn new(ch: &Chan<Touch>, f: impl FnOnce(&Chan<Touch>) + Send + 'static) -> Touch {
        Touch(Some((ch.clone(), Box::new(f))))
    }
    fn is_inert(&self) -> bool {
        self.0.is_none()
    }
}

impl Drop for Touch {
    fn drop(&mut self) {
        if let Some((ch, f)) = self.0.take() {
            f(&ch);
        }
    }
}

#[test]
fn a_panicking_drop_of_a_reused_receive_cases_old_value_leaves_the_channel_intact() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ch = Chan::<Noisy>::new(2);
    for panics in [true, false] {
        ch.send(Noisy {
            drops: drops.clone(),
            panics,
        });
    }
    let mut rc = select::recv(&ch);
    assert_eq!(select::select([&mut rc], true), Some(0));
    // The case still holds the panicking value; reusing it drops that value, which panics.
    let r = catch_unwind(AssertUnwindSafe(|| select::select([&mut rc], true)));
    assert_eq!(
        panic_text(&*r.expect_err("the old value's Drop panics")),
        "Noisy::drop"
    );
    assert_eq!(count(&drops), 1);
    // The channel lock is free and the second value is counted once, still buffered.
    let c2 = ch.clone();
    let len = completes("len after a Drop panicked in select", move || c2.len());
    assert_eq!(len, 1, "the select that panicked received nothing");
    assert_eq!(select::select([&mut rc], true), Some(0));
    let second = rc.take().expect("the second value");
    assert!(!second.panics);
    drop(second);
    assert_eq!((count(&drops), ch.len()), (2, 0));
    ch.send(Noisy {
        drops: drops.clone(),
        panics: false,
    });
    assert_eq!(ch.len(), 1, "the channel still works");
    drop(rc);
    drop(ch);
    assert_eq!(count(&drops), 3, "every value dropped exactly once");
}

#[test]
fn a_value_left_in_a_reused_receive_case_may_use_and_close_its_channel_when_dropped() {
    // The polling path: the reused select finds a buffered value at once.
    let got = completes("a reused receive case on a buffered channel", || {
        let used = Arc::new(AtomicUsize::new(0));
        let ch = Chan::<Touch>::new(3);
        let u = used.clone();
        ch.send(Touch::new(&ch, move |ch| {
            assert_eq!(ch.len(), 1);
            assert!(ch.try_send(Touch::inert()).is_ok());
            ch.close();
            u.fetch_add(1, Ordering::SeqCst);
        }));
        ch.send(Touch::inert());
        let mut rc = select::recv(&ch);
        assert_eq!(select::select([&mut rc], true), Some(0));
        let mut got = Vec::new();
        for _ in 0..3 {
            // The first round drops the value from the round before: it closes the channel.
            assert_eq!(select::select([&mut rc], true), Some(0));
            got.push(rc.take().map(|t| t.is_inert()));
        }
        (got, count(&used))
    });
    assert_eq!(got, (vec![Some(true), Some(true), None], 1));
}

#[test]
fn a_value_left_in_a_parked_selects_receive_case_may_use_its_channel_when_dropped() {
    // The hand-off path: a sender finds the reused select parked and fills its case.
    let (inert, used) = completes("a send into a parked select's reused case", || {
        goro::run(|| {
            gomaxprocs(1);
            let used = Arc::new(AtomicUsize::new(0));
            let ch = Chan::<Touch>::new(1);
            let u = used.clone();
            ch.send(Touch::new(&ch, move |ch| {
                assert_eq!(ch.len(), 0);
                assert!(ch.try_recv().is_err());
                u.fetch_add(1, Ordering::SeqCst);
            }));
            let rx = ch.clone();
            let selector = goro::spawn(move || {
                let mut rc = select::recv(&rx);
                assert_eq!(select::select([&mut rc], true), Some(0));
                assert_eq!(select::select([&mut rc], true), Some(0)); // parks
                rc.take().map(|t| t.is_inert())
            });
            // A one-case select waits as the receive it is (as Go compiles it).
            wait_until("the reused select is parked", || {
                parked("chan receive") == 1
            });
            ch.send(Touch::inert()); // straight into the parked select's case
            (selector.join().unwrap(), count(&used))
        })
    });
    assert_eq!((inert, used), (Some(true), 1));
}

#[test]
fn values_refused_by_plain_operations_may_use_their_channel_when_dropped() {
    let used = completes("plain operations", || {
        let used = Arc::new(AtomicUsize::new(0));
        let ch = Chan::<Touch>::new(1);
        ch.send(Touch::inert());
        let u = used.clone();
        let refused = ch.try_send(Touch::new(&ch, move |ch| {
            assert!(ch.try_recv().is_ok_and(|t| t.is_inert()));
            u.fetch_add(1, Ordering::SeqCst);
        }));
        drop(refused.expect_err("full"));
        ch.close();
        let u = used.clone();
        let r = catch_unwind(AssertUnwindSafe(|| {
            ch.send(Touch::new(&ch, move |ch| {
                assert_eq!(ch.len(), 0);
                u.fetch_add(1, Ordering::SeqCst);
            }))
        }));
        assert_eq!(panic_text(&*r.expect_err("closed")), SEND_ON_CLOSED);
        count(&used)
    });
    assert_eq!(used, 2);
}
