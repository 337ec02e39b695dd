//! goro used from a destructor while its thread unwinds from a panic: a runtime started
//! there, or the global one, works, and the process does not abort. (std forbids touching
//! the panic hook on a panicking thread; goro installs its hook on a later start instead.)
//! Each case runs in a child process, so that goro is first used there.
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use support::{is_child, park_forever, run_child};

/// Runs `f` in a destructor during the unwind of a caught panic; returns what `f` returned.
fn in_unwinding_drop(f: fn() -> u64) -> u64 {
    struct OnDrop(fn() -> u64, Arc<AtomicU64>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            assert!(std::thread::panicking());
            self.1.store((self.0)(), Ordering::SeqCst);
        }
    }
    let got = Arc::new(AtomicU64::new(0));
    let g2 = got.clone();
    let r = std::panic::catch_unwind(move || {
        let _d = OnDrop(f, g2);
        panic!("unwinding");
    });
    assert!(r.is_err());
    got.load(Ordering::SeqCst)
}

#[test]
fn a_runtime_first_started_in_a_destructor_during_unwinding_works() {
    if is_child() {
        let v = in_unwinding_drop(|| goro_rt::run(|| goro_rt::spawn(|| 40).join().unwrap() + 2));
        assert_eq!(v, 42);
        // A runtime started later, off the unwind, installs the hook after all: an
        // unrecovered panic under `run_main` gets Go's report with its backtrace.
        goro_rt::entry::run_main(|| {
            goro_rt::entry::go(|| panic!("later"));
            park_forever();
        });
        unreachable!();
    }
    let (code, stderr) =
        run_child("a_runtime_first_started_in_a_destructor_during_unwinding_works");
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("panic: later\n\ngoroutine 2 [running]:\n"),
        "stderr: {stderr}"
    );
    assert!(
        stderr.contains("unwinding::"),
        "the hook recorded the backtrace: {stderr}"
    );
}

#[test]
fn a_goroutine_first_spawned_in_a_destructor_during_unwinding_works() {
    if is_child() {
        // Outside any runtime: the global runtime starts here, mid-unwind.
        let v = in_unwinding_drop(|| goro_rt::spawn(|| 7).join().unwrap());
        assert_eq!(v, 7);
        assert_eq!(goro_rt::spawn(|| 8).join().unwrap(), 8);
        return;
    }
    let (code, stderr) =
        run_child("a_goroutine_first_spawned_in_a_destructor_during_unwinding_works");
    assert_eq!(code, 0, "stderr: {stderr}");
}
