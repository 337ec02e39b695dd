//! gosched_pingpong: two goroutines on one P, each yielding N times (`gosched`) and bumping a
//! shared counter; reports wall time per switch (total time / 2N yields). Two checks keep a
//! broken yield from looking fast: (1) after most yields the other goroutine must have run (a
//! yield that returns at once would not switch; tokio's `yield_now` runs the two tasks as
//! A B B A A B…, so half its yields see the other, Go and may alternate strictly); (2) the
//! counter must never move while a goroutine runs between two yields (on one P nobody else runs).
//! Twin: go/gosched_pingpong/main.go (GOMAXPROCS(1), runtime.Gosched).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 2_000_000; // yields per goroutine, as go/gosched_pingpong/main.go

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro, may or tokio (default goro)"),
    ("n", "yields per goroutine (default 2000000)"),
];

/// What the players saw, summed over both.
#[derive(Clone, Copy, Default)]
struct Seen {
    /// Yields after which the other player had run.
    switched: u64,
    /// Increments that found the counter moved since this player's last look: the two ran at
    /// once, which one P rules out.
    overlapped: u64,
}

impl std::iter::Sum for Seen {
    fn sum<I: Iterator<Item = Seen>>(iter: I) -> Seen {
        iter.fold(Seen::default(), |a, b| Seen {
            switched: a.switched + b.switched,
            overlapped: a.overlapped + b.overlapped,
        })
    }
}

/// The state one player carries across its yields.
struct Player<'a> {
    counter: &'a AtomicU64,
    last: u64,
    seen: Seen,
}

impl<'a> Player<'a> {
    fn new(counter: &'a AtomicU64) -> Self {
        Player {
            counter,
            last: counter.load(Ordering::Relaxed),
            seen: Seen::default(),
        }
    }
    /// Bumps the counter; returns the value it wrote. Call `after_yield` with it.
    fn bump(&mut self) -> u64 {
        let before = self.counter.fetch_add(1, Ordering::Relaxed);
        self.seen.overlapped += u64::from(before != self.last);
        before + 1
    }
    fn after_yield(&mut self, mine: u64) {
        self.last = self.counter.load(Ordering::Relaxed);
        self.seen.switched += u64::from(self.last != mine);
    }
}

/// One stackful player: bump, yield, look.
fn player(counter: &AtomicU64, n: u64, mut yield_now: impl FnMut()) -> Seen {
    let mut p = Player::new(counter);
    for _ in 0..n {
        let mine = p.bump();
        yield_now();
        p.after_yield(mine);
    }
    p.seen
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    let counter = Arc::new(AtomicU64::new(0));
    let (elapsed, seen) = match flags.imp() {
        Impl::Goro => goro_run(n, counter.clone()),
        Impl::May => may_run(n, counter.clone()),
        Impl::Tokio => tokio_run(n, counter.clone()),
        imp @ Impl::Crossbeam => flags.not_applicable(imp, "no goroutines to switch between"),
    };
    let yields = 2 * n;
    assert_eq!(
        counter.load(Ordering::Relaxed),
        yields,
        "gosched_pingpong: lost increments"
    );
    let Seen {
        switched,
        overlapped,
    } = seen;
    assert!(
        switched * 100 >= yields * 45,
        "gosched_pingpong: only {switched} of {yields} yields let the other goroutine run"
    );
    // Go may preempt asynchronously (sysmon, > 10 ms), which looks like an overlap: allow a few.
    assert!(
        overlapped * 1000 <= yields,
        "gosched_pingpong: the two goroutines ran at once {overlapped} times on one P"
    );
    report::line(
        "gosched_pingpong",
        elapsed.as_nanos() as f64 / yields as f64,
        "ns/switch",
    );
}

fn goro_run(n: u64, counter: Arc<AtomicU64>) -> (Duration, Seen) {
    goro::run(move || {
        goro::runtime::gomaxprocs(1);
        let start = Instant::now();
        let players: Vec<_> = (0..2)
            .map(|_| {
                let counter = counter.clone();
                goro::spawn(move || player(&counter, n, goro::runtime::gosched))
            })
            .collect();
        let seen = players
            .into_iter()
            .map(|h| h.join().expect("player panicked"))
            .sum();
        (start.elapsed(), seen)
    })
}

fn may_run(n: u64, counter: Arc<AtomicU64>) -> (Duration, Seen) {
    may::config().set_workers(1);
    let start = Instant::now();
    let players: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            // SAFETY: may's two conditions: (1) the closure touches no thread-local storage;
            // (2) it needs a few hundred bytes of the default 32 KiB stack.
            unsafe { may::coroutine::spawn(move || player(&counter, n, may::coroutine::yield_now)) }
        })
        .collect();
    let seen = players
        .into_iter()
        .map(|h| h.join().expect("player panicked"))
        .sum();
    (start.elapsed(), seen)
}

fn tokio_run(n: u64, counter: Arc<AtomicU64>) -> (Duration, Seen) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let start = Instant::now();
        let players: Vec<_> = (0..2)
            .map(|_| {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut p = Player::new(&counter);
                    for _ in 0..n {
                        let mine = p.bump();
                        tokio::task::yield_now().await;
                        p.after_yield(mine);
                    }
                    p.seen
                })
            })
            .collect();
        let mut seen = Vec::new();
        for p in players {
            seen.push(p.await.expect("player panicked"));
        }
        (start.elapsed(), seen.into_iter().sum())
    })
}
