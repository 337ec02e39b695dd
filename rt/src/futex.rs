//! Linux futex wait/wake: the one way goro's runtime puts an OS thread to sleep.
//! Go: runtime.futexsleep / futexwakeup (os_linux.go).

use crate::loom::atomic::AtomicU32;

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
