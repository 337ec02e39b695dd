// The error must point at `totals.last`: `:=` declares new variables, `=` assigns to a field.
use goro::prelude::*;

struct Totals {
    last: i32,
}

fn main() {
    let rx = chan![i32; 1];
    let mut totals = Totals { last: 0 };
    select! {
        totals.last := <-rx => {}
    }
    assert_eq!(totals.last, 0);
}
