//! Go's MemStats walk-through: allocate about 1 MiB, read the statistics, drop it, collect,
//! read again.
//!
//! Run: `cargo run --example memstats`.

use goro::gc;

#[goro::main]
pub fn main() {
    gc::scope(|s| {
        let before = goro::runtime::read_mem_stats();
        let data: Vec<_> = (0..1024).map(|i| s.alloc([i as u8; 1024])).collect();
        let during = goro::runtime::read_mem_stats();
        println!(
            "after allocating: {} objects more, {} KiB more",
            during.mallocs - before.mallocs,
            (during.total_alloc - before.total_alloc) / 1024
        );
        assert!(during.heap_alloc >= before.heap_alloc + 1024 * 1024);
        drop(data);
        goro::runtime::gc();
        let after = goro::runtime::read_mem_stats();
        println!(
            "after gc: {} objects freed, num_gc {} -> {}",
            after.frees - during.frees,
            during.num_gc,
            after.num_gc
        );
        assert!(after.frees - during.frees >= 1024);
        assert!(after.heap_alloc < during.heap_alloc);
        assert_eq!(after.num_forced_gc, during.num_forced_gc + 1);
    });
}
