//! Go by Example: Worker Pools (gobyexample.com/worker-pools). Three workers receive jobs
//! from one channel and send results on another; five jobs of 1 s each take about 2 s in
//! all, since the workers run concurrently.
//!
//! Differences from Go: each job takes a tenth of Go's second (100 ms). Which worker takes
//! which job varies from run to run, as in Go; the results, each job being done exactly
//! once, and the total time (two rounds of jobs, not five) are checked, and a last line
//! reports them.
//!
//! Run: `cargo run --example worker_pools`. Prints `worker W started  job J` and `worker W
//! finished job J` for the five jobs, then `results: [2, 4, 6, 8, 10]`.

use goro::prelude::*;
use goro::time::{Instant, sleep};

const JOB: Duration = Duration::from_millis(100);

/// Go: func worker(id int, jobs <-chan int, results chan<- int)
fn worker(id: i32, jobs: Receiver<i32>, results: Sender<(i32, i32)>) {
    for j in jobs {
        println!("worker {id} started  job {j}");
        sleep(JOB);
        println!("worker {id} finished job {j}");
        results.send((j, j * 2));
    }
}

#[goro::main]
pub fn main() {
    const NUM_JOBS: i32 = 5;
    let start = Instant::now();
    let jobs = chan![i32; NUM_JOBS as usize];
    let results = chan![(i32, i32); NUM_JOBS as usize];

    for w in 1..=3 {
        go!(worker(w, jobs.receiver(), results.sender()));
    }
    for j in 1..=NUM_JOBS {
        jobs.send(j);
    }
    jobs.close();

    let mut got: Vec<(i32, i32)> = (0..NUM_JOBS).map(|_| results.recv().unwrap()).collect();
    let took = start.elapsed();
    got.sort();
    assert_eq!(
        got,
        (1..=NUM_JOBS).map(|j| (j, j * 2)).collect::<Vec<_>>(),
        "each job once"
    );
    // Five jobs on three workers take two rounds (about 2 × JOB, not 5 × JOB one after
    // another; only the lower bound is asserted: a loaded machine may be late).
    assert!(
        took >= 2 * JOB,
        "five jobs on three workers take two rounds: {took:?}"
    );
    let results: Vec<i32> = got.iter().map(|&(_, r)| r).collect();
    println!("results: {results:?}");
}
