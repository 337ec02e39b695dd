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

fn run(weak: Weak<Sched>) {
    let mut delay = MIN_DELAY;
    let mut idle = 0u32;
    let start = Instant::now();
    let trace = Duration::from_millis(schedtrace_ms());
    let mut lasttrace: Option<Instant> = None;
    let mut laststamp = start;
    let mut stamp_every = STAMP_EVERY;
    // Per P: the slice tick last seen and when (Go: p.sysmontick).
    let mut seen: Vec<(u32, Instant)> = Vec::new();
    loop {
        if idle == 0 {
            delay = MIN_DELAY;
        } else if idle > IDLE_BEFORE_BACKOFF {
            delay = (delay * 2).min(MAX_DELAY);
        }
        std::thread::park_timeout(delay);
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
        retake(&sched, &mut seen);
        idle += 1;
    }
}

/// Marks the running goroutine of every P whose slice has lasted `FORCE_PREEMPT`, and gets
/// the fresh work of a P whose slice has lasted `BLOCKED` taken by another M. Go: retake.
///
/// Go hands such a P itself to another M, since its M is in a system call that gave up the
/// P's ownership. goro's M may be in a blocking call it cannot see or computing, still owning
/// the P, so only the P's fresh goroutines move: they are stealable, and `wakep` starts a
/// spinning M to steal them (it waits out their steal delay, `proc.rs`). Started goroutines
/// wait for their own thread, as thread affinity requires; `runtime::syscall` frees it.
fn retake(sched: &Sched, seen: &mut Vec<(u32, Instant)>) {
    let now = Instant::now();
    let nprocs = sched.gomaxprocs();
    if seen.len() < nprocs {
        seen.resize(nprocs, (0, now));
    }
    for (p, s) in sched.ps[..nprocs].iter().zip(seen.iter_mut()) {
        let tick = p.slicetick.load(Ordering::Relaxed);
        if tick != s.0 || !p.held.load(Ordering::Relaxed) {
            *s = (tick, now);
            continue;
        }
        let held = now.duration_since(s.1);
        if held >= BLOCKED && p.runq.has_fresh() {
            // A no-op if an M already spins or no P is idle. Not counted as work done:
            // a runnext pair with queued fresh work would keep sysmon at 20 µs for good.
            sched.wakep();
        }
        if held < FORCE_PREEMPT {
            continue;
        }
        let gp = p.curg.load(Ordering::Acquire);
        if !gp.is_null() && PREEMPT.load(Ordering::Relaxed) {
            // SAFETY: G structs are never freed (`gfree.rs`); marking a G that has just
            // switched out only makes it yield once more than needed.
            unsafe { (*gp).preempt.store(true, Ordering::Relaxed) };
        }
    }
}
