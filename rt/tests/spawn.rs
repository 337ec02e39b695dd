//! Spawning and joining goroutines: counts, values, nesting, runtimes.
mod support;

use goro_rt::{run, spawn};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn hundred_thousand_goroutines_are_spawned_and_joined_exactly() {
    let sum = run(|| {
        let handles: Vec<_> = (0..100_000u64).map(|i| spawn(move || i * 3)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
    });
    assert_eq!(sum, 3 * 100_000 * 99_999 / 2);
}

fn tree(depth: u32) -> u64 {
    if depth == 0 {
        return 1;
    }
    let kids: Vec<_> = (0..3).map(|_| spawn(move || tree(depth - 1))).collect();
    1 + kids.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
}

#[test]
fn nested_spawns_five_levels_deep() {
    // 1 + 3 + 9 + 27 + 81 + 243 goroutines in a tree 5 levels below the root.
    assert_eq!(run(|| tree(5)), 364);
}

#[test]
fn run_returns_the_main_goroutines_value_and_borrows_from_the_caller() {
    let words = [String::from("go"), String::from("ro")];
    let joined = run(|| words.concat());
    assert_eq!(joined, "goro");
}

#[test]
fn main_goroutine_is_goroutine_one_and_children_count_up() {
    let (main, kid) = run(|| {
        (
            goro_rt::runtime::goid(),
            spawn(goro_rt::runtime::goid).join().unwrap(),
        )
    });
    assert_eq!(main, 1);
    assert!(kid > 1);
}

#[test]
fn num_goroutine_counts_live_goroutines() {
    run(|| {
        assert_eq!(goro_rt::runtime::num_goroutine(), 1);
        let parked = Arc::new(AtomicUsize::new(0));
        for _ in 0..5 {
            let parked = parked.clone();
            spawn(move || {
                parked.fetch_add(1, Ordering::SeqCst);
                support::park_forever();
            });
        }
        support::wait_until("5 goroutines started", || {
            parked.load(Ordering::SeqCst) == 5
        });
        assert_eq!(goro_rt::runtime::num_goroutine(), 6);
    });
}

#[test]
fn join_from_a_plain_thread_parks_the_thread() {
    // No runtime on this thread: spawn goes to the process-wide runtime.
    let h = spawn(|| (1..=10).product::<u64>());
    assert_eq!(h.join().unwrap(), 3_628_800);
    assert_eq!(goro_rt::runtime::goid(), 0);
}

#[test]
fn several_runtimes_run_at_once_on_different_threads() {
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                run(move || {
                    (0..1000u64)
                        .map(|i| spawn(move || i + t))
                        .map(|h| h.join().unwrap())
                        .sum::<u64>()
                })
            })
        })
        .collect();
    for (t, th) in threads.into_iter().enumerate() {
        assert_eq!(th.join().unwrap(), 499_500 + 1000 * t as u64);
    }
}

#[test]
fn join_reports_a_panic_with_its_payload() {
    let err = run(|| spawn(|| -> u32 { panic!("kaboom") }).join().unwrap_err());
    assert_eq!(goro_rt::panic::payload_str(&*err), "kaboom");
}

#[test]
fn a_deep_recursion_of_200_kib_fits_the_default_stack() {
    // Recurse until the frames below the goroutine's first one span 200 KiB, measured by
    // address, so the test means the same in debug and release builds.
    #[inline(never)]
    fn eat(top: usize, target: usize) -> usize {
        let probe = std::hint::black_box([1u8; 256]);
        let here = &probe as *const _ as usize;
        if top - here >= target {
            return top - here;
        }
        eat(top, target) + std::hint::black_box(probe[0] as usize) - 1
    }
    let used = run(|| {
        spawn(|| {
            let start = 0u8;
            eat(&start as *const u8 as usize, 200 * 1024)
        })
        .join()
        .unwrap()
    });
    assert!(used >= 200 * 1024, "used {used} bytes");
}

/// A handle that outlives its runtime, to a goroutine the runtime's end dropped before it
/// ran: `join` returns at once with an error (it used to wait forever), the goroutine's
/// captures are dropped exactly once, and the handle's id is the goroutine's.
#[test]
fn joining_a_goroutine_its_runtime_dropped_unrun_returns_an_error() {
    let token = Arc::new(());
    let (h, goid) = run(|| {
        goro_rt::runtime::gomaxprocs(1); // one P, never yielded: the goroutine cannot start
        let t = token.clone();
        let h = spawn(move || Arc::strong_count(&t));
        let goid = h.goid();
        (h, goid)
    });
    assert!(goid > 1);
    assert_eq!(h.goid(), goid);
    assert!(h.is_finished(), "the runtime's end settles the handle");
    let err = h
        .join()
        .expect_err("a goroutine that never ran has no value");
    assert!(!err.is::<goro_rt::panic::Goexit>());
    assert_eq!(Arc::strong_count(&token), 1, "its captures were dropped");
}

/// Handles dropped before, during and after their goroutines end, while they run on two
/// threads: every outcome and every packet is released exactly once (a double free or a
/// leak shows up here, and under ASan in CI).
#[test]
fn handles_dropped_at_any_moment_release_each_outcome_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    const N: usize = 20_000;
    let joined = run(|| {
        goro_rt::runtime::gomaxprocs(2);
        let mut joined = 0;
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let d = drops.clone();
                spawn(move || {
                    if i % 3 == 0 {
                        goro_rt::runtime::gosched();
                    }
                    Counted(d)
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            if i % 2 == 0 {
                drop(h);
            } else {
                drop(h.join().unwrap());
                joined += 1;
            }
        }
        // The detached ones end too before the runtime does (it would drop them unrun).
        while goro_rt::runtime::num_goroutine() > 1 {
            goro_rt::runtime::gosched();
        }
        joined
    });
    assert_eq!(joined, N / 2);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        N,
        "every outcome dropped once"
    );
}
