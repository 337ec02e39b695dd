//! Locking a goroutine's thread. Go: LockOSThread / UnlockOSThread (proc.go, lockedExt and
//! lockedInt).
//!
//! Every started goroutine already stays on its thread (`proc.rs`). Locking adds the other
//! half of Go's promise: *no other goroutine starts on that thread*. A locked M (`nlocked`
//! goroutines hold it locked, usually one) takes no fresh goroutine from any queue; it runs only goroutines whose home it
//! already is — the locked one and any that had started on this thread before it was
//! locked (they cannot move anywhere else; see `lock_os_thread`'s docs). When none of them
//! is runnable it hands its P to another M (`M::handoffp`) and sleeps until one is.
//!
//! Two reasons lock a thread:
//! - the user asks, with `runtime::lock_os_thread` (FFI, GUI toolkits, libraries that keep
//!   state in thread-locals);
//! - the runtime itself, while a goroutine is parked *in the middle of unwinding* (a
//!   destructor that blocks during a panic). Rust keeps "is this thread panicking" in a
//!   thread-local count: a goroutine started on this thread meanwhile would see
//!   `std::thread::panicking()` true. Go: lockedInt.

use crate::g::GRef;
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::tls::{curg, getm};

/// Locks the calling goroutine's OS thread until a matching [`unlock_os_thread`]: no
/// goroutine started after this call runs on this thread. Calls nest. On a plain thread it
/// does nothing. Go: runtime.LockOSThread.
///
/// A goroutine never leaves the thread it started on, locked or not (thread-locals and
/// `!Send` values behave as in a `std::thread`). What locking adds is exclusivity for
/// thread-bound state (an OpenGL context, a GUI toolkit's main thread): fresh goroutines
/// start elsewhere. Goroutines that had already started on this thread before the lock
/// keep running on it while the locked one waits, since they cannot move either; lock
/// the thread first thing (at the top of `main`, or of the goroutine that owns the state)
/// to have it to yourself.
///
/// A goroutine that exits without unlocking ends its thread, as in Go, so thread state it
/// changed is never inherited: the thread's thread-locals are destroyed once the goroutines
/// that had started there before have exited too (they keep running on it meanwhile, and
/// nothing fresh starts there). The thread that called `run` stays, runs its own
/// goroutines and no fresh one (Go's main thread, likewise, is never ended).
///
/// # Examples
/// ```
/// goro::run(|| {
///     goro::runtime::lock_os_thread();
///     let me = std::thread::current().id();
///     for _ in 0..10 {
///         // Started while we are locked: runs on another thread.
///         let other = goro::spawn(|| std::thread::current().id()).join().unwrap();
///         assert_ne!(other, me);
///         assert_eq!(std::thread::current().id(), me);
///     }
///     goro::runtime::unlock_os_thread();
/// });
/// ```
pub fn lock_os_thread() {
    if let Some(gp) = curg() {
        let ext = gp.lockedext.load(Ordering::Relaxed);
        gp.lockedext.store(ext + 1, Ordering::Relaxed);
        if ext == 0 && gp.lockedint.load(Ordering::Relaxed) == 0 {
            adjust(1);
        }
    }
}

/// Undoes one [`lock_os_thread`]; once every call is undone, fresh goroutines may start on
/// this thread again. Without a matching lock it does nothing. Go: runtime.UnlockOSThread.
///
/// # Examples
/// ```
/// goro::run(|| {
///     goro::runtime::lock_os_thread();
///     goro::runtime::lock_os_thread(); // calls nest, as Go's
///     goro::runtime::unlock_os_thread();
///     goro::runtime::unlock_os_thread(); // now fresh goroutines may start here again
///     goro::runtime::unlock_os_thread(); // without a matching lock: nothing
///     assert_eq!(goro::spawn(|| 5).join().unwrap(), 5);
/// });
/// ```
pub fn unlock_os_thread() {
    if let Some(gp) = curg() {
        let ext = gp.lockedext.load(Ordering::Relaxed);
        if ext > 0 {
            gp.lockedext.store(ext - 1, Ordering::Relaxed);
            if ext == 1 && gp.lockedint.load(Ordering::Relaxed) == 0 {
                adjust(-1);
            }
        }
    }
}

/// Called by a goroutine about to block or yield: locks its thread while it is unwinding,
/// undoes the runtime's lock once the unwind is over.
#[inline]
pub(crate) fn before_switch(gp: GRef) {
    // Plain loads and stores: only the running G touches its own lock counts.
    let int = gp.lockedint.load(Ordering::Relaxed) != 0;
    if std::thread::panicking() != int {
        gp.lockedint.store(u32::from(!int), Ordering::Relaxed);
        if gp.lockedext.load(Ordering::Relaxed) == 0 {
            adjust(if int { -1 } else { 1 });
        }
    }
}

/// Counts one more (or one fewer) goroutine holding this thread locked.
fn adjust(by: i32) {
    let m = getm();
    if !m.is_null() {
        // SAFETY: a non-null TLS M is this thread's live M, and `nlocked` is its own field.
        let m = unsafe { &*m };
        m.nlocked.set(m.nlocked.get().wrapping_add_signed(by));
        m.locked.store(m.nlocked.get() != 0, Ordering::Relaxed);
    }
}

/// A G finished. If it still held its thread locked with `lock_os_thread`, the thread is
/// tainted: it stays locked and ends once its other goroutines have (Go: "If the calling
/// goroutine exits without unlocking the thread, the thread will be terminated"). The
/// runtime's own lock (`lockedint`) just goes away.
pub(crate) fn unwire_at_exit(m: &M, gp: GRef) {
    let ext = gp.lockedext.load(Ordering::Relaxed);
    let held = ext + gp.lockedint.load(Ordering::Relaxed);
    gp.lockedext.store(0, Ordering::Relaxed);
    gp.lockedint.store(0, Ordering::Relaxed);
    if ext != 0 {
        // Its count in `nlocked` stays for good.
        m.tainted.set(true);
    } else if held != 0 {
        m.nlocked.set(m.nlocked.get() - 1);
        m.locked.store(m.nlocked.get() != 0, Ordering::Relaxed);
    }
}
