// The error must point at the whole head `rx -> v`, which is no select arm.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        rx -> v => {}
    }
}
