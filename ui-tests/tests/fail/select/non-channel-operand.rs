// The error must point at `jobs`, a `Vec` where a channel belongs.
use goro::prelude::*;

fn main() {
    let jobs = vec![1, 2, 3];
    select! {
        job := <-jobs => drop(job),
    }
}
