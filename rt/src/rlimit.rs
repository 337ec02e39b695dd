//! Raising the open-file soft limit to the hard limit, once per process. Go: os/rlimit.go
//! (Go 1.19; later Go does it in package syscall's init).
//!
//! A server that parks a goroutine per connection holds an fd per connection, and the
//! usual soft limit (1024) is reached long before memory or threads run out. The hard
//! limit is what the administrator allows; the soft one is only a default left low for
//! programs that use `select(2)`'s fixed-size fd sets, which goro never does. So, as Go,
//! goro raises the soft limit when it starts.
//!
//! When: the first time a runtime is created (`Sched::new`) or a socket is registered with
//! the poller (`net`), whichever comes first — a plain thread using `goro::net` without a
//! runtime gets it too. Not from a static constructor: a program that links goro but never
//! uses it keeps its limits. Child processes inherit the raised limit (as with Go 1.19;
//! Go 1.21 restores the old one for `exec`, which `std::process::Command` offers no hook
//! for).

use std::sync::Once;

/// Sets `RLIMIT_NOFILE`'s soft limit to its hard limit; only the first call does anything.
/// Failure is ignored, as in Go: the process keeps the limit it had.
pub(crate) fn raise_nofile() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a valid rlimit for the call to fill in.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0
            || lim.rlim_cur == lim.rlim_max
        {
            return;
        }
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: `lim` is a valid rlimit; an error (EPERM, EINVAL) changes nothing.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
    });
}
