//! Ending a runtime: unwinding the goroutines still alive when it ends. (Go simply exits
//! the process; goro runs several runtimes per process, and Rust values owned by those
//! goroutines deserve their destructors.)
//!
//! The scheduler keeps running while the runtime ends, because a started goroutine may only
//! run — and so only unwind — on its home M (`proc.rs`):
//! 1. `begin_killing` sets `killing` and readies every parked goroutine of this runtime with
//!    `killed` set; its home M resumes it inside `gopark`/`gosched`, where it sees `killed`
//!    and unwinds (`park::check_killed`), running its destructors on its own thread;
//! 2. a goroutine that parks later is killed the same way as it parks (`park::park_m`, from
//!    `execute`), and a runnable one when it is next scheduled (`schedule`);
//! 3. fresh goroutines are dropped unrun wherever they are dequeued (`drop_unrun`);
//! 4. when no M can run anything any more (`Sched::quiescent`, checked by every M before it
//!    sleeps) and no goroutine is on its way to a queue (`Sched::has_claimed_g`: a waker
//!    outside the runtime claimed it just before step 1 and has yet to queue it), the
//!    runtime ends (`Sched::end`) and every M leaves its loop.
//!
//! Under `#[goro::main]` the process exits when `main` returns, as Go's does, after giving
//! the leftovers `EXIT_GRACE` to unwind (more while a killed one has yet to finish
//! unwinding, up to `EXIT_GRACE_MAX`): M0 then leaves the runtime without waiting for the
//! other Ms (`Sched::exit_wait`), so a goroutine looping without a scheduling point, or
//! blocked in a call goro cannot see (`std::thread::sleep`, a read of stdin), does not keep
//! the process alive. `run` has no such limit: it returns only once the runtime has ended.
//!
//! Never killed: a goroutine parked in `runtime::syscall` (a pool thread is using its stack;
//! it is readied when the call returns and unwinds then), and one parked *while unwinding*
//! (a second unwind from inside a destructor would abort the process; it waits to be woken
//! normally). Goroutines still parked at the end are leaked, like a goroutine blocked
//! forever in Go: their runtime and Ms stay allocated, so a late wake-up finds memory that
//! is still valid. If goroutine 1 is one of them, `run` cannot return (its body may borrow
//! from the caller), and the process aborts (`entry.rs`).

use crate::g::{G_DEAD, G_RUNNABLE, GRef, WaitReason};
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::Sched;

impl Sched {
    /// Starts ending the runtime (step 1 above). Idempotent.
    pub(crate) fn begin_killing(&self) {
        // Counted before `killing` is set, uncounted after the last goroutine is readied: an M
        // that sees the runtime quiescent while the sweep below runs (the first goroutines
        // readied have already unwound, the rest are not readied yet) must not end it.
        self.kill_pending.fetch_add(1, Ordering::SeqCst);
        let me = (self as *const Sched).cast_mut();
        let mine = || {
            let all = crate::gfree::all_gs().into_iter();
            all.filter(move |gp| gp.sched.load(Ordering::Acquire) == me)
        };
        if !kill_sweep(&self.killing, mine, |gp| self.ready(gp)) {
            self.kill_pending.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        self.killing_at
            .store(crate::time::nanotime().max(1), Ordering::SeqCst);
        self.kill_pending.fetch_sub(1, Ordering::SeqCst);
        // Someone must notice the end even if nothing was parked: the caller is a running
        // goroutine (or its M), which looks at every queue again before it sleeps; idle Ms
        // are woken so that the last one to sleep sees the runtime quiescent.
        let idle: Vec<_> = {
            let l = self.lock();
            l.midle.iter().chain(l.mlocked.iter()).cloned().collect()
        };
        for m in idle {
            m.park.wakeup_shared();
        }
    }

    /// Under `#[goro::main]`, once goroutine 1 has returned and the leftovers are being
    /// unwound: whether M0, idle, should leave the runtime now (see the header), or when to
    /// look again. Other runtimes, and M0 before then: `NotExiting`.
    pub(crate) fn exit_wait(&self) -> ExitWait {
        if !matches!(self.mode, crate::panic::PanicMode::Exit)
            || !self.main_done.load(Ordering::SeqCst)
            || !self.killing.load(Ordering::SeqCst)
        {
            return ExitWait::NotExiting;
        }
        let now = crate::time::nanotime();
        let began = match self.killing_at.load(Ordering::SeqCst) {
            0 => now,
            t => t,
        };
        if now < began + EXIT_GRACE {
            return ExitWait::Until(began + EXIT_GRACE);
        }
        if now < began + EXIT_GRACE_MAX && self.killed_alive() {
            return ExitWait::Until(now + EXIT_GRACE / 10);
        }
        ExitWait::Leave
    }

    /// Whether a goroutine of this runtime was killed and has not finished unwinding: it is
    /// running its destructors, or queued to (its thread may be slow to get to it).
    fn killed_alive(&self) -> bool {
        let me = (self as *const Sched).cast_mut();
        let mut any = false;
        crate::gfree::for_each_g(|gp| {
            any = any
                || (gp.killed.load(Ordering::Relaxed)
                    && gp.status() != G_DEAD
                    && gp.sched.load(Ordering::Acquire) == me);
        });
        any
    }

    /// Whether a goroutine of this runtime is runnable yet in no queue: a waker outside the
    /// runtime (a plain thread, another runtime's M, a poller) claimed it waiting → runnable
    /// (`park::ready_cas`) and has yet to push it to its home M, which that push wakes.
    /// Until then the runtime must not end: the goroutine would never run (if it is
    /// goroutine 1, `run` could not return). Asked only when every queue is empty and every
    /// M asleep (`quiescent`), so a runnable G can only be such a claimed one. Go needs no
    /// such look: its `goready` queues the G on the caller's own P at once.
    pub(crate) fn has_claimed_g(&self) -> bool {
        if !crate::park::claims_in_flight() {
            return false; // none in flight (the walk below touches every G ever made)
        }
        let me = (self as *const Sched).cast_mut();
        let mut claimed = false;
        crate::gfree::for_each_g(|gp| {
            claimed =
                claimed || (gp.status() == G_RUNNABLE && gp.sched.load(Ordering::Acquire) == me);
        });
        claimed
    }
}

/// How long `#[goro::main]`'s leftover goroutines may take to unwind once `main` has
/// returned before the process exits anyway (Go exits at once), in ns: enough for
/// destructors that run in memory, short enough not to be felt.
const EXIT_GRACE: u64 = 100_000_000;
/// The most it waits while a killed goroutine has yet to finish unwinding.
const EXIT_GRACE_MAX: u64 = 2_000_000_000;

/// What M0 does at the end of `#[goro::main]` (`Sched::exit_wait`).
pub(crate) enum ExitWait {
    /// Not there: the runtime ends as any other.
    NotExiting,
    /// Sleep no longer than this (nanotime), then ask again.
    Until(u64),
    /// Leave the runtime: `main` returns and the process exits.
    Leave,
}

/// `begin_killing`'s sweep (step 1 above): sets `killing`, then kills, through `ready`,
/// every goroutine of `gs()` that is parked and may be killed. False, doing nothing, if
/// `killing` was set already. `gs` is listed only once `killing` is set: a goroutine made
/// later sees it when it parks (`park::park_m`), and one that parks around the swap is
/// claimed here or there, once (`claim_for_kill`; loom: `loom_park`).
pub(crate) fn kill_sweep<I: IntoIterator<Item = GRef>>(
    killing: &crate::loom::atomic::AtomicBool,
    gs: impl FnOnce() -> I,
    mut ready: impl FnMut(GRef),
) -> bool {
    if killing.swap(true, Ordering::SeqCst) {
        return false;
    }
    // As in `park::park_m`: loom's SeqCst accesses are acquire/release only.
    #[cfg(goro_loom)]
    crate::loom::atomic::fence(Ordering::SeqCst);
    for gp in gs() {
        if claim_for_kill(gp) {
            ready(gp);
        }
    }
    true
}

/// Claims `gp` for the runtime's end, if it is parked and may be killed: it is then
/// runnable and marked `killed`, and the caller must queue it, to unwind on its home M.
/// False if it is not parked, someone else readied it first, or it may not be killed.
///
/// A G that parked while already unwinding from a kill is left parked: resuming it would
/// not unwind it again, only wake it with nothing done (a destructor that waits for a
/// lock to be handed over, `sync`'s waiters, relies on sleeping until it is).
pub(crate) fn claim_for_kill(gp: GRef) -> bool {
    if gp.is_thread()
        || gp.unwinding.load(Ordering::Acquire)
        || gp.lockedint.load(Ordering::Relaxed) != 0
        || WaitReason::from_u8(gp.waitreason.load(Ordering::Relaxed)) == WaitReason::Syscall
        || !gp.cas_ready_any()
    {
        return false;
    }
    gp.killed.store(true, Ordering::Release);
    true
}

/// Drops the body of a goroutine that never ran, as its runtime ends, and retires it.
pub(crate) fn drop_unrun(m: &M, gp: GRef) {
    gp.killed.store(true, Ordering::Release);
    // SAFETY: taken from a run queue, so this M owns the G; it never ran, so its body is
    // still in its entry slot.
    let drop_body = std::panic::AssertUnwindSafe(|| unsafe { gp.entry.drop_unrun() });
    // A panicking destructor of a captured value is reported like any panic by the hook;
    // the runtime is ending anyway.
    let _ = std::panic::catch_unwind(drop_body);
    m.retire_dead(gp);
}
