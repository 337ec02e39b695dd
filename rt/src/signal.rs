//! Fatal-signal handling: turning a goroutine stack overflow into a clear message.
//! Go: runtime/signal_unix.go (sighandler) and os_linux.go (minitSignalStack).
//!
//! A goroutine that runs off the bottom of its stack touches the guard page below it
//! (`stack.rs`). The resulting SIGSEGV cannot be handled on the overflowed stack, so every M
//! runs with an alternate signal stack (`minit_signal_stack`) and the handler prints
//! `goroutine N: stack overflow (stack size S)` and aborts. Faults anywhere else go to the
//! handler that was installed before ours (Rust's own, for thread stack overflows) or to the
//! default action.
//!
//! The handler is async-signal-safe: a fault may interrupt any code (malloc, a lock
//! holder), even before the first goroutine stack exists. It calls only
//! - `stack::guard_hit`: atomics (the stack size is computed by `install`, before the
//!   handler exists, never by the handler, which would read the environment);
//! - `tls::current_goid`: a const-initialised thread-local without destructor (a plain
//!   TLS load: no lazy initialisation, no destructor registration) and an atomic in the G
//!   (Gs are never freed);
//! - a fixed buffer on the altstack, `write`, `abort`, `signal`, and the previous handler.

use crate::loom::static_atomic::{AtomicBool, Ordering};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

const ALTSTACK_SIZE: usize = 64 * 1024;

struct OldActions(UnsafeCell<[MaybeUninit<libc::sigaction>; 2]>);
// SAFETY: written once in `install` before the handler can run (the handler is installed
// after the write), then only read.
unsafe impl Sync for OldActions {}
static OLD: OldActions = OldActions(UnsafeCell::new([
    MaybeUninit::zeroed(),
    MaybeUninit::zeroed(),
]));
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGSEGV/SIGBUS handler once per process.
pub(crate) fn install() {
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    // Read `GORO_STACK_SIZE` now, outside any handler: the handler reads only the result.
    crate::stack::stack_size();
    crate::sigquit::install();
    for (i, sig) in [libc::SIGSEGV, libc::SIGBUS].into_iter().enumerate() {
        // SAFETY: zeroed sigaction is a valid "no flags, empty mask" value we then fill.
        let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
        sa.sa_sigaction = on_fault as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        // SAFETY: sa_mask is a valid sigset_t inside `sa`.
        unsafe { libc::sigemptyset(&mut sa.sa_mask) };
        // SAFETY: OLD is written only here, once (INSTALLED guards), before our handler is
        // live; the pointer targets a MaybeUninit<sigaction> slot large enough for it.
        let old = unsafe { (*OLD.0.get())[i].as_mut_ptr() };
        // SAFETY: valid signal number, valid `sa`, `old` writable.
        unsafe { libc::sigaction(sig, &sa, old) };
    }
}

/// Gives the calling thread an alternate signal stack if it has none. Called by every M.
/// The stack is leaked on purpose: a thread's altstack must outlive any signal on it, and Ms
/// are few.
pub(crate) fn minit_signal_stack() {
    // SAFETY: querying the current altstack writes into `old` only.
    let mut old: libc::stack_t = unsafe { core::mem::zeroed() };
    // SAFETY: null new stack = query.
    unsafe { libc::sigaltstack(core::ptr::null(), &mut old) };
    if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= libc::MINSIGSTKSZ {
        return;
    }
    let mem = Box::leak(vec![0u8; ALTSTACK_SIZE].into_boxed_slice());
    let ss = libc::stack_t {
        ss_sp: mem.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: mem.len(),
    };
    // SAFETY: `mem` is leaked, so it outlives the thread.
    unsafe { libc::sigaltstack(&ss, core::ptr::null_mut()) };
}

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
    let addr = unsafe { (*info).si_addr() } as usize;
    if let Some(stack_size) = crate::stack::guard_hit(addr) {
        let mut buf = [0u8; 128];
        let mut w = Buf {
            buf: &mut buf,
            len: 0,
        };
        w.put(b"goroutine ");
        w.num(crate::tls::current_goid());
        w.put(b": stack overflow (stack size ");
        w.num(stack_size as u64);
        w.put(b")\n");
        // SAFETY: write(2) and abort(3) are async-signal-safe; `buf` is on the altstack.
        unsafe {
            libc::write(2, w.buf.as_ptr().cast(), w.len);
            libc::abort();
        }
    }
    if sig == libc::SIGSEGV && crate::shrinkstack::fault(addr) {
        return; // a swapped-out goroutine stack, now back: the access runs again
    }
    let i = if sig == libc::SIGSEGV { 0 } else { 1 };
    // SAFETY: OLD was fully written before this handler was installed.
    let old = unsafe { (*OLD.0.get())[i].assume_init_ref() };
    if old.sa_sigaction == libc::SIG_DFL || old.sa_sigaction == libc::SIG_IGN {
        // Restore the default action and return: the faulting instruction runs again and
        // the process dies of the signal, as it would have without us.
        // SAFETY: resetting a signal's disposition is async-signal-safe.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    } else if old.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous handler was installed as an SA_SIGINFO handler with this type.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { core::mem::transmute(old.sa_sigaction) };
        f(sig, info, ctx);
    } else {
        // SAFETY: the previous handler was installed as a plain handler with this type.
        let f: extern "C" fn(libc::c_int) = unsafe { core::mem::transmute(old.sa_sigaction) };
        f(sig);
    }
}

/// A fixed buffer formatter usable in a signal handler (no allocation).
struct Buf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Buf<'_> {
    fn put(&mut self, s: &[u8]) {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s[..n]);
        self.len += n;
    }
    fn num(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.put(&digits[i..]);
    }
}
