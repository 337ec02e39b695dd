// The error must point at `*`, where the value to send stops in the middle.
use goro::prelude::*;

fn main() {
    let tx = chan![i32; 1];
    select! {
        tx <- 2 * => {}
    }
}
