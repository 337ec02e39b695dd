//! Which M and G are running on this thread. Go: getg() and g.m (thread-local storage).

use crate::g::{G, GRef};
use crate::loom::StdArc as Arc;
use crate::m::M;
use crate::proc::Sched;
use core::cell::Cell;
use core::ptr;

struct Tls {
    m: Cell<*const M>,
    g: Cell<*mut G>,
}

std::thread_local! {
    static TLS: Tls = const { Tls { m: Cell::new(ptr::null()), g: Cell::new(ptr::null_mut()) } };
}

// `current_goid` reads TLS from a signal handler. A const-initialised thread-local whose
// type needs no drop is a plain `#[thread_local]` static for std: no lazy initialisation
// and no destructor registration (which may allocate) on first access. Keep it so.
const _: () = assert!(!core::mem::needs_drop::<Tls>());

// Inlined: a started goroutine never changes threads (`proc.rs`), so an address of this
// thread-local computed before a switch is still this thread's after it; values are read
// again after every switch (an opaque call that may write them).
#[inline]
pub(crate) fn getm() -> *const M {
    TLS.with(|t| t.m.get())
}

#[inline]
pub(crate) fn setm(m: *const M) {
    TLS.with(|t| t.m.set(m));
}

/// The goroutine running on this thread, if any (None on g0 and on plain threads).
#[inline]
pub(crate) fn curg() -> Option<GRef> {
    let g = TLS.with(|t| t.g.get());
    // SAFETY: only `execute` stores here, a pointer from GRef::as_ptr.
    (!g.is_null()).then(|| unsafe { GRef::from_ptr(g) })
}

#[inline]
pub(crate) fn setg(g: *mut G) {
    TLS.with(|t| t.g.set(g));
}

/// The thread's current M and G, saved by a nested `run` (a goroutine that starts a
/// runtime of its own becomes that runtime's M0 until it returns).
pub(crate) struct SavedTls(*const M, *mut G);

pub(crate) fn save_tls() -> SavedTls {
    let s = SavedTls(getm(), TLS.with(|t| t.g.get()));
    setm(ptr::null());
    setg(ptr::null_mut());
    s
}

pub(crate) fn restore_tls(s: SavedTls) {
    setm(s.0);
    setg(s.1);
}

/// Goroutine id for the stack-overflow message; 0 outside goroutines. Async-signal-safe:
/// `TLS` is const-initialised and has no destructor (asserted above), so `try_with` is a
/// plain thread-local load; the G's id is an atomic, and Gs are never freed.
pub(crate) fn current_goid() -> u64 {
    TLS.try_with(|t| t.g.get())
        .ok()
        .filter(|g| !g.is_null())
        .map_or(0, |g| {
            // SAFETY: G structs are never freed.
            unsafe { (*g).goid() }
        })
}

/// The runtime of the calling goroutine or M, if any.
pub(crate) fn current_sched() -> Option<&'static Sched> {
    let m = getm();
    // SAFETY: a non-null TLS M pointer is the live M of this thread; its `sched` Arc keeps
    // the Sched alive at least as long as code runs on this M. We extend to 'static only for
    // the duration of calls made by the current goroutine, which runs on this runtime.
    (!m.is_null()).then(|| unsafe { &*Arc::as_ptr(&(*m).sched) })
}
