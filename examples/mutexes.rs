//! Go by Example: Mutexes (gobyexample.com/mutexes). A `Container` guards a map of counters
//! with a mutex; three goroutines increment `a`, `a` and `b` 10 000 times each.
//!
//! Differences from Go: goro's `Mutex<T>` owns the map it guards (Go's `sync.Mutex` sits
//! next to it), so the map can only be reached through the lock; the container is shared
//! through an `Arc`. The map is a `BTreeMap`, printed in Go's `map[k:v ...]` format (Go
//! prints maps sorted by key). The counts are asserted.
//!
//! Run: `cargo run --example mutexes`. Prints `map[a:20000 b:10000]`.

use goro::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Go: type Container struct { mu sync.Mutex; counters map[string]int }
struct Container {
    counters: Mutex<BTreeMap<&'static str, i32>>,
}

impl Container {
    /// Go: func (c *Container) inc(name string)
    fn inc(&self, name: &'static str) {
        *self.counters.lock().entry(name).or_default() += 1;
    }
}

#[goro::main]
pub fn main() {
    let c = Arc::new(Container {
        counters: Mutex::new(BTreeMap::from([("a", 0), ("b", 0)])),
    });
    let wg = Arc::new(WaitGroup::new());
    // Go: doIncrement := func(name string, n int) { ... }, a closure over c and wg. It owns
    // clones of both `Arc`s, so it is `Clone`: each `go!` gets its own copy.
    let do_increment = {
        let (c, wg) = (c.clone(), wg.clone());
        move |name: &'static str, n: i32| {
            for _ in 0..n {
                c.inc(name);
            }
            wg.done();
        }
    };
    wg.add(3);
    // Go: go doIncrement("a", 10000)
    go!(do_increment.clone()("a", 10000));
    go!(do_increment.clone()("a", 10000));
    go!(do_increment("b", 10000));
    wg.wait();

    let counters = c.counters.lock();
    let shown: Vec<String> = counters.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    println!("map[{}]", shown.join(" "));
    assert_eq!(*counters, BTreeMap::from([("a", 20000), ("b", 10000)]));
}
