//! gc_alloc: allocation throughput of the scoped GC. `--n` (10,000,000) allocations of a
//! 16-byte traced struct in one `gc::scope`, keeping only a ring of the last 1,000 handles
//! alive, so the heap keeps growing garbage and collections (paced, as GOGC) must run.
//! Reports ns per allocation. Every object evicted from the ring must still hold the values
//! it was made with, and at least one collection must have run; the collector's pause total
//! and count (`read_mem_stats`) go to stderr.
//!
//! `--report pause_p50` / `pause_max` report instead the median / longest GC pause of the run
//! in µs, from the PauseNs ring (`MemStats::pause_ns`: the last min(cycles, 256) cycles of the
//! run). goro's pause is how long an allocation waited for the cycle ("GC assist wait";
//! marking itself stops no goroutine), 0 if none did; Go's is its stop-the-world time. This run has the most cycles of
//! the GC workloads (about 100 for goro, 45 for Go at the default `--n`), fewer than 100 on
//! Go's side, so the tail row is the maximum: a p99 of fewer than 100 samples is one of the
//! top two anyway.
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
    ("report", "alloc, pause_p50 or pause_max (default alloc)"),
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
    let what: String = flags.get("report", "alloc".to_string());
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
    let mut pauses = report::gc_pauses(&after.pause_ns, before.num_gc, after.num_gc);
    pauses.sort_unstable();
    let pause_us =
        |p: usize| (!pauses.is_empty()).then(|| report::percentile(&pauses, p) as f64 / 1e3);
    eprintln!(
        "gc_alloc gc: num_gc {num_gc}, pause_total {:.2} ms, pause p50 {:.1} us, max {:.1} us",
        (after.pause_total_ns - before.pause_total_ns) as f64 / 1e6,
        pause_us(50).unwrap_or(0.0),
        pause_us(100).unwrap_or(0.0),
    );
    let no_pause = "gc_alloc: no collection ran: no pause to report";
    match what.as_str() {
        "pause_p50" => report::line("gc_pause_p50", pause_us(50).expect(no_pause), "us"),
        "pause_max" => report::line("gc_pause_max", pause_us(100).expect(no_pause), "us"),
        _ => report::line("gc_alloc", elapsed.as_nanos() as f64 / n as f64, "ns/alloc"),
    }
}
