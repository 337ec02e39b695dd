//! Timers: per-P heaps run by the scheduler, and the idle M that sleeps until the earliest
//! one. Go: runtime/time.go (addtimer, deltimer, modtimer, checkTimers, runtimer,
//! moveTimers) and the timer parts of proc.go (findrunnable's pollUntil, wakeNetPoller).
//!
//! State and ownership:
//! - a timer (`TimerInner`) owns its state under its own lock: whether it is active, its
//!   `when`, `period`, and `seq`, the number of its current activation (mirrored in an
//!   atomic so heaps can tell stale entries without the lock). Every `modify` and `stop`
//!   starts a new activation (`seq + 1`);
//! - each P has a `Timers`: a 4-ary heap of entries `(when, seq, timer)` under its lock,
//!   and `when0`, the heap's earliest `when` (`u64::MAX`: empty), readable without it.
//!   Any thread may push to or run any P's heap; the P's own M does so at every schedule
//!   (as Go's checkTimers), the others when they look for work;
//! - the heap lock and a timer's lock are never held together: an entry is popped under the
//!   heap lock, then *claimed* under the timer's lock if its `seq` is still current. So a
//!   timer fires at most once per activation, and `stop` returns true exactly when it
//!   beat the claim, as Go's deltimer does.
//!
//! Timer functions run on g0 (the scheduler's stack) and never block: they ready a
//! sleeping goroutine, send on a channel without waiting (Go's sendTime), or start a
//! goroutine (Go's goFunc, for `after_func`). No user code runs on g0.
//!
//! Idle Ms and time (Go's netpoll-with-timeout; the sleep itself may be spent in the M's own
//! `epoll_wait` when fds are registered with it: `netpoll::sleep_polling`): at most one idle M,
//! `Locked::tsleeper`, sleeps with a deadline — the earliest timer of all Ps, published in
//! `Sched::poll_until` (0: no such M) — every other idle M sleeps without one. Protocol:
//! 1. an M about to sleep idle (`timer_plan`, sched lock held, note cleared, listed idle)
//!    takes the role if it is free, publishing `poll_until = MAX` *before* reading every
//!    P's `when0`, then the deadline it found. If a timer is already due it does not sleep:
//!    it takes an idle P to run it (or runs it without one, if every P is busy);
//! 2. whoever adds a timer (`add`) pushes it, then reads `poll_until`: 0 → `wakep` (an
//!    idle P gets a spinning M, which looks at the timers before it sleeps); a later
//!    deadline → wake the sleeper (Go's netpollBreak), which plans again;
//! 3. both sides are SeqCst, so either the sleeper sees the new timer or the adder sees the
//!    sleeper's deadline; a wake-up that comes before the sleep is kept by the note.
//!
//! Lock order: `Sched::lock` < a heap lock; a timer lock is a leaf.

use super::heap::{Entry, Heap};
use crate::g::GRef;
use crate::loom::atomic::{AtomicU64, Ordering, fence};
use crate::loom::{Mutex, MutexGuard, StdArc as Arc};
use crate::m::M;
use crate::proc::{Locked, P, Sched};
use crate::tls::getm;

struct State {
    active: bool,
    when: u64,
    period: u64,
    seq: u64,
    /// The `when` of the heap entry queued for activation `seq`, if one is (from its push
    /// until it is claimed). A `modify` to a later time leaves that entry in place and only
    /// moves `when`; the entry, once due, is queued again at `when` instead of firing (Go:
    /// timerModifiedLater, fixed up by adjusttimers/runtimer), so pushing a deadline back
    /// (`reset` of an idle timeout, a `Ticker` reset) costs no heap operation.
    queued: Option<u64>,
}

/// What the entry of an activation does once due (`TimerInner::claim`).
enum Claim {
    /// Stale: stopped, reset to an earlier time, or claimed already.
    Stale,
    /// Moved to a later time since it was queued: queue it again then.
    Later(u64),
    /// Fire; for a periodic timer, queue it again at the time given.
    Fire(Option<u64>),
}

/// A timer. Go: runtime.timer. What it does when it fires (run on g0, never blocking) is
/// stored in it, so a timer is one allocation with its `Arc`: `F` is the function's type
/// while the timer is made, then erased (`Arc<TimerInner>`, `F = dyn Fn`).
pub(crate) struct TimerInner<F: ?Sized = dyn Fn() + Send + Sync> {
    state: Mutex<State>,
    /// `State::seq`, readable without the lock (written under it).
    seq: AtomicU64,
    /// `time::sleep`'s timers ready a parked goroutine (Go: goroutineReady); `f` is then
    /// a no-op.
    ready: Option<GRef>,
    /// Anything else that does not block: a non-blocking channel send, a `go` statement.
    f: F,
}

impl<F: Fn() + Send + Sync> TimerInner<F> {
    /// A stopped timer that readies `ready` or else calls `f` when it fires.
    pub(crate) fn new(ready: Option<GRef>, f: F) -> TimerInner<F> {
        TimerInner {
            state: Mutex::new(State {
                active: false,
                when: 0,
                period: 0,
                seq: 0,
                queued: None,
            }),
            seq: AtomicU64::new(0),
            ready,
            f,
        }
    }
}

impl TimerInner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// (Re)arms the timer to fire at `when` (nanotime), then every `period` ns if
    /// non-zero. Returns whether it was active. Go: modtimer (addtimer for a new timer).
    pub(crate) fn modify(self: &Arc<Self>, when: u64, period: u64) -> bool {
        let (was, seq) = {
            let mut st = self.lock();
            let was = st.active;
            if was && st.queued.is_some_and(|q| q <= when) {
                // Later than its queued entry: that entry moves it when due (`claim`).
                st.when = when;
                st.period = period;
                return was;
            }
            st.active = true;
            st.when = when;
            st.period = period;
            st.seq += 1;
            st.queued = Some(when);
            self.seq.store(st.seq, Ordering::Release);
            (was, st.seq)
        };
        add(Entry {
            when,
            seq,
            t: self.clone(),
        });
        was
    }

    /// Stops the timer. True if it was active (it will not fire for that activation);
    /// false if it had already fired (one-shot) or been stopped. Go: deltimer.
    pub(crate) fn stop(&self) -> bool {
        let mut st = self.lock();
        let was = st.active;
        if was {
            st.active = false;
            st.seq += 1;
            st.queued = None; // its entry is stale now
            self.seq.store(st.seq, Ordering::Release);
        }
        was
    }

    /// Claims the activation `seq`, whose entry is due at `now`, for firing. For a periodic
    /// timer the next time is the first multiple of the period after `now` (a late tick is
    /// not repeated, Go's catch-up rule).
    fn claim(&self, seq: u64, now: u64) -> Claim {
        let mut st = self.lock();
        if !st.active || st.seq != seq {
            return Claim::Stale;
        }
        if st.when > now {
            // `modify`d to a later time while this entry waited (Go: timerModifiedLater).
            st.queued = Some(st.when);
            return Claim::Later(st.when);
        }
        if st.period == 0 {
            st.active = false;
            st.queued = None;
            return Claim::Fire(None);
        }
        let missed = now.saturating_sub(st.when) / st.period;
        st.when = st
            .when
            .saturating_add(st.period.saturating_mul(missed.saturating_add(1)));
        st.queued = Some(st.when);
        Claim::Fire(Some(st.when))
    }

    fn fire(&self) {
        if let Some(gp) = self.ready {
            // A `ready` timer is made by `time::sleep` for one park of `gp`, armed once (by
            // that park's unlock callback), never periodic; the claim above succeeds once
            // per activation, so this is the park's only wake-up. (If shutdown woke the G
            // first, the token is stale and this does nothing.)
            goready_sleeper(gp);
            return;
        }
        // We are on g0: a panic must not unwind through the scheduler.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.f)())).is_err() {
            crate::panic::throw("timer function panicked");
        }
    }
}

/// Readies a goroutine whose sleep ended, as `goready` does: into its M's `runnext`, so it
/// runs next even while a pair handing work back and forth through `runnext` keeps the P
/// (Go: goroutineReady). A goroutine that sleeps a nanosecond in a loop, taking `runnext`
/// back at every wake-up, is kept fair by sysmon's preemption, as in Go: `sleep` is a
/// scheduling point (`park::preempt_point`).
fn goready_sleeper(gp: GRef) {
    let _claim = crate::park::Claim::begin(gp.sched.load(Ordering::Acquire));
    if !crate::park::ready_cas(gp) {
        return;
    }
    let s = gp.sched.load(Ordering::Acquire);
    // SAFETY: a waiting goroutine's runtime outlives it (`park::goready`'s argument); we
    // own `gp` since our CAS readied it.
    unsafe { (*s).ready(gp) };
}

/// One P's timers. Go: p.timers, p.timersLock, p.timer0When.
pub(crate) struct Timers {
    heap: Mutex<Heap>,
    /// The heap's earliest `when` (`u64::MAX` when empty); written under the heap lock.
    when0: AtomicU64,
}

impl Timers {
    pub(crate) fn new() -> Timers {
        Timers {
            heap: Mutex::new(Heap::default()),
            when0: AtomicU64::new(u64::MAX),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Heap> {
        self.heap.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, e: Entry) {
        let mut h = self.lock();
        h.push(e);
        self.when0.store(h.when0(), Ordering::SeqCst);
    }

    pub(crate) fn when0(&self) -> u64 {
        self.when0.load(Ordering::SeqCst)
    }

    /// Whether a timer in this heap will still fire (its entries of stopped or reset
    /// activations stay until they surface or a sweep).
    fn any_live(&self) -> bool {
        self.when0() != u64::MAX && self.lock().any_live()
    }
}

/// Adds `e` to a P's heap of the caller's runtime (its own P if it holds one, else a random
/// one; the global runtime's on a plain thread), then makes sure an M will wake for it.
fn add(e: Entry) {
    let m = getm();
    let (s, own): (&Sched, Option<&P>) = if m.is_null() {
        (crate::entry::global(), None)
    } else {
        // SAFETY: a non-null TLS M is this thread's live M; a non-null P pointer in it is
        // a P it holds.
        unsafe { (&(*m).sched, (*m).p.get().as_ref()) }
    };
    let p = match own {
        Some(p) => p,
        None => &s.ps[crate::proc::fastrand(s.gomaxprocs())],
    };
    let when = e.when;
    p.timers.push(e);
    if p.id >= s.gomaxprocs() && !p.held.load(Ordering::SeqCst) {
        // The P was retired meanwhile (`gomaxprocs` shrank) and may have been emptied
        // before our push: move what it holds (Go: moveTimers).
        s.move_timers(p);
    }
    s.wake_netpoller(when);
}

/// A timer due at `when` was added: make sure some M wakes for it. Go: wakeNetPoller.
impl Sched {
    pub(crate) fn wake_netpoller(&self, when: u64) {
        fence(Ordering::SeqCst);
        let pu = self.poll_until.load(Ordering::SeqCst);
        if pu == 0 {
            self.wakep();
        } else if when < pu {
            let l = self.lock();
            if let Some(m) = &l.tsleeper
                && when < self.poll_until.load(Ordering::SeqCst)
            {
                // Later adds of timers no earlier than this one need not wake it again.
                self.poll_until.store(when, Ordering::SeqCst);
                m.park.wakeup_shared();
            }
        }
    }

    /// Whether some timer of this runtime will still fire: Go's checkdead looks at the
    /// heaps' lengths, after its schedulers have cleared the entries of stopped timers
    /// (a stopped `Timer` is no reason to wait: Go reports the deadlock at once). Takes
    /// each heap's lock; for the deadlock check, not a hot path.
    pub(crate) fn has_live_timers(&self) -> bool {
        self.ps[..self.procs_hi.load(Ordering::SeqCst)]
            .iter()
            .any(|p| p.timers.any_live())
    }

    /// The earliest `when` over the Ps (stale entries included; `u64::MAX`: none).
    pub(crate) fn timers_next(&self) -> u64 {
        self.ps[..self.procs_hi.load(Ordering::SeqCst)]
            .iter()
            .map(|p| p.timers.when0())
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Runs `p`'s timers due now. True if any fired. Go: checkTimers + runtimer.
    pub(crate) fn run_timers(&self, p: &P) -> bool {
        if p.timers.when0() == u64::MAX {
            return false; // no clock read when there is nothing to run
        }
        let now = super::nanotime();
        if p.timers.when0() > now {
            return false;
        }
        let mut ran = false;
        loop {
            let e = {
                let mut h = p.timers.lock();
                let e = h.pop_due(now);
                p.timers.when0.store(h.when0(), Ordering::SeqCst);
                e
            };
            let Some(e) = e else {
                return ran;
            };
            let next = match e.t.claim(e.seq, now) {
                Claim::Stale => continue, // stopped or reset since it was queued
                Claim::Later(when) => {
                    p.timers.push(Entry { when, ..e });
                    continue;
                }
                Claim::Fire(next) => next,
            };
            if let Some(when) = next {
                p.timers.push(Entry {
                    when,
                    seq: e.seq,
                    t: e.t.clone(),
                });
            }
            e.t.fire();
            ran = true;
        }
    }

    /// Runs the due timers of every P. True if any fired. Go: stealWork's checkTimers of
    /// other Ps.
    pub(crate) fn run_all_timers(&self) -> bool {
        let mut ran = false;
        for p in &self.ps[..self.procs_hi.load(Ordering::SeqCst)] {
            ran |= self.run_timers(p);
        }
        ran
    }

    /// Moves the timers of `p` (retired: beyond `gomaxprocs`) to P 0, which always exists.
    /// Go: moveTimers.
    pub(crate) fn move_timers(&self, p: &P) {
        if p.timers.when0() == u64::MAX || p.id == 0 {
            return;
        }
        let moved = {
            let mut h = p.timers.lock();
            let v = h.take_all();
            p.timers.when0.store(u64::MAX, Ordering::SeqCst);
            v
        };
        let to = &self.ps[0].timers;
        let mut first = u64::MAX;
        {
            let mut h = to.lock();
            for e in moved {
                if e.t.seq() == e.seq {
                    first = first.min(e.when);
                    h.push(e);
                }
            }
            to.when0.store(h.when0(), Ordering::SeqCst);
        }
        if first != u64::MAX {
            self.wake_netpoller(first);
        }
    }

    /// How an M that is about to sleep idle waits: see the protocol in the header. Called
    /// with the sched lock held, the M listed idle and its note cleared.
    pub(crate) fn timer_plan(&self, l: &mut Locked, me: &Arc<M>) -> TimerPlan {
        let take = l.tsleeper.is_none();
        if take {
            // Until we publish our deadline, any new timer wakes us (it waits for the
            // sched lock we hold, then wakes our note, and we plan again).
            self.poll_until.store(u64::MAX, Ordering::SeqCst);
        }
        fence(Ordering::SeqCst);
        let next = self.timers_next();
        if next <= super::nanotime() {
            if take {
                self.poll_until.store(0, Ordering::SeqCst);
            }
            return TimerPlan::Due;
        }
        if take {
            l.tsleeper = Some(me.clone());
            self.poll_until.store(next, Ordering::SeqCst);
        } else if next < self.poll_until.load(Ordering::SeqCst) {
            // The sleeper would wake too late (its deadline predates a newer timer): take
            // its place; it wakes and plans again.
            if let Some(old) = l.tsleeper.replace(me.clone()) {
                old.park.wakeup_shared();
            }
            self.poll_until.store(next, Ordering::SeqCst);
        } else {
            return TimerPlan::Forever;
        }
        if next == u64::MAX {
            TimerPlan::Forever
        } else {
            TimerPlan::Until(next)
        }
    }

    /// An idle M woke up (for whatever reason): it no longer sleeps for the timers.
    pub(crate) fn timer_sleeper_woke(&self, l: &mut Locked, me: &Arc<M>) {
        if l.tsleeper.as_ref().is_some_and(|m| Arc::ptr_eq(m, me)) {
            l.tsleeper = None;
            self.poll_until.store(0, Ordering::SeqCst);
        }
    }
}

/// How an idle M sleeps (`timer_plan`).
pub(crate) enum TimerPlan {
    /// Until woken.
    Forever,
    /// Until woken or this nanotime: the earliest timer.
    Until(u64),
    /// Not at all: a timer is due.
    Due,
}
