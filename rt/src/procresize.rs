//! Changing the number of Ps at run time. Go: GOMAXPROCS and procresize (proc.go).
//!
//! Go stops the world to resize; goro does it cooperatively: growing gives the new Ps to Ms
//! waiting for one, lists the rest as idle and wakes Ms for them; shrinking drops idle
//! excess Ps at once, and every M that holds one retires it at its next schedule point
//! (`retire_p`: fresh Gs of its run queue go to the global queue, started ones to their
//! home Ms, and the M then waits for a P like any other). `set_gomaxprocs` returns only
//! when no excess P is held any more.

use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::{MAX_PROCS, Sched};
use core::ptr;

impl Sched {
    /// Sets the number of Ps; returns the previous value. Go: GOMAXPROCS + procresize.
    ///
    /// Shrinking waits until every P at or above `n` has been given back, so once this
    /// returns no goroutine of this runtime runs on more than `n` threads at once.
    pub(crate) fn set_gomaxprocs(&self, n: usize) -> usize {
        let n = n.clamp(1, MAX_PROCS);
        let old = {
            let mut l = self.lock();
            let old = self.gomaxprocs.swap(n, Ordering::SeqCst);
            self.procs_hi.fetch_max(n, Ordering::SeqCst);
            if n > old {
                for id in old..n {
                    let p = &self.ps[id];
                    if !p.held.load(Ordering::SeqCst) && !l.pidle.contains(&id) {
                        // Straight to an M waiting for a P, if there is one.
                        p.held.store(true, Ordering::SeqCst);
                        self.pidleput(&mut l, p);
                    }
                }
            } else {
                let before = l.pidle.len();
                l.pidle.retain(|&id| id < n);
                self.npidle
                    .fetch_sub(before - l.pidle.len(), Ordering::SeqCst);
            }
            old
        };
        if n > old {
            for _ in old..n {
                self.wakep();
            }
        } else {
            // goro time: the dropped idle Ps' timers go to P 0 (Go: moveTimers); held
            // ones move as their Ms retire them (`retire_p`).
            for p in &self.ps[n..old] {
                if !p.held.load(Ordering::SeqCst) {
                    self.move_timers(p);
                }
            }
            while self.ps[n..old]
                .iter()
                .any(|p| p.held.load(Ordering::SeqCst))
            {
                crate::park::gosched();
            }
        }
        old
    }
}

impl M {
    /// Hands a P that is no longer within gomaxprocs back: its fresh Gs go to the global
    /// queue, started ones to their home Ms.
    pub(crate) fn retire_p(&self) {
        let p = self.p();
        let s = &*self.sched;
        let place = |gp: crate::g::GRef| {
            let home = gp.m.load(Ordering::Acquire);
            if home.is_null() {
                s.global.put(gp);
            } else if core::ptr::eq(home, self) {
                self.runq_push(p, gp);
            } else {
                // SAFETY: a live G's home M lives as long as its runtime.
                unsafe { (*home).inject(gp) };
            }
        };
        // SAFETY: we hold `p`.
        unsafe { p.runq.drain(place) };
        {
            let mut l = s.lock();
            s.pidleput(&mut l, p); // not re-listed: p.id >= gomaxprocs
        }
        // goro time: after `held` is cleared, so a racing `time` add onto this P either
        // is moved here or sees the P retired and moves it itself (Go: moveTimers).
        s.move_timers(p);
        self.p.set(ptr::null());
        self.stop_spinning();
        s.wakep();
    }
}
