//! Go by Example: Closing Channels (gobyexample.com/closing-channels). `main` sends three
//! jobs and closes the channel; the worker receives with `(j, more) := <-jobs` until `more`
//! is false, then signals `done`. A receive from the closed, drained channel then returns at
//! once with `ok == false`.
//!
//! Differences from Go: Go's two-value receive `j, more := <-jobs` is written as a one-arm
//! `select!` (`jobs.recv()`, `None` once closed and drained, says the same). `done` carries
//! the jobs the worker received (Go's carries `true`), so `main` can check that every job
//! arrived, in order.
//!
//! Run: `cargo run --example closing_channels`. Prints `sent job 1` … `sent job 3`, `sent
//! all jobs`, `received job 1` … `received job 3`, `received all jobs` (the two sides
//! interleave), then `received more jobs: false`.

use goro::prelude::*;

#[goro::main]
pub fn main() {
    let jobs = chan![i32; 5];
    let done = chan![Vec<i32>];

    go!({
        let mut received = Vec::new();
        loop {
            select! {
                (j, more) := <-jobs => {
                    if more {
                        println!("received job {j}");
                        received.push(j);
                    } else {
                        println!("received all jobs");
                        done.send(received);
                        return;
                    }
                }
            }
        }
    });

    for j in 1..=3 {
        jobs.send(j);
        println!("sent job {j}");
    }
    jobs.close();
    println!("sent all jobs");

    let received = done.recv().unwrap();
    assert_eq!(received, [1, 2, 3], "every job, in order");

    select! {
        (_, ok) := <-jobs => {
            println!("received more jobs: {ok}");
            assert!(!ok, "a closed, drained channel reports ok == false");
        }
    }
}
