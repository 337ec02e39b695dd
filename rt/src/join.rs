//! `JoinHandle`: waiting for a goroutine's result — a Rust convenience Go lacks (Go would use
//! a channel or WaitGroup), built on `gopark`/`goready` like every other wait.
//!
//! The packet is shared by the goroutine and the handle, and synchronised by one atomic
//! state word (no lock: a spawn and its join touch it from two threads, usually three
//! times): the goroutine writes its outcome, then sets `DONE`; a joiner registers its
//! wake token, then sets `WAITING` (under `gopark`'s unlock, so the goroutine that sees it
//! finds the joiner parked); a dropped handle sets `DETACHED`. Whichever of `DONE` and
//! `DETACHED` comes second decides what becomes of the outcome. A panic is delivered to
//! the handle; if the handle was dropped before the goroutine ended, nobody can see it, so
//! it is treated as unrecovered (Go's behaviour for every goroutine panic), never
//! silently lost.

use crate::g::{GRef, WaitReason};
use crate::loom::Arc;
use crate::loom::atomic::{AtomicU8, Ordering};
use crate::panic::is_quiet;
use crate::park::{getg, gopark, goready};
use core::cell::UnsafeCell;
use std::any::Any;

type Outcome<T> = Result<T, Box<dyn Any + Send + 'static>>;

/// The outcome is written.
const DONE: u8 = 1;
/// A joiner is parked; `waiter` holds its token.
const WAITING: u8 = 2;
/// The handle was dropped.
const DETACHED: u8 = 4;

pub(crate) struct Packet<T> {
    state: AtomicU8,
    /// Written by the goroutine before `DONE`; then the handle's (or, if `DETACHED` came
    /// first, still the goroutine's).
    result: UnsafeCell<Option<Outcome<T>>>,
    /// Written by the joiner before `WAITING`; then the goroutine's.
    waiter: UnsafeCell<Option<GRef>>,
}

// SAFETY: the cells are handed between the goroutine and the handle by `state` (release
// on setting a bit, acquire on reading it), one owner at a time; the outcome moves between
// threads, hence `T: Send`.
unsafe impl<T: Send> Send for Packet<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Packet<T> {}

impl<T> Packet<T> {
    pub(crate) fn new() -> Arc<Packet<T>> {
        Arc::new(Packet {
            state: AtomicU8::new(0),
            result: UnsafeCell::new(None),
            waiter: UnsafeCell::new(None),
        })
    }

    /// Called by the goroutine with its body's outcome; `recovered`: the `Err` is a panic its
    /// deferred calls recovered (no report when nobody joins).
    pub(crate) fn finish(&self, outcome: Outcome<T>, recovered: bool) {
        // SAFETY: `DONE` is not set, so the cell is ours alone (the handle reads it only
        // after seeing `DONE`).
        unsafe { *self.result.get() = Some(outcome) };
        let prev = self.state.fetch_or(DONE, Ordering::AcqRel);
        if prev & DETACHED != 0 {
            // Nobody will look: the outcome stays ours.
            // SAFETY: the handle is gone (it set `DETACHED` before our `DONE`).
            let outcome = unsafe { (*self.result.get()).take() };
            if let Some(Err(payload)) = outcome
                && !recovered
                && !is_quiet(&*payload)
            {
                std::panic::resume_unwind(payload);
            }
            return;
        }
        if prev & WAITING != 0 {
            // SAFETY: the joiner wrote its token before setting `WAITING` (our AcqRel saw
            // it) and touches it no more; we take it once.
            let waiter = unsafe { (*self.waiter.get()).take() };
            if let Some(gp) = waiter {
                // SAFETY: the token of the joiner's park, registered for this one wake.
                unsafe { goready(gp) };
            }
        }
    }
}

/// An owned permission to wait for a goroutine and take its result; made by
/// [`spawn`](crate::spawn).
///
/// Dropping the handle detaches the goroutine: it runs on, and if it then panics the panic
/// is reported like any unrecovered goroutine panic.
///
/// Go has no such handle (a `go` statement returns nothing; ports use a channel or a
/// `sync.WaitGroup`); it is the Rust convenience of `std::thread::JoinHandle`, and a
/// goroutine's panic comes back through [`join`](JoinHandle::join) as `Err`.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let handles: Vec<goro::JoinHandle<u64>> = (1..=3).map(|i| goro::spawn(move || i * 10)).collect();
///     let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
///     assert_eq!(sum, 60);
///
///     let h = goro::spawn(|| -> u8 { panic!("boom") });
///     let err = h.join().unwrap_err();
///     assert_eq!(goro::panic::payload_str(&*err), "boom");
/// });
/// ```
pub struct JoinHandle<T> {
    packet: Arc<Packet<T>>,
    goid: u64,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(packet: Arc<Packet<T>>, goid: u64) -> JoinHandle<T> {
        JoinHandle { packet, goid }
    }

    /// The goroutine's id (as [`runtime::goid`](crate::runtime::goid) reports inside it).
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let h = goro::spawn(goro::runtime::goid);
    ///     let id = h.goid();
    ///     assert!(id > 1); // 1 is the main goroutine
    ///     assert_eq!(h.join().unwrap(), id);
    /// });
    /// ```
    pub fn goid(&self) -> u64 {
        self.goid
    }

    /// Whether the goroutine has finished (so `join` would not wait).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// goro::run(|| {
    ///     let go_on = chan![()];
    ///     let rx = go_on.clone();
    ///     let h = goro::spawn(move || rx.recv());
    ///     assert!(!h.is_finished()); // it waits for `go_on`
    ///     go_on.send(());
    ///     while !h.is_finished() {
    ///         goro::runtime::gosched();
    ///     }
    ///     assert_eq!(h.join().unwrap(), Some(()));
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.packet.state.load(Ordering::Acquire) & DONE != 0
    }

    /// Waits for the goroutine to finish, parking the caller (goroutine or thread), and
    /// returns its value.
    ///
    /// # Errors
    /// `Err(payload)` if the goroutine panicked (the panic's payload) or called
    /// [`goexit`](crate::runtime::goexit) (a [`Goexit`](crate::panic::Goexit) payload).
    ///
    /// # Examples
    /// ```
    /// let v = goro::run(|| {
    ///     let h = goro::spawn(|| 6 * 7);
    ///     h.join().unwrap()
    /// });
    /// assert_eq!(v, 42);
    /// ```
    pub fn join(self) -> Result<T, Box<dyn Any + Send + 'static>> {
        let packet = &*self.packet;
        if packet.state.load(Ordering::Acquire) & DONE == 0 {
            // SAFETY: neither `WAITING` nor `DONE` is set: the cell is ours until we set
            // `WAITING`, and the goroutine reads it only after seeing that.
            unsafe { *packet.waiter.get() = Some(getg()) };
            // SAFETY: the callback publishes the token (sets `WAITING`) and parks, or, if the
            // goroutine finished meanwhile, resumes having published nothing (the stale
            // cell is never read: `WAITING` stays clear).
            unsafe {
                gopark(
                    |_| {
                        packet
                            .state
                            .compare_exchange(0, WAITING, Ordering::Release, Ordering::Relaxed)
                            .is_ok()
                    },
                    WaitReason::Join,
                )
            };
        }
        if packet.state.load(Ordering::Acquire) & DONE == 0 {
            crate::panic::throw("join: woken without a result");
        }
        // SAFETY: `DONE` is set and `DETACHED` is not (we are the handle, still alive): the
        // outcome is ours, and only we take it.
        match unsafe { (*packet.result.get()).take() } {
            Some(r) => r,
            None => crate::panic::throw("join: woken without a result"),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // After `DONE` this changes nothing (an outcome not taken goes with the packet);
        // before it, the goroutine keeps its outcome (`Packet::finish`).
        self.packet.state.fetch_or(DETACHED, Ordering::AcqRel);
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle")
            .field("goid", &self.goid)
            .finish()
    }
}
