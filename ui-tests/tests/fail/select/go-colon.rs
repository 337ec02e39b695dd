// The error must point at the `:` Go writes after an arm's head, where goro wants `=>`.
use goro::prelude::*;

fn main() {
    let done = chan![()];
    select! {
        case <-done: return
    }
}
