// The error must point at `Node`, whose guard impl conflicts with the derive's impl for Drop types,
// and name the opt-out `#[trace(unsafe_drop)]`.
use goro::gc::Trace;

#[derive(Trace)]
struct Node {
    children: Vec<Node>,
}

impl Drop for Node {
    fn drop(&mut self) {}
}

fn main() {}
