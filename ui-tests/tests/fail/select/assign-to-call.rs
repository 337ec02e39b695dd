// The error must point at `slot()`: `=` assigns to a place, and a call's result is none.
use goro::prelude::*;

fn slot() -> i32 {
    0
}

fn main() {
    let rx = chan![i32; 1];
    select! {
        slot() = <-rx => {}
    }
}
