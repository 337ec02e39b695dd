// The error must point at `(a, b, c)`: a receive assigns one value, or a value and `ok`.
use goro::prelude::*;

fn main() {
    let rx = chan![i32; 1];
    let (mut a, mut b, mut c) = (0, false, 0);
    select! {
        (a, b, c) = <-rx => {}
    }
    drop((a, b, c));
}
