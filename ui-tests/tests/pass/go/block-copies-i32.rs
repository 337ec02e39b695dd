// The block copies a Copy value: the goroutine's copy is a snapshot, and `let mut n = n;`
// makes it a private variable the goroutine may change.
use std::sync::{Arc, mpsc};

fn main() {
    let n: i32 = 20;
    let (tx, rx) = mpsc::channel();
    let done = Arc::new(tx);
    goro::go!({
        let mut n = n;
        n += 22;
        done.send(n).unwrap();
    });
    assert_eq!(rx.recv(), Ok(42));
    assert_eq!(n, 20);
}
