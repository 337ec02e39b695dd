//! `JoinHandle`: waiting for a goroutine's result — a Rust convenience Go lacks (Go would use
//! a channel or WaitGroup), built on `gopark`/`goready` like every other wait.
//!
//! The packet is shared by the goroutine and the handle. Its lock guards the result, the
//! parked joiner and `detached`. A panic is delivered to the handle; if the handle was
//! dropped before the goroutine ended, nobody can see it, so it is treated as unrecovered
//! (Go's behaviour for every goroutine panic), never silently lost.

use crate::g::{GRef, WaitReason};
use crate::loom::{Arc, Mutex};
use crate::panic::is_quiet;
use crate::park::{getg, gopark, goready};
use std::any::Any;

type Outcome<T> = Result<T, Box<dyn Any + Send + 'static>>;

struct State<T> {
    result: Option<Outcome<T>>,
    waiter: Option<GRef>,
    detached: bool,
}

pub(crate) struct Packet<T> {
    state: Mutex<State<T>>,
}

impl<T> Packet<T> {
    pub(crate) fn new() -> Arc<Packet<T>> {
        Arc::new(Packet {
            state: Mutex::new(State {
                result: None,
                waiter: None,
                detached: false,
            }),
        })
    }

    /// Called by the goroutine with its body's outcome; `recovered`: the `Err` is a panic its
    /// deferred calls recovered (no report when nobody joins).
    pub(crate) fn finish(&self, outcome: Outcome<T>, recovered: bool) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.detached {
            drop(st);
            if let Err(payload) = outcome
                && !recovered
                && !is_quiet(&*payload)
            {
                std::panic::resume_unwind(payload);
            }
            return;
        }
        st.result = Some(outcome);
        let waiter = st.waiter.take();
        drop(st);
        if let Some(gp) = waiter {
            // SAFETY: `waiter` is the joiner's token, taken (under the packet's lock) by
            // this one call of `finish`; the joiner parked with it.
            unsafe { goready(gp) };
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
        self.packet
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .result
            .is_some()
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
        let mut st = self.packet.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.result.is_none() {
            st.waiter = Some(getg());
            // SAFETY: the callback always parks; the token is published under the lock it
            // releases.
            unsafe {
                gopark(
                    move |_| {
                        drop(st);
                        true
                    },
                    WaitReason::Join,
                )
            };
            st = self.packet.state.lock().unwrap_or_else(|e| e.into_inner());
        }
        match st.result.take() {
            Some(r) => r,
            None => crate::panic::throw("join: woken without a result"),
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let mut st = self.packet.state.lock().unwrap_or_else(|e| e.into_inner());
        st.detached = true;
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle")
            .field("goid", &self.goid)
            .finish()
    }
}
