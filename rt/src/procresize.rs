//! Changing the number of Ps at run time. Go: GOMAXPROCS and procresize (proc.go).
//!
//! Go stops the world to resize; goro does it cooperatively: growing lists the new Ps as
//! idle and wakes Ms for them; shrinking drops idle excess Ps at once, and every M that
//! holds one retires it at its next schedule point (`retire_p`: its run queue goes to the
//! global queue). `set_gomaxprocs` returns only when no excess P is held any more.

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
            if n > old {
                for id in old..n {
                    if !self.ps[id].held.load(Ordering::SeqCst) && !l.pidle.contains(&id) {
                        l.pidle.push(id);
                        self.npidle.fetch_add(1, Ordering::SeqCst);
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
    /// Hands a P that is no longer within gomaxprocs back: its Gs go to the global queue.
    pub(crate) fn retire_p(&self) {
        let p = self.p();
        let s = &*self.sched;
        // SAFETY: we hold `p`.
        unsafe { p.runq.drain_to(&s.global) };
        {
            let mut l = s.lock();
            s.pidleput(&mut l, p); // not re-listed: p.id >= gomaxprocs
        }
        self.p.set(ptr::null());
        if self.spinning.swap(false, Ordering::Relaxed) {
            s.nmspinning.fetch_sub(1, Ordering::SeqCst);
        }
        s.wakep();
    }
}
