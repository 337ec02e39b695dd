//! `Lock`: the runtime's own mutex, for structures whose lock must be held across
//! `gopark` and released by its unlock callback (a channel's). Go: runtime.mutex
//! (lock_futex.go).
//!
//! Three states, as Go's futex lock: 0 unlocked, 1 locked, 2 locked with sleepers. `lock`
//! tries a CAS, spins as Go's lock2 does (critical sections are a few dozen instructions),
//! yields once, then marks the lock contended and sleeps on a futex, spinning again after
//! each wake-up; `unlock` wakes one sleeper only if there may be one. A raw lock (no guard) because `select` holds several at once, taken and released
//! in loops, and a parked G's lock is released on another stack (g0's).

use crate::loom::atomic::{AtomicU32, Ordering};

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const SLEEPING: u32 = 2;
/// Go: active_spin, active_spin_cnt. Shrunk under loom: each spin is a branch for the
/// model checker, and one round already covers every state the loop can reach.
const ACTIVE_SPIN: u32 = if cfg!(goro_loom) { 1 } else { 4 };
const ACTIVE_SPIN_CNT: u32 = if cfg!(goro_loom) { 1 } else { 30 };

/// A word written under a `Lock` and read without it (a channel's state for Go's
/// lock-free non-blocking checks); loom's under loom, so models explore those reads.
pub type Published = crate::loom::atomic::AtomicU64;

/// A mutual-exclusion lock without a guard. Go: runtime.mutex.
#[derive(Debug)]
pub struct Lock {
    key: AtomicU32,
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl Lock {
    /// An unlocked lock.
    #[cfg(not(goro_loom))]
    pub const fn new() -> Lock {
        Lock {
            key: AtomicU32::new(UNLOCKED),
        }
    }

    /// An unlocked lock.
    #[cfg(goro_loom)]
    pub fn new() -> Lock {
        Lock {
            key: AtomicU32::new(UNLOCKED),
        }
    }

    /// Acquires the lock, spinning then sleeping. Go: lock2.
    pub fn lock(&self) {
        if self
            .key
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        self.lock_slow();
    }

    #[cold]
    fn lock_slow(&self) {
        // Go's lock2: spin 4 x (try; 30 pauses), yield once, then sleep; after each wake-up
        // spin again. A waiter that has slept takes the lock as SLEEPING (others may still
        // sleep), so its unlock wakes the next one. Polling after every pause and sleeping
        // again at the first lost race (the first version) kept the lock marked contended
        // and made nearly every unlock a futex syscall under load.
        let mut wait = LOCKED;
        loop {
            for _ in 0..ACTIVE_SPIN {
                while self.key.load(Ordering::Relaxed) == UNLOCKED {
                    if self
                        .key
                        .compare_exchange(UNLOCKED, wait, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        return;
                    }
                }
                for _ in 0..ACTIVE_SPIN_CNT {
                    crate::loom::hint::spin_loop();
                }
            }
            // One passive spin: let the holder's thread run if it shares our CPU.
            crate::loom::thread::yield_now();
            if self.key.swap(SLEEPING, Ordering::Acquire) == UNLOCKED {
                return;
            }
            wait = SLEEPING;
            crate::futex::wait(&self.key, SLEEPING);
        }
    }

    /// Tries to acquire the lock without waiting.
    pub fn try_lock(&self) -> bool {
        self.key
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Releases the lock. Go: unlock2.
    ///
    /// # Safety
    /// The caller holds the lock (acquired by `lock`/`try_lock` and not yet released) —
    /// possibly on another stack of the same M, as a parked G's unlock callback does.
    pub unsafe fn unlock(&self) {
        if self.key.swap(UNLOCKED, Ordering::Release) == SLEEPING {
            crate::futex::wake(&self.key);
        }
    }
}
