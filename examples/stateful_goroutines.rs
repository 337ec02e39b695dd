//! Go by Example: Stateful Goroutines (gobyexample.com/stateful-goroutines). One goroutine
//! owns a map; 100 readers and 10 writers reach it only by sending requests (each carrying
//! its own response channel) to that goroutine, which serves them one at a time from a
//! `select!`. Sharing by communicating instead of a mutex.
//!
//! Differences from Go: the program runs for a tenth of Go's second (100 ms), so the counts
//! are smaller, and they vary from run to run, as in Go. Keys and values come from a small
//! per-goroutine xorshift generator (Go: `math/rand`). Each reader checks that every value
//! it reads was written by a writer (or is the map's zero value); `main` checks that both
//! kinds of operation were served and says so in a last line.
//!
//! Run: `cargo run --example stateful_goroutines`. Prints `readOps: N` and `writeOps: M`.

use goro::prelude::*;
use goro::time::sleep;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A read request: the key, and where to send its value.
struct ReadOp {
    key: u64,
    resp: Chan<u64>,
}

/// A write request: the key and value, and where to confirm it.
struct WriteOp {
    key: u64,
    val: u64,
    resp: Chan<bool>,
}

/// A tiny xorshift generator; each goroutine has its own (Go: rand.Intn).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A value in `0..n`.
    fn intn(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[goro::main]
pub fn main() {
    let read_ops = Arc::new(AtomicU64::new(0));
    let write_ops = Arc::new(AtomicU64::new(0));
    let reads = chan![ReadOp];
    let writes = chan![WriteOp];

    // The owner of the state: nobody else can touch `state`.
    go!({
        let mut state: HashMap<u64, u64> = HashMap::new();
        loop {
            select! {
                read := <-reads => {
                    let read = read.unwrap();
                    read.resp.send(state.get(&read.key).copied().unwrap_or(0));
                }
                write := <-writes => {
                    let write = write.unwrap();
                    state.insert(write.key, write.val);
                    write.resp.send(true);
                }
            }
        }
    });

    for r in 0..100 {
        go!({
            let mut rng = Rng::new(r);
            loop {
                let read = ReadOp {
                    key: rng.intn(5),
                    resp: chan![u64],
                };
                let resp = read.resp.clone();
                reads.send(read);
                let val = resp.recv().unwrap();
                assert!(val < 100, "read {val}, which no writer wrote");
                read_ops.fetch_add(1, Ordering::SeqCst);
                sleep(Duration::from_millis(1));
            }
        });
    }

    for w in 0..10 {
        go!({
            let mut rng = Rng::new(1000 + w);
            loop {
                let write = WriteOp {
                    key: rng.intn(5),
                    val: rng.intn(100),
                    resp: chan![bool],
                };
                let resp = write.resp.clone();
                writes.send(write);
                resp.recv();
                write_ops.fetch_add(1, Ordering::SeqCst);
                sleep(Duration::from_millis(1));
            }
        });
    }

    sleep(Duration::from_millis(100));

    let read_ops_final = read_ops.load(Ordering::SeqCst);
    println!("readOps: {read_ops_final}");
    let write_ops_final = write_ops.load(Ordering::SeqCst);
    println!("writeOps: {write_ops_final}");
    assert!(
        read_ops_final > 0 && write_ops_final > 0,
        "both kinds were served"
    );
    println!("the state goroutine served reads and writes");
}
