// The error must point at `Some(v)`: a receive binds `v` or `(v, ok)`, no other pattern.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        Some(v) := <-rx => drop(v),
    }
}
