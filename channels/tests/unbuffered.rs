//! Unbuffered channels (`make(chan T)`): a send and a receive meet, values pass hand to
//! hand, and waiting senders and receivers are served first come, first served.
mod support;

use goro::Chan;
use goro::runtime::gomaxprocs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::{DropCount, count, park_in_order, parked};

#[goro::test]
fn a_send_completes_only_when_a_receiver_takes_the_value() {
    gomaxprocs(1);
    let ch = Chan::<i32>::new(0);
    let sent = Arc::new(AtomicBool::new(false));
    let (tx, flag) = (ch.clone(), sent.clone());
    let h = park_in_order(1, move |_| {
        tx.send(7);
        flag.store(true, Ordering::SeqCst);
    });
    // The sender is parked: its send has not returned, and nothing is buffered.
    assert!(!sent.load(Ordering::SeqCst));
    assert_eq!((ch.len(), ch.cap()), (0, 0));
    assert_eq!(ch.recv(), Some(7));
    h.into_iter().for_each(|h| h.join().unwrap());
    assert!(sent.load(Ordering::SeqCst));
}

#[goro::test]
fn a_receive_completes_only_when_a_sender_brings_a_value() {
    gomaxprocs(1);
    let ch = Chan::<String>::new(0);
    let rx = ch.clone();
    let h = park_in_order(1, move |_| rx.recv());
    ch.send("hand to hand".to_owned());
    let got: Vec<_> = h.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, [Some("hand to hand".to_owned())]);
}

#[goro::test]
fn parked_senders_are_served_in_arrival_order() {
    gomaxprocs(1);
    let ch = Chan::<usize>::new(0);
    let tx = ch.clone();
    let senders = park_in_order(8, move |i| tx.send(i));
    assert_eq!(parked("chan send"), 8);
    // try_recv finds a value only if a sender is parked, so this also proves all 8 were.
    let got: Vec<_> = (0..8).map(|_| ch.try_recv().unwrap()).collect();
    assert_eq!(got, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(ch.try_recv(), Err(goro::TryRecvError::Empty));
    senders.into_iter().for_each(|h| h.join().unwrap());
}

#[goro::test]
fn parked_receivers_are_served_in_arrival_order() {
    gomaxprocs(1);
    let ch = Chan::<usize>::new(0);
    let rx = ch.clone();
    let receivers = park_in_order(8, move |_| rx.recv());
    assert_eq!(parked("chan receive"), 8);
    // try_send succeeds only if a receiver is parked: all 8 were, each gets the next value.
    for v in 100..108 {
        ch.try_send(v).unwrap();
    }
    assert_eq!(ch.try_send(0), Err(goro::TrySendError::Full(0)));
    let got: Vec<_> = receivers.into_iter().map(|h| h.join().unwrap()).collect();
    let want: Vec<_> = (100..108).map(Some).collect();
    assert_eq!(got, want, "receiver i must get the i-th value");
}

#[goro::test]
fn ping_pong_alternates_strictly() {
    let (ping, pong) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
    let (ping2, pong2) = (ping.clone(), pong.clone());
    let echo = goro::spawn(move || {
        for v in &ping2 {
            pong2.send(v + 1);
        }
    });
    let mut v = 0;
    for _ in 0..10_000 {
        ping.send(v);
        v = pong.recv().unwrap();
    }
    ping.close();
    echo.join().unwrap();
    assert_eq!(v, 10_000);
}

#[goro::test]
fn values_move_through_intact_and_are_dropped_exactly_once() {
    let ch = Chan::<(Vec<u64>, DropCount)>::new(0);
    let tx = ch.clone();
    let (first, drops) = DropCount::new();
    let d2 = drops.clone();
    let producer = goro::spawn(move || {
        tx.send(((0..1000).collect(), first));
        for i in 1..100u64 {
            tx.send(((i..i + 1000).collect(), DropCount(d2.clone())));
        }
    });
    for i in 0..100u64 {
        let (v, guard) = ch.recv().unwrap();
        assert_eq!(v, (i..i + 1000).collect::<Vec<_>>());
        drop(guard);
        assert_eq!(count(&drops), i as usize + 1);
    }
    producer.join().unwrap();
    assert_eq!(count(&drops), 100);
}

#[goro::test]
fn an_unbuffered_channel_never_buffers() {
    let ch = Chan::<u8>::new(0);
    assert_eq!(ch.try_send(1), Err(goro::TrySendError::Full(1)));
    assert_eq!(ch.try_recv(), Err(goro::TryRecvError::Empty));
    assert_eq!((ch.len(), ch.cap(), ch.is_empty()), (0, 0, true));
}

#[goro::test]
fn many_goroutines_rendezvous_on_one_channel() {
    // Go: TestChan's "send 1000 integers in 4 goroutines" for cap 0.
    let ch = Chan::<u32>::new(0);
    let results = Chan::<Vec<u32>>::new(4);
    for _ in 0..4 {
        let tx = ch.clone();
        goro::go!(move || (0..1000).for_each(|i| tx.send(i)));
    }
    for _ in 0..4 {
        let (rx, out) = (ch.clone(), results.clone());
        goro::go!(move || out.send((0..1000).map(|_| rx.recv().unwrap()).collect()));
    }
    let mut seen = [0u8; 1000];
    for batch in results.iter().take(4) {
        batch.into_iter().for_each(|v| seen[v as usize] += 1);
    }
    assert!(seen.iter().all(|&n| n == 4), "every value exactly 4 times");
}
