// The error must point at `tx`, a send-only `Sender` used in a receive arm.
use goro::prelude::*;

fn main() {
    let ch = chan![i32; 1];
    let tx: Sender<i32> = ch.sender();
    select! {
        v := <-tx => drop(v),
    }
}
