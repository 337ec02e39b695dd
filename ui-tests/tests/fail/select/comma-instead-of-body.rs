// The error must point at `=>`, which a `,` follows instead of the arm's body.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        <-rx => ,
        default => {}
    }
}
