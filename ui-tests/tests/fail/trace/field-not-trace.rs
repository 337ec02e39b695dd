// The errors must point at `Rc<u32>` and `Cell<u32>`, the fields that are not Trace.
use goro::gc::Trace;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Trace)]
struct Node {
    ok: Vec<u32>,
    shared: Rc<u32>,
    counter: Option<Cell<u32>>,
}

fn main() {}
