// The error must point at the `{` of the body that has no `=>` before it.
use goro::prelude::*;

fn main() {
    let (a, b) = (chan![i32; 1], chan![i32; 1]);
    select! {
        v := <-a { drop(v) }
        <-b => {}
    }
}
