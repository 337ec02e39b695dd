// `chan![T]` is unbuffered (`make(chan T)`): capacity 0, a send waits for its receiver.
use goro::prelude::*;

#[goro::main]
fn main() {
    let ch = chan![String];
    assert_eq!((ch.cap(), ch.len()), (0, 0));
    assert!(ch.try_send(String::from("nobody is receiving")).is_err());
    let done = chan![()];
    go!({
        ch.send(String::from("hello"));
        done.close();
    });
    assert_eq!(ch.recv().as_deref(), Some("hello"));
    assert_eq!(done.recv(), None);
}
