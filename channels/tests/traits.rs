//! Channels as values, as Go's: the zero value is the nil channel (`Default`), equality and
//! hashing are by identity (clones and views of one channel are equal, distinct channels
//! are not, every nil channel equals every other), so channels key a `HashMap` as in Go's
//! `map[chan T]bool`; and `for v in ch` ranges by value.

use goro::prelude::*;
use std::collections::HashMap;

#[goro::test]
fn default_is_the_nil_channel() {
    let (c, s, r): (Chan<i32>, Sender<i32>, Receiver<i32>) = Default::default();
    assert!(c.is_nil() && s.is_nil() && r.is_nil());
    assert_eq!(c, Chan::nil());
    assert_eq!(s, Sender::nil());
    assert_eq!(r, Receiver::nil());
    assert_eq!((c.len(), c.cap()), (0, 0));
}

#[goro::test]
fn clones_and_views_equal_their_channel_in_both_directions() {
    let a = chan![i32; 1];
    let b = chan![i32; 1];
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    assert!(a == a.sender() && a.sender() == a);
    assert!(a == a.receiver() && a.receiver() == a);
    assert!(a != b.sender() && b.sender() != a);
    assert!(a != b.receiver() && b.receiver() != a);
    assert_eq!(a.sender(), Sender::from(a.clone()));
    assert_ne!(a.receiver(), b.receiver());
    assert!(Chan::<i32>::nil() == Chan::<i32>::nil());
    assert!(Chan::<i32>::nil() == Receiver::<i32>::nil());
    assert!(Sender::<i32>::nil() == Chan::<i32>::nil());
    assert!(a != Chan::nil() && Chan::nil() != a.receiver());
}

#[goro::test]
fn channels_key_a_map_by_identity() {
    // Go: m := map[chan int]bool{}; m[a] = true; ...
    let (a, b) = (chan![i32], chan![i32]);
    let mut m: HashMap<Chan<i32>, bool> = HashMap::new();
    m.insert(a.clone(), true);
    m.insert(b.clone(), false);
    m.insert(a.clone(), false); // a clone is the same key: replaces
    m.insert(Chan::nil(), true);
    m.insert(Chan::default(), true); // nil again: the same key
    assert_eq!(m.len(), 3);
    assert_eq!(m.get(&a), Some(&false));
    assert_eq!(m.get(&b), Some(&false));
    assert_eq!(m.get(&Chan::nil()), Some(&true));
    assert_eq!(m.get(&chan![i32]), None, "a new channel is a new key");
    m.remove(&a);
    assert!(!m.contains_key(&a) && m.contains_key(&b));

    let views: HashMap<Receiver<i32>, u8> = [(a.receiver(), 1), (a.receiver(), 2)].into();
    assert_eq!(views.len(), 1);
    assert_eq!(views[&a.receiver()], 2);
}

#[goro::test]
fn for_by_value_ranges_until_a_sender_closes() {
    let ch = chan![i32];
    go!({
        for i in 0..5 {
            ch.send(i * i);
        }
        ch.close();
    });
    let mut got = Vec::new();
    for v in ch {
        got.push(v);
    }
    assert_eq!(got, [0, 1, 4, 9, 16]);

    let ch = chan![&str; 2];
    let rx = ch.receiver();
    go!({
        ch.send("a");
        ch.send("b");
        ch.close();
    });
    assert_eq!(rx.into_iter().collect::<Vec<_>>(), ["a", "b"]);
}

#[goro::test]
fn recv_ok_of_a_channel_of_channels_gives_nil_once_closed() {
    let cc = chan![Chan<i32>; 1];
    let inner = chan![i32; 1];
    cc.send(inner.clone());
    select! {
        (v, ok) := <-cc => {
            assert!(ok);
            assert_eq!(v, inner);
        }
    }
    cc.close();
    select! {
        (v, ok) := <-cc => {
            assert!(!ok, "closed");
            assert!(v.is_nil(), "the zero value of a chan is nil");
            assert_eq!(v, Chan::nil());
        }
    }
    let rr = chan![Receiver<i32>];
    rr.close();
    select! {
        (v, ok) := <-rr => assert!(!ok && v == Receiver::nil()),
        default => panic!("a closed channel is always ready"),
    }
}
