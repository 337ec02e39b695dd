//! chan_nonblocking: Go's BenchmarkChanNonblocking and BenchmarkChanClosed (runtime/
//! chan_test.go) as one program. One goroutine per P (`gomaxprocs`) runs its share of `--n`
//! (20,000,000) one-case `select!`s with a `default`: on an unbuffered channel nobody sends
//! to (every select takes the default), or with `--closed true` on a closed one (every
//! select receives at once, with nothing). Reports wall time per select; the count of
//! defaults (or of receives) must be N.
//! Twin: go/chan_nonblocking/main.go.
//!
//! Go compiles a one-case select with a default to `selectnbrecv`, whose fast path reads
//! the channel's state without its lock; goro's `select!` does the same (`Hchan::fast`).
//! No peer: crossbeam's and tokio's `try_recv` are not selects.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use goro::prelude::*;
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 20_000_000; // as go/chan_nonblocking/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default goro)"),
    ("n", "selects in all (default 20000000)"),
    (
        "closed",
        "select on a closed channel instead of an idle one (default false)",
    ),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let (n, closed): (u64, bool) = (flags.get("n", N), flags.get("closed", false));
    let (elapsed, hits, total) = match flags.imp() {
        Impl::Goro => goro_run(n, closed),
        imp => flags.not_applicable(imp, "a peer's try_recv is not a select"),
    };
    assert_eq!(hits, total, "chan_nonblocking: a select went the wrong way");
    let name = if closed {
        "chan_closed"
    } else {
        "chan_nonblocking"
    };
    report::line(name, elapsed.as_nanos() as f64 / total as f64, "ns/op");
}

fn goro_run(n: u64, closed: bool) -> (Duration, u64, u64) {
    goro::run(move || {
        let workers = goro::runtime::gomaxprocs(0) as u64;
        let each = n / workers;
        let myc = chan![i32];
        if closed {
            myc.close();
        }
        let hits = Arc::new(AtomicU64::new(0));
        let wg = Arc::new(WaitGroup::new());
        let start = Instant::now();
        for _ in 0..workers {
            wg.add(1);
            go!({
                defer!(wg.done());
                let mut got = 0u64;
                for _ in 0..each {
                    select! {
                        case _v := <-myc => {
                            if closed {
                                got += 1;
                            }
                        },
                        default => {
                            if !closed {
                                got += 1;
                            }
                        },
                    }
                }
                hits.fetch_add(got, Ordering::Relaxed);
            });
        }
        wg.wait();
        (
            start.elapsed(),
            hits.load(Ordering::Relaxed),
            each * workers,
        )
    })
}
