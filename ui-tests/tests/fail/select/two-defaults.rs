// The error must point at the second `default`.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v := <-rx => drop(v),
        default => {}
        default => {}
    }
}
