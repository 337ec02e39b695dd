//! sysmon: the runtime's watchdog, a thread without a P. Go: runtime.sysmon (proc.go).
//!
//! It looks at the Ps every 20 µs while it finds something to do, backing off to 10 ms
//! after 50 idle looks (Go's delays). In `retake`, a P whose goroutine has run 20 µs
//! without a scheduling point gets its fresh goroutines stolen by a woken M (goro's form of
//! Go's handoffp), and a P whose time slice (`P::slicetick`, which does not advance when a
//! goroutine is taken from `runnext`: Go's inheritTime) has lasted more than 10 ms gets its
//! running goroutine marked (`G::preempt`). That goroutine yields (as `gosched`: behind its
//! queue and the global queue's work) at its next scheduling point (`park::preempt_point`:
//! every channel operation, `select!` and lock; `go!`/`spawn`, `newproc.rs`), so a
//! pair handing work back and forth through `runnext` cannot starve the rest of its P.
//! A slice is also cut once goroutines that other threads readied for its thread, or a
//! timer of its P, have waited `HOME_WAIT` (1 ms): only that thread may run them.
//! goro cannot interrupt a goroutine between those points (Go ≥ 1.14 sends a signal): a
//! loop that never touches a channel runs on, as in Go ≤ 1.13.
//!
//! Every second (less often with very many goroutines: `STAMP_EVERY`) it stamps when each
//! parked goroutine began waiting (`G::waitsince`), for the `, N minutes` of goroutine dumps.
//!
//! With `GODEBUG=schedtrace=MS` it also prints Go's `SCHED` line every MS ms (Go:
//! schedtrace), from the runtime's start.

use crate::loom::atomic::Ordering;
use crate::loom::static_atomic::AtomicBool;
use crate::proc::Sched;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// Shortest and longest sleep between two looks (Go: 20 µs, 10 ms).
const MIN_DELAY: Duration = Duration::from_micros(20);
const MAX_DELAY: Duration = Duration::from_millis(10);
/// Idle looks before the delay starts doubling (Go: 50).
const IDLE_BEFORE_BACKOFF: u32 = 50;
/// A time slice longer than this is preempted (Go: forcePreemptNS).
const FORCE_PREEMPT: Duration = Duration::from_millis(10);
/// A slice this long is cut short if, meanwhile, another goroutine of its thread was readied
/// by another thread (`P::homework`) or a timer of its P is this late. goro's own: in Go that
/// goroutine would run on the readier's P, or be stolen by an idle one; here only its own
/// thread may run it (thread affinity), so its wait is bounded by this instead of by
/// `FORCE_PREEMPT`. (A goroutine readied from a plain thread behind one looping on a lock
/// waited 14–33 ms; `tests/preempt.rs`.)
const HOME_WAIT: Duration = Duration::from_millis(1);
/// A slice this long may be a goroutine blocked in a call goro cannot see (`std::thread::sleep`,
/// blocking I/O not in `runtime::syscall`): its P's fresh work should run elsewhere (Go: a
/// P in a syscall for one sysmon tick is handed off).
const BLOCKED: Duration = Duration::from_micros(20);
/// How often parked goroutines get their wait start stamped (`traceback::stamp_waits`), at
/// most: a pass visits every G, a TLB miss each (each G sits in its own stack page), so with
/// a million goroutines one pass takes a good part of a second. The next pass waits at least
/// `STAMP_COST` times as long as the last one took, keeping sysmon's share of a CPU near 1%;
/// dumps show waits in minutes, so a late stamp costs them little.
const STAMP_EVERY: Duration = Duration::from_secs(1);
const STAMP_COST: u32 = 100;

/// Whether sysmon preempts (`set_preemption`).
static PREEMPT: AtomicBool = AtomicBool::new(true);

/// Turns sysmon's preemption off or on for the whole process. For tests that check Go's
/// exact order of events on one P (a preemption after a 10 ms slice — slow debug builds on
/// a loaded machine get there — would reorder them), not for programs.
#[doc(hidden)]
pub fn set_preemption(on: bool) {
    PREEMPT.store(on, Ordering::Relaxed);
}

/// Starts sysmon for `sched` (once; `newproc` calls this at the first `go`: a runtime
/// with goroutine 1 alone has nobody to starve). Its thread is joined with the Ms.
pub(crate) fn start(sched: &Arc<Sched>) {
    // Every `newproc` calls this: a plain load keeps the flag's cache line shared between
    // the threads instead of bouncing it with a read-modify-write per goroutine.
    if sched.sysmon_started.load(Ordering::Acquire)
        || sched.sysmon_started.swap(true, Ordering::AcqRel)
    {
        return;
    }
    let weak = Arc::downgrade(sched);
    let spawned = std::thread::Builder::new()
        .name("goro-sysmon".into())
        .spawn(move || run(weak));
    match spawned {
        Ok(t) => {
            let _ = sched.sysmon.set(t.thread().clone());
            sched.lock().threads.push(t);
        }
        // Without sysmon only preemption is lost; say so once.
        Err(e) => eprintln!("goro: cannot start sysmon ({e}); continuing without it"),
    }
}

/// Wakes sysmon so it sees the runtime end (`Sched::end`).
pub(crate) fn wake(sched: &Sched) {
    if let Some(t) = sched.sysmon.get() {
        t.unpark();
    }
}

/// A P was flagged with work waiting for its thread (`P::homework`): if sysmon is in a
/// long sleep, wake it, so that its looks bound the wait by `HOME_WAIT` from now on.
pub(crate) fn home_work(sched: &Sched) {
    if sched.sysmon_dozing.load(Ordering::Relaxed)
        && sched.sysmon_dozing.swap(false, Ordering::Relaxed)
    {
        wake(sched);
    }
}

/// `GODEBUG=schedtrace=MS` (0: off).
pub(crate) fn schedtrace_ms() -> u64 {
    static MS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *MS.get_or_init(|| {
        std::env::var("GODEBUG")
            .ok()
            .and_then(|v| {
                v.split(',')
                    .find_map(|kv| kv.strip_prefix("schedtrace=")?.parse().ok())
            })
            .unwrap_or(0)
    })
}

/// Go's `SCHED` line: Ps, Ms and queue lengths (each P's local queue of fresh goroutines;
/// started goroutines wait in their thread's own queue, not shown).
fn schedtrace(sched: &Sched, start: Instant) {
    let nprocs = sched.gomaxprocs();
    let (threads, idle) = {
        let l = sched.lock();
        (l.allm.len(), l.midle.len() + l.mlocked.len())
    };
    let queues: Vec<String> = sched.ps[..nprocs]
        .iter()
        .map(|p| p.runq.len().to_string())
        .collect();
    eprintln!(
        "SCHED {}ms: gomaxprocs={} idleprocs={} threads={} spinningthreads={} idlethreads={} runqueue={} [{}]",
        start.elapsed().as_millis(),
        nprocs,
        sched.npidle.load(Ordering::Relaxed),
        threads,
        sched.nmspinning.load(Ordering::Relaxed),
        idle,
        sched.global.len(),
        queues.join(" ")
    );
}

/// Publishes whether sysmon is about to sleep longer than `HOME_WAIT` (`home_work`).
fn sched_dozing(weak: &Weak<Sched>, dozing: bool) {
    if let Some(sched) = weak.upgrade() {
        sched.sysmon_dozing.store(dozing, Ordering::Relaxed);
    }
}

fn run(weak: Weak<Sched>) {
    let mut delay = MIN_DELAY;
    let mut idle = 0u32;
    let start = Instant::now();
    let trace = Duration::from_millis(schedtrace_ms());
    let mut lasttrace: Option<Instant> = None;
    let mut laststamp = start;
    let mut stamp_every = STAMP_EVERY;
    // Per P: its slice and home work as last seen (Go: p.sysmontick).
    let mut seen: Vec<Seen> = Vec::new();
    loop {
        if idle == 0 {
            delay = MIN_DELAY;
        } else if idle > IDLE_BEFORE_BACKOFF {
            delay = (delay * 2).min(MAX_DELAY);
        }
        if delay <= HOME_WAIT {
            std::thread::park_timeout(delay);
        } else {
            // The first `HOME_WAIT` undisturbed; then a readier flagging home work may cut
            // the sleep short (`home_work`): at most one such wake-up per `HOME_WAIT`.
            let t = Instant::now();
            std::thread::park_timeout(HOME_WAIT);
            let slept = t.elapsed();
            if slept >= HOME_WAIT {
                sched_dozing(&weak, true);
                std::thread::park_timeout(delay - slept.min(delay));
                sched_dozing(&weak, false);
            }
        }
        let Some(sched) = weak.upgrade() else {
            return;
        };
        if sched.shutdown.load(Ordering::SeqCst) {
            return;
        }
        if !trace.is_zero() && lasttrace.is_none_or(|t| t.elapsed() >= trace) {
            lasttrace = Some(Instant::now());
            schedtrace(&sched, start);
        }
        if laststamp.elapsed() >= stamp_every {
            let t = Instant::now();
            crate::traceback::stamp_waits();
            laststamp = Instant::now();
            stamp_every = STAMP_EVERY.max((laststamp - t) * STAMP_COST);
        }
        #[cfg(not(goro_loom))]
        if crate::netpoll::sysmon_poll() {
            idle = 0;
        }
        // Go counts only the Ps it took back from system calls as work (a preemption
        // mark is not: a goroutine that never reaches a preemption point stays marked,
        // and sysmon waking every 20 µs for it would take a CPU share from busy threads).
        let (watching, timer_late_at) = retake(&sched, &mut seen);
        idle += 1;
        if watching {
            // A slice that may outlast `HOME_WAIT`: look again in time to cut it.
            delay = delay.min(HOME_WAIT);
        }
        if let Some(at) = timer_late_at {
            // A busy P's timer will be `HOME_WAIT` late then: look in time to cut its slice
            // (backed off, the next look could come 10 ms after).
            let until = Duration::from_nanos(at.saturating_sub(crate::runq::nanotime()));
            delay = delay.min(until.max(MIN_DELAY));
        }
    }
}

/// What sysmon saw of a P at its last looks.
#[derive(Clone, Copy)]
struct Seen {
    /// The slice tick, and when it was first seen.
    tick: u32,
    since: Instant,
    /// `P::homework` (0: none), and when that value was first seen.
    home: u64,
    home_since: Instant,
}

/// Marks the running goroutine of every P whose slice has lasted `FORCE_PREEMPT`, or whose
/// thread has let goroutines readied by other threads or a due timer wait `HOME_WAIT`; and
/// gets the fresh work of a P whose slice has lasted `BLOCKED` taken by another M. Go:
/// retake.
///
/// Go hands such a P itself to another M, since its M is in a system call that gave up the
/// P's ownership. goro's M may be in a blocking call it cannot see or computing, still owning
/// the P, so only the P's fresh goroutines move: they are stealable, and `wakep` starts a
/// spinning M to steal them (it waits out their steal delay, `proc.rs`). Started goroutines
/// wait for their own thread, as thread affinity requires; `runtime::syscall` frees it.
///
/// Home work's wait: a value of `P::homework` seen at an earlier look and still there has
/// waited since then (the M clears it when it takes the work, and a later push stores a
/// later look count). A timer `HOME_WAIT` past due has waited that long. Either means the
/// M has not scheduled meanwhile (it does both at every schedule and yield).
///
/// Returns whether a P has such work waiting, not yet for `HOME_WAIT`, and when the
/// earliest timer of a P that is running a goroutine will be `HOME_WAIT` late (nanotime).
fn retake(sched: &Sched, seen: &mut Vec<Seen>) -> (bool, Option<u64>) {
    let now = Instant::now();
    sched.sysmon_looks.fetch_add(1, Ordering::Relaxed);
    let mut watching = false;
    let mut late: Option<u64> = None;
    let mut timer_late_at: Option<u64> = None;
    let nprocs = sched.gomaxprocs();
    if seen.len() < nprocs {
        let fresh = Seen {
            tick: 0,
            since: now,
            home: 0,
            home_since: now,
        };
        seen.resize(nprocs, fresh);
    }
    for (p, s) in sched.ps[..nprocs].iter().zip(seen.iter_mut()) {
        let tick = p.slicetick.load(Ordering::Relaxed);
        let home = p.homework.0.load(Ordering::Relaxed);
        if home != s.home {
            (s.home, s.home_since) = (home, now);
        }
        let holding = p.held.load(Ordering::Relaxed);
        let when0 = p.timers.when0();
        if holding && when0 != u64::MAX {
            let at = when0.saturating_add(HOME_WAIT.as_nanos() as u64);
            timer_late_at = Some(timer_late_at.map_or(at, |t| t.min(at)));
        }
        if !holding || tick != s.tick {
            (s.tick, s.since) = (tick, now);
            // An idle P's value is stale (its next holder clears it at its first
            // schedule): nothing to watch, or sysmon would look every 1 ms while idle.
            watching |= holding && home != 0;
            continue;
        }
        let held = now.duration_since(s.since);
        if held >= BLOCKED && p.runq.has_fresh() {
            // A no-op if an M already spins or no P is idle. Not counted as work done:
            // a runnext pair with queued fresh work would keep sysmon at 20 µs for good.
            sched.wakep();
        }
        let timer_late = when0
            < *late.get_or_insert_with(|| {
                crate::runq::nanotime().saturating_sub(HOME_WAIT.as_nanos() as u64)
            });
        let home_late = home != 0 && now.duration_since(s.home_since) >= HOME_WAIT;
        if held < FORCE_PREEMPT && !timer_late && !home_late {
            watching |= home != 0;
            continue;
        }
        let gp = p.curg.load(Ordering::Acquire);
        if !gp.is_null() && PREEMPT.load(Ordering::Relaxed) {
            // SAFETY: G structs are never freed (`gfree.rs`); marking a G that has just
            // switched out only makes it yield once more than needed.
            unsafe { (*gp).preempt.store(true, Ordering::Relaxed) };
        }
    }
    (watching, timer_late_at)
}
