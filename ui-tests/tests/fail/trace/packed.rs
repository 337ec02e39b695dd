// The error must point at `packed`: `trace` borrows fields, which may be unaligned there.
use goro::gc::Trace;

#[derive(Trace)]
#[repr(C, packed(2))]
struct Header {
    tag: u8,
    len: u64,
}

fn main() {}
