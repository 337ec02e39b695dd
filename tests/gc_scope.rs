//! `gc::scope` and its scoped goroutines: borrowing goroutines, every one joined before the
//! scope returns (also when the scope's closure panics), a scoped goroutine's panic coming
//! out of `scope` after the others finished, nested starts, and plain threads.
use goro::gc;
use goro::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

#[test]
fn scoped_goroutines_borrow_and_write_disjoint_parts_of_the_callers_data() {
    goro::run(|| {
        let mut v: Vec<u64> = (0..1000).collect();
        gc::scope(|s| {
            for chunk in v.chunks_mut(100) {
                s.go(move || chunk.iter_mut().for_each(|x| *x *= 2));
            }
        });
        assert_eq!(v.iter().sum::<u64>(), 999 * 1000);
    });
}

#[test]
fn scope_returns_only_after_every_goroutine_finished_even_late_ones() {
    goro::run(|| {
        let done = AtomicUsize::new(0);
        gc::scope(|s| {
            for i in 0..8u64 {
                let done = &done;
                s.go(move || {
                    goro::time::sleep(Duration::from_millis(5 * i));
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(done.load(Ordering::SeqCst), 8);
    });
}

#[test]
fn goroutines_started_by_scoped_goroutines_are_joined_too() {
    goro::run(|| {
        let n = AtomicUsize::new(0);
        gc::scope(|s| {
            let n = &n;
            s.go(move || {
                for _ in 0..10 {
                    s.go(move || {
                        goro::time::sleep(Duration::from_millis(10));
                        n.fetch_add(1, Ordering::SeqCst);
                    });
                }
            });
        });
        assert_eq!(n.load(Ordering::SeqCst), 10);
    });
}

#[test]
fn a_scoped_goroutines_panic_comes_out_of_scope_after_the_others_finished() {
    goro::run(|| {
        let other_done = AtomicBool::new(false);
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            gc::scope(|s| {
                s.go(|| panic!("scoped boom"));
                s.go(|| {
                    goro::time::sleep(Duration::from_millis(50));
                    other_done.store(true, Ordering::SeqCst);
                });
            })
        }))
        .unwrap_err();
        assert_eq!(goro::panic::payload_str(&*err), "scoped boom");
        assert!(other_done.load(Ordering::SeqCst), "returned before joining");
    });
}

#[test]
fn a_panic_in_the_scopes_closure_still_waits_for_its_goroutines() {
    goro::run(|| {
        let finished = AtomicBool::new(false);
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            gc::scope(|s| {
                s.go(|| {
                    goro::time::sleep(Duration::from_millis(50));
                    finished.store(true, Ordering::SeqCst);
                });
                panic!("closure boom");
            })
        }))
        .unwrap_err();
        assert_eq!(goro::panic::payload_str(&*err), "closure boom");
        assert!(
            finished.load(Ordering::SeqCst),
            "unwound past a running goroutine"
        );
    });
}

#[test]
fn scoped_goroutines_pass_values_over_channels() {
    goro::run(|| {
        let input = vec![3u32, 1, 4, 1, 5, 9, 2, 6];
        let out = chan![u32];
        let sum = gc::scope(|s| {
            for x in &input {
                let out = &out;
                s.go(move || out.send(x * 10));
            }
            (0..input.len()).map(|_| out.recv().unwrap()).sum::<u32>()
        });
        assert_eq!(sum, 310);
    });
}

#[test]
fn a_plain_thread_may_open_a_scope() {
    let data = [1u8, 2, 3];
    let total = AtomicUsize::new(0);
    gc::scope(|s| {
        for x in &data {
            let total = &total;
            s.go(move || {
                total.fetch_add(usize::from(*x), Ordering::SeqCst);
            });
        }
    });
    assert_eq!(total.load(Ordering::SeqCst), 6);
}
