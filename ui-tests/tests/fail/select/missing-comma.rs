// The error must point at `<`, the start of the next arm after a body with no `,`.
use goro::prelude::*;

fn main() {
    let (a, b) = (chan![i32; 1], chan![i32; 1]);
    let mut n = 0;
    select! {
        <-a => n += 1
        <-b => n += 2,
    }
    drop(n);
}
