// The error must point at `rx`, a receive-only `Receiver` used in a send arm.
use goro::prelude::*;

fn main() {
    let ch = chan![i32; 1];
    let rx: Receiver<i32> = ch.receiver();
    select! {
        rx <- 1 => {}
    }
}
