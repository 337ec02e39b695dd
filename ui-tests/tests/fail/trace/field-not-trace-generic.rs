// The error must point at `Pair<RefCell<u8>>`: a derive bounds type parameters by Trace.
use goro::gc::Trace;
use std::cell::RefCell;

#[derive(Trace)]
struct Pair<T>(T, T);

#[derive(Trace)]
struct Outer {
    pair: Pair<RefCell<u8>>,
}

fn main() {}
