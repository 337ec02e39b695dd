//! rss_parked: N goroutines parked at once; reports resident memory per parked goroutine,
//! (VmRSS with all N parked − VmRSS before spawning them) / N, in KiB. Then it releases them
//! all and checks that every one ran to its end.
//! Twin: go/rss_parked/main.go (goroutines blocked on `<-ch`, released by `close(ch)`).
//!
//! Per impl, what "parked" is: goro parks at a gate built on `gopark`/`goready` (counted under
//! the gate's lock, so exactly N are parked when measured); may coroutines wait on a
//! `SyncFlag`; tokio tasks await a `Notify` (registered with `enable` before counting); Go
//! goroutines block on a channel. Stacks are each runtime's default: goro 256 KiB reserved and
//! committed lazily, may 32 KiB (`0x1000` words, set explicitly below), Go 2 KiB to start.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use goro_benches::args::{Flags, Impl};
use goro_benches::gate::Gate;
use goro_benches::report;

const N: u64 = 100_000; // as go/rss_parked/main.go

/// may's default stack size, in words (may's `DEFAULT_STACK_SIZE`): 32 KiB on 64-bit targets.
const MAY_STACK_WORDS: usize = 0x1000;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, may or tokio (default goro)"),
    ("n", "goroutines parked at once (default 100000)"),
];

/// What each run measured and counted.
struct Outcome {
    /// VmRSS in KiB before spawning and with all N parked.
    rss_before: u64,
    rss_parked: u64,
    /// Goroutines that ran past their park.
    released: u64,
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    assert!(n > 0, "rss_parked: --n must be positive");
    let out = match flags.imp() {
        Impl::Goro => goro_run(n),
        Impl::May => may_run(n),
        Impl::Tokio => tokio_run(n),
        imp @ Impl::Crossbeam => flags.not_applicable(imp, "a parked OS thread is not a goroutine"),
    };
    assert_eq!(
        out.released, n,
        "rss_parked: not every goroutine was released"
    );
    let kib = out.rss_parked.saturating_sub(out.rss_before) as f64 / n as f64;
    report::line(&format!("rss_parked_{n}"), kib, "KiB/goroutine");
}

fn goro_run(n: u64) -> Outcome {
    goro::run(move || {
        let gate = Arc::new(Gate::new());
        let done = Arc::new(Gate::new());
        let released = Arc::new(AtomicU64::new(0));
        let rss_before = report::vm_rss_kib();
        for _ in 0..n {
            let (gate, done, released) = (gate.clone(), done.clone(), released.clone());
            // `go!`, Go's `go` (no join handle): the count and the `done` gate stand for a
            // WaitGroup.
            goro::go!(move || {
                gate.wait();
                if released.fetch_add(1, Ordering::Relaxed) + 1 == n {
                    done.open();
                }
            });
        }
        while gate.waiting() < n as usize {
            goro::runtime::gosched();
        }
        let rss_parked = report::vm_rss_kib();
        gate.open();
        done.wait();
        Outcome {
            rss_before,
            rss_parked,
            released: released.load(Ordering::Relaxed),
        }
    })
}

fn may_run(n: u64) -> Outcome {
    // Each may stack is its own mmap with an mprotect'ed guard page: two memory maps. Past
    // vm.max_map_count the mmap fails and the process aborts, or hangs in the attempt: say so
    // and fail now instead.
    let max_maps: u64 = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u64::MAX);
    if n.saturating_mul(2) > max_maps {
        eprintln!(
            "rss_parked: may needs 2 memory maps per coroutine (stack + guard page): \
             {} for --n {n}, above vm.max_map_count {max_maps}",
            2 * n
        );
        std::process::exit(1);
    }
    may::config().set_stack_size(MAY_STACK_WORDS);
    let main = move || {
        let gate = Arc::new(may::sync::SyncFlag::new());
        let done = Arc::new(may::sync::SyncFlag::new());
        let (arrived, released) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let rss_before = report::vm_rss_kib();
        for _ in 0..n {
            let (gate, done) = (gate.clone(), done.clone());
            let (arrived, released) = (arrived.clone(), released.clone());
            let body = move || {
                arrived.fetch_add(1, Ordering::Relaxed);
                gate.wait();
                if released.fetch_add(1, Ordering::Relaxed) + 1 == n {
                    done.fire();
                }
            };
            // SAFETY: may's two conditions: (1) `body` touches no thread-local storage; (2) it
            // needs a few hundred bytes of the 32 KiB stack.
            let handle = unsafe { may::coroutine::spawn(body) };
            drop(handle); // detached, as Go's `go`
        }
        // `arrived` is bumped just before `wait`: at most one coroutine per worker is between.
        while arrived.load(Ordering::Relaxed) < n {
            may::coroutine::yield_now();
        }
        let rss_parked = report::vm_rss_kib();
        gate.fire();
        done.wait();
        Outcome {
            rss_before,
            rss_parked,
            released: released.load(Ordering::Relaxed),
        }
    };
    // SAFETY: may's two conditions: (1) the driver touches no thread-local storage (reading
    // /proc and may's own primitives only); (2) it needs a few KiB of the 32 KiB stack.
    let driver = unsafe { may::coroutine::spawn(main) };
    driver.join().expect("main coroutine panicked")
}

fn tokio_run(n: u64) -> Outcome {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        // The driver is a task too, as goro's and Go's main goroutine.
        let main = tokio::spawn(async move {
            let gate = Arc::new(tokio::sync::Notify::new());
            let done = Arc::new(tokio::sync::Notify::new());
            let (arrived, released) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
            let rss_before = report::vm_rss_kib();
            for _ in 0..n {
                let (gate, done) = (gate.clone(), done.clone());
                let (arrived, released) = (arrived.clone(), released.clone());
                drop(tokio::spawn(async move {
                    let mut wait = pin!(gate.notified());
                    wait.as_mut().enable(); // now `notify_waiters` cannot miss it
                    arrived.fetch_add(1, Ordering::Relaxed);
                    wait.await;
                    if released.fetch_add(1, Ordering::Relaxed) + 1 == n {
                        done.notify_one(); // stores a permit if the driver is not waiting yet
                    }
                }));
            }
            while arrived.load(Ordering::Relaxed) < n {
                tokio::task::yield_now().await;
            }
            let rss_parked = report::vm_rss_kib();
            gate.notify_waiters();
            done.notified().await;
            Outcome {
                rss_before,
                rss_parked,
                released: released.load(Ordering::Relaxed),
            }
        });
        main.await.expect("main task panicked")
    })
}
