// `chan![T; n]` buffers `n` values (`make(chan T, n)`), `n` any `usize` expression; the
// element type may be any type, or `_` to infer it.
use goro::prelude::*;

const CAP: usize = 2;

#[goro::main]
fn main() {
    let ch = chan![&str; CAP];
    ch.send("a");
    ch.send("b");
    assert_eq!((ch.len(), ch.cap()), (2, 2));
    assert!(ch.try_send("c").is_err(), "full");

    let sizes = [1, 2, 3];
    let computed = chan![Vec<(u8, String)>; sizes.len() * 2];
    assert_eq!(computed.cap(), 6);

    let inferred = chan![_; 1];
    inferred.send(1.5f64);
    assert_eq!(inferred.recv(), Some(1.5));

    let of_chans = chan![Chan<i32>; 1];
    of_chans.send(chan![i32; 1]);
    let inner = of_chans.recv().unwrap();
    inner.send(5);
    assert_eq!(inner.recv(), Some(5));

    let zero = chan![u8; 0];
    assert_eq!(zero.cap(), 0);
}
