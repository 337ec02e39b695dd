//! One-shot sleep/wakeup for an OS thread: an idle M, or a plain thread blocked on a goro
//! primitive. Go: runtime.note (lock_futex.go: notesleep / notewakeup / noteclear).
//!
//! Invariant: between two `clear`s, `wakeup` is called at most once; `sleep` returns only
//! after it. A wakeup that comes before the sleep is not lost: the key stays set.

use crate::loom::atomic::{AtomicU32, AtomicUsize, Ordering};

pub(crate) struct Note {
    key: AtomicU32,
    /// Non-zero while the sleeper is blocked in `epoll_wait` instead of on `key`: which
    /// poll instance a wake-up must also break (`sleep_in`, `netpoll::sleep_polling`).
    polling: AtomicUsize,
}

impl Note {
    pub(crate) fn new() -> Note {
        Note {
            key: AtomicU32::new(0),
            polling: AtomicUsize::new(0),
        }
    }

    /// Re-arms the note. Only the sleeper calls this, before publishing itself.
    pub(crate) fn clear(&self) {
        self.key.store(0, Ordering::Relaxed);
    }

    /// Whether `wakeup` came since the last `clear` (SeqCst: pairs with `polling`).
    fn is_woken(&self) -> bool {
        self.key.load(Ordering::SeqCst) != 0
    }

    /// Blocks the calling thread until `wakeup`.
    pub(crate) fn sleep(&self) {
        while self.key.load(Ordering::Acquire) == 0 {
            crate::futex::wait(&self.key, 0);
        }
    }

    /// Blocks the calling thread until `wakeup` or until `deadline` (nanoseconds on the
    /// `time::nanotime` clock) has passed. True if woken. Go: notetsleep.
    pub(crate) fn sleep_until(&self, deadline: u64) -> bool {
        loop {
            if self.key.load(Ordering::Acquire) != 0 {
                return true;
            }
            let now = crate::time::nanotime();
            if now >= deadline {
                return false;
            }
            let left = core::time::Duration::from_nanos(deadline - now);
            crate::futex::wait_timeout(&self.key, 0, left);
            if cfg!(goro_loom) {
                // The model's timeout fires at once (`futex.rs`).
                return self.key.load(Ordering::Acquire) != 0;
            }
        }
    }

    /// Wakes the sleeper (now or when it comes to sleep).
    pub(crate) fn wakeup(&self) {
        let old = self.key.swap(1, Ordering::SeqCst);
        if old != 0 {
            crate::panic::throw("notewakeup - double wakeup");
        }
        self.wake_sleeper();
    }

    /// Like `wakeup`, for notes that two parties may legitimately wake (a locked M is
    /// woken by the M handing it a P, or by shutdown); the sleeper re-checks why.
    pub(crate) fn wakeup_shared(&self) {
        self.wakeup_shared_then(brk_poll);
    }

    /// `wakeup_shared`, breaking a sleep spent in the poller with `brk`, given the token the
    /// sleeper published (the poll instance's eventfd; a loom model passes its own).
    pub(crate) fn wakeup_shared_then(&self, brk: impl FnOnce(usize)) {
        self.key.swap(1, Ordering::SeqCst);
        crate::futex::wake(&self.key);
        // The SeqCst swap and load already order this against `sleep_in` (one total order
        // of SeqCst operations); loom models SeqCst accesses as acquire/release only, so
        // the fence is spelled out, in the shipped code too: the models then check what
        // ships, and a fence costs nothing beside the futex wake before it.
        crate::loom::atomic::fence(Ordering::SeqCst);
        let polling = self.polling.load(Ordering::SeqCst);
        if polling != 0 {
            brk(polling);
        }
    }

    fn wake_sleeper(&self) {
        crate::futex::wake(&self.key);
        crate::loom::atomic::fence(Ordering::SeqCst); // as in `wakeup_shared_then`
        let polling = self.polling.load(Ordering::SeqCst);
        if polling != 0 {
            brk_poll(polling);
        }
    }

    /// Sleeps in `poll` (an `epoll_wait` that `brk(token)` of `wakeup_shared_then` ends;
    /// `token` non-zero) instead of on the key, unless a wake-up already came. Either the
    /// waker sees `polling` and breaks the poll, or this sees its wake-up: both sides are
    /// SeqCst (a Dekker pair).
    pub(crate) fn sleep_in(&self, token: usize, poll: impl FnOnce()) {
        debug_assert_ne!(token, 0);
        self.polling.store(token, Ordering::SeqCst);
        crate::loom::atomic::fence(Ordering::SeqCst); // a cold path: no need to skimp
        if !self.is_woken() {
            poll();
        }
        self.polling.store(0, Ordering::SeqCst);
    }
}

/// Breaks the `epoll_wait` of the poll instance named by `token` (none under loom: the
/// models pass their own).
fn brk_poll(token: usize) {
    #[cfg(not(goro_loom))]
    crate::netpoll::brk(token);
    #[cfg(goro_loom)]
    let _ = token;
}
