// The error must point at `rx`, which lacks `<-` before it.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    select! {
        v = rx => drop(v),
    }
}
