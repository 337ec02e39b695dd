//! What the channel models share: messages that count their drops, a gate, a channel pair
//! in a known lock order, a pinned `select` poll order, and the preemption bound for models
//! where threads may spin on one lock.
//!
//! Loom replays a prefix of every explored schedule, so a model must behave the same way
//! each time it is given the same schedule. Two things in the channel code are not a
//! function of the schedule, and the models pin both:
//! 1. `select`'s lock order is by channel *address*, and the allocator may hand the two
//!    channels back in either order in the next execution: [`chan_pair`] names them by
//!    address, so "low" always means "locked first".
//! 2. `select`'s poll order comes from `goro_rt::park::cheaprand`, a per-OS-thread xorshift
//!    that every loom thread (all run on the test's OS thread) and every execution share:
//!    [`pin_poll_order`] steps it until the next two-case select polls the case asked for.

use crate::Chan;
use goro_rt::park::cheaprand;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the drops of one execution's messages. Bookkeeping outside the model: loom runs
/// every model thread on the test's OS thread, so std's atomic is exact here, and it adds no
/// branch points to the exploration.
#[derive(Clone, Default)]
pub(super) struct Drops(Arc<AtomicUsize>);

impl Drops {
    /// A message carrying `v`.
    pub(super) fn msg(&self, v: u32) -> Msg {
        Msg {
            v,
            drops: self.0.clone(),
        }
    }

    /// How many messages were dropped so far.
    pub(super) fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that is not `Copy` and counts its drop: a value duplicated or forgotten by the
/// channel shows up as a wrong drop count.
pub(super) struct Msg {
    v: u32,
    drops: Arc<AtomicUsize>,
}

impl Msg {
    /// Its payload.
    pub(super) fn v(&self) -> u32 {
        self.v
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

/// The payload of a received message, `None` for a closed channel.
pub(super) fn val(m: Option<Msg>) -> Option<u32> {
    m.as_ref().map(Msg::v)
}

/// A one-way gate between model threads: `wait` blocks until `open`. Lets a model start its
/// wakers only once the thread under test is about to block, so loom spends its
/// exploration on the parked path (a preemption still lets the wakers overtake it).
#[derive(Clone)]
pub(super) struct Gate(loom::sync::Arc<(loom::sync::Mutex<bool>, loom::sync::Condvar)>);

impl Gate {
    pub(super) fn new() -> Gate {
        Gate(loom::sync::Arc::new((
            loom::sync::Mutex::new(false),
            loom::sync::Condvar::new(),
        )))
    }

    pub(super) fn open(&self) {
        *self.0.0.lock().unwrap() = true;
        self.0.1.notify_all();
    }

    pub(super) fn wait(&self) {
        let mut open = self.0.0.lock().unwrap();
        while !*open {
            open = self.0.1.wait(open).unwrap();
        }
    }
}

fn addr<T>(c: &Chan<T>) -> usize {
    c.inner.as_ref().map_or(0, |h| Arc::as_ptr(h) as usize)
}

/// Two channels of capacity `cap`, the first at the lower address (so `select` locks it
/// first and enqueues on it first).
pub(super) fn chan_pair<T>(cap: usize) -> (Chan<T>, Chan<T>) {
    let (a, b) = (Chan::new(cap), Chan::new(cap));
    if addr(&a) < addr(&b) { (a, b) } else { (b, a) }
}

/// Whether a receiver's sudog is on `c`'s `recvq` now. A select that returned must have
/// taken all its sudogs off (the ones that lost point into its finished frame).
pub(super) fn receiver_queued<T>(c: &Chan<T>) -> bool {
    let h = c.inner.as_ref().expect("a non-nil channel");
    h.lock();
    // SAFETY: we hold the lock, and take no other reference to the state.
    let queued = !unsafe { h.st() }.recvq.is_empty();
    // SAFETY: taken above.
    unsafe { h.unlock() };
    queued
}

/// One step of the xorshift64 behind `cheaprand` (goro-rt `proc::fastrand`).
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Reads the RNG state by stepping it once: `cheaprand(n)` is the high word of `x * n`,
/// which for `n = 2^64 - 1` is `x - 1` (the state is never 0).
fn step_and_read() -> u64 {
    cheaprand(usize::MAX) as u64 + 1
}

/// Makes the next two-case `select` on this OS thread poll case `first` first.
///
/// `select` draws `j = cheaprand(2)` (the top bit of the next state) for case 1; `j == 1`
/// keeps case 0 in front. So this steps the RNG until the next state has the top bit that
/// gives `first`. It checks its copy of the RNG against the real one first, so a change to
/// `fastrand` fails here, by name, rather than as a loom nondeterminism panic.
pub(super) fn pin_poll_order(first: usize) {
    assert!(first < 2, "a two-case select");
    let want = if first == 0 { 1 } else { 0 };
    let mut x = step_and_read();
    assert_eq!(
        step_and_read(),
        xorshift(x),
        "goro_rt::park::cheaprand is no longer xorshift64: update pin_poll_order"
    );
    x = xorshift(x);
    while xorshift(x) >> 63 != want {
        cheaprand(1);
        x = xorshift(x);
    }
}
