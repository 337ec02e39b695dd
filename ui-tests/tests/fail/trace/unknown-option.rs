// The errors must point at `skip` on the type, `skp` (unknown), `unsafe_drop` on a field,
// `ignore` (unknown) and `skip` on a variant.
use goro::gc::Trace;

#[derive(Trace)]
#[trace(skip)]
struct Node {
    #[trace(skp)]
    a: u32,
    #[trace(unsafe_drop)]
    b: u32,
    #[trace(ignore = true)]
    c: u32,
}

#[derive(Trace)]
enum E {
    #[trace(skip)]
    A(u8),
}

fn main() {}
