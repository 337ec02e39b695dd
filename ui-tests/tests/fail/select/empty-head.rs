// The error must point at `case`, which no arm follows.
use goro::prelude::*;

fn main() {
    select! {
        case => {}
    }
}
