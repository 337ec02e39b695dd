// `#[trace(unsafe_drop)]` lets a traced type implement Drop (one that touches no handle).
use goro::gc::{Trace, TraceOp, Tracer};
use std::sync::atomic::{AtomicUsize, Ordering};

static DROPS: AtomicUsize = AtomicUsize::new(0);

#[derive(Trace)]
#[trace(unsafe_drop)]
struct Guard<T> {
    inner: Vec<T>,
}

impl<T> Drop for Guard<T> {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    let g = Guard { inner: vec![1u8, 2] };
    let mut t = Tracer::new(TraceOp::Mark);
    g.trace(&mut t);
    assert_eq!((t.visited(), g.inner.len()), (0, 2));
    drop(g);
    assert_eq!(DROPS.load(Ordering::Relaxed), 1);
}
