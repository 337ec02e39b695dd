//! Linux futex wait/wake: the one way goro's runtime puts an OS thread to sleep.
//! Go: runtime.futexsleep / futexwakeup (os_linux.go).
//!
//! Under `--cfg goro_loom` the two calls are replaced by a futex that loom can see (one
//! mutex and condition variable for every address, checked and slept on atomically as the
//! kernel does), so models run the real `Lock` and `Note` state machines around it.

use crate::loom::atomic::AtomicU32;

#[cfg(goro_loom)]
pub(crate) use loom_futex::{wait, wait_timeout, wake};

#[cfg(not(goro_loom))]
pub(crate) use linux::{wait, wait_timeout, wake};

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

    /// Sleeps while `*key == expected`, for at most `timeout` (or until a wake-up or a
    /// signal; callers re-check). Go: futexsleep with ns >= 0.
    pub(crate) fn wait_timeout(key: &AtomicU32, expected: u32, timeout: core::time::Duration) {
        let ts = libc::timespec {
            tv_sec: timeout.as_secs().min(i64::MAX as u64) as libc::time_t,
            tv_nsec: timeout.subsec_nanos() as libc::c_long,
        };
        // SAFETY: as in `wait`; `ts` is a live timespec for the call's duration, read by the
        // kernel as a relative timeout. ETIMEDOUT/EINTR/EAGAIN are the caller's to re-check.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                key.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                &raw const ts,
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

    /// A timed sleep: loom has no clock, and a timeout may end the wait at any moment, so
    /// the model returns at once — the one interleaving every caller must survive (it
    /// re-checks its condition, as after a real timeout).
    pub(crate) fn wait_timeout(key: &AtomicU32, _expected: u32, _timeout: core::time::Duration) {
        let _ = key.load(Ordering::SeqCst);
        loom::thread::yield_now();
    }

    /// Wakes the sleepers (all of them; a woken caller that finds nothing changed sleeps
    /// again).
    pub(crate) fn wake(_key: &AtomicU32) {
        let _guard = TABLE.0.lock().unwrap();
        TABLE.1.notify_all();
    }
}
