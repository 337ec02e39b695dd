// The error must point at `v`: `=` assigns to an existing variable (Go's `v = <-ch`), and
// there is none; `v := <-rx` declares one.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v = <-rx => drop(v),
    }
}
