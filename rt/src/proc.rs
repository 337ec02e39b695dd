//! The scheduler: Ps and the loop that runs Gs. Go: runtime/proc.go (schedule,
//! findRunnable, execute, ready, park_m, gosched_m, goexit0). Ms and their
//! start/stop/wake live in `m.rs`, goroutine creation in `newproc.rs`, resizing in
//! `procresize.rs`, wiring in `lockosthread.rs`, the thread-local current M/G in `tls.rs`.
//!
//! Model (as Go's G-M-P):
//! - a **P** is the right to run goroutines: a local run queue (`runq.rs`), a schedule
//!   tick, a cache of free Gs. There are `gomaxprocs` of them (at most `MAX_PROCS`).
//! - an **M** is an OS thread. It holds at most one P; while it has one it runs Gs on their
//!   own stacks and comes back to its native stack ("g0") between two Gs.
//! - a **G** (`g.rs`) is a goroutine.
//!
//! **The invariant: a started G runs only on its home M.** A G's home (`G::m`) is the M that
//! first runs it (`execute`); from then until it exits it runs on no other thread, exactly
//! like a `std::thread`. Rust code caches thread-local addresses within a function and keeps
//! `!Send` values across calls, so a goroutine resumed on another thread would be UB from
//! safe code. Everything below serves that rule while keeping Go's load balancing for the
//! Gs that may still move — the fresh ones, which have not run yet:
//! 1. fresh Gs (`newproc`) go where Go puts them: the spawner's `runnext`, local queues,
//!    the global queue; every 61st tick the global queue comes first; idle Ms steal half a
//!    victim's queue — but only work that has waited `STEAL_DELAY_NS` (a lone `runnext`,
//!    `RUNNEXT_STEAL_DELAY_NS`), since where a G first runs is where it stays
//!    (`steal_work`), and fresh work passed over by a run of `runnext` picks goes first on
//!    its own M (`runqget`); a spawner whose M has many goroutines in IO wait homes the new
//!    G at once, on another M with clearly fewer goroutines, else its own, if it had
//!    another unlocked M to weigh (`Sched::spread_target`: such a G is never stolen;
//!    else it is queued as any spawn), and one whose P has
//!    run goroutines without a break for a long while, with a P idle, sends it to an idle
//!    M, and its next ones to the same M while it stays that busy (`Sched::saturated`),
//!    since where a G first runs it stays;
//! 2. a started G readied by its own M goes to that M's P, in `runnext`, as in Go (a
//!    ping-pong pair stays on one M); when it waits at a tail, it waits in its M's own
//!    queue (`M::runq`: the P's queue holds fresh Gs only, so thieves never meet a started
//!    one; stamps keep the two in Go's FIFO order). Readied from anywhere else, it is
//!    pushed to its home M's home queue (`homeq.rs`), which wakes that M if it sleeps;
//! 3. any queue may still hand an M a started G of another M (a stolen batch, a P passed
//!    between Ms, a retired P's queue): the M forwards it to its home queue instead of
//!    running it (`schedule`). So the rule does not depend on what thieves take; taking
//!    only fresh work keeps forwarding rare;
//! 4. an M with runnable home Gs and no P waits for one (`m.rs`: `mwantp`), and gets the
//!    next P that goes idle or one handed over by an M that has held its P for a slice.
//!
//! Every switch goes G → g0 → G: a G that parks, yields or exits records what it wants in
//! `M::after` and switches to g0, which does it once the G's registers are saved. That
//! order is the heart of the park/ready handshake: the unlock callback of `gopark` runs only
//! after the G is fully off its stack, so a waker that finds the G through that lock can
//! never run it twice or while it is still running (model: `tests/loom_park.rs`).
//!
//! Lost-wakeup rule (Go's): a producer makes a G runnable and *then* calls `wakep`, which
//! starts an M only if there is an idle P and no spinning M; an M gives its P back and stops
//! spinning *before* its last look at every queue. Both sides use SeqCst so at least one
//! sees the other. Home queues have their own rule (`homeq.rs`).
//!
//! Lock order: `Sched::lock` < a home queue's lock (a push never takes the sched lock);
//! note wake-ups may happen under either.

use crate::arch;
use crate::g::{G, G_DEAD, G_RUNNABLE, G_RUNNING, GRef};
use crate::gfree;
use crate::loom::atomic::{
    AtomicBool, AtomicIsize, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};
use crate::loom::{Mutex, MutexGuard, StdArc as Arc};
use crate::m::M;
use crate::panic::{PanicMode, throw};
use crate::runq::{GlobalQ, LocalQ};
use crate::tls::{getm, setg};
use core::cell::{Cell, UnsafeCell};
use core::ptr;
use std::any::Any;
use std::collections::VecDeque;

/// Most Ps a runtime can have (Go: _MaxGomaxprocs is larger; 256 is plenty for 2 cores).
pub(crate) const MAX_PROCS: usize = 256;
/// Every this many schedule ticks the global queue is checked first (Go: 61).
const GLOBAL_TICK: u32 = 61;
/// How long an M with goroutines of its own watches for them before it sleeps
/// (`spin_for_home_work`). A futex wake-up of a sleeping M costs several microseconds
/// here, far more than a hand-off to an awake one.
const HOME_SPIN: std::time::Duration = std::time::Duration::from_micros(20);
/// How long fresh work waits on a P before another M may steal it (`steal_work`).
const STEAL_DELAY_NS: u64 = 50_000;
/// How long an idle M waits for young fresh work elsewhere to become stealable.
const YOUNG_SPIN: std::time::Duration = std::time::Duration::from_nanos(STEAL_DELAY_NS + 1_000);
/// How long a lone fresh `runnext` waits before another M may take it (`steal_work`). The
/// spawner's M runs it at its next schedule. What holds that M up longer than
/// `STEAL_DELAY_NS` is mostly the OS, not its goroutine: measured in prime_sieve, the M
/// preempted on its way out of the futex call that woke another M (the kernel put the
/// woken M on the waker's CPU, where it spun), or waiting for the mmap lock in `madvise`.
/// A pipeline stage taken then crosses threads at every message for good (prime_sieve:
/// 2.3-3.1 s with such steals, 1.6-2 s without; a single early stage taken, 3.5 s). With
/// idle Ms no longer watching it (`stealable`), 1 ms still let a steal through in 2 of 12
/// prime_sieve runs (the spawner's vCPU held up that long), 5 ms in none of 12. A spawner
/// that computes without a scheduling point gets its goroutine started elsewhere within
/// this delay, half Go's preemption slice (`sysmon::FORCE_PREEMPT`). Go takes it after
/// 3 µs; there the stage moves back at its next wake-up.
const RUNNEXT_STEAL_DELAY_NS: u64 = 5_000_000;
/// How many times in a row `runnext` may go before fresh work queued behind it (`runqget`).
const RUNNEXT_STREAK: u32 = 8;

/// A processor: the right, and the local state, to run goroutines. Go: runtime.p.
pub(crate) struct P {
    pub(crate) id: usize,
    pub(crate) runq: LocalQ,
    /// Held by an M (or being retired); Ps ≥ gomaxprocs are retired when released.
    pub(crate) held: AtomicBool,
    /// Owner only: schedule tick, free Gs, goid cache, `runnext` picks in a row.
    pub(crate) schedtick: UnsafeCell<u32>,
    pub(crate) nextstreak: UnsafeCell<u32>,
    pub(crate) gfree: UnsafeCell<Vec<GRef>>,
    pub(crate) goidcache: UnsafeCell<(u64, u64)>,
    /// Time slices begun (not counting Gs taken from `runnext`, which inherit the slice:
    /// Go's inheritTime) and the G running now; owner writes, sysmon reads (`sysmon.rs`).
    pub(crate) slicetick: AtomicU32,
    pub(crate) curg: AtomicPtr<G>,
    /// Goroutines readied by other threads wait in the home queue of the M holding this P
    /// while that M runs something else: 0 if none, else sysmon's look count
    /// (`Sched::sysmon_looks`) when the oldest of them was pushed. Set by the readier
    /// (`M::inject`), cleared by the M when it takes its home queue, read by sysmon, which
    /// cuts the running goroutine's slice short once they have waited `sysmon::HOME_WAIT`.
    /// A hint: a stale value only costs a yield. On a line of its own: other threads write
    /// it, and the owner writes the fields around it at every schedule.
    pub(crate) homework: Padded<AtomicU64>,
    /// Goroutines started on this P less those that ended on it (either may go negative:
    /// `Sched::num_goroutines` sums them). Per P, so that a spawn here and an exit on
    /// another thread do not pass one counter's cache line back and forth (Go counts from
    /// its free lists instead); the holder alone writes it.
    pub(crate) ngoroutine: AtomicIsize,
    /// Timers (`time/timer.rs`): any thread may add or run them, under their own lock.
    pub(crate) timers: crate::time::Timers,
    /// `schedtick` when this P last found nothing to run locally (owner only): the P has
    /// been busy since (`newproc`'s saturated spawner).
    pub(crate) idletick: UnsafeCell<u32>,
    /// Where this P's spawns go while it stays saturated (`newproc`), or null; owner
    /// only. An M lives as long as its runtime (`Locked::allm`).
    pub(crate) spawnto: AtomicPtr<M>,
    /// `schedtick` at the last spawn sent to `spawnto` (owner only).
    pub(crate) spawntick: UnsafeCell<u32>,
}

// SAFETY: the UnsafeCell fields are touched only by the M holding the P (`held` and the
// sched lock hand a P from one M to another with acquire/release ordering).
unsafe impl Sync for P {}

/// What a G asked g0 to do when it switched away. Go: the function passed to mcall.
#[derive(Clone, Copy)]
pub(crate) enum After {
    None,
    /// Go: gosched_m — back to a run queue.
    Gosched,
    /// The same, for a goroutine that sysmon asked to yield (Go: gopreempt_m): it goes
    /// behind the goroutines its slice kept waiting, including those other threads
    /// readied meanwhile and those its P's due timers ready.
    Preempt,
    /// Go: park_m — call `unlock(data, gp)`; if it says false, resume the G at once.
    Park {
        data: *mut (),
        unlock: unsafe fn(*mut (), GRef) -> bool,
    },
    /// Go: goexit0 — the G is finished.
    Exit,
}

/// A value alone on its cache line (two lines: the adjacent-line prefetcher pairs them).
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> core::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// State guarded by `Sched::lock`.
pub(crate) struct Locked {
    pub(crate) pidle: Vec<usize>,
    /// Ms asleep without a P and without runnable home Gs (`m.rs`).
    pub(crate) midle: Vec<Arc<M>>,
    /// Locked Ms asleep the same way; `startm` never hands them fresh work.
    pub(crate) mlocked: Vec<Arc<M>>,
    /// Ms asleep with runnable home Gs, waiting for a P, first come first served.
    pub(crate) mwantp: VecDeque<Arc<M>>,
    /// Every M this runtime made (they live as long as it does: Gs point at their home M).
    pub(crate) allm: Vec<Arc<M>>,
    /// Ms that gave their P back in `find_runnable` and are on their way to `stopm`.
    pub(crate) nmidling: usize,
    /// Ps (with the spinning flag) that `startm` set aside for those Ms rather than making
    /// a new M: every extra M is a thread goroutines may start on and then keep.
    pub(crate) pending: Vec<(usize, bool)>,
    pub(crate) threads: Vec<std::thread::JoinHandle<()>>,
    /// The idle M sleeping until the earliest timer, if any (`time/timer.rs`).
    pub(crate) tsleeper: Option<Arc<M>>,
}

/// One runtime: its Ps, queues, idle lists. Go: runtime.schedt plus allp.
pub(crate) struct Sched {
    pub(crate) ps: Box<[P]>,
    pub(crate) gomaxprocs: AtomicUsize,
    pub(crate) global: GlobalQ,
    pub(crate) lock: Mutex<Locked>,
    /// Idle Ps (Go: sched.npidle). Every spawn that displaces fresh work reads it
    /// (`wakep`), so it sits on a cache line of its own, away from counters the other Ms
    /// write.
    pub(crate) npidle: Padded<AtomicUsize>,
    pub(crate) nmspinning: AtomicUsize,
    /// `Locked::mwantp.len()`, readable without the lock.
    pub(crate) nmwantp: AtomicUsize,
    /// Goroutines parked in `runtime::syscall` (a pool thread will ready them).
    pub(crate) nsyscall: AtomicUsize,
    /// Live goroutines (Go: gcount).
    /// Goroutines started and ended without a P (see `P::ngoroutine`).
    pub(crate) ngoroutine: AtomicIsize,
    pub(crate) goidgen: AtomicU64,
    /// Every M leaves its schedule loop (set by `end`).
    pub(crate) shutdown: AtomicBool,
    /// The runtime is ending: goroutines still alive are unwound on their home Ms, fresh
    /// ones are dropped unrun (`shutdown.rs`).
    pub(crate) killing: AtomicBool,
    /// Calls of `begin_killing` still readying parked goroutines: the runtime is not
    /// quiescent yet, even if every goroutine readied so far has already unwound.
    pub(crate) kill_pending: AtomicUsize,
    /// When `begin_killing` readied the parked goroutines (nanotime; 0 before): under
    /// `#[goro::main]`, M0 leaves the leftovers to the process's exit a little after
    /// (`Sched::exit_wait`).
    pub(crate) killing_at: AtomicU64,
    pub(crate) mode: PanicMode,
    pub(crate) main_g: AtomicPtr<G>,
    /// The main goroutine called `goexit`: the runtime ends when the last G does.
    pub(crate) main_goexited: AtomicBool,
    /// Goroutine 1 has finished (normally, by panic, goexit or unwinding).
    pub(crate) main_done: AtomicBool,
    /// First unrecovered panic, for `PanicMode::Propagate`.
    pub(crate) panicked: Mutex<Option<Box<dyn Any + Send>>>,
    pub(crate) mnext: AtomicU64,
    /// A deadlock was reported (`checkdead.rs`).
    pub(crate) deadlocked: AtomicBool,
    /// sysmon (`sysmon.rs`): started at the first `go`, and its thread.
    pub(crate) sysmon_started: AtomicBool,
    pub(crate) sysmon: std::sync::OnceLock<std::thread::Thread>,
    /// sysmon sleeps longer than `sysmon::HOME_WAIT`: the first readier to flag
    /// `P::homework` wakes it (`sysmon::home_work`).
    pub(crate) sysmon_dozing: AtomicBool,
    /// sysmon's looks so far, plus one: the clock of `P::homework`.
    pub(crate) sysmon_looks: AtomicU64,
    /// `tsleeper`'s deadline (nanotime; `u64::MAX`: none yet), 0 if there is no tsleeper.
    /// Go: sched.pollUntil.
    pub(crate) poll_until: AtomicU64,
    /// Goroutines parked in `time::sleep` (their timers will ready them).
    pub(crate) nsleeping: AtomicUsize,
    /// Goroutines parked in IO wait (`netpoll.rs`): the poller may ready them, so the
    /// runtime is not deadlocked.
    pub(crate) nnetwait: AtomicUsize,
    /// The most Ps this runtime ever had: a retired P may hold timers for a moment
    /// (`time/timer.rs`), so timer scans go this far.
    pub(crate) procs_hi: AtomicUsize,
}

// ---- Sched ------------------------------------------------------------------------------

impl Sched {
    /// Counts a goroutine started (+1) or ended (-1) on `p` (held by the caller), or
    /// without a P.
    pub(crate) fn count_goroutine(&self, p: Option<&P>, n: isize) {
        p.map_or(&self.ngoroutine, |p| &p.ngoroutine)
            .fetch_add(n, Ordering::SeqCst);
    }

    /// Live goroutines (Go: gcount). A moment's sum: exact once nothing starts or ends.
    pub(crate) fn num_goroutines(&self) -> usize {
        let n = self.ps.iter().map(|p| p.ngoroutine.load(Ordering::SeqCst));
        (n.sum::<isize>() + self.ngoroutine.load(Ordering::SeqCst)).max(0) as usize
    }

    pub(crate) fn new(mode: PanicMode, nprocs: usize) -> Arc<Sched> {
        crate::signal::install();
        crate::panic::install_hook();
        crate::rlimit::raise_nofile();
        let nprocs = nprocs.clamp(1, MAX_PROCS);
        let ps: Box<[P]> = (0..MAX_PROCS)
            .map(|id| P {
                id,
                runq: LocalQ::new(),
                held: AtomicBool::new(false),
                schedtick: UnsafeCell::new(0),
                idletick: UnsafeCell::new(0),
                spawnto: AtomicPtr::new(ptr::null_mut()),
                spawntick: UnsafeCell::new(0),
                nextstreak: UnsafeCell::new(0),
                gfree: UnsafeCell::new(Vec::new()),
                goidcache: UnsafeCell::new((0, 0)),
                slicetick: AtomicU32::new(0),
                curg: AtomicPtr::new(ptr::null_mut()),
                homework: Padded(AtomicU64::new(0)),
                ngoroutine: AtomicIsize::new(0),
                timers: crate::time::Timers::new(),
            })
            .collect();
        let sched = Arc::new(Sched {
            ps,
            gomaxprocs: AtomicUsize::new(nprocs),
            global: GlobalQ::new(),
            lock: Mutex::new(Locked {
                pidle: (0..nprocs).rev().collect(),
                midle: Vec::new(),
                mlocked: Vec::new(),
                mwantp: VecDeque::new(),
                allm: Vec::new(),
                nmidling: 0,
                pending: Vec::new(),
                threads: Vec::new(),
                tsleeper: None,
            }),
            npidle: Padded(AtomicUsize::new(nprocs)),
            nmspinning: AtomicUsize::new(0),
            nmwantp: AtomicUsize::new(0),
            nsyscall: AtomicUsize::new(0),
            ngoroutine: AtomicIsize::new(0),
            goidgen: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
            killing: AtomicBool::new(false),
            killing_at: AtomicU64::new(0),
            kill_pending: AtomicUsize::new(0),
            mode,
            main_g: AtomicPtr::new(ptr::null_mut()),
            main_goexited: AtomicBool::new(false),
            main_done: AtomicBool::new(false),
            panicked: Mutex::new(None),
            mnext: AtomicU64::new(0),
            poll_until: AtomicU64::new(0),
            nsleeping: AtomicUsize::new(0),
            nnetwait: AtomicUsize::new(0),
            procs_hi: AtomicUsize::new(nprocs),
            deadlocked: AtomicBool::new(false),
            sysmon_started: AtomicBool::new(false),
            sysmon_dozing: AtomicBool::new(false),
            sysmon_looks: AtomicU64::new(1),
            sysmon: std::sync::OnceLock::new(),
        });
        crate::checkdead::register(&sched);
        if crate::sysmon::schedtrace_ms() > 0 {
            crate::sysmon::start(&sched); // the trace runs from the start
        }
        sched
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Locked> {
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn gomaxprocs(&self) -> usize {
        self.gomaxprocs.load(Ordering::SeqCst)
    }

    /// Makes `gp` — a started G just moved waiting → runnable by the caller, who owns it —
    /// run again: on its own M's P if the caller is that M, else through its home queue.
    /// Go: ready.
    pub(crate) fn ready(&self, gp: GRef) {
        let home = gp.m.load(Ordering::Acquire);
        if home.is_null() {
            throw("ready: a G that never ran was waiting");
        }
        let m = getm();
        if ptr::eq(m, home) {
            // SAFETY: `m` is this thread's live M (it is `home`, and non-null).
            let m = unsafe { &*m };
            // SAFETY: a non-null P pointer in an M is a P it holds (we are its thread).
            if let Some(p) = unsafe { m.p.get().as_ref() } {
                // A locked M keeps its P's runnext for fresh Gs another M will take.
                // Only this M can run `gp`: another M is worth waking only if a fresh G
                // was pushed out of runnext to where thieves can take it. (Go wakes one on
                // every ready: there any M could run the G.)
                if m.runqput(p, gp, m.nlocked.get() == 0) {
                    self.wakep();
                }
                return;
            }
        }
        // SAFETY: a live G's home M is in its runtime's `allm` (an M leaves only once it is
        // home to no live G, `M::should_exit`), alive as long as the runtime, which
        // outlives its live Gs.
        unsafe { (*home).inject(gp) };
    }

    /// Skips `n` goroutine ids (goroutine 1 is numbered by `run` itself).
    pub(crate) fn bump_goidgen(&self, n: u64) {
        self.goidgen.fetch_add(n, Ordering::Relaxed);
    }

    /// Returns the Ps' cached free Gs to the global pool; called when the runtime ends.
    pub(crate) fn release(&self) {
        for p in self.ps.iter() {
            // SAFETY: the runtime has ended: no M holds any P.
            let local = unsafe { &mut *p.gfree.get() };
            gfree::put_global(local.drain(..));
        }
    }
}

// ---- M: the scheduler loop --------------------------------------------------------------

impl M {
    pub(crate) fn p(&self) -> &P {
        // SAFETY: called only while the M holds a P (checked by callers' control flow).
        unsafe { &*self.p.get() }
    }

    /// Pushes `gp` (runnable, owned by the caller) to this M's home queue, waking the M if
    /// it sleeps.
    pub(crate) fn inject(&self, gp: GRef) {
        self.homeq.push_and_wake(gp, &self.park, || {
            // The M is awake: if it holds a P, it may be running a goroutine that keeps it
            // for a whole slice. Tell sysmon (`P::homework`); its wake-up, if any (at most
            // one per `HOME_WAIT`), happens under the queue's lock, which keeps `self` alive.
            if let Some(p) = self.p.get_ref()
                && p.homework.0.load(Ordering::Relaxed) == 0
            {
                let look = self.sched.sysmon_looks.load(Ordering::Relaxed);
                p.homework.0.store(look, Ordering::Relaxed);
                crate::sysmon::home_work(&self.sched);
            }
        });
    }

    /// Moves the Gs other threads readied for us to our queue's tail, and clears the
    /// P's flag that said they wait (`P::homework`).
    fn take_homeq(&self, p: &P) {
        if p.homework.0.load(Ordering::Relaxed) != 0 {
            // Before the take: a G pushed after it flags the P again.
            p.homework.0.store(0, Ordering::Relaxed);
        }
        if self.homeq.is_empty() {
            return;
        }
        for gp in self.homeq.take_all() {
            self.runq_push(p, gp);
        }
    }

    /// Queues `gp` (runnable, owned by the caller) on this M's P: in `runnext` if `next`
    /// (the G there before goes to a tail), else at the tail — the P's queue for a fresh G,
    /// this M's queue for one of its own started Gs, its home's for another M's. Returns
    /// whether a fresh G is now where other Ms may take it. Go: runqput.
    pub(crate) fn runqput(&self, p: &P, gp: GRef, next: bool) -> bool {
        let mut fresh = false;
        let gp = if next {
            fresh = gp.m.load(Ordering::Relaxed).is_null();
            // SAFETY: `p` is this M's P; we are its thread.
            match unsafe { p.runq.put_next(gp) } {
                Some(old) => old,
                None => return fresh,
            }
        } else {
            gp
        };
        let home = gp.m.load(Ordering::Relaxed);
        if home.is_null() {
            // SAFETY: as above.
            unsafe { p.runq.put_fresh(gp, &self.sched.global) };
            return true;
        } else if ptr::eq(home, self) {
            self.runq_push(p, gp);
        } else {
            // SAFETY: a live G's home M is alive as long as its runtime.
            unsafe { (*home).inject(gp) };
        }
        fresh
    }

    /// The next G to run from this M's P and its own queue: `runnext`, then the older of
    /// the two heads. Go: runqget.
    ///
    /// # Safety
    /// `p` is the P this M holds.
    unsafe fn runqget(&self, p: &P) -> Option<GRef> {
        // SAFETY: per the contract, for every call on `p.runq` below.
        unsafe {
            // Go's runnext may starve the queue until sysmon preempts (10 ms); here fresh
            // work passed over `RUNNEXT_STREAK` times in a row goes first, so this M starts
            // it long before a thief may (`steal_work`), and then keeps it.
            let streak = &mut *p.nextstreak.get();
            let starving = *streak >= RUNNEXT_STREAK && p.runq.has_queued_fresh();
            if !starving && let Some(gp) = p.runq.take_next() {
                *streak += 1;
                self.inherit.set(true);
                return Some(gp);
            }
            *streak = 0;
            loop {
                let fresh = p.runq.peek_stamp();
                match (self.runq_front_stamp(), fresh) {
                    (Some(mine), Some(theirs)) if theirs < mine => {}
                    (Some(_), _) => return self.runq_pop(),
                    (None, Some(_)) => {}
                    (None, None) => return p.runq.take_next(),
                }
                if let Some(gp) = p.runq.take_peek() {
                    return Some(gp);
                }
                // A thief took the fresh head: look again.
            }
        }
    }

    /// Go: schedule — find a G, run it, repeat.
    ///
    /// A G found in a queue that started on another M is forwarded to that M (invariant 3);
    /// while the runtime ends, fresh Gs are dropped unrun and started ones unwound.
    pub(crate) fn schedule(&self, me: &Arc<M>) {
        let s = &*self.sched;
        loop {
            let Some(gp) = self.find_runnable(me) else {
                return;
            };
            let inherit = self.inherit.replace(false);
            if self.spinning.load(Ordering::Relaxed) {
                self.resetspinning();
            }
            let mut home = gp.m.load(Ordering::Acquire);
            // (The M's own lock count first: it is rarely set, and `prehomed` is on the G.)
            if self.nlocked.get() != 0 && ptr::eq(home, self) && gp.prehomed.load(Ordering::Relaxed)
            {
                // Homed here at its spawn (`Sched::spread_target`), and this M got locked
                // before it ran: a locked thread starts nothing new, so it is fresh again.
                gp.prehomed.store(false, Ordering::Relaxed);
                gp.m.store(ptr::null_mut(), Ordering::Relaxed);
                self.nhomed.fetch_sub(1, Ordering::Relaxed);
                home = ptr::null_mut();
            }
            if home.is_null() {
                if s.killing.load(Ordering::SeqCst) {
                    crate::shutdown::drop_unrun(self, gp);
                    continue;
                }
                if self.nlocked.get() != 0 {
                    // A fresh G left on this M's P as the M got locked: a locked thread
                    // runs its own goroutines only.
                    s.global.put(gp);
                    s.wakep();
                    continue;
                }
            } else if !ptr::eq(home, self) {
                // SAFETY: as in `Sched::ready`: a live G's home M is alive.
                unsafe { (*home).inject(gp) };
                continue;
            } else if s.killing.load(Ordering::SeqCst) {
                if gp.prehomed.load(Ordering::Relaxed) {
                    // Homed here at its spawn (`Sched::spread_target`), never run.
                    crate::shutdown::drop_unrun(self, gp);
                    continue;
                }
                gp.killed.store(true, Ordering::Release);
            }
            if !inherit {
                // A new time slice (Go: execute's schedtick++ unless inheritTime).
                let p = self.p();
                p.slicetick.store(
                    p.slicetick.load(Ordering::Relaxed).wrapping_add(1),
                    Ordering::Relaxed,
                );
                gp.preempt.store(false, Ordering::Relaxed);
            }
            self.execute(gp);
        }
    }

    /// Returns a runnable G, sleeping as long as there is none; `None` when the runtime
    /// ends. Go: findRunnable.
    fn find_runnable(&self, me: &Arc<M>) -> Option<GRef> {
        let s = &*self.sched;
        'top: loop {
            if s.shutdown.load(Ordering::SeqCst) {
                return None;
            }
            // A dump wants our goroutines' frames: none of them runs now.
            crate::traceback::serve(self);
            let p = self.p();
            let nprocs = s.gomaxprocs();
            if p.id >= nprocs {
                self.retire_p();
                if !self.stopm(me) {
                    return None;
                }
                continue 'top;
            }
            if self.handoff_if_wanted() {
                if !self.stopm(me) {
                    return None;
                }
                continue 'top;
            }
            // goro time: our P's due timers first (Go: checkTimers in schedule).
            s.run_timers(p);
            self.take_homeq(p);
            self.release_behind_global(p);
            if self.nlocked.get() != 0 {
                // A locked M runs only its own Gs; fresh Gs on its P (spawned here) need
                // another M, so it keeps the P only while there are none.
                if p.runq.is_empty()
                    && let Some(gp) = self.runq_pop()
                {
                    return Some(gp);
                }
                self.handoffp();
                if !self.stopm(me) {
                    return None;
                }
                continue 'top;
            }
            // SAFETY: we hold `p`; the tick and queues are ours.
            unsafe {
                let tick = &mut *p.schedtick.get();
                *tick = tick.wrapping_add(1);
                p.runq.tick();
                if tick.is_multiple_of(GLOBAL_TICK) {
                    crate::shrinkstack::pass(self);
                }
                if tick.is_multiple_of(GLOBAL_TICK)
                    && s.global.len() > 0
                    && let Some(gp) = s.global.get_one()
                {
                    return Some(gp);
                }
                if let Some(gp) = self.runqget(p) {
                    return Some(gp);
                }
                if let Some(gp) = p.runq.get_global(&s.global, nprocs) {
                    return Some(gp);
                }
                *p.idletick.get() = *tick;
                p.spawnto.store(ptr::null_mut(), Ordering::Relaxed);
            }
            // Goroutines whose I/O is ready, from our own poller (Go: netpoll(0) before
            // stealing). Ours go to our P; other Ms' (sharing a socket) to their homes.
            #[cfg(not(goro_loom))]
            if crate::netpoll::poll_ready(self) {
                continue 'top;
            }
            // Steal, unless enough Ms already spin (Go: 2*nmspinning >= busy Ps).
            let mut young_work = false;
            let spinning = self.spinning.load(Ordering::Relaxed);
            let busy = nprocs.saturating_sub(s.npidle.load(Ordering::SeqCst));
            if spinning || 2 * s.nmspinning.load(Ordering::SeqCst) < busy {
                if !spinning {
                    self.spinning.store(true, Ordering::Relaxed);
                    s.nmspinning.fetch_add(1, Ordering::SeqCst);
                }
                let (gp, young) = self.steal_work(p, nprocs);
                if gp.is_some() {
                    return gp;
                }
                young_work = young;
            }
            // Goroutines of ours that other threads may ready any moment: wait a little
            // before sleeping, since waking a sleeping M costs more than a hand-off (and
            // a started goroutine can only run here).
            if self.spin_for_work(p, nprocs, young_work) {
                continue 'top;
            }
            // goro time: due timers of every P (Go: stealWork's checkTimers); what they
            // readied may be ours to run.
            if s.run_all_timers() {
                continue 'top;
            }
            // Nothing: give the P back, stop spinning, then look once more.
            {
                let mut l = s.lock();
                if s.shutdown.load(Ordering::SeqCst) {
                    return None;
                }
                if s.global.len() > 0 || !self.homeq.is_empty() || !self.runq_is_empty() {
                    continue 'top; // (our queue: Gs that waited behind the global queue)
                }
                s.pidleput(&mut l, p);
                self.p.set(ptr::null());
                l.nmidling += 1; // `startm` may hand us a P instead of making an M
            }
            self.stop_spinning();
            fence(Ordering::SeqCst);
            // Work for us: queued fresh Gs, or anything on a P nobody holds. A held P's
            // `runnext` is its M's to run next (a started G there always; a fresh one
            // unless sysmon finds that M held up, and wakes us). Counting it kept this M
            // cycling between idle and spinning while a pipeline ran on the other thread,
            // pulling that G's cache line at every look.
            let work = s.global.len() > 0
                || s.ps[..nprocs].iter().any(|q| {
                    if q.held.load(Ordering::SeqCst) {
                        q.runq.has_queued_fresh()
                    } else {
                        !q.runq.is_empty()
                    }
                });
            // A lone fresh `runnext` elsewhere is left to its M (`stealable`); if it is
            // still there when it may be stolen, this M looks again then.
            let now = crate::runq::nanotime();
            let recheck = s.ps[..nprocs]
                .iter()
                .filter(|q| q.held.load(Ordering::Relaxed) && q.runq.has_fresh())
                .map(|q| now + RUNNEXT_STEAL_DELAY_NS.saturating_sub(q.runq.fresh_age(now)))
                .min();
            if !self.stopm_idling(me, work, recheck) {
                return None;
            }
        }
    }

    /// Before this M sleeps: if it is home to goroutines that another thread may ready,
    /// watches its home queue (and its network poller) for up to `HOME_SPIN`; if another P
    /// has fresh work too young
    /// to steal (`young`), until that is old enough or gone. True if something turned up.
    /// goro's own: in Go a goroutine readied by another thread runs on that thread's P, so
    /// nobody needs to be awake for it.
    fn spin_for_work(&self, p: &P, nprocs: usize, mut young: bool) -> bool {
        let s = &*self.sched;
        let home = if self.nhomed.load(Ordering::Relaxed) != 0 {
            HOME_SPIN
        } else {
            std::time::Duration::ZERO
        };
        if home.is_zero() && !young {
            return false;
        }
        let start = std::time::Instant::now();
        loop {
            // Mostly our own home queue's line: reading other Ps' queues in a tight loop
            // would pull the cache lines their Ms are writing.
            for _ in 0..64 {
                if !self.homeq.is_empty() {
                    return true;
                }
                crate::loom::hint::spin_loop();
            }
            if s.nmwantp.load(Ordering::Relaxed) > 0 {
                // An M with work of its own waits for a P: give ours up now (the idle path
                // hands it over) rather than spin on it.
                return false;
            }
            if s.global.len() > 0 {
                return true;
            }
            // What we wait for may be on a thread waiting for this CPU (the kernel often
            // puts a woken M on its waker's CPU): let it run.
            crate::loom::thread::yield_now();
            // Our goroutines' I/O readiness comes to our own poller, not the home queue.
            #[cfg(not(goro_loom))]
            if crate::netpoll::poll_ready(self) {
                return true;
            }
            // Other Ps' queues only while waiting for their young work to age: looking at
            // them otherwise keeps pulling cache lines their Ms are writing.
            if young {
                let now = crate::runq::nanotime();
                young = false;
                for q in &s.ps[..nprocs] {
                    if q.id != p.id {
                        match stealable(&q.runq, now) {
                            Some(true) => return true,
                            Some(false) => young = true,
                            None => {}
                        }
                    }
                }
            }
            let spun = start.elapsed();
            if young && spun >= YOUNG_SPIN {
                // Still young after a full steal delay: newer work keeps arriving behind
                // it, so its M is scheduling. This M goes idle; its last look
                // (`stopm_idling`) brings it back if queued work is still there.
                young = false;
            }
            if (!young && spun >= home) || p.id >= s.gomaxprocs() {
                return false;
            }
        }
    }

    /// Tries to steal from the other Ps, in random order, four rounds; the last round may take
    /// a victim's runnext. Go: stealWork.
    ///
    /// goro takes only fresh work that has waited `STEAL_DELAY`: a goroutine starts for good
    /// on the M that first runs it, and goroutines spawned by one that then blocks (a
    /// pipeline, a fan-in) are best left to the spawner's M, which runs them within
    /// microseconds; work still waiting after that is what the spawner's M cannot keep up
    /// with. (In Go the placement does not matter: a goroutine readied later moves to the
    /// readier's P.) The second result says fresh work younger than that was seen.
    fn steal_work(&self, p: &P, nprocs: usize) -> (Option<GRef>, bool) {
        let s = &*self.sched;
        let now = crate::runq::nanotime();
        let mut young = false;
        for round in 0..4 {
            let start = fastrand(nprocs);
            for i in 0..nprocs {
                let victim = &s.ps[(start + i) % nprocs];
                if victim.id == p.id {
                    continue;
                }
                match stealable(&victim.runq, now) {
                    None => continue,
                    Some(false) => {
                        young = true;
                        continue;
                    }
                    Some(true) => {}
                }
                // SAFETY: we hold `p`.
                if let Some(gp) = unsafe { p.runq.steal_from(&victim.runq, round == 3) } {
                    return (Some(gp), false);
                }
            }
        }
        (None, young)
    }

    /// Runs `gp` until it switches back, then does what it asked. Go: execute + the mcall
    /// targets (park_m, gosched_m, goexit0).
    pub(crate) fn execute(&self, gp: GRef) {
        let home = gp.m.load(Ordering::Relaxed);
        if home.is_null() {
            // First run: this M is the G's home from now on.
            gp.m.store((self as *const M).cast_mut(), Ordering::Release);
            self.nhomed.fetch_add(1, Ordering::Relaxed);
        } else if !ptr::eq(home, self) {
            throw("execute: a started goroutine on another thread");
        } else if gp.prehomed.load(Ordering::Relaxed) {
            gp.prehomed.store(false, Ordering::Relaxed); // its first run
        }
        let p = self.p();
        p.curg.store(gp.as_ptr(), Ordering::Release);
        // Its stack may have been given back while it waited for IO (`shrinkstack.rs`).
        crate::shrinkstack::restore(gp);
        loop {
            gp.set_status(G_RUNNING, Ordering::Release);
            setg(gp.as_ptr());
            #[cfg(goro_asan)]
            {
                let st = gp.stack.as_ref().map_or((0, 0), |s| (s.lo, s.hi - s.lo));
                let mut g0 = self.asan_g0.get();
                crate::asan::start_switch(&mut g0.0, st.0, st.1);
                self.asan_g0.set(g0);
            }
            // SAFETY: gp was taken from a run queue (or just failed to park), so this M owns
            // it; its context was saved by `switch` or made by `init_stack`; g0 is ours.
            unsafe { arch::switch(self.g0.get(), gp.ctx.get()) };
            #[cfg(goro_asan)]
            crate::asan::finish_switch(self.asan_g0.get().0);
            setg(ptr::null_mut());
            p.curg.store(ptr::null_mut(), Ordering::Relaxed);
            match self.after.replace(After::None) {
                After::None => throw("execute: G switched to g0 without a reason"),
                after @ (After::Gosched | After::Preempt) => {
                    gp.set_status(G_RUNNABLE, Ordering::Release);
                    if let After::Preempt = after {
                        self.sched.run_timers(p);
                        self.take_homeq(p);
                    }
                    if self.defer_behind_global(gp) {
                        return;
                    }
                    if self.runqput(self.p(), gp, false) {
                        self.sched.wakep();
                    }
                    return;
                }
                After::Park { data, unlock } => {
                    // SAFETY: `data`/`unlock` were built by `gopark` for exactly this call,
                    // and gp's frame holding `data` is frozen until it is resumed.
                    let parked = crate::park::park_m(
                        gp,
                        |gp| unsafe { unlock(data, gp) },
                        &self.sched.killing,
                        |gp| self.sched.ready(gp),
                    );
                    if parked {
                        return;
                    }
                    // Go: park_m's "unlockf returned false": resume at once.
                }
                After::Exit => {
                    self.goexit0(gp);
                    return;
                }
            }
        }
    }

    /// Bookkeeping after a G's body returned. Go: goexit0.
    fn goexit0(&self, gp: GRef) {
        crate::lockosthread::unwire_at_exit(self, gp);
        self.retire_dead(gp);
    }

    /// Marks `gp` dead, returns it to the free pool and ends the runtime if it was the last
    /// one that mattered.
    pub(crate) fn retire_dead(&self, gp: GRef) {
        let s = &*self.sched;
        let is_main = ptr::eq(s.main_g.load(Ordering::Relaxed), gp.as_ptr());
        let home = gp.m.swap(ptr::null_mut(), Ordering::Relaxed);
        if !home.is_null() {
            // SAFETY: a G's home M is alive as long as its runtime.
            unsafe { (*home).nhomed.fetch_sub(1, Ordering::Relaxed) };
        }
        gp.set_status(G_DEAD, Ordering::Release);
        gp.sched.store(ptr::null_mut(), Ordering::Relaxed);
        gfree::put(self.p.get_ref(), gp);
        if is_main {
            s.main_done.store(true, Ordering::SeqCst);
        }
        s.count_goroutine(self.p.get_ref(), -1);
        // After goroutine 1's Goexit the runtime ends with the last goroutine. Every
        // exit counts (SeqCst) before it sums, so of two last exits at once at least one
        // sees both (ending twice is harmless).
        if (is_main && !s.main_goexited.load(Ordering::SeqCst))
            || (s.main_goexited.load(Ordering::SeqCst) && s.num_goroutines() == 0)
        {
            s.begin_killing();
        }
    }
}

/// Whether thieves may take fresh work from `q` now (`Some(true)`), only a little later
/// (`Some(false)`: queued work younger than `STEAL_DELAY_NS`, worth watching), or not
/// (`None`: nothing fresh, or a lone `runnext` younger than `RUNNEXT_STEAL_DELAY_NS`).
///
/// A lone `runnext` is not watched: its own M runs it at its next schedule, which is
/// nearly always within microseconds. An M that waited for it spun, went idle and came
/// back for it again and again until its delay had passed; when the kernel had
/// put that M on the spawner's CPU (where the futex wake-up of `wakep` often lands it),
/// the spawner could not run, the `runnext` aged, and was taken: prime_sieve lost 1 to
/// 100 of its stages to the other thread that way, each then crossing threads at every
/// number (1.4 s without such steals, 2-6 s with them). If its M really is held up,
/// sysmon wakes an M for it (`sysmon::retake`), which takes it once it is old enough.
fn stealable(q: &LocalQ, now: u64) -> Option<bool> {
    if q.has_queued_fresh() {
        return Some(q.fresh_age(now) >= STEAL_DELAY_NS);
    }
    (q.has_fresh() && q.fresh_age(now) >= RUNNEXT_STEAL_DELAY_NS).then_some(true)
}

/// Switches from the running G to its M's g0, asking for `after`. Returns when the G is
/// resumed, on the same M (its home). Go: mcall.
pub(crate) fn mcall(gp: GRef, after: After) {
    let m = getm();
    // SAFETY: a goroutine always runs on an M (TLS set by mstart/execute).
    let m = unsafe { &*m };
    m.after.set(after);
    #[cfg(goro_asan)]
    {
        let (_, g0_lo, g0_size) = m.asan_g0.get();
        let save = if matches!(after, After::Exit) {
            ptr::null_mut()
        } else {
            gp.asan_fake.get()
        };
        crate::asan::start_switch(save, g0_lo, g0_size);
    }
    // SAFETY: gp is the running G (owned by this M); g0's context was saved by `execute`'s
    // switch. gp is published (to queues or wakers) only after this switch completes.
    unsafe { arch::switch(gp.ctx.get(), m.g0.get()) };
    // Resumed (on the same M: the G's home): learn g0's stack bounds for the next switch.
    #[cfg(goro_asan)]
    // SAFETY: the running G owns its fake-stack slot.
    asan_arrived(unsafe { *gp.asan_fake.get() });
}

/// First thing a goroutine does on arriving on its stack (ASan builds): finish the switch
/// and remember the bounds of the g0 it came from.
#[cfg(goro_asan)]
#[inline(always)]
fn asan_arrived(fake: *mut core::ffi::c_void) {
    let (lo, size) = crate::asan::finish_switch(fake);
    let m = getm();
    if !m.is_null() {
        // SAFETY: a non-null TLS M is this thread's live M; the cell is its own.
        let m = unsafe { &*m };
        let (f, _, _) = m.asan_g0.get();
        m.asan_g0.set((f, lo, size));
    }
}

/// First function on every goroutine stack: runs the body, then exits. Go: goexit1.
pub(crate) unsafe extern "C" fn gentry(arg: usize) -> ! {
    // SAFETY: `init_g` passes the G's own pointer as the argument.
    let gp = unsafe { GRef::from_ptr(arg as *mut G) };
    #[cfg(goro_asan)]
    asan_arrived(ptr::null_mut());
    // SAFETY: the running G owns its entry.
    let (owner, body) = (gp.entry.name_fn(), || unsafe { gp.entry.call() });
    // The body is a frame: its deferred calls may recover (`defer.rs`).
    if let crate::defer::Outcome::Panicking(payload) = crate::defer::frame_owned(owner, body) {
        crate::panic::unrecovered(gp, payload);
    }
    crate::defer::clear();
    // SAFETY: the running G owns its panic record.
    unsafe { *gp.panic.get() = None };
    mcall(gp, After::Exit);
    throw("gentry: a dead goroutine was resumed")
}

/// Small xorshift RNG for steal order (Go: cheaprand).
pub(crate) fn fastrand(n: usize) -> usize {
    std::thread_local!(static STATE: Cell<u64> = const { Cell::new(0) });
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            x = (s as *const _ as u64) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        // Lemire's multiply-shift, not `%`: a 64-bit divide costs tens of cycles, and
        // `select` asks for one number per case. Go: cheaprandn.
        ((u128::from(x) * n as u128) >> 64) as usize
    })
}

/// How many times a `sync::Mutex` waiter spins before it queues, and how many pauses each
/// spin is. Go: active_spin, active_spin_cnt.
const SYNC_ACTIVE_SPIN: u32 = 4;
pub(crate) const SYNC_ACTIVE_SPIN_CNT: u32 = 30;

/// Whether a `sync::Mutex` waiter may spin for the `i`th time: on a multicore machine, fewer
/// than 4 times, while another P is running goroutines (the holder may be one of them, about
/// to unlock) and this P has nothing else to run. Cheap: a few relaxed loads. A plain thread
/// (no P) may spin on a multicore machine: it would otherwise sleep on a futex. Go:
/// sync_runtime_canSpin.
pub(crate) fn can_spin(i: u32) -> bool {
    if cfg!(goro_loom) || i >= SYNC_ACTIVE_SPIN || ncpu() <= 1 {
        return false;
    }
    let m = getm();
    if m.is_null() {
        return true;
    }
    // SAFETY: a non-null TLS M is this thread's live M.
    let m = unsafe { &*m };
    let s = &*m.sched;
    let idle = s.npidle.load(Ordering::Relaxed) + s.nmspinning.load(Ordering::Relaxed);
    if s.gomaxprocs.load(Ordering::Relaxed) <= idle + 1 {
        return false;
    }
    // SAFETY: a non-null P pointer in an M is a P it holds (we are its thread).
    match unsafe { m.p.get().as_ref() } {
        Some(p) => p.runq.is_empty() && m.runq_is_empty() && m.homeq.is_empty(),
        None => false,
    }
}

/// One spin of a `sync::Mutex` waiter. Go: sync_runtime_doSpin (procyield).
pub(crate) fn do_spin() {
    for _ in 0..SYNC_ACTIVE_SPIN_CNT {
        crate::loom::hint::spin_loop();
    }
}

/// The number of CPUs, read once. Go: ncpu.
pub(crate) fn ncpu() -> usize {
    static NCPU: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *NCPU.get_or_init(crate::runtime::num_cpu)
}
