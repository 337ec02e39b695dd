//! How a `#[goro::main]` program ends: when `main` returns the process exits, as Go's does.
//! Goroutines still parked are unwound first (their destructors run), but none that goro
//! cannot stop keeps the process alive: one looping without a scheduling point, or blocked
//! in a call goro cannot see. Child-process cases re-run this binary with `GORO_CHILD` set.

mod support;

use goro::prelude::*;
use std::time::Duration;
use support::{is_child, run_child};

/// In the child: runs `main` as `#[goro::main]` does, on two Ps (goro cannot take the only
/// P from a goroutine that never reaches a scheduling point, so with one `main` would never
/// run again), with this thread locked while it runs (so goroutines it starts run on other
/// threads); says "main returned" and exits 0. A child still alive 20 s later says so and
/// exits 3.
fn child_main(main: impl FnOnce() + Send) -> ! {
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(20));
        eprintln!("the process is still running 20 s later");
        std::process::exit(3);
    });
    goro::__private::run_main(|| {
        goro::runtime::gomaxprocs(2);
        goro::runtime::lock_os_thread();
        main();
    });
    eprintln!("main returned");
    std::process::exit(0);
}

/// Runs `test` in a child process; returns its stderr, which must end in "main returned"
/// with exit status 0.
fn child_exits_0(test: &str) -> String {
    let (code, err) = run_child(test);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("main returned"), "{err}");
    err
}

/// Starts `body` as a goroutine and returns once it has started.
fn start(body: impl FnOnce() + Send + 'static) {
    let started = chan![(); 1];
    let s = started.clone();
    goro::spawn(move || {
        s.send(());
        body();
    });
    started.recv();
}

struct SayDropped;
impl Drop for SayDropped {
    fn drop(&mut self) {
        eprintln!("a leftover goroutine's destructor ran");
    }
}

#[test]
fn main_returning_ends_the_process_while_a_goroutine_loops_without_a_scheduling_point() {
    if is_child() {
        child_main(|| {
            start(|| {
                loop {
                    std::hint::spin_loop();
                }
            })
        });
    }
    child_exits_0(
        "main_returning_ends_the_process_while_a_goroutine_loops_without_a_scheduling_point",
    );
}

#[test]
fn main_returning_ends_the_process_while_a_goroutine_blocks_in_a_plain_call() {
    if is_child() {
        // Not in `runtime::syscall`: goro cannot see it.
        child_main(|| start(|| std::thread::sleep(Duration::from_secs(3600))));
    }
    child_exits_0("main_returning_ends_the_process_while_a_goroutine_blocks_in_a_plain_call");
}

/// The limit does not cut short what goro can stop: a goroutine parked when `main`
/// returns still unwinds, on its own thread, before the process exits.
#[test]
fn main_returning_still_unwinds_parked_goroutines_first() {
    if is_child() {
        child_main(|| {
            let never = chan![()];
            start(move || {
                let _d = SayDropped;
                never.recv();
            })
        });
    }
    let err = child_exits_0("main_returning_still_unwinds_parked_goroutines_first");
    let dropped = err.find("a leftover goroutine's destructor ran");
    assert!(
        dropped.is_some() && dropped < err.find("main returned"),
        "the destructor did not run before main returned: {err}"
    );
}
