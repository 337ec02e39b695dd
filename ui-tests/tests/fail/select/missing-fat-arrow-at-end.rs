// The error must point at `done`, the end of an arm with neither `=>` nor a body.
use goro::prelude::*;

fn main() {
    let done = chan![()];
    select! {
        <-done
    }
}
