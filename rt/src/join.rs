//! `JoinHandle`: waiting for a goroutine's result — a Rust convenience Go lacks (Go would use
//! a channel or WaitGroup), built on `gopark`/`goready` like every other wait.
//!
//! The packet has two owners, the goroutine (`Completer`) and the handle, synchronised by
//! one atomic state word (no lock and no reference count: a spawn and its join touch it
//! from two threads): the goroutine writes its outcome, then sets `DONE`; a joiner
//! registers its wake token, then sets `WAITING` (under `gopark`'s unlock, so the
//! goroutine that sees it finds the joiner parked); a dropped handle sets `DETACHED`.
//! Whichever of `DONE` and `DETACHED` comes second decides what becomes of the outcome,
//! and its setter frees the packet. A panic is delivered to the handle; if the handle was
//! dropped before the goroutine ended, nobody can see it, so it is treated as unrecovered
//! (Go's behaviour for every goroutine panic), never silently lost.
//!
//! Ownership: the setter of `DONE` does not touch the packet after setting it unless it
//! saw `DETACHED` (then the packet is its alone); it copies a joiner's token out *before*
//! setting `DONE` (a compare-exchange that fails if the handle detached meanwhile), since
//! after it the handle may free the packet. The handle frees it after taking a `DONE`
//! outcome, or when it detaches after `DONE`. (An `Arc` did this before, at the price of
//! a reference count: two atomic operations more per spawn, and 16 bytes more per packet,
//! when spawn_join_held holds a million of them.)

use crate::g::{GRef, WaitReason};
use crate::loom::atomic::{AtomicU8, AtomicU64, Ordering};
use crate::panic::{Killed, is_quiet};
use crate::park::{getg, gopark, goready};
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::any::Any;

type Outcome<T> = Result<T, Box<dyn Any + Send + 'static>>;

/// The outcome is written.
const DONE: u8 = 1;
/// A joiner is parked; `waiter` holds its token.
const WAITING: u8 = 2;
/// The handle was dropped.
const DETACHED: u8 = 4;

struct Packet<T> {
    state: AtomicU8,
    /// The goroutine's id, written by the spawner once known; the handle's alone.
    goid: AtomicU64,
    /// Written by the goroutine before `DONE`; then the handle's (or, if `DETACHED` came
    /// first, still the goroutine's).
    result: UnsafeCell<Option<Outcome<T>>>,
    /// Written by the joiner before `WAITING`; then read by the goroutine before `DONE`.
    waiter: UnsafeCell<Option<GRef>>,
}

#[cfg(goro_loom)]
std::thread_local! {
    /// Packets made minus packets freed on this thread (a loom model runs on one), so
    /// models can check that each is freed exactly once.
    pub(crate) static LIVE_PACKETS: core::cell::Cell<isize> = const { core::cell::Cell::new(0) };
}

#[cfg(goro_loom)]
impl<T> Drop for Packet<T> {
    fn drop(&mut self) {
        LIVE_PACKETS.with(|n| n.set(n.get() - 1));
    }
}

/// A new packet: its goroutine's end (`Completer`) and its handle.
pub(crate) fn packet<T>() -> (Completer<T>, JoinHandle<T>) {
    #[cfg(goro_loom)]
    LIVE_PACKETS.with(|n| n.set(n.get() + 1));
    let p = NonNull::from(Box::leak(Box::new(Packet {
        state: AtomicU8::new(0),
        goid: AtomicU64::new(0),
        result: UnsafeCell::new(None),
        waiter: UnsafeCell::new(None),
    })));
    (
        Completer { packet: p },
        JoinHandle {
            packet: p,
            _owns: PhantomData,
        },
    )
}

/// The goroutine's end of a packet: delivers the outcome once (`finish`); dropped
/// unfinished (a goroutine the runtime's end drops unrun), it delivers a `Killed` payload,
/// so that a joiner outside the runtime does not wait forever.
pub(crate) struct Completer<T> {
    packet: NonNull<Packet<T>>,
}

// SAFETY: the completer moves the outcome (a `T`) to whichever thread holds the handle,
// hence `T: Send`; the packet's cells are handed over by its state word.
unsafe impl<T: Send> Send for Completer<T> {}

impl<T> Completer<T> {
    /// Called by the goroutine with its body's outcome; `recovered`: the `Err` is a panic its
    /// deferred calls recovered (no report when nobody joins).
    pub(crate) fn finish(self, outcome: Outcome<T>, recovered: bool) {
        let packet = self.packet;
        core::mem::forget(self);
        // SAFETY: the packet is live: we have not set `DONE`, so nobody freed it.
        unsafe { deliver(packet, outcome, recovered) }
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        // SAFETY: as in `finish`, which did not run (it forgets `self`).
        unsafe { deliver(self.packet, Err(Box::new(Killed)), true) }
    }
}

/// Delivers the goroutine's outcome through `packet`.
///
/// # Safety
/// `packet` is live and its `DONE` is not set; the caller is its goroutine's end and
/// touches it no more.
unsafe fn deliver<T>(packet: NonNull<Packet<T>>, outcome: Outcome<T>, recovered: bool) {
    // SAFETY: live until we set `DONE` (the handle frees it only after seeing that).
    let p = unsafe { packet.as_ref() };
    // SAFETY: `DONE` is not set, so the cell is ours alone (the handle reads it only
    // after seeing `DONE`).
    unsafe { *p.result.get() = Some(outcome) };
    let mut state = p.state.load(Ordering::Acquire);
    loop {
        if state & DETACHED != 0 {
            // Nobody will look: the outcome and the packet are ours.
            // SAFETY: the handle is gone (it set `DETACHED` before any `DONE`) and left
            // the packet to us; it came from `Box::leak` in `packet`.
            let mut p = unsafe { Box::from_raw(packet.as_ptr()) };
            let outcome = p.result.get_mut().take();
            drop(p);
            if let Some(Err(payload)) = outcome
                && !recovered
                && !is_quiet(&*payload)
            {
                std::panic::resume_unwind(payload);
            }
            return;
        }
        // The token must be read before `DONE`: after it, the handle may free the packet.
        let waiter = if state & WAITING != 0 {
            // SAFETY: the joiner wrote its token before setting `WAITING` (our acquire
            // load saw it) and touches it no more.
            unsafe { *p.waiter.get() }
        } else {
            None
        };
        match p
            .state
            .compare_exchange(state, state | DONE, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => {
                if let Some(gp) = waiter {
                    // SAFETY: the token of the joiner's park, registered for this one
                    // wake; stale (the joiner gone since) it is harmless.
                    unsafe { goready(gp) };
                }
                return;
            }
            Err(now) => state = now,
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
    packet: NonNull<Packet<T>>,
    /// The handle may drop a `T` (an outcome it never took): tell drop check.
    _owns: PhantomData<T>,
}

// SAFETY: the handle takes the outcome (a `T`) on whichever thread it is on, hence
// `T: Send`; the packet's cells are handed over by its state word.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: through `&JoinHandle` only the atomic state and goid are read.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    fn packet(&self) -> &Packet<T> {
        // SAFETY: the packet lives while the handle does: the goroutine frees it only
        // after the handle detached, and the handle frees it only as it goes.
        unsafe { self.packet.as_ref() }
    }

    /// Records the goroutine's id, once its spawn has made it.
    pub(crate) fn set_goid(&self, goid: u64) {
        self.packet().goid.store(goid, Ordering::Relaxed);
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
        self.packet().goid.load(Ordering::Relaxed)
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
        self.packet().state.load(Ordering::Acquire) & DONE != 0
    }

    /// Waits for the goroutine to finish, parking the caller (goroutine or thread), and
    /// returns its value.
    ///
    /// # Errors
    /// `Err(payload)` if the goroutine panicked (the panic's payload) or called
    /// [`goexit`](crate::runtime::goexit) (a [`Goexit`](crate::panic::Goexit) payload), or
    /// if its runtime ended first, unwinding it or dropping it unrun (a private payload).
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
        let packet = self.packet();
        if packet.state.load(Ordering::Acquire) & DONE == 0 {
            // SAFETY: neither `WAITING` nor `DONE` is set: the cell is ours until we set
            // `WAITING`, and the goroutine reads it only after seeing that; the token is
            // for the park below, which publishes it.
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
        let p = self.packet;
        core::mem::forget(self);
        // SAFETY: `DONE` is set and `DETACHED` is not (we are the handle, still alive):
        // the goroutine is done with the packet, which is ours to take and free; it came
        // from `Box::leak` in `packet`.
        let mut p = unsafe { Box::from_raw(p.as_ptr()) };
        match p.result.get_mut().take() {
            Some(r) => r,
            None => crate::panic::throw("join: woken without a result"),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // Before `DONE` the goroutine keeps its outcome and frees the packet
        // (`Completer`); after it, both are ours (an outcome not taken goes with it).
        let prev = self.packet().state.fetch_or(DETACHED, Ordering::AcqRel);
        if prev & DONE != 0 {
            // SAFETY: the goroutine set `DONE` and touches the packet no more; it came
            // from `Box::leak` in `packet`.
            drop(unsafe { Box::from_raw(self.packet.as_ptr()) });
        }
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle")
            .field("goid", &self.goid())
            .finish()
    }
}
