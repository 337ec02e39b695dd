// `=` assigns to places that already exist, as Go's `x = <-ch`: a variable, a field, an index
// and a deref, each written after the receive; Go's zero value once the channel is closed.
// `x = <-ch` never declares a new `x` that would hide the outer one.
use goro::prelude::*;

#[derive(Default)]
struct Stats {
    last: u8,
    hits: [u8; 2],
}

#[goro::main]
fn main() {
    let ch = chan![u8; 4];
    let mut x = 5;
    let mut stats = Stats::default();
    ch.send(1);
    ch.send(2);
    ch.send(3);
    ch.close();
    assert_eq!(x, 5);
    select! { x = <-ch => {} }
    select! { stats.last = <-ch => {} }
    let i = 1;
    select! { stats.hits[i] = <-ch => {} }
    assert_eq!((x, stats.last, stats.hits), (1, 2, [0, 3]));
    {
        let p = &mut x;
        select! { *p = <-ch => {} }
    }
    assert_eq!(x, 0, "closed: Go's zero value");
    let mut ok = true;
    assert!(ok);
    select! { (stats.last, ok) = <-ch => {} }
    assert_eq!((stats.last, ok), (0, false));
}
