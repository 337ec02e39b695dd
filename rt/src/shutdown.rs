//! Ending a runtime: unwinding the goroutines still alive when goroutine 1 returns.
//! (Go simply exits the process; goro runs several runtimes per process, and Rust values
//! owned by those goroutines deserve their destructors.)
//!
//! Steps, all on the thread that called `run`, after every other M has exited:
//! 1. take a P and pull every local run queue into the global queue;
//! 2. mark each goroutine of this runtime that is parked `killed` and make it runnable;
//! 3. run the queue: a G that never started just drops its body; any other resumes inside
//!    `gopark`/`gosched`, sees `killed`, and unwinds to its entry (`park::check_killed`);
//! 4. repeat while that unwinding readied or spawned more Gs.
//!
//! A G that parks again while unwinding and is never readied stays parked (leaked, like a
//! goroutine blocked forever in Go); if that is goroutine 1, whose body may borrow from
//! `run`'s caller, the process aborts instead.

use crate::g::{G_RUNNABLE, G_WAITING};
use crate::loom::StdArc as Arc;
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::Sched;

pub(crate) fn unwind_leftovers(sched: &Arc<Sched>) {
    sched.killing.store(true, Ordering::SeqCst);
    let m = M::new(sched.clone());
    m.run_killing(|m| {
        let me = Arc::as_ptr(sched).cast_mut();
        loop {
            sched.drain_all_local();
            for gp in crate::gfree::all_gs() {
                if gp.sched.load(Ordering::Acquire) == me
                    && gp.status.load(Ordering::Acquire) == G_WAITING
                    && !gp.killed.swap(true, Ordering::AcqRel)
                    && gp
                        .status
                        .compare_exchange(
                            G_WAITING,
                            G_RUNNABLE,
                            Ordering::AcqRel,
                            Ordering::Acquire,
                        )
                        .is_ok()
                {
                    sched.global.put(gp);
                }
            }
            let mut ran = false;
            while let Some(gp) = sched.global.get_one() {
                ran = true;
                gp.killed.store(true, Ordering::Release);
                // SAFETY: taken from the run queue, so this thread owns the G; a G that
                // never ran still has its body, which we drop instead of running.
                let drop_body = std::panic::AssertUnwindSafe(|| unsafe { gp.entry.drop_unrun() });
                match std::panic::catch_unwind(drop_body) {
                    Ok(false) => m.execute(gp),
                    Ok(true) | Err(_) => m.retire_dead(gp),
                }
                sched.drain_all_local();
            }
            if !ran {
                break;
            }
        }
    });
    if !sched.main_done.load(Ordering::SeqCst) {
        crate::panic::throw(
            "goroutine 1 is still blocked after its runtime ended; cannot return from run",
        );
    }
    // Leaked goroutines still point at this runtime: keep it alive for them, so a late
    // `goready` on one finds a runtime (that will never run it) instead of freed memory.
    if sched.ngoroutine.load(Ordering::SeqCst) > 0 {
        core::mem::forget(sched.clone());
    }
}
