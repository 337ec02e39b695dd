// The error must point at `recover()` and name the fix, defer!{ ... }, and the way out for a
// function of one's own called `recover`.
use goro::prelude::*;

fn main() {
    goro::run(|| {
        go!({
            let caught = recover();
            panic!("not caught: {}", caught.is_some());
        });
    });
}
