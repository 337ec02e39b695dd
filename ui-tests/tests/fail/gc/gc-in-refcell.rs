// A handle inside a `RefCell` field would be invisible to the collector: `RefCell` is not
// `Trace`, so the derive refuses it (use `GcCell`).
use goro::gc::{Gc, Trace};
use std::cell::RefCell;

#[derive(Trace)]
struct Node<'s> {
    next: RefCell<Option<Gc<'s, u32>>>,
}

fn main() {}
