//! `runtime::stack`: Go's goroutine headers with wait reasons.
mod support;

use goro_rt::runtime::stack;
use goro_rt::{WaitReason, run, spawn};

#[test]
fn stack_lists_every_goroutine_with_its_wait_reason() {
    run(|| {
        for _ in 0..3 {
            spawn(|| goro_rt::park::park_forever(WaitReason::ChanReceive));
        }
        spawn(|| goro_rt::park::park_forever(WaitReason::Select));
        support::wait_until("4 goroutines parked", || {
            let s = stack(true);
            s.matches("[chan receive]:").count() == 3 && s.matches("[select]:").count() == 1
        });
        let dump = stack(true);
        assert!(dump.starts_with("goroutine 1 [running]:\n"), "{dump}");
        assert!(
            dump.contains("traceback::stack_lists_every_goroutine"),
            "own frames: {dump}"
        );
        let headers: Vec<&str> = dump
            .lines()
            .filter(|l| l.starts_with("goroutine "))
            .collect();
        assert_eq!(headers.len(), 5, "{headers:?}");
        assert!(!stack(false).contains("[chan receive]"));
    });
}

#[test]
fn sigquit_prints_every_goroutine_and_exits_2() {
    if support::is_child() {
        run(|| {
            spawn(|| wait_in_a_helper(1));
            spawn(|| goro_rt::park::park_forever(WaitReason::Select));
            support::wait_until("2 goroutines parked", || {
                let s = stack(true);
                s.contains("[chan receive]:") && s.contains("[select]:")
            });
            // SAFETY: sends SIGQUIT to this process, whose handler goro installed.
            unsafe { libc::kill(libc::getpid(), libc::SIGQUIT) };
            loop {
                goro_rt::runtime::gosched(); // the watcher thread exits the process
            }
        });
        return;
    }
    let (code, stderr) = support::run_child("sigquit_prints_every_goroutine_and_exits_2");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("SIGQUIT: quit\n"), "{stderr}");
    // Goroutine 1 is yielding in a loop: running or runnable at the moment of the dump.
    assert!(
        stderr.contains("goroutine 1 [running]:") || stderr.contains("goroutine 1 [runnable]:"),
        "{stderr}"
    );
    assert!(stderr.contains("[chan receive]:"), "{stderr}");
    assert!(stderr.contains("[select]:"), "{stderr}");
    // Frames of the parked goroutines too, walked by their threads (not in ASan builds).
    if cfg!(goro_asan) {
        return;
    }
    assert!(
        stderr.contains("[chan receive]:\ntraceback::wait_in_a_helper(...)\n"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("traceback::wait_in_a_helper").count(),
        2,
        "{stderr}"
    );
}

#[test]
fn gotraceback_none_single_and_all_as_go() {
    if support::is_child() {
        goro_rt::entry::run_main(|| {
            spawn(|| goro_rt::park::park_forever(WaitReason::ChanReceive));
            support::wait_until("goroutine 2 parked", || {
                stack(true).contains("[chan receive]:")
            });
            panic!("boom");
        });
        return;
    }
    let test = "gotraceback_none_single_and_all_as_go";
    let (code, none) = support::run_child_with(test, &[("GOTRACEBACK", "none")]);
    assert_eq!(code, 2, "{none}");
    assert!(none.contains("panic: boom\n"), "{none}");
    assert!(!none.contains("goroutine "), "{none}");
    let (code, single) = support::run_child_with(test, &[("GOTRACEBACK", "single")]);
    assert_eq!(code, 2, "{single}");
    assert!(
        single.contains("panic: boom\n\ngoroutine 1 [running]:\n"),
        "{single}"
    );
    assert!(!single.contains("[chan receive]"), "{single}");
    // The panicking goroutine's frames in Go's form, as the dumps print them: the
    // function, then a tab and its absolute `file:line` (the `panic!` line).
    // (The closure is `{{closure}}` in legacy symbol names, `{closure#0}` in v0 ones.)
    let frame = single
        .split("goroutine 1 [running]:\n")
        .nth(1)
        .unwrap_or_default();
    assert!(
        frame.starts_with("traceback::gotraceback_none_single_and_all_as_go::{")
            && frame.contains("(...)\n\t/"),
        "{single}"
    );
    assert!(single.contains("rt/tests/traceback.rs:84\n"), "{single}");
    // Goroutine 1 has no creator: Go prints no `created by` for main.
    assert!(!single.contains("created by"), "{single}");
    let (code, all) = support::run_child_with(test, &[("GOTRACEBACK", "all")]);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("panic: boom\n\ngoroutine 1 [running]:\n"),
        "{all}"
    );
    assert!(all.contains("\ngoroutine 2 [chan receive]:\n"), "{all}");
    // Blocks apart by one blank line, lines within a block by none (every line of the
    // other goroutines used to be followed by a blank one).
    assert!(!all.contains("[chan receive]:\n\n"), "{all}");
    assert!(!all.contains("\n\n\n"), "{all}");
    if !cfg!(goro_asan) {
        // A frame right under the header, then its file (the closure's name may be
        // another test's: identical closures can be folded into one function).
        let after = all.split("[chan receive]:\n").nth(1).unwrap_or_default();
        let mut lines = after.lines();
        assert!(
            lines
                .next()
                .is_some_and(|l| l.starts_with("traceback::") && l.ends_with("(...)")),
            "{all}"
        );
        assert!(lines.next().is_some_and(|l| l.starts_with("\t/")), "{all}");
    }
}

/// SIGQUIT dumps and exits 2 even when the process started with SIGQUIT ignored (as a
/// shell starts its background jobs) and goroutine 1 computes without a scheduling point.
/// goro used to keep the inherited `SIG_IGN`: the signal did nothing.
#[test]
fn sigquit_dumps_even_if_inherited_ignored_and_a_goroutine_never_yields() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    if support::is_child() {
        goro_rt::entry::run_main(|| {
            spawn(|| goro_rt::park::park_forever(WaitReason::Select));
            support::wait_until("goroutine 2 parked", || stack(true).contains("[select]:"));
            eprintln!("spinning");
            let mut x = 0u64;
            loop {
                x = std::hint::black_box(x.wrapping_add(1)); // no scheduling point
            }
        });
        return;
    }
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "sigquit_dumps_even_if_inherited_ignored_and_a_goroutine_never_yields",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("GORO_CHILD", "1")
    .stderr(std::process::Stdio::piped());
    // SAFETY: between fork and exec, only the async-signal-safe `signal` call.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGQUIT, libc::SIG_IGN);
            Ok(())
        })
    };
    let mut child = cmd.spawn().expect("spawn the child");
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("spinning") {
        line.clear();
        use std::io::BufRead;
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the child ended early"
        );
    }
    // SAFETY: signals our own child, which is alive (we hold its handle, unwaited).
    unsafe { libc::kill(child.id() as i32, libc::SIGQUIT) };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("SIGQUIT did not end the child within 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert_eq!(
        status.code(),
        Some(2),
        "{status:?} {:?}: {rest}",
        status.signal()
    );
    assert!(rest.contains("SIGQUIT: quit\n"), "{rest}");
    assert!(rest.contains("goroutine 1 [running]:"), "{rest}");
    assert!(rest.contains("goroutine 2 [select]:"), "{rest}");
}

/// Parks three calls deep, so the dump has frames of ours to show.
#[inline(never)]
fn wait_in_a_helper(depth: u32) {
    if depth == 0 {
        goro_rt::park::park_forever(WaitReason::ChanReceive);
    } else {
        wait_in_a_helper(depth - 1);
    }
    std::hint::black_box(depth); // not a tail call: every level keeps its frame
}

/// Not under ASan: the walk's stack switch has no fiber annotations, so ASan builds
/// print headers only.
#[cfg(not(goro_asan))]
#[test]
fn stack_shows_the_frames_of_parked_goroutines() {
    run(|| {
        let at = line!() + 1;
        spawn(|| wait_in_a_helper(2));
        support::wait_until("goroutine 2 parked", || {
            stack(true).contains("[chan receive]:")
        });
        let dump = stack(true);
        let g2 = dump
            .split("\n\n")
            .find(|g| g.starts_with("goroutine 2 [chan receive]:\n"))
            .unwrap_or_else(|| panic!("no goroutine 2: {dump}"));
        let frames: Vec<&str> = g2.lines().skip(1).collect();
        // Innermost first, runtime frames hidden: our helper three times, then the body.
        assert!(frames[0].starts_with("traceback::wait_in_a_helper"), "{g2}");
        assert!(frames[1].contains("rt/tests/traceback.rs:"), "{g2}");
        assert_eq!(g2.matches("traceback::wait_in_a_helper").count(), 3, "{g2}");
        assert!(
            g2.contains("traceback::stack_shows_the_frames_of_parked_goroutines::{{closure}}"),
            "{g2}"
        );
        assert!(!g2.contains("goro_rt::"), "runtime frames are hidden: {g2}");
        assert!(!g2.contains("gentry"), "{g2}");
        // Then where it was created, and by whom (the `spawn` above).
        let created = frames[frames.len() - 2..].join("\n");
        // The creating function is named: the `spawn` is in `run`'s closure, written in
        // this test function (Go: `main.main.func1`; Rust does not number closures).
        assert!(
            created.starts_with(
                "created by traceback::stack_shows_the_frames_of_parked_goroutines in goroutine 1\n\t"
            ),
            "{g2}"
        );
        assert!(created.ends_with(&format!("traceback.rs:{at}")), "{g2}");
    });
}

#[test]
fn a_goroutine_running_on_another_thread_is_shown_as_go_shows_it() {
    run(|| {
        goro_rt::runtime::gomaxprocs(2);
        let started = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s2, t2) = (started.clone(), stop.clone());
        let h = spawn(move || {
            s2.store(true, std::sync::atomic::Ordering::SeqCst);
            while !t2.load(std::sync::atomic::Ordering::SeqCst) {
                std::hint::spin_loop(); // never reaches a scheduling point
            }
        });
        // Spin too (no yield): only the other thread can take the goroutine.
        while !started.load(std::sync::atomic::Ordering::SeqCst) {
            std::hint::spin_loop();
        }
        let dump = stack(true);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        h.join().unwrap();
        assert!(
            dump.contains(
                "goroutine 2 [running]:\n\tgoroutine running on other thread; stack unavailable\n"
            ),
            "{dump}"
        );
    });
}

/// An unrecovered panic in a goroutine started by `go!` reports, after its frames, who
/// created it and where, as Go's `created by main.main` and the `go` statement's line.
/// (goro used to end the report at the frames; its dumps already had the line.)
#[test]
fn an_unrecovered_panic_in_a_goroutine_says_who_created_it() {
    if support::is_child() {
        goro_rt::entry::run_main(|| {
            goro_rt::entry::go(|| panic!("m"));
            goro_rt::park::park_forever(WaitReason::ChanReceive); // the panic ends the program
        });
        return;
    }
    let at = line!() - 5; // the `go` above
    let (code, stderr) =
        support::run_child("an_unrecovered_panic_in_a_goroutine_says_who_created_it");
    assert_eq!(code, 2, "{stderr}");
    let report = stderr
        .split("panic: m\n\ngoroutine 2 [running]:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no report of goroutine 2: {stderr}"));
    // The frames, then the creator's two lines, and nothing after them.
    assert!(
        report.starts_with("traceback::an_unrecovered_panic_in_a_goroutine_says_who_created_it::{"),
        "{stderr}"
    );
    let created = report.split_once("\ncreated by ").map_or("", |(_, c)| c);
    assert!(
        created.starts_with(
            "traceback::an_unrecovered_panic_in_a_goroutine_says_who_created_it in goroutine 1\n\t"
        ),
        "{stderr}"
    );
    assert!(
        created.ends_with(&format!("traceback.rs:{at}\n")),
        "{stderr}"
    );
    assert_eq!(created.lines().count(), 2, "{stderr}");
    assert_eq!(stderr.matches("created by").count(), 1, "{stderr}");
}

/// A goroutine that holds its thread locked says so in dumps, after the wait reason, as
/// Go's `goroutine 5 [chan receive, locked to thread]:`; the running one too.
#[test]
fn a_locked_goroutine_is_marked_in_dumps() {
    run(|| {
        spawn(|| {
            goro_rt::runtime::lock_os_thread();
            goro_rt::park::park_forever(WaitReason::ChanReceive);
        });
        spawn(|| goro_rt::park::park_forever(WaitReason::Select));
        support::wait_until("2 goroutines parked", || {
            let s = stack(true);
            s.contains("[chan receive") && s.contains("[select")
        });
        let dump = stack(true);
        assert!(
            dump.contains("\ngoroutine 2 [chan receive, locked to thread]:\n"),
            "{dump}"
        );
        assert!(dump.contains("\ngoroutine 3 [select]:\n"), "{dump}");
        assert!(stack(false).starts_with("goroutine 1 [running]:\n"));
        goro_rt::runtime::lock_os_thread();
        let me = stack(false);
        goro_rt::runtime::unlock_os_thread();
        assert!(
            me.starts_with("goroutine 1 [running, locked to thread]:\n"),
            "{me}"
        );
        assert!(stack(false).starts_with("goroutine 1 [running]:\n"));
    });
}
