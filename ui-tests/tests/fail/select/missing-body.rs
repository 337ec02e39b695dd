// The error must point at the end of the input, where the body after `=>` is missing.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        <-rx =>
    }
}
