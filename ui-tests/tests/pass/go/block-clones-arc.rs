// The block clones the Arc it names, so the caller keeps using its own.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

fn main() {
    let hits = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let done = Arc::new(tx);
    goro::go!({
        hits.fetch_add(1, Ordering::SeqCst);
        done.send(()).unwrap();
    });
    rx.recv().unwrap();
    assert_eq!(hits.fetch_add(1, Ordering::SeqCst), 1); // still the caller's
}
