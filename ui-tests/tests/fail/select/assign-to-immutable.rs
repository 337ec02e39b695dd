// The error must point at `x`: `x = <-rx` assigns to `x`, which must be `let mut x`.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    let x = 0;
    select! {
        x = <-rx => {}
    }
    drop(x);
}
