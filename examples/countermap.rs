//! A concurrent counter map guarded by a `sync::RWMutex`, a common Go pattern
//! (`struct { sync.RWMutex; m map[string]int }`): many readers look counts up at once,
//! writers increment under the write lock. Eight goroutines count the words of a text, each
//! a share of it, while four others keep reading.
//!
//! Differences from Go: the map is the RWMutex's data, so it can only be reached through a
//! read or write guard.
//!
//! Run: `cargo run --example countermap`. Prints the word counts.

use goro::prelude::*;
use goro::sync::RWMutex;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A map of counts safe for concurrent use.
#[derive(Default)]
struct Counter {
    m: RWMutex<BTreeMap<String, u64>>,
}

impl Counter {
    fn inc(&self, key: &str) {
        *self.m.write().entry(key.to_owned()).or_default() += 1;
    }

    fn get(&self, key: &str) -> u64 {
        self.m.read().get(key).copied().unwrap_or(0)
    }
}

const TEXT: &str = "go go gopher the gopher runs the go runtime and the runtime runs go";

#[goro::main]
pub fn main() {
    let counter = Arc::new(Counter::default());
    let words: Vec<&'static str> = TEXT.split(' ').collect();
    let writers = Arc::new(WaitGroup::new());
    let readers = Arc::new(WaitGroup::new());
    let stop = Arc::new(AtomicBool::new(false));
    for r in 0..4 {
        let (counter, stop) = (counter.clone(), stop.clone());
        readers.go(move || {
            // Counts only ever grow: a reader sees each one rise, never fall.
            let key = ["go", "the", "gopher", "runtime"][r];
            let mut last = 0;
            while !stop.load(Ordering::SeqCst) {
                let now = counter.get(key);
                assert!(now >= last, "a count went down");
                last = now;
                goro::runtime::gosched();
            }
        });
    }
    for share in words.chunks(words.len().div_ceil(8)) {
        let (counter, share) = (counter.clone(), share.to_vec());
        writers.go(move || {
            for w in share {
                counter.inc(w);
                goro::runtime::gosched();
            }
        });
    }
    writers.wait();
    stop.store(true, Ordering::SeqCst);
    readers.wait();
    for (word, n) in counter.m.read().iter() {
        println!("{word}: {n}");
    }
    let total: u64 = counter.m.read().values().sum();
    assert_eq!(total, words.len() as u64, "an increment was lost");
    println!("{total} words counted by 8 writers while 4 readers watched");
}
