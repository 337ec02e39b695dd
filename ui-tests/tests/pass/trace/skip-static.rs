// `#[trace(skip)]` leaves out 'static fields with no Trace impl, in structs and variants.
use goro::gc::{Trace, TraceOp, Tracer};
use std::cell::Cell;
use std::rc::Rc;

#[derive(Trace)]
struct Stats {
    #[trace(skip)]
    hits: Cell<u64>,
    #[trace(skip)]
    label: Rc<str>,
    #[trace(skip)]
    name: &'static str,
    kept: Vec<u8>,
}

#[derive(Trace)]
enum Cache<T: 'static> {
    Cold,
    Warm(#[trace(skip)] Rc<T>, usize),
}

fn main() {
    let s = Stats { hits: Cell::new(1), label: "l".into(), name: "n", kept: vec![1] };
    let mut t = Tracer::new(TraceOp::Unroot);
    s.trace(&mut t);
    Cache::Warm(Rc::new(5u8), 1).trace(&mut t);
    Cache::<u8>::Cold.trace(&mut t);
    assert_eq!(t.visited(), 0);
    assert_eq!((s.hits.get(), &*s.label, s.name, s.kept.len()), (1, "l", "n", 1));
}
