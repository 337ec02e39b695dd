// The error must point at `+`, where the last arm's body stops in the middle.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    let mut n = 0;
    select! {
        v := <-rx => n += v.unwrap_or(0) +
    }
    drop(n);
}
