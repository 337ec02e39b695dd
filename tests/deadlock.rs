//! Go's deadlock report (checkdead): when no goroutine of a runtime can ever run again,
//! `#[goro::main]` prints `fatal error: all goroutines are asleep - deadlock!`, a blank
//! line and the goroutine dump, and exits 2; `run` (and so `#[goro::test]`) panics with that
//! report instead. Child-process cases re-run this binary with `GORO_CHILD` set.

mod support;

use goro::prelude::*;
use std::time::Duration;
use support::{is_child, run_child};

const REPORT: &str = "fatal error: all goroutines are asleep - deadlock!\n\n";

/// The panic message `run` resumed with.
fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("run should panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn main_blocked_on_a_channel_nobody_sends_to_exits_2_with_gos_report() {
    if is_child() {
        goro::__private::run_main(|| {
            let ch = chan![i32];
            go!(move || {
                let c = chan![u8];
                c.send(1); // blocks forever too
            });
            let _ = ch.recv();
            unreachable!("nothing sends");
        });
        return;
    }
    let (code, err) =
        run_child("main_blocked_on_a_channel_nobody_sends_to_exits_2_with_gos_report");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(err.starts_with(REPORT), "stderr: {err}");
    assert!(err.contains("goroutine 2 [chan send]:\n"), "stderr: {err}");
    if cfg!(goro_asan) {
        return; // ASan builds print headers only
    }
    // Each header is followed by the goroutine's own frames (the runtime's are hidden).
    assert!(
        err.contains("goroutine 1 [chan receive]:\ndeadlock::main_blocked_on_a_channel_nobody_sends_to_exits_2_with_gos_report::{{closure}}(...)\n\t"),
        "stderr: {err}"
    );
    assert!(
        err.contains("goroutine 2 [chan send]:\ndeadlock::main_blocked_on_a_channel_nobody_sends_to_exits_2_with_gos_report::{{closure}}::{{closure}}(...)\n\t"),
        "stderr: {err}"
    );
    assert!(
        err.contains("tests/deadlock.rs:33\n"),
        "the send's line: {err}"
    );
}

/// Sets its flag when dropped: shows a goroutine was unwound.
struct Flag(std::sync::Arc<std::sync::atomic::AtomicBool>);
impl Drop for Flag {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn run_panics_with_the_report_and_unwinds_the_goroutines() {
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = dropped.clone();
    let text = panic_text(move || {
        goro::run(move || {
            let gate = chan![()];
            let g2 = gate.clone();
            go!(move || {
                let _flag = Flag(d);
                let _ = g2.recv();
            });
            let _ = gate.recv();
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    assert!(text.contains("goroutine 1 [chan receive]:\n"), "{text}");
    assert!(
        dropped.load(std::sync::atomic::Ordering::SeqCst),
        "goroutine 2 was not unwound: {text}"
    );
}

#[test]
fn a_goroutine_inside_runtime_syscall_is_not_a_deadlock() {
    let v = goro::run(|| {
        let ch = chan![i32];
        let tx = ch.clone();
        go!(move || {
            goro::runtime::syscall(|| std::thread::sleep(Duration::from_millis(100)));
            tx.send(7);
        });
        ch.recv().unwrap()
    });
    assert_eq!(v, 7);
}

#[test]
fn every_goroutine_blocked_in_select_is_a_deadlock() {
    let text = panic_text(|| {
        goro::run(|| {
            let (a, b) = (chan![i32], chan![i32]);
            select! {
                v := <-a => { let _ = v; },
                v := <-b => { let _ = v; },
            }
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    assert!(text.contains("goroutine 1 [select]:\n"), "{text}");
}

#[test]
fn a_plain_thread_that_sends_after_a_while_is_not_a_deadlock() {
    // goro cannot see a plain thread; it waits for everything to stay asleep a while
    // (half a second) before the verdict, so a thread that acts sooner is not reported.
    let ch = chan![i32];
    let tx = ch.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        tx.send(5);
    });
    let v = goro::run(move || ch.recv().unwrap());
    t.join().unwrap();
    assert_eq!(v, 5);
}

#[test]
fn goroutines_of_two_runtimes_waiting_for_each_other_are_not_a_deadlock_while_one_runs() {
    // Runtime B starts late (its thread is slow to come up) and then answers runtime A.
    let (ping, pong) = (chan![i32], chan![i32]);
    let (ping2, pong2) = (ping.clone(), pong.clone());
    let b = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        goro::run(move || {
            let v = ping2.recv().unwrap();
            pong2.send(v * 2);
        })
    });
    let v = goro::run(move || {
        ping.send(21);
        pong.recv().unwrap()
    });
    b.join().unwrap();
    assert_eq!(v, 42);
}

#[test]
fn goroutines_blocked_on_mutexes_in_opposite_order_are_a_deadlock() {
    use std::sync::Arc;
    let text = panic_text(|| {
        goro::run(|| {
            let (a, b) = (
                Arc::new(goro::sync::Mutex::new(())),
                Arc::new(goro::sync::Mutex::new(())),
            );
            let (a2, b2) = (a.clone(), b.clone());
            let held = chan![()];
            let h2 = held.clone();
            let _ga = a.lock();
            go!(move || {
                let _gb = b2.lock();
                h2.send(());
                let _ga = a2.lock(); // waits for goroutine 1
            });
            held.recv().unwrap();
            let _gb = b.lock(); // waits for goroutine 2
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    assert!(text.contains("goroutine 1 [sync.Mutex.Lock]:\n"), "{text}");
    assert!(text.contains("goroutine 2 [sync.Mutex.Lock]:\n"), "{text}");
}

/// Run only as the child of `a_deadlocking_goro_test_fails_with_gos_report` (the parent
/// asserts that it fails); in the ordinary run it passes at once.
#[goro::test]
fn a_goro_test_that_deadlocks() {
    if !is_child() {
        return;
    }
    let (jobs, done) = (chan![u32], chan![()]);
    go!({
        for j in &jobs {
            let _ = j;
        }
        done.send(()); // never: nobody closes `jobs`
    });
    jobs.send(1);
    done.recv(); // Go: <-done, with the close(jobs) forgotten
}

#[test]
fn a_deadlocking_goro_test_fails_with_gos_report() {
    let (code, err) = run_child_bounded("a_goro_test_that_deadlocks");
    // libtest's exit status for a failed test, not the harness killed or hung.
    assert_eq!(code, 101, "stderr: {err}");
    assert!(
        err.contains("panicked at") && err.contains(REPORT),
        "the test's panic carries Go's report: {err}"
    );
    assert!(
        err.contains("goroutine 1 [chan receive]:\n"),
        "stderr: {err}"
    );
    assert!(
        err.contains("goroutine 2 [chan receive]:\n"),
        "stderr: {err}"
    );
}

/// Goroutine 1 calls `goexit` while its other goroutine waits forever: Go's deadlock
/// report (without goroutine 1, which has ended) and exit status 2. It used to hang.
#[test]
fn main_goexit_with_the_others_blocked_for_good_is_a_deadlock() {
    if is_child() {
        goro::__private::run_main(|| {
            go!(move || {
                let c = chan![u8];
                let _ = c.recv(); // nothing sends
            });
            goro::runtime::goexit();
        });
        return;
    }
    let (code, err) =
        run_child_bounded("main_goexit_with_the_others_blocked_for_good_is_a_deadlock");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(err.starts_with(REPORT), "stderr: {err}");
    assert!(
        err.contains("goroutine 2 [chan receive]:\n"),
        "stderr: {err}"
    );
    assert!(
        !err.contains("goroutine 1 ["),
        "goroutine 1 has ended: {err}"
    );
}

/// The same under `run`: it panics with the report instead of hanging.
#[test]
fn run_whose_goroutine_1_goexits_panics_with_the_report_when_the_rest_deadlock() {
    let text = panic_text(|| {
        goro::run(|| {
            go!(move || {
                let c = chan![u8];
                let _ = c.recv();
            });
            goro::runtime::goexit();
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    assert!(text.contains("[chan receive]:\n"), "{text}");
}

/// Goroutine 1 calls `goexit` and every other goroutine ends: Go's `fatal error: no
/// goroutines (main called runtime.Goexit) - deadlock!`, the line alone, exit status 2
/// (it was a Rust panic, exit status 101).
#[test]
fn main_goexit_after_the_others_end_exits_2_with_gos_no_goroutines_error() {
    if is_child() {
        goro::__private::run_main(|| {
            go!(move || eprintln!("other done"));
            goro::runtime::goexit();
        });
        return;
    }
    let (code, err) =
        run_child_bounded("main_goexit_after_the_others_end_exits_2_with_gos_no_goroutines_error");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(
        err.ends_with(
            "other done\nfatal error: no goroutines (main called runtime.Goexit) - deadlock!\n"
        ),
        "stderr: {err}"
    );
}

/// A stopped timer will not fire, so it does not keep the deadlock report away (Go clears
/// stopped timers from its heaps and reports at once): a stopped `Timer`, a stopped
/// `after_func` and a reset-then-stopped `Timer`, each due in a minute. The report used
/// to wait for the stopped timer's original deadline.
#[test]
fn stopped_timers_do_not_delay_the_deadlock_report() {
    use goro::time::Timer;
    let minute = Duration::from_secs(60);
    let start = std::time::Instant::now();
    let text = panic_text(move || {
        goro::run(move || {
            let t = Timer::new(minute);
            assert!(t.stop());
            let f = Timer::after_func(minute, || unreachable!("stopped"));
            assert!(f.stop());
            let r = Timer::new(Duration::from_millis(1));
            r.reset(minute);
            assert!(r.stop());
            let _ = chan![i32].recv(); // nothing sends
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    let waited = start.elapsed();
    assert!(
        waited < Duration::from_secs(30),
        "the report waited {waited:?} for stopped timers"
    );
}

/// `run_child`, but a child still running after a minute is killed and the test fails: the
/// point here is that a deadlocked test ends.
fn run_child_bounded(test: &str) -> (i32, String) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("GORO_CHILD", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child test process");
    let mut stderr = child.stderr.take().unwrap();
    // Read while it runs, so a full pipe cannot stall it.
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`{test}` still running after 60 s: {}",
                reader.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = status
        .code()
        .unwrap_or_else(|| -status.signal().unwrap_or(0));
    (code, reader.join().unwrap())
}

#[test]
fn a_thread_ended_by_a_goroutine_exiting_locked_still_lets_the_deadlock_be_seen() {
    // The last thread to stop is the one that leaves (Go ends a thread whose goroutine
    // exits locked): it must look for the deadlock as a thread going to sleep would.
    let text = panic_text(|| {
        goro::run(|| {
            goro::runtime::lock_os_thread(); // the goroutine below starts on another thread
            let ch = chan![i32];
            go!({
                goro::runtime::lock_os_thread();
                support::wait_until("goroutine 1 parked", || {
                    support::parked("chan receive") == 1
                });
            });
            let _ = ch.recv();
        })
    });
    assert!(text.starts_with(REPORT), "{text}");
    // Locked, as Go's `goroutine 1 [chan receive, locked to thread]:`.
    assert!(
        text.contains("goroutine 1 [chan receive, locked to thread]:\n"),
        "{text}"
    );
}

#[test]
fn run_returns_when_a_goroutine_unwound_at_its_end_was_locked() {
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = dropped.clone();
    for _ in 0..20 {
        let d = d.clone();
        goro::run(move || {
            goro::runtime::lock_os_thread();
            let ch = chan![i32];
            let c = ch.clone();
            go!(move || {
                goro::runtime::lock_os_thread();
                let _flag = Flag(d);
                let _ = c.recv(); // unwound when run ends
            });
            support::wait_until("goroutine 2 parked", || {
                support::parked("chan receive") == 1
            });
        });
    }
    assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
}
