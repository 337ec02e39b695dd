//! The runtime side of time: sleeping goroutines hold no thread, and sleepers keep an
//! ending runtime alive only as long as they sleep.

mod support;

use goro_rt::runtime::{gomaxprocs, num_goroutine};
use std::time::{Duration, Instant};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// In a child process, so that no other test's threads are counted.
#[test]
fn sleeping_goroutines_hold_no_threads() {
    if !support::is_child() {
        let (code, stderr) = support::run_child("sleeping_goroutines_hold_no_threads");
        assert_eq!(code, 0, "{stderr}");
        return;
    }
    goro_rt::run(|| {
        gomaxprocs(2);
        let before = threads();
        let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let handles: Vec<_> = (0..1000)
            .map(|_| {
                let started = started.clone();
                goro_rt::spawn(move || {
                    started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    goro_rt::time::sleep(Duration::from_millis(300));
                })
            })
            .collect();
        // A cheap probe (a dump of 1000 goroutines is slow in sanitizer builds, longer
        // than the sleeps): each goroutine is asleep or on its way to sleep.
        support::wait_until("1000 goroutines going to sleep", || {
            started.load(std::sync::atomic::Ordering::SeqCst) == 1000
        });
        let during = threads();
        assert!(
            during <= before + 4,
            "1000 sleeping goroutines use {during} threads ({before} before)"
        );
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(num_goroutine(), 1);
    });
}

#[test]
fn run_waits_for_a_sleeper_it_cannot_kill() {
    // A goroutine sleeping in a destructor while its runtime ends (the runtime unwinds it)
    // is woken by its timer, not left behind.
    struct SleepOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);
    impl Drop for SleepOnDrop {
        fn drop(&mut self) {
            goro_rt::time::sleep(Duration::from_millis(20));
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let woke = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let w2 = woke.clone();
    let start = Instant::now();
    goro_rt::run(move || {
        let ready = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let r2 = ready.clone();
        goro_rt::entry::go(move || {
            let _guard = SleepOnDrop(w2);
            r2.store(true, std::sync::atomic::Ordering::SeqCst);
            support::park_forever();
        });
        support::wait_until("the goroutine parked", || {
            ready.load(std::sync::atomic::Ordering::SeqCst)
        });
    });
    assert!(woke.load(std::sync::atomic::Ordering::SeqCst));
    assert!(start.elapsed() >= Duration::from_millis(20));
}
