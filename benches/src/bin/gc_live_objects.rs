//! gc_live_objects: memory per live small object of the scoped GC. `--n` (1,000,000) objects
//! of gc_alloc's 16-byte traced struct, all held at once by a vector of handles made (and
//! written) before the first reading, after a `runtime::gc()`. `--report heap` (default):
//! (`heap_alloc` with all N held − before) / N, the size-class bytes of an object with its
//! header; `--report rss`: (VmRSS with all N held − before) / N, which adds what the
//! collector keeps outside `heap_alloc` (chunk headers, the chunk not filled yet, and each
//! object's root count and mark, one byte in its chunk's table, since 2026-12-05). Bytes per
//! object. Checks that `heap_objects` grew by N and every object still holds its values.
//! Twin: go/gc_live_objects/main.go (`new(T)` into a `[]*T` made beforehand; MemStats.HeapAlloc
//! and the same VmRSS).

use goro::gc::{self, Gc, Trace};
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: usize = 1_000_000; // objects, as go/gc_live_objects/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default goro)"),
    ("n", "live objects (default 1000000)"),
    ("report", "heap or rss (default heap)"),
];

/// 16 bytes of payload, as gc_alloc's and Go's `struct{ a, b uint64 }`.
#[derive(Trace)]
struct Pair {
    a: u64,
    b: u64,
}

/// Readings before and with all N objects held.
struct Readings {
    heap: (u64, u64),
    objects: (u64, u64),
    rss_kib: (u64, u64),
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: usize = flags.get("n", N).max(1);
    let what: String = flags.get("report", "heap".to_string());
    match flags.imp() {
        Impl::Goro => {}
        imp => flags.not_applicable(imp, "the workload measures goro's collector"),
    }
    let r = goro::run(move || {
        gc::scope(|s| {
            // The holder is written before the first reading, so only the objects count.
            let mut held: Vec<Option<Gc<'_, Pair>>> = (0..n).map(|_| None).collect();
            goro::runtime::gc(); // starts the collector thread; nothing is garbage yet
            let before = goro::runtime::read_mem_stats();
            let rss_before = report::vm_rss_kib();
            for (i, slot) in held.iter_mut().enumerate() {
                let i = i as u64;
                *slot = Some(s.alloc(Pair { a: i, b: !i }));
            }
            let after = goro::runtime::read_mem_stats();
            let rss_after = report::vm_rss_kib();
            for (i, p) in held.iter().enumerate() {
                let p = p
                    .as_ref()
                    .expect("gc_live_objects: every slot holds an object");
                assert!(
                    p.a == i as u64 && p.b == !p.a,
                    "gc_live_objects: object {i} was overwritten ({}, {})",
                    p.a,
                    p.b
                );
            }
            Readings {
                heap: (before.heap_alloc, after.heap_alloc),
                objects: (before.heap_objects, after.heap_objects),
                rss_kib: (rss_before, rss_after),
            }
        })
    });
    assert_eq!(
        r.objects.1 - r.objects.0,
        n as u64,
        "gc_live_objects: heap_objects did not grow by N"
    );
    let heap = r.heap.1.saturating_sub(r.heap.0) as f64 / n as f64;
    let rss = r.rss_kib.1.saturating_sub(r.rss_kib.0) as f64 * 1024.0 / n as f64;
    eprintln!("gc_live_objects: heap {heap:.2} B/object, rss {rss:.2} B/object");
    match what.as_str() {
        "rss" => report::line("gc_rss_per_object", rss, "B"),
        _ => report::line("gc_bytes_per_object", heap, "B"),
    }
}
