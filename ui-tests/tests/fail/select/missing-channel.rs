// The error must point at `<-`, which no channel follows.
use goro::prelude::*;

fn main() {
    select! {
        v := <- => drop(v),
    }
}
