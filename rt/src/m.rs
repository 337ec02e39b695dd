//! Ms: the OS threads that run goroutines, and how they start, spin, sleep, and pass Ps
//! between them. Go: runtime.m (runtime2.go); mstart, newm, startm, stopm, wakep, handoffp,
//! resetspinning (proc.go).
//!
//! An M spends its life in `mstart`'s schedule loop, in one of three states (its home
//! queue's `state`, `homeq.rs`):
//! - **running**: it holds a P and runs its P's queues (fresh Gs, and its own started Gs)
//!   and its home queue; or it is awake and about to look at all of them again;
//! - **idle**: asleep without a P (`midle`; `mlocked` for a locked M, which takes no fresh
//!   work), with nothing of its own runnable. `startm` may hand it an idle P for fresh work;
//!   a push to its home queue wakes it;
//! - **wanting a P**: asleep in `mwantp` with runnable home Gs, because no P was idle.
//!   A P that becomes idle goes to the first M waiting (`pidleput`), and an M holding a P
//!   hands it over once it has held it for `HANDOFF_SLICE` while someone waits
//!   (`handoff_if_wanted`). So an M with runnable goroutines gets a P promptly, and Ms
//!   with work share the Ps when there are more of them than Ps (gomaxprocs lowered, a
//!   locked M, an M created while another was on its way to sleep).
//!
//! Several parties may wake an M's note (startm, pidleput, a home-queue push, shutdown, a
//! dump): the M re-checks why under the sched lock every time.
//!
//! Ownership: `g0`, `p`, `runq`, `after`, `nlocked`, `wantp_since` belong to the M's own thread;
//! `nextp` and `spinning` are written (under the sched lock) by whoever hands the M a P,
//! before the note wake-up that publishes them.

use crate::arch::Context;
use crate::g::GRef;
use crate::homeq::{HomeQ, M_RUNNING, M_WANTP};
use crate::loom::MutexGuard;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering, fence};
use crate::note::Note;
use crate::panic::throw;
use crate::proc::{After, Locked, P, Sched};
use crate::shutdown::ExitWait;
use crate::time::TimerPlan;
use crate::tls::setm;
use core::cell::{Cell, UnsafeCell};
use core::ptr;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long an M keeps its P while another M with runnable goroutines waits for one.
/// Go's scheduler slice is 10 ms (sysmon's forcePreemptNS); an M waiting here holds
/// goroutines that in Go would simply have run on the readier's P, so the slice is short.
const HANDOFF_SLICE: Duration = Duration::from_millis(1);

/// An OS thread running goroutines. Go: runtime.m.
pub(crate) struct M {
    pub(crate) sched: Arc<Sched>,
    /// Number for thread names and dumps (M0 is the thread that called `run`).
    pub(crate) id: u64,
    /// The M's own context (its native stack) while a G runs.
    pub(crate) g0: UnsafeCell<Context>,
    /// The P this M holds: set by the owner thread only; read by it, and by a thread
    /// readying one of its goroutines (`M::inject`, to flag `P::homework`).
    pub(crate) p: HeldP,
    /// A P handed to this M while it slept.
    pub(crate) nextp: AtomicPtr<P>,
    pub(crate) spinning: AtomicBool,
    pub(crate) park: Note,
    pub(crate) after: Cell<After>,
    /// How many of its goroutines hold this M locked (`lockosthread.rs`; Go: m.lockedg);
    /// owner thread only. A locked M starts no fresh goroutine; it runs its home Gs only.
    pub(crate) nlocked: Cell<u32>,
    /// This M's own runnable started Gs, stamped for FIFO order with its P's fresh ones
    /// (`runq.rs`); owner thread only. Go has one queue per P; goro's started Gs cannot
    /// move with a P, so they queue here.
    pub(crate) runq: UnsafeCell<VecDeque<GRef>>,
    /// This M's Gs that yielded while the global queue held work, with the global queue's
    /// `puts` then: each joins `runq` once that work has been taken (Go puts a yielding G
    /// on the global queue itself, behind it); owner thread only.
    behind_global: UnsafeCell<VecDeque<(GRef, u64)>>,
    /// Started Gs readied by other threads (`homeq.rs`).
    pub(crate) homeq: HomeQ,
    /// Live goroutines whose home this M is.
    pub(crate) nhomed: AtomicUsize,
    /// Its goroutines parked in IO wait (`netpoll.rs`), for `Sched::spread_target`.
    pub(crate) niowait: AtomicUsize,
    /// The same goroutines, oldest wait first, for `shrinkstack.rs` (owner thread only).
    pub(crate) iowaitq: crate::shrinkstack::IoWaitQ,
    /// `nlocked != 0`, readable by other threads.
    pub(crate) locked: AtomicBool,
    /// A goroutine exited while it held this thread locked (owner thread only). Go then
    /// ends the thread, since the goroutine may have changed thread state (its
    /// thread-locals, signal mask, namespace) that no other goroutine should inherit: the
    /// M stays locked, so nothing fresh starts here, and leaves once its last home
    /// goroutine has exited (`M::mexit`). M0, the thread that called `run`, stays (as
    /// Go's m0, wedged) since `run` returns on it.
    pub(crate) tainted: Cell<bool>,
    /// When this M, holding a P, first saw another M waiting for one.
    wantp_since: Cell<Option<Instant>>,
    /// The G `runqget` just returned came from `runnext` (it inherits the time slice).
    pub(crate) inherit: Cell<bool>,
    /// This M's network poller (`netpoll.rs`), made when one of its goroutines first
    /// waits for I/O; owner thread only.
    pub(crate) poll_inst: Cell<Option<&'static crate::netpoll::PollInst>>,
    /// Dumps waiting for this M to walk its goroutines' stacks (`traceback.rs`).
    pub(crate) walks: crate::traceback::WalkQueue,
    /// ASan bookkeeping (`asan.rs`): g0's fake stack and stack bounds.
    #[cfg(goro_asan)]
    pub(crate) asan_g0: Cell<(*mut core::ffi::c_void, usize, usize)>,
}

// SAFETY: the Cell/UnsafeCell fields are used only by the M's own thread; `nextp` and
// `spinning` are atomics published by the note wake-up; `homeq` is Sync.
unsafe impl Sync for M {}
// SAFETY: as above; an M moves to its thread once, at creation.
unsafe impl Send for M {}

/// `M::p`: a `Cell`'s interface over an atomic, so that another thread may read it.
/// Relaxed: only the owner writes it; a reader gets a P of the M's runtime or null
/// (Ps live as long as their runtime). A std atomic even under loom: a hint, not part of
/// any modelled protocol.
pub(crate) struct HeldP(core::sync::atomic::AtomicPtr<P>);

impl HeldP {
    #[inline]
    pub(crate) fn get(&self) -> *const P {
        self.0.load(core::sync::atomic::Ordering::Relaxed)
    }
    #[inline]
    pub(crate) fn set(&self, p: *const P) {
        self.0
            .store(p.cast_mut(), core::sync::atomic::Ordering::Relaxed);
    }
    /// The P, if any: the one the M holds (owner thread), or one it held a moment ago
    /// (another thread; only its atomics may be used).
    pub(crate) fn get_ref(&self) -> Option<&P> {
        // SAFETY: a non-null P pointer in an M is a P of its runtime, which outlives the M.
        unsafe { self.get().as_ref() }
    }
    pub(crate) fn replace(&self, p: *const P) -> *const P {
        let old = self.get();
        self.set(p);
        old
    }
}

impl M {
    pub(crate) fn new(sched: Arc<Sched>) -> M {
        let id = sched.mnext.fetch_add(1, Ordering::Relaxed);
        M {
            sched,
            id,
            g0: UnsafeCell::new(Context::default()),
            p: HeldP(core::sync::atomic::AtomicPtr::new(ptr::null_mut())),
            nextp: AtomicPtr::new(ptr::null_mut()),
            spinning: AtomicBool::new(false),
            park: Note::new(),
            after: Cell::new(After::None),
            nlocked: Cell::new(0),
            runq: UnsafeCell::new(VecDeque::new()),
            behind_global: UnsafeCell::new(VecDeque::new()),
            homeq: HomeQ::new(),
            nhomed: AtomicUsize::new(0),
            niowait: AtomicUsize::new(0),
            iowaitq: crate::shrinkstack::IoWaitQ::new(),
            locked: AtomicBool::new(false),
            tainted: Cell::new(false),
            wantp_since: Cell::new(None),
            inherit: Cell::new(false),
            poll_inst: Cell::new(None),
            walks: crate::traceback::WalkQueue::default(),
            #[cfg(goro_asan)]
            asan_g0: Cell::new((ptr::null_mut(), 0, 0)),
        }
    }

    /// Runs Gs until the runtime ends. Go: mstart + schedule.
    pub(crate) fn mstart(me: Arc<M>) {
        crate::signal::minit_signal_stack();
        // Retried here: a runtime first started while unwinding could not install it.
        crate::panic::install_hook();
        setm(Arc::as_ptr(&me));
        let p = me.nextp.swap(ptr::null_mut(), Ordering::Acquire);
        me.acquirep(p);
        me.schedule(&me);
        if !me.p.get().is_null() {
            let mut l = me.sched.lock();
            me.sched.pidleput(&mut l, me.p());
            me.p.set(ptr::null());
        }
        setm(ptr::null());
        // Goroutines of other runtimes may still wait on fds registered with our poller.
        #[cfg(not(goro_loom))]
        crate::netpoll::m_exit(&me);
    }

    /// Whether this M should end its thread now: tainted by a goroutine that exited locked
    /// and with no goroutine of its own left (none can appear: only this thread makes a G
    /// its home). Not M0: `run` returns on that thread.
    fn should_exit(&self) -> bool {
        self.tainted.get() && self.id != 0 && self.nhomed.load(Ordering::Relaxed) == 0
    }

    /// Leaves the runtime for good, holding no P: this M's thread then ends as a
    /// `std::thread` does (its thread-locals are destroyed). Go: mexit.
    ///
    /// Like an M going to sleep, the last one to stop ends a runtime that is shutting
    /// down, or looks for a deadlock (`stopm_locked`).
    fn mexit(&self, me: &Arc<M>, mut l: MutexGuard<'_, Locked>) {
        debug_assert!(self.p.get().is_null());
        let s = &*self.sched;
        l.allm.retain(|m| !Arc::ptr_eq(m, me));
        let killing = s.killing.load(Ordering::SeqCst);
        let end = killing && s.quiescent(&l) && !s.has_claimed_g();
        let deadlock = !killing && s.asleep_forever(&l);
        drop(l);
        // Dumps that listed us before we left get their (empty) answer now.
        crate::traceback::close_walks(self);
        if end {
            s.end();
        } else if deadlock {
            crate::checkdead::arm();
        }
    }

    pub(crate) fn acquirep(&self, p: *const P) {
        self.p.set(p);
        self.wantp_since.set(None);
        // SAFETY: a non-null P handed to this M is a P of its runtime, now held by it.
        if let (Some(p), Some(last)) = (unsafe { p.as_ref() }, self.runq_back_stamp()) {
            p.runq.catch_up(last + 1); // our queued Gs were stamped on another P
        }
    }

    /// Appends one of this M's started Gs to its queue, stamped by `p`. Owner thread.
    pub(crate) fn runq_push(&self, p: &P, gp: GRef) {
        p.runq.stamp(gp);
        // SAFETY: `runq` belongs to this M's own thread, which is the caller.
        unsafe { (*self.runq.get()).push_back(gp) };
    }

    pub(crate) fn runq_pop(&self) -> Option<GRef> {
        // SAFETY: as in `runq_push`.
        unsafe { (*self.runq.get()).pop_front() }
    }

    pub(crate) fn runq_is_empty(&self) -> bool {
        // SAFETY: as in `runq_push`.
        unsafe { (*self.runq.get()).is_empty() && (*self.behind_global.get()).is_empty() }
    }

    /// `gp`, one of this M's Gs yielding (`gosched`, a preemption), waits until what the
    /// global queue holds now has been taken, as in Go, where it would queue behind that
    /// work. False (it queues at once) when that queue is empty or this M is locked (it
    /// runs no fresh work). Owner thread.
    pub(crate) fn defer_behind_global(&self, gp: GRef) -> bool {
        let global = &self.sched.global;
        if self.nlocked.get() != 0 || global.len() == 0 {
            return false;
        }
        // SAFETY: as in `runq_push`.
        unsafe { (*self.behind_global.get()).push_back((gp, global.puts())) };
        true
    }

    /// Queues the Gs whose global work has been taken (or all of them once the runtime
    /// ends, the queue went empty, or this M got locked). Owner thread, holding `p`.
    pub(crate) fn release_behind_global(&self, p: &P) {
        // SAFETY: as in `runq_push`.
        let waiting = unsafe { &mut *self.behind_global.get() };
        if waiting.is_empty() {
            return;
        }
        let s = &*self.sched;
        let (taken, empty) = (s.global.taken(), s.global.len() == 0);
        // A locked M takes no fresh work itself: nothing it waits behind is its to run.
        let all = empty || self.nlocked.get() != 0 || s.killing.load(Ordering::Relaxed);
        while let Some(&(gp, until)) = waiting.front() {
            if !all && taken < until {
                break;
            }
            waiting.pop_front();
            self.runq_push(p, gp);
        }
    }

    pub(crate) fn runq_front_stamp(&self) -> Option<u64> {
        // SAFETY: as in `runq_push`.
        unsafe { (*self.runq.get()).front() }.map(|g| g.qstamp.load(Ordering::Relaxed))
    }

    fn runq_back_stamp(&self) -> Option<u64> {
        // SAFETY: as in `runq_push`.
        unsafe { (*self.runq.get()).back() }.map(|g| g.qstamp.load(Ordering::Relaxed))
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

    pub(crate) fn stop_spinning(&self) {
        if self.spinning.swap(false, Ordering::Relaxed) {
            self.sched.nmspinning.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Sleeps in this M's network poller if fds are registered with it (`netpoll.rs`).
    fn sleep_polling(&self, when: Option<u64>) -> bool {
        #[cfg(goro_loom)]
        {
            let _ = when;
            false
        }
        #[cfg(not(goro_loom))]
        crate::netpoll::sleep_polling(self, &self.park, when)
    }

    /// A P was handed to us while we slept: take it.
    fn take_nextp(&self) -> bool {
        let p = self.nextp.swap(ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            return false;
        }
        self.homeq.state.store(M_RUNNING, Ordering::SeqCst);
        self.acquirep(p);
        true
    }

    /// `find_runnable`'s way to sleep: this M gave its P back (and counted itself in
    /// `nmidling`), then looked at every queue once more and saw fresh `work` or not. Takes
    /// a P `startm` set aside for it, or an idle one if there is work, else `stopm`.
    pub(crate) fn stopm_idling(&self, me: &Arc<M>, work: bool, recheck: Option<u64>) -> bool {
        let s = &*self.sched;
        let mut l = s.lock();
        l.nmidling -= 1;
        if let Some((id, spinning)) = l.pending.pop() {
            // `startm` counted us spinning if it asked for a spinning M.
            self.spinning.store(spinning, Ordering::Relaxed);
            self.acquirep(&s.ps[id]);
            return true;
        }
        if work
            && !s.shutdown.load(Ordering::SeqCst)
            && let Some(p) = s.pidleget(&mut l)
        {
            self.acquirep(p);
            self.spinning.store(true, Ordering::Relaxed);
            s.nmspinning.fetch_add(1, Ordering::SeqCst);
            return true;
        }
        self.stopm_locked(me, l, recheck)
    }

    /// Sleeps, without a P, until this M can run something: given a P for fresh work, or
    /// holding a P for Gs of its own home queue. False when the runtime ends, or when this
    /// M leaves it (`mexit`). Go: stopm (and, for our home queue, what exitsyscall's wait
    /// for a P would be).
    pub(crate) fn stopm(&self, me: &Arc<M>) -> bool {
        self.stopm_locked(me, self.sched.lock(), None)
    }

    /// `stopm` with the sched lock already held: from deciding not to run until this M is
    /// listed somewhere (idle, or waiting for a P) it never lets the lock go, so `startm`
    /// always finds it and never makes an extra M meanwhile.
    ///
    /// `recheck`: when to look again for a lone fresh `runnext` of another P (nanotime:
    /// when it may be stolen), in case its M has not run it by then; a timed sleep, where
    /// watching it would cost that M its CPU (`proc::stealable`).
    fn stopm_locked<'s>(
        &'s self,
        me: &Arc<M>,
        mut l: MutexGuard<'s, Locked>,
        mut recheck: Option<u64>,
    ) -> bool {
        let s = &*self.sched;
        loop {
            if s.shutdown.load(Ordering::SeqCst) {
                return false;
            }
            if self.take_nextp() {
                return true;
            }
            // `#[goro::main]`'s M0 after `main` returned: the leftovers had their time.
            let mut exit_at = None;
            if self.id == 0 {
                match s.exit_wait() {
                    ExitWait::NotExiting => {}
                    ExitWait::Until(t) => exit_at = Some(t),
                    ExitWait::Leave => return false,
                }
            }
            // Before publishing ourselves idle: a later wake-up must not be lost.
            self.park.clear();
            let mut deadlock = false; // maybe: all asleep
            let mut deadline = exit_at;
            if self.runq_is_empty() && self.homeq.set_idle() {
                if self.should_exit() {
                    self.mexit(me, l);
                    return false;
                }
                if self.nlocked.get() == 0 {
                    l.midle.push(me.clone());
                } else {
                    l.mlocked.push(me.clone());
                }
                if s.killing.load(Ordering::SeqCst) && s.quiescent(&l) && !s.has_claimed_g() {
                    drop(l);
                    s.end();
                    return false;
                }
                // goro time: sleep until the earliest timer, or run the due ones now.
                if self.nlocked.get() == 0 {
                    match s.timer_plan(&mut l, me) {
                        TimerPlan::Forever => {}
                        TimerPlan::Until(when) => {
                            deadline = Some(deadline.map_or(when, |d: u64| d.min(when)));
                        }
                        TimerPlan::Due => {
                            l.midle.retain(|m| !Arc::ptr_eq(m, me));
                            self.homeq.state.store(M_RUNNING, Ordering::SeqCst);
                            if let Some(p) = s.pidleget(&mut l) {
                                self.acquirep(p);
                                return true;
                            }
                            // Every P is busy: run them here rather than wait.
                            drop(l);
                            s.run_all_timers();
                            l = s.lock();
                            continue;
                        }
                    }
                }
                if self.nlocked.get() == 0
                    && let Some(r) = recheck
                {
                    deadline = Some(deadline.map_or(r, |d: u64| d.min(r)));
                }
                deadlock = !s.killing.load(Ordering::SeqCst) && s.asleep_forever(&l);
            } else if let Some(p) = s.pidleget(&mut l) {
                self.homeq.state.store(M_RUNNING, Ordering::SeqCst);
                self.acquirep(p);
                return true;
            } else {
                self.homeq.state.store(M_WANTP, Ordering::SeqCst);
                l.mwantp.push_back(me.clone());
                s.nmwantp.fetch_add(1, Ordering::SeqCst);
            }
            drop(l);
            if deadlock {
                // Nothing of this runtime can run: maybe a deadlock (`checkdead.rs`).
                crate::checkdead::arm();
            }
            loop {
                // A dump's request posted before our `clear` did not stop this sleep.
                crate::traceback::serve(self);
                // Stacks of goroutines long in IO wait go back to the kernel meanwhile.
                let when = match (deadline.take(), crate::shrinkstack::pass(self)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if !self.sleep_polling(when) {
                    match when {
                        Some(when) => {
                            self.park.sleep_until(when);
                        }
                        None => self.park.sleep(),
                    }
                }
                crate::checkdead::note_wake();
                self.park.clear();
                l = s.lock();
                s.timer_sleeper_woke(&mut l, me);
                if s.shutdown.load(Ordering::SeqCst) {
                    return false;
                }
                if self.take_nextp() {
                    return true; // whoever handed us the P took us off its list
                }
                if self.homeq.state.load(Ordering::SeqCst) == M_WANTP {
                    drop(l);
                    continue; // still queued for a P
                }
                if let Some(r) = recheck
                    && self.nlocked.get() == 0
                    && crate::time::nanotime() >= r
                {
                    // Time to look at that `runnext` again: as a spinning M, if a P is idle.
                    recheck = None;
                    if let Some(p) = s.pidleget(&mut l) {
                        l.midle.retain(|m| !Arc::ptr_eq(m, me));
                        self.homeq.state.store(M_RUNNING, Ordering::SeqCst);
                        self.acquirep(p);
                        self.spinning.store(true, Ordering::Relaxed);
                        s.nmspinning.fetch_add(1, Ordering::SeqCst);
                        return true;
                    }
                }
                // Idle, woken by a push to our home queue: leave the idle list and decide
                // again, without letting the lock go.
                l.midle.retain(|m| !Arc::ptr_eq(m, me));
                l.mlocked.retain(|m| !Arc::ptr_eq(m, me));
                self.homeq.state.store(M_RUNNING, Ordering::SeqCst);
                break;
            }
        }
    }

    /// At a schedule point, holding a P: if another M waits for one and we have held ours
    /// for `HANDOFF_SLICE` since noticing, hand it over. True if we no longer hold a P.
    pub(crate) fn handoff_if_wanted(&self) -> bool {
        let s = &*self.sched;
        if s.nmwantp.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let now = Instant::now();
        match self.wantp_since.get() {
            None => {
                self.wantp_since.set(Some(now));
                return false;
            }
            Some(t) if now.duration_since(t) < HANDOFF_SLICE => return false,
            Some(_) => {}
        }
        let mut l = s.lock();
        let Some(m) = l.mwantp.pop_front() else {
            return false;
        };
        s.nmwantp.fetch_sub(1, Ordering::SeqCst);
        let p = self.p.replace(ptr::null());
        m.spinning.store(false, Ordering::Relaxed);
        m.nextp.store(p.cast_mut(), Ordering::Release);
        m.park.wakeup_shared();
        drop(l);
        self.stop_spinning();
        true
    }

    /// Gives up the P this M can no longer use: to another M if it has work, else idle.
    /// Go: handoffp.
    pub(crate) fn handoffp(&self) {
        let p = self.p.replace(ptr::null());
        // SAFETY: a non-null P pointer in an M is a P of its runtime that it holds.
        let Some(p) = (unsafe { p.as_ref() }) else {
            return;
        };
        self.stop_spinning();
        let s = &*self.sched;
        if !p.runq.is_empty() || s.global.len() > 0 {
            // Fresh work: an unlocked M waiting for a P comes first, since it runs its own
            // goroutines and takes fresh ones too. Starting another M for the fresh work
            // would spread goroutines that go together over more threads (with one P, a
            // pair started on two threads then needs the P to travel at each hand-off). A
            // locked waiter would take no fresh work: then another M is started for it.
            if s.nmwantp.load(Ordering::SeqCst) != 0 {
                let mut l = s.lock();
                if let Some(i) = l
                    .mwantp
                    .iter()
                    .position(|m| !m.locked.load(Ordering::Relaxed))
                    && let Some(m) = l.mwantp.remove(i)
                {
                    s.nmwantp.fetch_sub(1, Ordering::SeqCst);
                    // `p` stays held: it passes to `m` as it is (as `pidleput` does).
                    m.spinning.store(false, Ordering::Relaxed);
                    m.nextp.store((p as *const P).cast_mut(), Ordering::Release);
                    m.park.wakeup_shared();
                    return;
                }
            }
            s.startm(Some(p), false);
            return;
        }
        {
            let mut l = s.lock();
            s.pidleput(&mut l, p);
        }
        s.wakep();
    }
}

impl Sched {
    /// Takes an idle P. Go: pidleget.
    pub(crate) fn pidleget(&self, l: &mut Locked) -> Option<&P> {
        let id = l.pidle.pop()?;
        self.npidle.fetch_sub(1, Ordering::SeqCst);
        let p = &self.ps[id];
        p.held.store(true, Ordering::SeqCst);
        Some(p)
    }

    /// Gives back a P: straight to the first M waiting for one, else to the idle list
    /// (a P beyond gomaxprocs is retired instead). Go: pidleput.
    pub(crate) fn pidleput(&self, l: &mut Locked, p: &P) {
        if p.id < self.gomaxprocs()
            && let Some(m) = l.mwantp.pop_front()
        {
            self.nmwantp.fetch_sub(1, Ordering::SeqCst);
            // `p` stays held: it passes to `m` as it is.
            m.spinning.store(false, Ordering::Relaxed);
            m.nextp.store((p as *const P).cast_mut(), Ordering::Release);
            m.park.wakeup_shared();
            return;
        }
        p.held.store(false, Ordering::SeqCst);
        if p.id < self.gomaxprocs() {
            l.pidle.push(p.id);
            self.npidle.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Starts an M to run Gs if there is an idle P and nobody is already looking. Go: wakep.
    pub(crate) fn wakep(&self) {
        fence(Ordering::SeqCst);
        if self.npidle.load(Ordering::SeqCst) == 0 {
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

    /// Starts `gp`, a fresh G, on an M other than `me` with an idle P: an M asleep without
    /// work, or a new one; the G waits in that M's home queue, which it looks at first.
    /// Returns that M, or gives `gp` back when no P is idle (or an M on its way to sleep
    /// is owed it). goro's own (`newproc`'s saturated spawner).
    pub(crate) fn startm_with(&self, me: &M, gp: GRef) -> Result<Arc<M>, GRef> {
        let mut l = self.lock();
        if self.shutdown.load(Ordering::SeqCst) || l.nmidling > l.pending.len() {
            return Err(gp);
        }
        let idle = l
            .midle
            .iter()
            .rposition(|o| !ptr::eq(Arc::as_ptr(o), me) && !o.locked.load(Ordering::Relaxed));
        let Some(p) = self.pidleget(&mut l) else {
            return Err(gp);
        };
        let pp = (p as *const P).cast_mut();
        if let Some(i) = idle {
            let m = l.midle.remove(i);
            m.spinning.store(false, Ordering::Relaxed);
            m.homeq.push(gp);
            m.nextp.store(pp, Ordering::Release);
            drop(l);
            m.park.wakeup_shared();
            return Ok(m);
        }
        Ok(self.newm(&mut l, pp, false, Some(gp)))
    }

    /// A new M holding P `pp` (and `spinning`, or with `first` in its home queue), on a
    /// thread of its own. Go: newm.
    fn newm(&self, l: &mut Locked, pp: *mut P, spinning: bool, first: Option<GRef>) -> Arc<M> {
        // SAFETY: `self` lives in an Arc (all Scheds do), so we can take another reference.
        let sched = unsafe {
            Arc::increment_strong_count(self);
            Arc::from_raw(self)
        };
        let m = Arc::new(M::new(sched));
        m.spinning.store(spinning, Ordering::Relaxed);
        if let Some(gp) = first {
            m.homeq.push(gp);
        }
        m.nextp.store(pp, Ordering::Relaxed);
        l.allm.push(m.clone());
        // Threads that ended early (`M::mexit`) need no join.
        l.threads.retain(|t| !t.is_finished());
        let m2 = m.clone();
        let t = std::thread::Builder::new()
            .name(format!("goro-m{}", m.id))
            .spawn(move || M::mstart(m2));
        match t {
            Ok(t) => l.threads.push(t),
            Err(e) => throw(&format!("newm: cannot create an OS thread: {e}")),
        }
        m
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
        let pp = (p as *const P).cast_mut();
        if l.midle.is_empty() && l.nmidling > l.pending.len() {
            // An M is on its way to sleep: it takes this P instead (`stopm_idling`).
            l.pending.push((p.id, spinning));
            return;
        }
        if let Some(m) = l.midle.pop() {
            m.spinning.store(spinning, Ordering::Relaxed);
            m.nextp.store(pp, Ordering::Release);
            drop(l);
            m.park.wakeup_shared();
            return;
        }
        self.newm(&mut l, pp, spinning, None);
    }

    /// Whether nothing of this runtime can run any more: every M asleep without a P, every
    /// queue empty, no goroutine inside `runtime::syscall` or `time::sleep` (its timer
    /// will ready it). Go: checkdead's count.
    pub(crate) fn quiescent(&self, l: &Locked) -> bool {
        l.midle.len() + l.mlocked.len() + l.mwantp.len() == l.allm.len()
            && self.ps.iter().all(|p| !p.held.load(Ordering::SeqCst))
            && self.global.len() == 0
            && self.ps.iter().all(|p| p.runq.is_empty())
            && l.allm.iter().all(|m| m.homeq.is_empty())
            && self.nsyscall.load(Ordering::SeqCst) == 0
            && self.nsleeping.load(Ordering::SeqCst) == 0
            && self.kill_pending.load(Ordering::SeqCst) == 0
    }

    /// Stops every M: they leave their schedule loops. Go: exit after main returns.
    pub(crate) fn end(&self) {
        let ms = {
            let l = self.lock();
            self.shutdown.store(true, Ordering::SeqCst);
            l.allm.clone()
        };
        for m in ms {
            m.park.wakeup_shared();
        }
        crate::sysmon::wake(self);
    }

    /// Joins every M thread this runtime started (after `end`).
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
