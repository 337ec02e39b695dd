// The error must point at `mut v`: `=` assigns to an existing variable, `:=` declares one.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        mut v = <-rx => v = v.map(|v| v + 1),
    }
}
