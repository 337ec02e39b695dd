// The error must point at `:=`, which no variable precedes.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        case := <-rx => {}
    }
}
