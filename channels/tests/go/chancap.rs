//! Go: `test/chancap.go` — `len` and `cap` of buffered and unbuffered channels, and
//! `make(chan T, n)` with a capacity out of range panics `makechan: size out of range`.
//!
//! Differences: a negative capacity (Go's `n := -1; make(T, n)`) cannot be written: `cap`
//! is a `usize`, so `chan![i32; -1]` is a compile error (rustc's "cannot apply unary
//! operator `-` to type `usize`"). The 64-bit cases keep Go's numbers: 2^59 elements is
//! more than Go's largest allocation, and 2^63-1 overflows `cap * size_of::<T>()`. Go's
//! `shouldPanic` uses `recover`; here `std::panic::catch_unwind`.

use crate::support::panic_text;
use goro::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, which must panic with exactly `want`.
fn should_panic(want: &str, f: impl FnOnce()) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(()) => panic!("did not panic"),
        Err(p) => assert_eq!(panic_text(&*p), want, "panicked with the wrong text"),
    }
}

#[goro::test]
fn test_chan_len_and_cap() {
    let c = chan![i32; 10];
    assert_eq!((c.len(), c.cap()), (0, 10), "chan len/cap want 0 10");
    for i in 0..3 {
        c.send(i);
    }
    assert_eq!((c.len(), c.cap()), (3, 10), "chan len/cap want 3 10");
    let c = chan![i32];
    assert_eq!((c.len(), c.cap()), (0, 0), "chan len/cap want 0 0");
}

#[goro::test]
#[cfg(target_pointer_width = "64")]
fn test_make_out_of_range_panics() {
    // Go: mem > maxAlloc.
    let n: usize = 1 << 59;
    should_panic("makechan: size out of range", || drop(chan![i32; n]));
    // Go: elem.size*cap overflow.
    let n: usize = (1 << 63) - 1;
    should_panic("makechan: size out of range", || drop(chan![i32; n]));
    // Ours: the whole usize range.
    should_panic("makechan: size out of range", || {
        drop(Chan::<i32>::new(usize::MAX))
    });
    // Zero-sized values need no buffer, as in Go: any capacity can be made.
    let units = chan![(); usize::MAX];
    assert_eq!(units.cap(), usize::MAX);
}
