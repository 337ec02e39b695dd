//! Go's nil channel (`var ch chan T`): sends and receives block forever, the non-blocking
//! forms never succeed, `select` never picks it, `close` panics, `len`/`cap` are 0.
mod support;

use goro::runtime::{gomaxprocs, gosched, num_goroutine};
use goro::{Chan, Receiver, Sender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{DropCount, count, park_in_order, parked, wait_until};

#[test]
fn send_receive_and_range_on_nil_block_until_the_runtime_ends() {
    let drops = Arc::new(AtomicUsize::new(0));
    let resumed = Arc::new(AtomicUsize::new(0));
    let (seen, r) = (drops.clone(), resumed.clone());
    goro::run(move || {
        gomaxprocs(1);
        let before = num_goroutine();
        let d = seen.clone();
        let blocked = park_in_order(3, move |i| {
            let _unwound = DropCount(d.clone()); // counts when the goroutine is torn down
            let nil = Chan::<u8>::nil();
            match i {
                0 => nil.send(1),
                1 => drop(nil.recv()),
                _ => nil.iter().for_each(drop),
            }
            r.fetch_add(1, Ordering::SeqCst); // never reached
        });
        wait_until("the chain's helper goroutine exits", || {
            num_goroutine() == before + 3
        });
        for _ in 0..100 {
            gosched(); // every chance to run: nothing can make them runnable
        }
        assert_eq!(num_goroutine(), before + 3, "all three are still there");
        assert_eq!(parked("chan send (nil chan)"), 1);
        assert_eq!(parked("chan receive (nil chan)"), 2, "recv and range");
        assert_eq!(count(&seen), 0, "and none has ended");
        drop(blocked); // detach: main returns with them still parked
    });
    assert_eq!(
        resumed.load(Ordering::SeqCst),
        0,
        "no nil operation ever completed"
    );
    assert_eq!(
        count(&drops),
        3,
        "run unwound all three, running their destructors"
    );
}

#[goro::test]
fn non_blocking_operations_on_nil_never_succeed() {
    let nil = Chan::<String>::nil();
    assert_eq!(
        nil.try_send("v".to_owned()),
        Err(TrySendError::Full("v".to_owned()))
    );
    assert_eq!(nil.try_recv(), Err(TryRecvError::Empty));
}

#[goro::test]
fn nil_has_no_length_or_capacity() {
    let nil = Chan::<u64>::nil();
    assert!(nil.is_nil());
    assert_eq!((nil.len(), nil.cap(), nil.is_empty()), (0, 0, true));
    assert!(!Chan::<u64>::new(0).is_nil());
}

#[goro::test]
fn nil_channels_compare_equal_and_differ_from_made_ones() {
    let (a, b) = (Chan::<u8>::nil(), Chan::<u8>::nil());
    assert_eq!(a, b);
    let made = Chan::<u8>::new(1);
    assert_ne!(a, made);
    assert_eq!(made, made.clone(), "handles to one channel are equal");
    assert_ne!(made, Chan::<u8>::new(1), "two makes are two channels");
    assert_eq!(format!("{a:?}"), "Chan(nil)");
}

#[goro::test]
fn nil_views_are_nil() {
    let tx = Sender::<u8>::nil();
    let rx = Receiver::<u8>::nil();
    assert!(tx.is_nil() && rx.is_nil());
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(Sender::from(Chan::<u8>::nil()), tx);
}

#[test]
fn a_nil_channel_is_a_const() {
    // Go: a package-level `var ch chan T` — usable in a static, no runtime needed.
    static NIL: Chan<u32> = Chan::nil();
    assert!(NIL.is_nil());
    assert_eq!(NIL.try_recv(), Err(TryRecvError::Empty));
}
