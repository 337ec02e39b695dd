// Go's `case last = <-ch:` in a goroutine assigns the caller's `last`; here it would assign
// the goroutine's copy: the error points at the place.
use goro::prelude::*;

fn main() {
    let ch = chan![i32; 1];
    let mut last = 0;
    go!({
        select! {
            last = <-ch => {}
        }
    });
    last += 1;
    println!("{last}");
}
