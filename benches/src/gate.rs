//! A one-shot gate that parks goroutines until it opens: what `<-ch` followed by `close(ch)`
//! does in the Go twins, built straight on the runtime's park API until goro has channels.
//!
//! Invariants, whenever `state` is unlocked:
//! 1. `open` ⇒ `waiters` is empty, and it stays so: `open` never goes back to false.
//! 2. Every G in `waiters` is parked (or about to be: its `gopark` releases `state` only after
//!    switching out) and is readied exactly once, by `open`.
//!
//! Protocol:
//! 1. `wait` locks `state`; if open, returns. Else it pushes `getg()` and parks; the unlock
//!    closure of `gopark` drops the guard once the G is off its stack, so `open` cannot ready it
//!    before it parked.
//! 2. `open` sets `open` and takes `waiters` under the lock, drops the lock, then readies each.

use std::sync::{Mutex, MutexGuard};

use goro_rt::park::{getg, gopark, goready};
use goro_rt::{GRef, WaitReason};

/// A gate goroutines wait at until someone opens it, once.
#[derive(Default)]
pub struct Gate {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    open: bool,
    waiters: Vec<GRef>,
}

impl Gate {
    /// A closed gate nobody waits at.
    pub const fn new() -> Gate {
        Gate {
            state: Mutex::new(State {
                open: false,
                waiters: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parks the calling goroutine until the gate is open; returns at once if it is.
    pub fn wait(&self) {
        let mut state = self.lock();
        if state.open {
            return;
        }
        // SAFETY: the token is for the park below, published under the lock its callback
        // releases; `open` takes each waiter's token once.
        state.waiters.push(unsafe { getg() });
        // SAFETY: the callback always parks; the token is published under the lock it
        // releases.
        unsafe {
            gopark(
                move |_| {
                    drop(state);
                    true
                },
                WaitReason::ChanReceive,
            )
        };
    }

    /// Opens the gate and readies every goroutine waiting at it.
    pub fn open(&self) {
        let waiters = {
            let mut state = self.lock();
            state.open = true;
            std::mem::take(&mut state.waiters)
        };
        for gp in waiters {
            // SAFETY: each token was taken off `waiters` under the lock, by this one `open`
            // (the gate opens once), and its goroutine parked with it.
            unsafe { goready(gp) };
        }
    }

    /// How many goroutines are parked at the gate now.
    pub fn waiting(&self) -> usize {
        self.lock().waiters.len()
    }
}
