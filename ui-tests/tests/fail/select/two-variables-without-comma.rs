// The error must point at `ok`, which follows `v` without a comma.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v ok := <-rx => {}
    }
}
