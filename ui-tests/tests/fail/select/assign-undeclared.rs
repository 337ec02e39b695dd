// The error must point at `v`: `=` assigns to an existing variable (Go's `v = <-ch`), and
// there is none; `v := <-rx` declares one. (The body leaves `v` alone: a use of it there
// would be a second error, at that use, as in plain Rust.)
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v = <-rx => {}
    }
}
