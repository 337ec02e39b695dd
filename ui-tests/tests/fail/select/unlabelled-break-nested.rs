// The error must point at the `break` inside the `if` (a `break` inside a loop of the arm body
// is that loop's, and fine).
use goro::prelude::*;

fn main() {
    let jobs = chan![u32; 1];
    for _ in 0..3 {
        select! {
            j := <-jobs => {
                for _ in 0..j.unwrap_or(0) {
                    break;
                }
                if j.is_none() {
                    break;
                }
            }
            default => {}
        }
    }
}
