// The error must point at `.`, where the channel to send on stops in the middle.
use goro::prelude::*;

fn main() {
    let tx = chan![i32; 1];
    select! {
        tx. <- 1 => {}
    }
}
