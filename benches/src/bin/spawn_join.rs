//! spawn_join: spawn and join N goroutines, `BATCH` in flight at a time; each returns a small
//! value and the sum is checked. Reports the wall time per goroutine.
//! Twin: go/spawn_join/main.go (`go` + sync.WaitGroup per batch, sum through an atomic).

use std::time::Instant;

use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 1_000_000; // as go/spawn_join/main.go
const BATCH: u64 = 10_000;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, may or tokio (default goro)"),
    ("n", "goroutines to spawn and join (default 1000000)"),
    (
        "batch",
        "goroutines spawned before joining them (default 10000)",
    ),
];

/// What each goroutine computes from its index.
fn work(i: u64) -> u64 {
    i * 3 + 1
}

/// Sum of `work(i)` for `i` in `0..n`.
fn expected(n: u64) -> u64 {
    3 * (n * n.saturating_sub(1) / 2) + n
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, batch) = (flags.get("n", N), flags.get("batch", BATCH).max(1));
    let (elapsed, sum) = match flags.imp() {
        Impl::Goro => goro::run(move || {
            let start = Instant::now();
            let mut sum = 0;
            for base in (0..n).step_by(batch as usize) {
                let handles: Vec<_> = (base..n.min(base + batch))
                    .map(|i| goro::spawn(move || work(i)))
                    .collect();
                for h in handles {
                    sum += h.join().expect("goroutine panicked");
                }
            }
            (start.elapsed(), sum)
        }),
        Impl::May => may_main(move || {
            let start = Instant::now();
            let mut sum = 0;
            for base in (0..n).step_by(batch as usize) {
                let handles: Vec<_> = (base..n.min(base + batch))
                    .map(|i| may_spawn(move || work(i)))
                    .collect();
                for h in handles {
                    sum += h.join().expect("coroutine panicked");
                }
            }
            (start.elapsed(), sum)
        }),
        Impl::Tokio => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                // The driver is a task too, as goro's and Go's main goroutine.
                let main = tokio::spawn(async move {
                    let start = Instant::now();
                    let mut sum = 0;
                    for base in (0..n).step_by(batch as usize) {
                        let handles: Vec<_> = (base..n.min(base + batch))
                            .map(|i| tokio::spawn(async move { work(i) }))
                            .collect();
                        for h in handles {
                            sum += h.await.expect("task panicked");
                        }
                    }
                    (start.elapsed(), sum)
                });
                main.await.expect("main task panicked")
            })
        }
        imp @ Impl::Crossbeam => flags.not_applicable(imp, "spawns threads, not goroutines"),
    };
    assert_eq!(sum, expected(n), "spawn_join: wrong sum");
    // Every handle held before any join: a row of its own (the runner's spawn_join_held).
    let name = if batch >= n {
        "spawn_join_held"
    } else {
        "spawn_join"
    };
    report::line(name, elapsed.as_nanos() as f64 / n as f64, "ns/goroutine");
}

/// Runs `f` in a may coroutine (so the driver is a coroutine, as Go's main goroutine).
fn may_main<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    may_spawn(f).join().expect("main coroutine panicked")
}

/// `may::go!` without the macro's hidden `unsafe`.
fn may_spawn<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> may::coroutine::JoinHandle<T> {
    // SAFETY: may's two conditions: (1) `f` touches no thread-local storage (it computes on its
    // arguments and returns); (2) it needs a few hundred bytes of the default 32 KiB stack.
    unsafe { may::coroutine::spawn(f) }
}
