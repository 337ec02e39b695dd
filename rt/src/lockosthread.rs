//! Wiring a goroutine to its OS thread. Go: LockOSThread / UnlockOSThread, and the
//! scheduler's side of it: stoplockedm, startlockedm, handoffp (proc.go).
//!
//! A wired G runs only on its M, and that M runs no other G. Two reasons wire a G:
//! - the user asks, with `runtime::lock_os_thread` (FFI or libraries that keep state in
//!   thread-locals);
//! - the runtime itself, when a goroutine blocks *while unwinding* (a destructor that parks
//!   during a panic). Rust keeps "is this thread panicking" in a thread-local count that
//!   `catch_unwind` later decrements: if the half-unwound goroutine moved threads, or if
//!   another goroutine ran on its thread meanwhile (and saw `panicking()` true, or aborted
//!   on a nested panic), that count would be wrong. Go: lockedInt.
//!
//! Protocol: when a wired G stops running (parks, yields), its M gives its P away
//! (`handoffp`) and sleeps (`stoplockedm`). Whoever later finds the G in a run queue hands
//! it, with its own P, to the sleeping M and stops itself (`startlockedm`).

use crate::g::GRef;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::P;
use crate::tls::{curg, getm};
use core::ptr;

/// Wires the calling goroutine to its current OS thread until a matching
/// [`unlock_os_thread`]: it will run on no other thread, and no other goroutine will run on
/// this one. Calls nest. On a plain thread it does nothing. Go: runtime.LockOSThread.
///
/// # Examples
/// ```
/// goro_rt::run(|| {
///     goro_rt::runtime::lock_os_thread();
///     let me = std::thread::current().id();
///     for _ in 0..10 {
///         goro_rt::spawn(|| ()).join().unwrap(); // park and resume
///         assert_eq!(std::thread::current().id(), me);
///     }
///     goro_rt::runtime::unlock_os_thread();
/// });
/// ```
pub fn lock_os_thread() {
    if let Some(gp) = curg() {
        gp.lockedext.fetch_add(1, Ordering::Relaxed);
        wire(gp);
    }
}

/// Undoes one [`lock_os_thread`]; the goroutine is free to move again once every call is
/// undone. Without a matching lock it does nothing. Go: runtime.UnlockOSThread.
pub fn unlock_os_thread() {
    if let Some(gp) = curg() {
        let ext = gp.lockedext.load(Ordering::Relaxed);
        if ext > 0 {
            gp.lockedext.store(ext - 1, Ordering::Relaxed);
        }
        unwire_if_free(gp);
    }
}

/// Called by a goroutine about to block or yield: wires it while it is unwinding, unwires
/// the runtime's wiring once the unwind is over.
#[inline]
pub(crate) fn before_switch(gp: GRef) {
    // Plain loads and stores: only the running G touches its own lockedint.
    let wired = gp.lockedint.load(Ordering::Relaxed) != 0;
    if std::thread::panicking() {
        if !wired {
            gp.lockedint.store(1, Ordering::Relaxed);
            wire(gp);
        }
    } else if wired {
        gp.lockedint.store(0, Ordering::Relaxed);
        unwire_if_free(gp);
    }
}

fn wire(gp: GRef) {
    let m = getm();
    if m.is_null() {
        return;
    }
    gp.lockedm.store(m.cast_mut(), Ordering::Release);
    // SAFETY: a non-null TLS M is this thread's live M, and lockedg is its own field.
    unsafe { (*m).lockedg.set(gp.as_ptr()) };
}

fn unwire_if_free(gp: GRef) {
    if gp.lockedext.load(Ordering::Relaxed) != 0 || gp.lockedint.load(Ordering::Relaxed) != 0 {
        return;
    }
    let m = getm();
    gp.lockedm.store(ptr::null_mut(), Ordering::Release);
    if !m.is_null() {
        // SAFETY: a non-null TLS M is this thread's live M.
        unsafe { (*m).lockedg.set(ptr::null_mut()) };
    }
}

/// A wired G finished: its M is free again.
pub(crate) fn unwire_at_exit(m: &M, gp: GRef) {
    gp.lockedext.store(0, Ordering::Relaxed);
    gp.lockedint.store(0, Ordering::Relaxed);
    gp.lockedm.store(ptr::null_mut(), Ordering::Release);
    if ptr::eq(m.lockedg.get(), gp.as_ptr()) {
        m.lockedg.set(ptr::null_mut());
    }
}

impl M {
    /// This M's wired G stopped running: give the P away and sleep until someone hands the
    /// G back with a P. False on shutdown. Go: stoplockedm.
    pub(crate) fn stoplockedm(&self, me: &Arc<M>) -> bool {
        let s = &*self.sched;
        {
            let mut l = s.lock();
            if s.shutdown.load(Ordering::SeqCst) {
                drop(l);
                self.give_up_p();
                return false;
            }
            l.mlocked.push(me.clone());
        }
        self.give_up_p();
        let p = loop {
            self.park.sleep();
            self.park.clear();
            let p = self.nextp.swap(ptr::null_mut(), Ordering::Acquire);
            if !p.is_null() || s.shutdown.load(Ordering::SeqCst) {
                break p;
            }
        };
        s.lock().mlocked.retain(|m| !Arc::ptr_eq(m, me));
        if p.is_null() {
            return false;
        }
        self.p.set(p);
        true
    }

    /// `gp`, just taken from a run queue, is wired to `lm`: hand it our P (the G itself is
    /// `lm.lockedg`), then stop until given another. False on shutdown. Go: startlockedm.
    pub(crate) fn startlockedm(&self, me: &Arc<M>, gp: GRef, lm: *mut M) -> bool {
        // SAFETY: a wired G's M sleeps in stoplockedm (or is about to) and stays alive until
        // it has run the G again or the runtime shut down.
        let lm = unsafe { &*lm };
        if !ptr::eq(lm.lockedg.get(), gp.as_ptr()) {
            crate::panic::throw("startlockedm: G wired to an M that does not hold it");
        }
        let p = self.p.replace(ptr::null());
        lm.nextp.store(p.cast_mut(), Ordering::Release);
        lm.park.wakeup_shared();
        self.stopm(me)
    }

    fn give_up_p(&self) {
        let p = self.p.replace(ptr::null());
        // SAFETY: a non-null P pointer in an M is a P of its runtime that it holds.
        if let Some(p) = unsafe { p.as_ref() } {
            handoffp(&self.sched, p);
        }
    }
}

/// Passes a P its M can no longer use to another M if there is work for it, else idles it.
/// Go: handoffp.
fn handoffp(s: &crate::proc::Sched, p: &P) {
    if !p.runq.is_empty() || s.global.len() > 0 {
        s.startm(Some(p), false);
        return;
    }
    {
        let mut l = s.lock();
        s.pidleput(&mut l, p);
    }
    s.wakep();
}
