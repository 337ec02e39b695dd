// The error must point at `out` in the last line: the call form moved it into the goroutine.
use std::sync::{Arc, mpsc};

fn report(out: Arc<mpsc::Sender<i32>>) {
    out.send(1).unwrap();
}

fn main() {
    let (tx, _rx) = mpsc::channel();
    let out = Arc::new(tx);
    goro::go!(report(out));
    drop(out);
}
