//! Deadlock detection. Go: checkdead (proc.go).
//!
//! When nothing can ever run again — every M of every runtime in the process asleep, no
//! goroutine runnable or inside `runtime::syscall`, and some goroutine 1 not finished — Go
//! prints `fatal error: all goroutines are asleep - deadlock!` and the goroutine dump, and
//! exits 2. goro does the same under `#[goro::main]`; under `run` and `#[goro::test]` the
//! same text becomes the panic `run` resumes, so the test fails with it (the parked
//! goroutines are unwound first, as at any runtime end: `shutdown.rs`).
//!
//! What goro cannot see, Go does not have: plain OS threads, which may wake a goroutine at
//! any time (a thread that sends on a channel), and several runtimes in one process. So the
//! verdict waits: an M that leaves a runtime quiescent arms a watchdog thread, which reports
//! only if everything stayed asleep for `GRACE` with no wake-up from a plain thread or another
//! runtime meanwhile (`FOREIGN`). A runtime that waits only for a plain thread silent for
//! longer than `GRACE` is reported as deadlocked: run such work as a goroutine (with
//! `runtime::syscall` for the blocking part) instead.

use crate::loom::static_atomic::{AtomicU64, Ordering};
use crate::panic::PanicMode;
use crate::proc::Sched;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

/// The report's first line, after `fatal error: ` (Go's text).
pub(crate) const DEADLOCK: &str = "all goroutines are asleep - deadlock!";

/// How long everything must stay asleep before the verdict.
const GRACE: Duration = Duration::from_millis(500);

/// The deadlock report on its way to `run`'s caller under [`PanicMode::Propagate`]. Unlike a
/// goroutine's panic, whose message the panic hook printed where it started, nothing has
/// printed it yet: `run` raises it as a new panic (the hook prints it, so a failing
/// `#[goro::test]` shows why) rather than resuming it silently. The payload is the `String`.
pub(crate) struct DeadlockReport(pub(crate) String);

/// Wake-ups of goroutines by plain threads or by another runtime's Ms (`note_foreign`).
static FOREIGN: AtomicU64 = AtomicU64::new(0);
/// Idle Ms woken (`note_wake`): any change in any runtime.
static WAKES: AtomicU64 = AtomicU64::new(0);
/// Every runtime of the process (pruned as they go).
static RUNTIMES: Mutex<Vec<Weak<Sched>>> = Mutex::new(Vec::new());
/// The watchdog: armed flag and its wake-up.
static WATCH: (Mutex<Watch>, Condvar) = (
    Mutex::new(Watch {
        armed: false,
        started: false,
    }),
    Condvar::new(),
);

struct Watch {
    armed: bool,
    started: bool,
}

/// Lists a new runtime.
pub(crate) fn register(sched: &Arc<Sched>) {
    let mut all = RUNTIMES.lock().unwrap_or_else(|e| e.into_inner());
    all.retain(|w| w.strong_count() > 0);
    all.push(Arc::downgrade(sched));
}

/// Every live runtime of the process (for SIGQUIT's dump).
pub(crate) fn runtimes() -> Vec<Arc<Sched>> {
    RUNTIMES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect()
}

/// A goroutine of `gp_sched` was readied by a plain thread or another runtime.
pub(crate) fn note_foreign() {
    FOREIGN.fetch_add(1, Ordering::Relaxed);
}

/// An idle M woke up.
pub(crate) fn note_wake() {
    WAKES.fetch_add(1, Ordering::Relaxed);
}

/// An M left its runtime quiescent: start the watchdog's count if it is not running.
pub(crate) fn arm() {
    let (lock, cv) = &WATCH;
    let mut w = lock.lock().unwrap_or_else(|e| e.into_inner());
    if w.armed {
        return;
    }
    w.armed = true;
    if !w.started {
        let spawned = std::thread::Builder::new()
            .name("goro-checkdead".into())
            .spawn(watchdog);
        if spawned.is_err() {
            // Without the watchdog a deadlock hangs silently, as before; say so.
            eprintln!("goro: cannot start the deadlock detector; continuing without it");
            return;
        }
        w.started = true;
    }
    cv.notify_one();
}

fn watchdog() {
    let (lock, cv) = &WATCH;
    loop {
        {
            let mut w = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !w.armed {
                w = cv.wait(w).unwrap_or_else(|e| e.into_inner());
            }
        }
        let before = (FOREIGN.load(Ordering::SeqCst), WAKES.load(Ordering::SeqCst));
        std::thread::sleep(GRACE);
        let runtimes = runtimes();
        let all_asleep = runtimes.iter().all(|s| s.asleep_forever(&s.lock()));
        let after = (FOREIGN.load(Ordering::SeqCst), WAKES.load(Ordering::SeqCst));
        let stuck: Vec<&Arc<Sched>> = runtimes.iter().filter(|s| s.waits_for_main()).collect();
        if all_asleep && before == after && !stuck.is_empty() {
            for s in stuck {
                s.report_deadlock();
            }
            continue;
        }
        // Something runs or happened meanwhile. Count again while some runtime that waits
        // for its goroutine 1 is asleep: it will not go idle again to re-arm us (the one
        // that runs may be another runtime, say another test's, which ends without a word).
        // Decided under the watch lock, so an `arm` from an M going idle meanwhile is
        // not lost.
        let mut w = lock.lock().unwrap_or_else(|e| e.into_inner());
        let asleep_waiting = self::runtimes()
            .iter()
            .any(|s| s.waits_for_main() && s.asleep_forever(&s.lock()));
        if !asleep_waiting {
            w.armed = false;
        }
    }
}

impl Sched {
    /// Whether nothing of this runtime can run again: quiescent (`m.rs`) and no timer
    /// that will fire (Go's checkdead: a goroutine asleep on a timer is not a deadlock; as
    /// in Go, a ticker nobody stops keeps the report away, a stopped timer does not).
    pub(crate) fn asleep_forever(&self, l: &crate::proc::Locked) -> bool {
        self.quiescent(l)
            && !self.has_live_timers()
            && self.nnetwait.load(Ordering::SeqCst) == 0
            && !crate::mgc::collect::has_waiters()
    }

    /// Whether goroutine 1 of this runtime is still to finish (or called `goexit`, and the
    /// runtime waits for its other goroutines) and the runtime not ending: a runtime that
    /// can deadlock. (The global runtime behind plain-thread `spawn`s has no goroutine 1:
    /// its callers are threads.)
    fn waits_for_main(&self) -> bool {
        !self.main_g.load(Ordering::Relaxed).is_null()
            && (!self.main_done.load(Ordering::SeqCst) || self.main_goexited.load(Ordering::SeqCst))
            && !self.killing.load(Ordering::SeqCst)
            && !self.deadlocked.load(Ordering::SeqCst)
    }

    /// Reports a deadlock: exits 2 under `#[goro::main]`, else ends the runtime with the
    /// report as the panic `run` resumes.
    fn report_deadlock(&self) {
        if self.deadlocked.swap(true, Ordering::SeqCst) {
            return;
        }
        let dump = crate::traceback::dump_sched(self);
        let report = format!("fatal error: {DEADLOCK}\n\n{dump}");
        match self.mode {
            PanicMode::Exit => {
                use std::io::Write;
                let _ = write!(std::io::stderr().lock(), "{report}");
                crate::panic::exit(2);
            }
            PanicMode::Propagate => {
                let mut slot = self.panicked.lock().unwrap_or_else(|e| e.into_inner());
                if slot.is_none() {
                    *slot = Some(Box::new(DeadlockReport(report)));
                }
                drop(slot);
                self.begin_killing();
            }
        }
    }
}
