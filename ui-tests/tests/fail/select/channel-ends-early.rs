// The error must point at `.`, where the channel to receive from stops in the middle.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v := <-rx. => drop(v),
    }
}
