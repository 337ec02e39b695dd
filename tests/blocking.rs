//! A blocking call not wrapped in `runtime::syscall` holds its thread and its P (README,
//! "Differences from Go"): with one P, the goroutines queued behind it wait until it
//! returns, where Go would hand the P to another thread. Wrapped, they run meanwhile.

use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[test]
fn an_unwrapped_blocking_call_holds_the_only_p_and_a_wrapped_one_does_not() {
    goro::run(|| {
        goro::runtime::gomaxprocs(1);
        assert_eq!(goro::runtime::gomaxprocs(0), 1);
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        go!(move || r.store(true, Ordering::SeqCst)); // fresh, queued on the only P
        std::thread::sleep(Duration::from_millis(100)); // holds that P
        assert!(
            !ran.load(Ordering::SeqCst),
            "a goroutine ran while the only P's thread was blocked: update README's \
             \"Differences from Go\" (Go's handoff now exists)"
        );
        goro::runtime::gosched();
        assert!(
            ran.load(Ordering::SeqCst),
            "the queued goroutine ran at the next yield"
        );

        // Wrapped, the call runs on a pool thread and the P runs the queued goroutine.
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        go!(move || r.store(true, Ordering::SeqCst));
        let seen = goro::runtime::syscall(|| {
            let start = Instant::now();
            while !ran.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(1));
            }
            ran.load(Ordering::SeqCst)
        });
        assert!(
            seen,
            "the queued goroutine did not run during runtime::syscall"
        );
    });
}
