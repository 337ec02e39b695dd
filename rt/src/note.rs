//! One-shot sleep/wakeup for an OS thread: an idle M, or a plain thread blocked on a goro
//! primitive. Go: runtime.note (lock_futex.go: notesleep / notewakeup / noteclear).
//!
//! Invariant: between two `clear`s, `wakeup` is called at most once; `sleep` returns only
//! after it. A wakeup that comes before the sleep is not lost: the key stays set.

use crate::loom::atomic::{AtomicU32, Ordering};

pub(crate) struct Note {
    key: AtomicU32,
    /// The sleeper is blocked in `epoll_wait` instead of on `key`: a wake-up must also
    /// break that (`netpoll::sleep_polling`). Not modelled by loom (no poller there).
    pub(crate) polling: core::sync::atomic::AtomicBool,
}

impl Note {
    pub(crate) fn new() -> Note {
        Note {
            key: AtomicU32::new(0),
            polling: core::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Re-arms the note. Only the sleeper calls this, before publishing itself.
    pub(crate) fn clear(&self) {
        self.key.store(0, Ordering::Relaxed);
    }

    /// Whether `wakeup` came since the last `clear` (SeqCst: pairs with `polling`).
    pub(crate) fn is_woken(&self) -> bool {
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
        self.key.swap(1, Ordering::SeqCst);
        self.wake_sleeper();
    }

    fn wake_sleeper(&self) {
        crate::futex::wake(&self.key);
        #[cfg(not(goro_loom))]
        if self.polling.load(core::sync::atomic::Ordering::SeqCst) {
            crate::netpoll::brk();
        }
    }
}
