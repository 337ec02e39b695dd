// The error must point at `"one"`, a `&str` sent on a channel of `i32`.
use goro::prelude::*;

fn main() {
    let tx = chan![i32; 1];
    select! {
        tx <- "one" => {}
    }
}
