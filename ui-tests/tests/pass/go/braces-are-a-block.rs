// `go! { f(x) }` is the block form even with a single call: `x` (an Arc) is cloned, so the
// caller still has it; `go!(f(x))` is the call form and moves it.
use std::sync::{Arc, mpsc};

fn report(out: Arc<mpsc::Sender<&'static str>>, what: &'static str) {
    out.send(what).unwrap();
}

fn main() {
    let (tx, rx) = mpsc::channel();
    let out = Arc::new(tx);
    goro::go! { report(out, "block") }
    assert_eq!(rx.recv(), Ok("block"));
    goro::go!(report(out, "call"));
    assert_eq!(rx.recv(), Ok("call"));
}
