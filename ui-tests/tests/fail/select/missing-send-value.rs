// The error must point at `<-`, which no value to send follows.
use goro::prelude::*;

fn main() {
    let tx = chan![i32; 1];
    select! {
        tx <- => {}
    }
}
