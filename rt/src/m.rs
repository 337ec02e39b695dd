//! Ms: the OS threads that run goroutines, and how they start, spin, sleep and stop.
//! Go: runtime.m (runtime2.go); mstart, newm, startm, stopm, wakep, resetspinning
//! (proc.go).
//!
//! An M spends its life in `mstart`'s schedule loop. With nothing to run it gives its P back
//! and sleeps on its note in `midle` (`stopm`); `startm` hands a sleeping (or new) M an idle
//! P and wakes it. `wakep` starts at most one *spinning* M at a time: one that looks for
//! work to steal. Ownership: `g0`, `p`, `after`, `lockedg` are the M's own thread's;
//! `nextp` and `spinning` are written by `startm` before the note wakeup that publishes them.

use crate::arch::Context;
use crate::g::G;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::{AtomicBool, AtomicPtr, Ordering, fence};
use crate::note::Note;
use crate::panic::throw;
use crate::proc::{After, P, Sched};
use crate::tls::setm;
use core::cell::{Cell, UnsafeCell};
use core::ptr;

/// An OS thread running goroutines. Go: runtime.m.
pub(crate) struct M {
    pub(crate) sched: Arc<Sched>,
    /// The M's own context (its native stack) while a G runs.
    pub(crate) g0: UnsafeCell<Context>,
    /// The P this M holds (owner thread only).
    pub(crate) p: Cell<*const P>,
    /// Handed over by `startm` before `park.wakeup()`.
    pub(crate) nextp: AtomicPtr<P>,
    pub(crate) spinning: AtomicBool,
    pub(crate) park: Note,
    pub(crate) after: Cell<After>,
    /// The G wired to this M (Go: m.lockedg); owner thread only.
    pub(crate) lockedg: Cell<*mut G>,
    /// ASan bookkeeping (`asan.rs`): g0's fake stack and stack bounds.
    #[cfg(goro_asan)]
    pub(crate) asan_g0: Cell<(*mut core::ffi::c_void, usize, usize)>,
}

// SAFETY: `g0`, `p`, `after` are used only by the M's own thread; `nextp`/`spinning` are
// atomics written by `startm` before the note wakeup that publishes them.
unsafe impl Sync for M {}
// SAFETY: as above; an M moves to its thread once, at creation.
unsafe impl Send for M {}

impl M {
    pub(crate) fn new(sched: Arc<Sched>) -> M {
        M {
            sched,
            g0: UnsafeCell::new(Context::default()),
            p: Cell::new(ptr::null()),
            nextp: AtomicPtr::new(ptr::null_mut()),
            spinning: AtomicBool::new(false),
            park: Note::new(),
            after: Cell::new(After::None),
            lockedg: Cell::new(ptr::null_mut()),
            #[cfg(goro_asan)]
            asan_g0: Cell::new((ptr::null_mut(), 0, 0)),
        }
    }

    /// Runs Gs until the runtime shuts down. Go: mstart + schedule.
    pub(crate) fn mstart(self) {
        let m = Arc::new(self);
        crate::signal::minit_signal_stack();
        setm(Arc::as_ptr(&m));
        let p = m.nextp.swap(ptr::null_mut(), Ordering::Acquire);
        m.p.set(p);
        m.schedule(&m);
        if !m.p.get().is_null() {
            let mut l = m.sched.lock();
            m.sched.pidleput(&mut l, m.p());
            m.p.set(ptr::null());
        }
        setm(ptr::null());
    }

    /// Takes an idle P for the thread that called `run` (M0). Go: the first acquirep.
    pub(crate) fn acquire_idle_p(&self) -> bool {
        let mut l = self.sched.lock();
        match self.sched.pidleget(&mut l) {
            Some(p) => {
                self.nextp
                    .store((p as *const P).cast_mut(), Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// The M found work while spinning: stop spinning and, if it was the last spinner, start
    /// another, since there may be more work. Go: resetspinning.
    pub(crate) fn resetspinning(&self) {
        self.spinning.store(false, Ordering::Relaxed);
        let s = &self.sched;
        if s.nmspinning.fetch_sub(1, Ordering::SeqCst) == 1 {
            s.wakep();
        }
    }

    /// Sleeps until `startm` hands this M a P; false on shutdown. Go: stopm.
    pub(crate) fn stopm(&self, me: &Arc<M>) -> bool {
        let s = &*self.sched;
        {
            let mut l = s.lock();
            if s.shutdown.load(Ordering::SeqCst) {
                return false;
            }
            l.midle.push(me.clone());
        }
        self.park.sleep();
        self.park.clear();
        let p = self.nextp.swap(ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            return false; // woken by begin_shutdown
        }
        self.p.set(p);
        true
    }

    /// Runs `f` with this M installed on the calling thread and holding a P, for the
    /// shutdown sequence (`shutdown.rs`), after every other M has exited.
    pub(crate) fn run_killing(self, f: impl FnOnce(&M)) {
        let m = Arc::new(self);
        setm(Arc::as_ptr(&m));
        {
            let mut l = m.sched.lock();
            let p = m.sched.pidleget(&mut l).unwrap_or(&m.sched.ps[0]);
            p.held.store(true, Ordering::SeqCst);
            m.p.set(p);
        }
        f(&m);
        {
            let mut l = m.sched.lock();
            m.sched.pidleput(&mut l, m.p());
        }
        m.p.set(ptr::null());
        setm(ptr::null());
    }
}

impl Sched {
    /// Starts an M to run Gs if there is an idle P and nobody is already looking. Go: wakep.
    pub(crate) fn wakep(&self) {
        fence(Ordering::SeqCst);
        if self.npidle.load(Ordering::SeqCst) == 0 || self.killing.load(Ordering::Relaxed) {
            return;
        }
        if self.nmspinning.load(Ordering::SeqCst) != 0
            || self
                .nmspinning
                .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return;
        }
        self.startm(None, true);
    }

    /// Gives `p` (or an idle P) to an idle (or new) M and wakes it. Go: startm.
    pub(crate) fn startm(&self, p: Option<&P>, spinning: bool) {
        let mut l = self.lock();
        let p = match p {
            Some(p) if self.shutdown.load(Ordering::SeqCst) => {
                self.pidleput(&mut l, p);
                None
            }
            Some(p) => Some(p),
            None if self.shutdown.load(Ordering::SeqCst) => None,
            None => self.pidleget(&mut l),
        };
        let Some(p) = p else {
            drop(l);
            if spinning {
                self.nmspinning.fetch_sub(1, Ordering::SeqCst);
            }
            return;
        };
        match l.midle.pop() {
            Some(m) => {
                drop(l);
                m.nextp.store((p as *const P).cast_mut(), Ordering::Release);
                m.spinning.store(spinning, Ordering::Release);
                m.park.wakeup();
            }
            None => {
                // SAFETY: `self` lives in an Arc (all Scheds do), so we can take another ref.
                let sched = unsafe {
                    Arc::increment_strong_count(self);
                    Arc::from_raw(self)
                };
                let id = self.mnext.fetch_add(1, Ordering::Relaxed) + 1;
                let pp = p as *const P as usize;
                let t = std::thread::Builder::new()
                    .name(format!("goro-m{id}"))
                    .spawn(move || {
                        let m = M::new(sched);
                        m.nextp.store(pp as *mut P, Ordering::Relaxed);
                        m.spinning.store(spinning, Ordering::Relaxed);
                        m.mstart();
                    });
                match t {
                    Ok(t) => l.threads.push(t),
                    Err(e) => throw(&format!("newm: cannot create an OS thread: {e}")),
                }
            }
        }
    }

    /// Ends the runtime: Ms stop at their next schedule point. Go: exit after main returns.
    pub(crate) fn begin_shutdown(&self) {
        let (idle, locked) = {
            let mut l = self.lock();
            self.shutdown.store(true, Ordering::SeqCst);
            (std::mem::take(&mut l.midle), l.mlocked.clone())
        };
        for m in idle {
            m.park.wakeup();
        }
        for m in locked {
            m.park.wakeup_shared();
        }
    }

    /// Joins every M thread this runtime started (after `begin_shutdown`).
    pub(crate) fn join_ms(&self) {
        loop {
            let threads = std::mem::take(&mut self.lock().threads);
            if threads.is_empty() {
                return;
            }
            for t in threads {
                let _ = t.join();
            }
        }
    }
}
