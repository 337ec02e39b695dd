//! `Lock`: the runtime's own mutex, for structures whose lock must be held across
//! `gopark` and released by its unlock callback (a channel's). Go: runtime.mutex
//! (lock_futex.go).
//!
//! Three states, as Go's futex lock: 0 unlocked, 1 locked, 2 locked with sleepers. `lock`
//! tries a CAS, spins briefly (critical sections are a few dozen instructions), then marks
//! the lock contended and sleeps on a futex; `unlock` wakes one sleeper only if there may
//! be one. A raw lock (no guard) because `select` holds several at once, taken and released
//! in loops, and a parked G's lock is released on another stack (g0's).

use crate::loom::atomic::{AtomicU32, Ordering};

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const SLEEPING: u32 = 2;
const SPINS: u32 = 64;

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
        for _ in 0..SPINS {
            if self.key.load(Ordering::Relaxed) == UNLOCKED
                && self
                    .key
                    .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            #[cfg(goro_loom)]
            crate::loom::thread::yield_now();
            #[cfg(not(goro_loom))]
            crate::loom::hint::spin_loop();
        }
        // Contended: announce a sleeper, then sleep while the lock is held.
        while self.key.swap(SLEEPING, Ordering::Acquire) != UNLOCKED {
            #[cfg(not(goro_loom))]
            crate::futex::wait(&self.key, SLEEPING);
            #[cfg(goro_loom)]
            crate::loom::thread::yield_now();
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
            #[cfg(not(goro_loom))]
            crate::futex::wake(&self.key);
        }
    }
}
