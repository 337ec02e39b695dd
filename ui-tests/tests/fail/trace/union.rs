// The error must point at `union`.
use goro::gc::Trace;

#[derive(Trace)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
