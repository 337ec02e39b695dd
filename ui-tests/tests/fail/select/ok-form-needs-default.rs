// The error must point at `(v, ok)`: Go's `v, ok` form needs `T: Default` for the zero value.
use goro::prelude::*;

struct Job;

fn main() {
    let rx = chan![Job; 1];
    select! {
        (v, ok) := <-rx => drop((v, ok)),
    }
}
