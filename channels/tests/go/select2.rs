//! Go: `test/chan/select2.go` — selects do not consume undue memory: after a warm-up of
//! 100,000 two-case selects, another 100,000 must not grow the heap by more than 1.1e5
//! bytes.
//!
//! Differences: Go reads `runtime.MemStats.Alloc` after a `runtime.GC()`; Rust frees
//! eagerly, so the live heap is counted by a global allocator wrapper (bytes allocated less
//! bytes freed). The count is global to the process, so the test runs alone in a child
//! process (`run_child`). Go only prints `BUG:`; here it fails. As Go's sudogs, goro's
//! live on the selecting goroutine's stack, so a select allocates nothing at all, which is
//! checked too.

use crate::support::{is_child, run_child};
use goro::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// Bytes allocated and not yet freed, and allocations made, process-wide.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting the live heap.
struct Counting;

// SAFETY: every call forwards to `System` with the caller's arguments unchanged; the
// bookkeeping is two atomic adds (no allocation, no panic).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded contract: `ptr` came from `alloc` above, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

const N: usize = 100_000;

fn sender(c: Chan<i32>, n: usize) {
    for _ in 0..n {
        c.send(1);
    }
}

fn receiver(c: &Chan<i32>, dummy: &Chan<i32>, n: usize) {
    for _ in 0..n {
        select! {
            <-c => {}
            <-dummy => panic!("dummy"),
        }
    }
}

#[test]
fn test_selects_do_not_consume_memory() {
    if !is_child() {
        let (code, stderr) = run_child("select2::test_selects_do_not_consume_memory");
        assert_eq!(code, 0, "child stderr: {stderr}");
        return;
    }
    goro::run(|| {
        let (c, dummy) = (chan![i32], chan![i32]);
        // Warm up.
        go!(sender(c.clone(), N));
        receiver(&c, &dummy, N);
        let (live, allocs) = (LIVE.load(Ordering::SeqCst), ALLOCS.load(Ordering::SeqCst));

        // The second time shouldn't increase the footprint by much.
        go!(sender(c.clone(), N));
        receiver(&c, &dummy, N);
        let grown = LIVE.load(Ordering::SeqCst) - live;
        let made = ALLOCS.load(Ordering::SeqCst) - allocs;
        assert!(
            grown <= 110_000,
            "BUG: too much memory for 100,000 selects: {grown}"
        );
        assert!(
            made < N / 100,
            "{made} allocations for {N} selects: one per select?"
        );
    });
}
