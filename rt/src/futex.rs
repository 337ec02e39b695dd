//! Linux futex wait/wake: the one way goro's runtime puts an OS thread to sleep.
//! Go: runtime.futexsleep / futexwakeup (os_linux.go).
//!
//! Under `--cfg goro_loom` the two calls are replaced by a futex that loom can see (one
//! mutex and condition variable for every address, checked and slept on atomically as the
//! kernel does), so models run the real `Lock` and `Note` state machines around it.

use crate::loom::atomic::AtomicU32;

#[cfg(goro_loom)]
pub(crate) use loom_futex::{wait, wake};

#[cfg(not(goro_loom))]
pub(crate) use linux::{wait, wake};

#[cfg(not(goro_loom))]
mod linux {
    use super::AtomicU32;

    /// Sleeps while `*key == expected` (or until a wake-up; callers re-check).
    pub(crate) fn wait(key: &AtomicU32, expected: u32) {
        // SAFETY: FUTEX_WAIT_PRIVATE reads the 4 bytes at `key`, a live AtomicU32; a null
        // timeout means wait indefinitely. EINTR/EAGAIN are handled by the caller's loop.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                key.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                core::ptr::null::<libc::timespec>(),
            );
        }
    }

    /// Wakes one thread sleeping on `key`.
    pub(crate) fn wake(key: &AtomicU32) {
        // SAFETY: FUTEX_WAKE_PRIVATE only uses `key`'s address to find waiters.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                key.as_ptr(),
                libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                1,
            );
        }
    }
}

#[cfg(goro_loom)]
mod loom_futex {
    use super::AtomicU32;
    use crate::loom::atomic::Ordering;
    use crate::loom::{Condvar, Mutex};

    loom::lazy_static! {
        /// The futex table: one bucket for every address (wake-ups wake all; every caller
        /// re-checks, as with the real futex's spurious wake-ups).
        static ref TABLE: (Mutex<()>, Condvar) = (Mutex::new(()), Condvar::new());
    }

    /// Sleeps while `*key == expected`: the check and the sleep are atomic with respect to
    /// `wake` (both hold the table lock), as FUTEX_WAIT's are.
    pub(crate) fn wait(key: &AtomicU32, expected: u32) {
        let guard = TABLE.0.lock().unwrap();
        if key.load(Ordering::SeqCst) == expected {
            drop(TABLE.1.wait(guard).unwrap());
        }
    }

    /// Wakes the sleepers (all of them; a woken caller that finds nothing changed sleeps
    /// again).
    pub(crate) fn wake(_key: &AtomicU32) {
        let _guard = TABLE.0.lock().unwrap();
        TABLE.1.notify_all();
    }
}
