// The error must point at `1`: `=` assigns to a place, and a literal is none.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        1 = <-rx => {}
    }
}
