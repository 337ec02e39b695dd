// The block copies a Copy value; the goroutine's copy is its own (and mutable, as in Go).
use std::sync::{Arc, mpsc};

fn main() {
    let n: i32 = 20;
    let (tx, rx) = mpsc::channel();
    let done = Arc::new(tx);
    goro::go!({
        n += 22;
        done.send(n).unwrap();
    });
    assert_eq!(rx.recv(), Ok(42));
    assert_eq!(n, 20);
}
