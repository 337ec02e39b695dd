//! How a `#[goro::main]` program ends: when `main` returns the process exits, as Go's does.
//! Goroutines still parked are unwound first (their destructors run), but none that goro
//! cannot stop keeps the process alive: one looping without a scheduling point, or blocked
//! in a call goro cannot see. Child-process cases re-run this binary with `GORO_CHILD` set;
//! a child still alive after 20 s says so and exits 3.

mod support;

use goro::prelude::*;
use std::time::Duration;
use support::{is_child, run_child};

/// In the child: fails it (exit 3) if it has not exited within 20 s.
fn watchdog() {
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(20));
        eprintln!("the process is still running 20 s later");
        std::process::exit(3);
    });
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
        watchdog();
        goro::__private::run_main(|| {
            // The loop then starts on another thread: this one is locked.
            goro::runtime::lock_os_thread();
            let started = chan![(); 1];
            let s = started.clone();
            go!(move || {
                s.send(());
                loop {
                    std::hint::spin_loop();
                }
            });
            started.recv();
        });
        eprintln!("main returned");
        std::process::exit(0);
    }
    let test = "main_returning_ends_the_process_while_a_goroutine_loops_without_a_scheduling_point";
    let (code, err) = run_child(test);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("main returned"), "{err}");
}

#[test]
fn main_returning_ends_the_process_while_a_goroutine_blocks_in_a_plain_call() {
    if is_child() {
        watchdog();
        goro::__private::run_main(|| {
            goro::runtime::lock_os_thread();
            let started = chan![(); 1];
            let s = started.clone();
            go!(move || {
                s.send(());
                std::thread::sleep(Duration::from_secs(3600)); // not in runtime::syscall
            });
            started.recv();
        });
        eprintln!("main returned");
        std::process::exit(0);
    }
    let test = "main_returning_ends_the_process_while_a_goroutine_blocks_in_a_plain_call";
    let (code, err) = run_child(test);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("main returned"), "{err}");
}

/// The limit does not cut short what goro can stop: a goroutine parked when `main`
/// returns still unwinds, on its own thread, before the process exits.
#[test]
fn main_returning_still_unwinds_parked_goroutines_first() {
    if is_child() {
        watchdog();
        goro::__private::run_main(|| {
            goro::runtime::lock_os_thread();
            let (started, never) = (chan![(); 1], chan![()]);
            let (s, n) = (started.clone(), never.clone());
            go!(move || {
                let _d = SayDropped;
                s.send(());
                n.recv();
            });
            started.recv();
        });
        eprintln!("main returned");
        std::process::exit(0);
    }
    let (code, err) = run_child("main_returning_still_unwinds_parked_goroutines_first");
    assert_eq!(code, 0, "{err}");
    let dropped = err.find("a leftover goroutine's destructor ran");
    let returned = err.find("main returned");
    assert!(
        dropped.is_some() && dropped < returned,
        "the destructor did not run before main returned: {err}"
    );
}
