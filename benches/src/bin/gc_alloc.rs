//! gc_alloc: allocation throughput of the scoped GC. `--n` (10,000,000) allocations of a
//! 16-byte traced struct in one `gc::scope`, keeping only a ring of the last 1,000 handles
//! alive, so the heap keeps growing garbage and collections (paced, as GOGC) must run.
//! Reports ns per allocation. Every object evicted from the ring must still hold the values
//! it was made with, and at least one collection must have run; the collector's pause total
//! and count (`read_mem_stats`) go to stderr.
//! Twin: go/gc_alloc/main.go (`new(T)` into a ring of 1,000 pointers).

use std::time::Instant;

use goro::gc::{self, Gc, Trace};
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 10_000_000; // allocations, as go/gc_alloc/main.go
const WINDOW: usize = 1000; // handles kept alive

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default goro)"),
    ("n", "allocations (default 10000000)"),
];

/// 16 bytes of payload, as Go's `struct{ a, b uint64 }`.
#[derive(Trace)]
struct Pair {
    a: u64,
    b: u64,
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N).max(1);
    match flags.imp() {
        Impl::Goro => {}
        imp => flags.not_applicable(imp, "the workload measures goro's collector"),
    }
    let (elapsed, stats) = goro::run(move || {
        let before = goro::runtime::read_mem_stats();
        let start = Instant::now();
        gc::scope(|s| {
            let mut ring: Vec<Option<Gc<'_, Pair>>> = (0..WINDOW).map(|_| None).collect();
            for i in 0..n {
                let slot = &mut ring[(i % WINDOW as u64) as usize];
                let old = slot.replace(s.alloc(Pair { a: i, b: !i }));
                if let Some(old) = old {
                    assert!(
                        old.a + WINDOW as u64 == i && old.b == !old.a,
                        "gc_alloc: object {} was overwritten ({}, {})",
                        i - WINDOW as u64,
                        old.a,
                        old.b
                    );
                }
            }
        });
        let elapsed = start.elapsed();
        let after = goro::runtime::read_mem_stats();
        (elapsed, (before, after))
    });
    let (before, after) = stats;
    let num_gc = after.num_gc - before.num_gc;
    assert!(num_gc > 0 || n < 1_000_000, "gc_alloc: no collection ran");
    eprintln!(
        "gc_alloc gc: num_gc {num_gc}, pause_total {:.2} ms",
        (after.pause_total_ns - before.pause_total_ns) as f64 / 1e6
    );
    report::line("gc_alloc", elapsed.as_nanos() as f64 / n as f64, "ns/alloc");
}
