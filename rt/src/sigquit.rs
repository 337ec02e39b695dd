//! SIGQUIT: print every goroutine and exit 2, as Go does (Go: runtime/signal_unix.go,
//! sighandler's `_SigThrow` path and tracebackothers). A hung test killed with SIGQUIT (CI's
//! time limit does that) thus says where every goroutine was.
//!
//! A signal handler may not allocate or lock, and the dump needs both, so the handler only
//! writes a byte to a pipe; a watcher thread, blocked reading the pipe, prints the dump
//! (`traceback::dump_all`) and exits the process with status 2. If SIGQUIT already had a
//! handler when goro started (the program installed its own), goro leaves it alone. An
//! inherited `SIG_IGN` does not count, as in Go (which respects it for SIGHUP and SIGINT
//! only): a shell starts background jobs with SIGQUIT ignored, and their dumps must work.

use crate::loom::static_atomic::{AtomicI32, Ordering};
use std::io::Write;

/// Write end of the pipe; -1 until installed.
static PIPE_WR: AtomicI32 = AtomicI32::new(-1);

/// Installs the handler and its watcher thread (once per process; `signal::install`).
pub(crate) fn install() {
    // SAFETY: a zeroed sigaction is a valid value for sigaction(2) to overwrite.
    let mut old: libc::sigaction = unsafe { core::mem::zeroed() };
    // SAFETY: a null new action only queries SIGQUIT's disposition into `old`.
    unsafe { libc::sigaction(libc::SIGQUIT, core::ptr::null(), &mut old) };
    if old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN {
        return; // the program's own handler wins
    }
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return; // no dump, SIGQUIT keeps its default action
    }
    let rd = fds[0];
    let spawned = std::thread::Builder::new()
        .name("goro-sigquit".into())
        .spawn(move || watch(rd));
    if spawned.is_err() {
        return;
    }
    PIPE_WR.store(fds[1], Ordering::Release);
    // SAFETY: as above.
    let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
    sa.sa_sigaction = on_sigquit as *const () as usize;
    sa.sa_flags = libc::SA_RESTART;
    // SAFETY: sa_mask is a valid sigset_t inside `sa`.
    unsafe { libc::sigemptyset(&mut sa.sa_mask) };
    // SAFETY: a valid signal number and action; the handler only calls write(2).
    unsafe { libc::sigaction(libc::SIGQUIT, &sa, core::ptr::null_mut()) };
}

extern "C" fn on_sigquit(_sig: libc::c_int) {
    let fd = PIPE_WR.load(Ordering::Acquire);
    let b = 1u8;
    // SAFETY: write(2) is async-signal-safe; `b` is a live byte. errno is saved and
    // restored so the interrupted code does not see ours.
    unsafe {
        let errno = *libc::__errno_location();
        libc::write(fd, (&raw const b).cast(), 1);
        *libc::__errno_location() = errno;
    }
}

fn watch(rd: i32) {
    let mut b = 0u8;
    loop {
        // SAFETY: reads one byte into `b` from our pipe's read end.
        let n = unsafe { libc::read(rd, (&raw mut b).cast(), 1) };
        if n == 1 {
            break;
        }
        if n == 0 {
            return;
        }
    }
    let dump = format!("SIGQUIT: quit\n\n{}", crate::traceback::dump_all());
    let _ = std::io::stderr().lock().write_all(dump.as_bytes());
    crate::panic::exit(2);
}
