//! Channels nobody else will touch again: goroutines parked on a channel whose other
//! handles are all dropped stay parked (as in Go, where such a goroutine leaks), the channel
//! lives as long as they do, and when `run` ends it unwinds them — each takes its sudog off
//! the queue and drops its values, and the last handle frees the channel and what it buffers.
//! Every value is dropped exactly once.
mod support;

use goro::chan::select;
use goro::runtime::{gomaxprocs, gosched, num_goroutine};
use goro::select;
use goro::{Chan, JoinHandle};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use support::{DropCount, count, park_in_order, parked, wait_until};

/// Parks `n` goroutines (in order, one P) running `block`; each holds a `DropCount` that
/// bumps `unwound` when its frame is torn down. Returns the handles.
fn park_counted<F>(n: usize, unwound: &Arc<AtomicUsize>, block: F) -> Vec<JoinHandle<()>>
where
    F: Fn(usize) + Send + Sync + 'static,
{
    let unwound = unwound.clone();
    park_in_order(n, move |i| {
        let _frame = DropCount(unwound.clone());
        block(i);
    })
}

#[test]
fn parked_goroutines_outlive_every_other_handle_and_are_unwound_by_run() {
    let unwound = Arc::new(AtomicUsize::new(0));
    let values = Arc::new(AtomicUsize::new(0));
    let (u, v) = (unwound.clone(), values.clone());
    goro::run(move || {
        gomaxprocs(1);
        let before = num_goroutine();
        // Three receivers on an empty unbuffered channel…
        let rx_chan = Chan::<DropCount>::new(0);
        let rx = rx_chan.clone();
        let receivers = park_counted(3, &u, move |_| drop(rx.recv()));
        // …and two senders behind a full buffer of two values.
        let tx_chan = Chan::<DropCount>::new(2);
        tx_chan.send(DropCount(v.clone()));
        tx_chan.send(DropCount(v.clone()));
        let (tx, vv) = (tx_chan.clone(), v.clone());
        let senders = park_counted(2, &u, move |_| tx.send(DropCount(vv.clone())));
        drop((rx_chan, tx_chan, receivers, senders)); // main lets go of everything
        wait_until("the helper goroutines exit", || {
            num_goroutine() == before + 5
        });
        for _ in 0..100 {
            gosched();
        }
        assert_eq!(num_goroutine(), before + 5, "all five stay parked");
        assert_eq!((parked("chan receive"), parked("chan send")), (3, 2));
        assert_eq!((count(&u), count(&v)), (0, 0), "nothing was torn down yet");
    });
    assert_eq!(count(&unwound), 5, "run unwound every parked goroutine");
    assert_eq!(
        count(&values),
        4,
        "two buffered values, two parked senders' values: once each"
    );
}

#[test]
fn a_channel_known_only_to_the_goroutine_parked_on_it_is_freed_at_the_end() {
    let unwound = Arc::new(AtomicUsize::new(0));
    let buffered = Arc::new(AtomicUsize::new(0));
    let (u, b) = (unwound.clone(), buffered.clone());
    goro::run(move || {
        gomaxprocs(1);
        let b = Mutex::new(b);
        let _blocked = park_counted(1, &u, move |_| {
            let mine = Chan::<DropCount>::new(1);
            mine.send(DropCount(b.lock().unwrap().clone()));
            mine.send(DropCount(b.lock().unwrap().clone())); // full: parks, forever
        });
    });
    assert_eq!(count(&unwound), 1);
    assert_eq!(
        count(&buffered),
        2,
        "buffered and parked values dropped with it"
    );
}

#[test]
fn parked_selects_are_taken_off_every_queue_when_unwound() {
    let unwound = Arc::new(AtomicUsize::new(0));
    let u = unwound.clone();
    goro::run(move || {
        gomaxprocs(1);
        let (a, b) = (Chan::<u8>::new(0), Chan::<u8>::new(0));
        let (a2, b2) = (a.clone(), b.clone());
        let _blocked = park_counted(3, &u, move |i| {
            let (mut ra, mut sb) = (select::recv(&a2), select::send(&b2, i as u8));
            select::select([&mut ra, &mut sb], true);
            unreachable!("nobody completes either case");
        });
        // Each select has a sudog on both channels' queues; drop our handles and return.
    });
    assert_eq!(
        count(&unwound),
        3,
        "each select unwound and left both queues"
    );
}

#[test]
fn a_parked_select_drops_its_unsent_value_once_when_unwound() {
    let values = Arc::new(AtomicUsize::new(0));
    let v = values.clone();
    goro::run(move || {
        gomaxprocs(1);
        let full = Chan::<DropCount>::new(0);
        let f2 = full.clone();
        let _blocked = park_in_order(2, move |_| {
            let never = Chan::<u8>::new(0);
            select! {
                f2 <- DropCount(v.clone()) => unreachable!("nobody receives"),
                <-never => unreachable!("nobody sends"),
            }
        });
        assert_eq!(parked("select"), 2);
    });
    assert_eq!(
        count(&values),
        2,
        "each parked select's value, dropped once by unwinding"
    );
}
