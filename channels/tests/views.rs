//! Directional views (`chan<- T` as `Sender<T>`, `<-chan T` as `Receiver<T>`): each is a
//! handle to the same channel with only its direction's methods; `From<Chan<T>>` converts,
//! as Go converts a `chan T` argument to a directional parameter.

use goro::{Chan, Receiver, Sender, TryRecvError, TrySendError};

fn produce(out: Sender<u32>, n: u32) {
    for i in 0..n {
        out.send(i);
    }
    out.close();
}

fn total(input: Receiver<u32>) -> u32 {
    input.iter().sum()
}

#[goro::test]
fn views_reach_the_same_channel() {
    let ch = Chan::<u32>::new(0);
    let tx = ch.sender();
    goro::go!(move || produce(tx, 101));
    assert_eq!(total(ch.receiver()), 5050);
}

#[goro::test]
fn from_converts_a_channel_into_either_view() {
    let ch = Chan::<u32>::new(3);
    let tx = Sender::from(ch.clone());
    let rx: Receiver<u32> = ch.clone().into();
    tx.send(1);
    tx.send(2);
    assert_eq!((tx.len(), rx.len(), tx.cap(), rx.cap()), (2, 2, 3, 3));
    assert!(!tx.is_empty() && !rx.is_empty());
    assert_eq!(rx.recv(), Some(1));
    assert_eq!(ch.recv(), Some(2));
    assert!(rx.is_empty());
}

#[goro::test]
fn views_of_one_channel_are_equal_and_clone_to_equal_handles() {
    let ch = Chan::<u8>::new(1);
    assert_eq!(ch.sender(), Sender::from(ch.clone()));
    assert_eq!(ch.receiver(), ch.receiver().clone());
    assert_ne!(ch.sender(), Chan::<u8>::new(1).sender());
    assert!(format!("{:?}", ch.sender()).starts_with("Sender(Chan("));
    assert!(format!("{:?}", ch.receiver()).starts_with("Receiver(Chan("));
}

#[goro::test]
fn view_try_operations_report_like_the_channel() {
    let ch = Chan::<u8>::new(1);
    let (tx, rx) = (ch.sender(), ch.receiver());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(tx.try_send(1), Ok(()));
    assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    assert_eq!(rx.try_recv(), Ok(1));
    tx.close();
    assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(rx.recv(), None);
}

#[goro::test]
fn for_over_a_receiver_ends_when_closed_and_drained() {
    let ch = Chan::<char>::new(8);
    for c in "goro".chars() {
        ch.send(c);
    }
    ch.close();
    let rx = ch.receiver();
    let mut s = String::new();
    for c in &rx {
        s.push(c);
    }
    assert_eq!(s, "goro");
    assert_eq!(rx.iter().count(), 0);
}

#[goro::test]
fn dropping_views_keeps_the_channel_alive_for_other_handles() {
    let ch = Chan::<u8>::new(1);
    let tx = ch.sender();
    tx.send(5);
    drop(tx);
    drop(ch.receiver());
    assert_eq!(ch.recv(), Some(5));
}

#[goro::test]
fn views_are_share_so_go_blocks_clone_them() {
    let ch = Chan::<u8>::new(0);
    let (tx, rx) = (ch.sender(), ch.receiver());
    let done = Chan::<u8>::new(1);
    goro::go!({
        tx.send(40); // `tx` is cloned into the goroutine: the caller keeps its own
    });
    goro::go!({
        done.send(rx.recv().unwrap() + 2);
    });
    assert_eq!(done.recv(), Some(42));
    tx.close(); // still ours
    assert_eq!(rx.recv(), None);
}
