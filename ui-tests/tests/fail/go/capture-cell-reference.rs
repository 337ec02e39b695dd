// The error must point at `count` in the block: a `&Cell` is Copy, but not Send (a `Cell`
// is not Sync).
use std::cell::Cell;

fn main() {
    let cell = Cell::new(0);
    let count = &cell;
    goro::go!({ count.set(1) });
}
