//! How goroutines end: goexit, runtime shutdown, panics, stack overflow.
mod support;

use goro_rt::{run, spawn};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{DropCount, is_child, park_forever, run_child, wait_until};

#[test]
fn goexit_ends_only_the_calling_goroutine_after_its_destructors() {
    let drops = Arc::new(AtomicUsize::new(0));
    let d2 = drops.clone();
    let (err, after) = run(move || {
        let h = spawn(move || -> u32 {
            let _guard = DropCount(d2);
            goro_rt::runtime::goexit();
        });
        let err = h.join().unwrap_err();
        // The caller goes on; so does the runtime.
        (err, spawn(|| 5).join().unwrap())
    });
    assert!(err.is::<goro_rt::panic::Goexit>());
    assert_eq!(after, 5);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn goroutines_left_parked_when_run_returns_are_unwound_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let (d, s) = (drops.clone(), started.clone());
    run(move || {
        for _ in 0..100 {
            let (d, s) = (d.clone(), s.clone());
            spawn(move || {
                let _guard = DropCount(d);
                s.fetch_add(1, Ordering::SeqCst);
                park_forever();
            });
        }
        // Parked, not merely started: `run` must unwind parked goroutines.
        let parked = format!("[{}]:", goro_rt::WaitReason::Preempted.as_str());
        wait_until("100 goroutines parked", || {
            goro_rt::runtime::stack(true).matches(&parked).count() == 100
        });
    });
    assert_eq!(started.load(Ordering::SeqCst), 100);
    assert_eq!(drops.load(Ordering::SeqCst), 100);
}

#[test]
fn goroutines_that_never_ran_drop_their_captures_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ran = Arc::new(AtomicUsize::new(0));
    let (d, r) = (drops.clone(), ran.clone());
    run(move || {
        goro_rt::runtime::gomaxprocs(1);
        for _ in 0..50 {
            let (guard, r) = (DropCount(d.clone()), r.clone());
            spawn(move || {
                r.fetch_add(1, Ordering::SeqCst);
                drop(guard)
            });
        }
        // main returns at once: with one P none of them has run.
    });
    assert_eq!(ran.load(Ordering::SeqCst), 0, "none of them ran");
    assert_eq!(drops.load(Ordering::SeqCst), 50);
}

#[test]
fn a_goroutine_panic_fails_run_with_its_message() {
    let err = std::panic::catch_unwind(|| {
        run(|| {
            goro_rt::entry::go(|| panic!("boom in a goroutine"));
            park_forever();
        })
    })
    .unwrap_err();
    assert_eq!(goro_rt::panic::payload_str(&*err), "boom in a goroutine");
}

#[test]
fn a_panicking_test_runtime_does_not_disturb_the_next_one() {
    let first = std::panic::catch_unwind(|| goro_rt::entry::run_test(|| panic!("first")));
    assert!(first.is_err());
    assert_eq!(goro_rt::entry::run_test(|| spawn(|| 1).join().unwrap()), 1);
}

#[test]
fn unrecovered_panic_under_main_prints_gos_report_and_exits_2() {
    if is_child() {
        goro_rt::entry::run_main(|| {
            spawn(|| 0).join().unwrap();
            goro_rt::entry::go(|| panic!("something went wrong"));
            park_forever();
        });
        unreachable!();
    }
    let (code, stderr) = run_child("unrecovered_panic_under_main_prints_gos_report_and_exits_2");
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("panic: something went wrong\n\ngoroutine 3 [running]:\n"),
        "stderr: {stderr}"
    );
    assert!(
        stderr.contains("lifecycle::"),
        "backtrace names the panicking code: {stderr}"
    );
}

/// A `panic_any` value prints as Go prints a panic value: `panic(42)` is `panic: 42`,
/// `panic(err)` the error's message (it was `panic: Box<dyn Any>`).
#[test]
fn unrecovered_panic_values_print_as_go_prints_them() {
    if is_child() {
        let which = std::env::var("WHICH").unwrap();
        goro_rt::entry::run_main(move || {
            goro_rt::entry::go(move || match which.as_str() {
                "int" => std::panic::panic_any(42i32),
                "err" => std::panic::panic_any(Box::<dyn std::error::Error + Send + Sync>::from(
                    "disk full",
                )),
                _ => std::panic::panic_any(vec![1u8]),
            });
            park_forever();
        });
        unreachable!();
    }
    let test = "unrecovered_panic_values_print_as_go_prints_them";
    for (which, want) in [
        ("int", "panic: 42\n"),
        ("err", "panic: disk full\n"),
        ("other", "panic: Box<dyn Any>\n"),
    ] {
        let (code, stderr) = support::run_child_with(test, &[("WHICH", which)]);
        assert_eq!(code, 2, "stderr: {stderr}");
        assert!(stderr.contains(want), "{which}: {stderr}");
    }
}

#[inline(never)]
#[allow(unconditional_recursion, reason = "overflowing the stack is the point")]
fn down(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 64]);
    down(n + 1) + pad[3]
}

#[test]
fn stack_overflow_prints_a_clear_message_and_aborts() {
    if is_child() {
        goro_rt::entry::run_main(|| spawn(|| down(0)).join().ok());
        unreachable!();
    }
    let (code, stderr) = run_child("stack_overflow_prints_a_clear_message_and_aborts");
    assert_eq!(code, -libc_sigabrt(), "stderr: {stderr}");
    assert!(
        stderr.contains("goroutine 2: stack overflow (stack size 262144)"),
        "stderr: {stderr}"
    );
}

#[test]
fn stack_size_comes_from_goro_stack_size_and_mprotect_guards_also_catch_overflow() {
    if is_child() {
        goro_rt::entry::run_main(|| {
            // 48 KiB of frames fit a 64 KiB stack; unbounded recursion does not.
            spawn(|| {
                #[inline(never)]
                fn eat(top: usize) -> usize {
                    let probe = std::hint::black_box([0u8; 512]);
                    let here = &probe as *const _ as usize;
                    if top - here > 48 * 1024 {
                        top - here
                    } else {
                        eat(top) + probe[0] as usize
                    }
                }
                let start = 0u8;
                eat(&start as *const u8 as usize)
            })
            .join()
            .unwrap();
            // The fallback really is in use: this goroutine's stack is a VMA of its own,
            // exactly 64 KiB, right above a 4 KiB PROT_NONE guard (with MADV_GUARD_INSTALL
            // it would lie inside one big reservation).
            let local = 0u8;
            let addr = &local as *const u8 as usize;
            let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
            let vmas: Vec<(usize, usize, bool)> = maps
                .lines()
                .map(|l| {
                    let (range, rest) = l.split_once(' ').unwrap();
                    let (lo, hi) = range.split_once('-').unwrap();
                    let hex = |h| usize::from_str_radix(h, 16).unwrap();
                    (hex(lo), hex(hi), rest.starts_with("---p"))
                })
                .collect();
            let k = vmas
                .iter()
                .position(|&(lo, hi, _)| lo <= addr && addr < hi)
                .unwrap();
            assert_eq!(vmas[k].1 - vmas[k].0, 65536, "stack VMA: {:x?}", vmas[k]);
            assert!(
                vmas[k - 1].2
                    && vmas[k - 1].1 == vmas[k].0
                    && vmas[k - 1].1 - vmas[k - 1].0 == 4096
            );
            spawn(|| down(0)).join().ok()
        });
        unreachable!();
    }
    let (code, stderr) = support::run_child_with(
        "stack_size_comes_from_goro_stack_size_and_mprotect_guards_also_catch_overflow",
        &[("GORO_STACK_SIZE", "64K"), ("GORO_STACK_GUARD", "mprotect")],
    );
    assert_eq!(code, -libc_sigabrt(), "stderr: {stderr}");
    assert!(
        stderr.contains("goroutine 3: stack overflow (stack size 65536)"),
        "stderr: {stderr}"
    );
}

fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn a_late_wake_up_from_before_a_runtime_ended_wakes_nothing() {
    // A waker (say, `close` on a plain thread) takes a parked goroutine's token, unlocks,
    // and is slow to call `goready`. Meanwhile the runtime ends: the goroutine is unwound,
    // dies, and its G is reused by a goroutine of a new runtime, which parks. The late
    // wake-up must not wake that unrelated park. (In a child process: the free list of Gs
    // is shared by every runtime of the process.)
    use goro_rt::park::{GRef, getg, goready};
    use std::sync::Mutex;
    if !is_child() {
        let (code, stderr) = run_child("a_late_wake_up_from_before_a_runtime_ended_wakes_nothing");
        assert_eq!(code, 0, "{stderr}");
        return;
    }
    let token: Arc<Mutex<Option<GRef>>> = Arc::default();
    let t2 = token.clone();
    run(move || {
        spawn(move || {
            // SAFETY: kept past its park on purpose: this test checks that a late wake-up
            // with it cannot disturb the G's next life (its generation).
            *t2.lock().unwrap() = Some(unsafe { getg() });
            park_forever();
        });
        wait_until("the goroutine parked", || {
            goro_rt::runtime::stack(true).contains("[preempted]")
        });
    });
    let stale = token.lock().unwrap().take().expect("token");
    run(move || {
        // The dead goroutine's G is the last one freed: the free list hands it to the new
        // runtime's goroutine 1 (this one).
        // SAFETY: compared only.
        let me = unsafe { getg() };
        assert!(me == stale, "the dead goroutine's G was not reused");
        let waker = spawn(move || {
            // The late wake-up, from a plain thread as a closer would, while goroutine 1
            // is parked in `join` below.
            wait_until("goroutine 1 parked in join", || {
                goro_rt::runtime::stack(true).contains("goroutine 1 [join]:")
            });
            // SAFETY: exercising the contract's failure case: this token's park is over.
            std::thread::spawn(move || unsafe { goready(stale) })
                .join()
                .unwrap();
            goro_rt::runtime::stack(true)
        });
        // If the stale token woke this park, `join` would return without a result (a
        // fatal error) or the dump below would show goroutine 1 runnable.
        let dump = waker.join().unwrap();
        assert!(
            dump.contains("goroutine 1 [join]:"),
            "a stale wake-up woke a later park:\n{dump}"
        );
    });
}

/// A goroutine still inside `runtime::syscall` when goroutine 1 returns: `run` waits for
/// the call to end, then unwinds the goroutine (killed as it comes back from its park)
/// and returns. The runtime used to count the call as still running after that unwind,
/// and `run` never returned.
#[test]
fn run_returns_after_a_goroutine_left_in_syscall_comes_back_and_unwinds() {
    let drops = Arc::new(AtomicUsize::new(0));
    let after_call = Arc::new(AtomicUsize::new(0));
    let (d, a) = (drops.clone(), after_call.clone());
    let main_returning = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        run(move || {
            let m = main_returning.clone();
            spawn(move || {
                let _guard = DropCount(d);
                goro_rt::runtime::syscall(|| {
                    // Returns only well after goroutine 1 has (a fixed sleep here lost
                    // the race to a slow dump under ASan on a busy machine).
                    while !m.load(Ordering::SeqCst) {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                });
                a.fetch_add(1, Ordering::SeqCst); // never: the goroutine unwinds instead
            });
            wait_until("the goroutine is in its syscall", || {
                goro_rt::runtime::stack(true).contains("[syscall]")
            });
            main_returning.store(true, Ordering::SeqCst);
        });
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("run did not return after its goroutine's syscall ended");
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the goroutine was not unwound once"
    );
    assert_eq!(after_call.load(Ordering::SeqCst), 0);
}

/// Reading statistics from a plain thread does not start the process-wide runtime (no
/// thread appears): with none started, it has no goroutines. In a child process, where
/// nothing else started it.
#[test]
fn read_mem_stats_from_a_plain_thread_starts_no_runtime() {
    if is_child() {
        let threads = || {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
            line.split_whitespace()
                .nth(1)
                .unwrap()
                .parse::<u32>()
                .unwrap()
        };
        let before = threads();
        let m = goro_rt::runtime::read_mem_stats();
        assert_eq!(m.num_goroutine, 0);
        assert_eq!(goro_rt::runtime::num_goroutine(), 0);
        assert_eq!(threads(), before, "a thread started");
        return;
    }
    let (code, err) = run_child("read_mem_stats_from_a_plain_thread_starts_no_runtime");
    assert_eq!(code, 0, "{err}");
}
