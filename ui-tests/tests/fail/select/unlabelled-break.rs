// The error must point at `break`: Go's `break` leaves the select, an unlabelled one in Rust
// would leave the loop.
use goro::prelude::*;

fn main() {
    let (jobs, quit) = (chan![i32; 1], chan![(); 1]);
    quit.send(());
    loop {
        select! {
            j := <-jobs => drop(j),
            <-quit => break,
        }
    }
}
