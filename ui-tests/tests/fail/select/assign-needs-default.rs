// The error must point at `job`: `job = <-rx` assigns Go's zero value once `rx` is closed,
// and `Job` has no `Default`.
use goro::prelude::*;

struct Job(u32);

fn main() {
    let rx = chan![Job; 1];
    let mut job = Job(0);
    select! {
        job = <-rx => {}
    }
    drop(job.0);
}
