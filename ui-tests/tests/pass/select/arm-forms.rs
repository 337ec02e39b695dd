// Every arm form: with or without `case`, `=` or `:=`; `v`, `mut v`, `_`, `(v, ok)`, Go's
// `v, ok`, `<-rx`, `tx <- value`, `default`; on a `Chan` and on its `Sender`/`Receiver` views.
use goro::prelude::*;

#[goro::main]
fn main() {
    let ch = chan![i32; 8];
    select! { case ch <- 1 => {} }
    select! { ch <- 2 => {}, }
    for v in 3..=7 {
        ch.send(v);
    }
    select! { case v := <-ch => assert_eq!(v, Some(1)) }
    select! { v := <-ch => assert_eq!(v, Some(2)), }
    select! {
        case mut v := <-ch => {
            v = v.map(|x| x * 10);
            assert_eq!(v, Some(30));
        }
    }
    select! { (v, ok) := <-ch => assert_eq!((v, ok), (4, true)) }
    select! { case v, ok := <-ch => assert_eq!((v, ok), (5, true)) }
    select! { _ = <-ch => {} }
    select! { <-ch => {} }
    assert!(ch.is_empty(), "6 and 7 were received and dropped");
    let taken = select! {
        <-ch => "receive",
        default => "default",
    };
    assert_eq!(taken, "default");

    // A tuple element, destructured in the `(v, ok)` form.
    let pairs = chan![(i32, &str); 1];
    pairs.send((1, "one"));
    select! {
        ((n, name), ok) := <-pairs => assert_eq!((n, name, ok), (1, "one", true)),
    }

    // The views: a send arm on a `Sender`, a receive arm on a `Receiver`, and references.
    let (tx, rx) = (ch.sender(), ch.receiver());
    select! { tx <- 8 => {} }
    select! { v := <-rx => assert_eq!(v, Some(8)) }
    select! { &tx <- 9 => {} }
    select! { v := <-&rx => assert_eq!(v, Some(9)) }

    // Arms separated by commas, or by nothing after a block body or another block-like one.
    let (a, b) = (chan![u8; 1], chan![u8; 1]);
    b.send(2);
    let mut got = 0;
    select! {
        v := <-a => { got = v.unwrap() }
        v := <-b => if let Some(v) = v { got = v }
        default => {}
    }
    assert_eq!(got, 2);
}
