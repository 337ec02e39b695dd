//! Entry points: `run`, `spawn`, and the lazily started global runtime. Go: runtime.main,
//! newproc.
//!
//! `run(f)` makes a runtime, runs `f` as goroutine 1 with the calling thread as the first
//! M (M0), and returns `f`'s value once goroutine 1 has returned and every goroutine still
//! alive has been unwound (`shutdown.rs`). Because `run` does not return before goroutine 1
//! is finished, `f` may borrow from the caller, as with `std::thread::scope`.

use crate::defer::Outcome;
use crate::funcval::NameFn;
use crate::join::{JoinHandle, packet};
use crate::loom::StdArc as Arc;
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::panic::PanicMode;
use crate::proc::Sched;
use crate::tls::getm;
use std::sync::OnceLock;

/// The number of Ps a new runtime starts with: `GOMAXPROCS` from the environment, else the
/// CPUs this process may use. Go: schedinit.
pub(crate) fn default_procs() -> usize {
    std::env::var("GOMAXPROCS")
        .ok()
        .and_then(|v| atoi(&v))
        .filter(|&n| n > 0)
        .map_or_else(crate::runtime::num_cpu, |n| n as usize)
}

/// Go's runtime `atoi` for its environment settings (`GOMAXPROCS`, `GOGC`): an optional
/// `-`, then decimal digits only; a space or a `+` makes the value invalid (ignored), as
/// in Go.
pub(crate) fn atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if neg { -n } else { n })
}

static GLOBAL: OnceLock<Arc<Sched>> = OnceLock::new();

/// The process-wide runtime `go!`/`spawn` use outside any runtime. Its Ms start on demand.
pub(crate) fn global() -> &'static Arc<Sched> {
    GLOBAL.get_or_init(|| Sched::new(PanicMode::Exit, default_procs()))
}

/// The process-wide runtime if something started it: for reads that should not start it.
pub(crate) fn global_if_started() -> Option<&'static Arc<Sched>> {
    GLOBAL.get()
}

/// Starts `body` as a new goroutine of the caller's runtime (or the global one).
#[track_caller]
pub(crate) fn newproc<F: FnOnce() + Send + 'static>(body: F) -> u64 {
    newproc_named(body, core::any::type_name::<F>)
}

/// `newproc`, the goroutine's body named `name()`: the user's closure, where `body` wraps
/// it (`spawn`). The name is the body's frame owner (`defer.rs`) and, for a dump, tells
/// which function created the goroutine.
#[track_caller]
pub(crate) fn newproc_named<F: FnOnce() + Send + 'static>(body: F, name: NameFn) -> u64 {
    let m = getm();
    if m.is_null() {
        global().newproc(body, name)
    } else {
        // SAFETY: a non-null TLS M is this thread's live M.
        let sched = unsafe { &(*m).sched };
        sched.newproc(body, name)
    }
}

/// Starts a goroutine running `f` and returns a handle to join it. Go: the `go` statement,
/// plus a way to get the result back.
///
/// Inside a runtime the goroutine belongs to that runtime; elsewhere to a process-wide
/// runtime started on first use. Once a goroutine has started it stays on that OS thread
/// until it ends, like a `std::thread`: thread-locals, `!Send` values held across a
/// blocking call and thread identity behave as they would there. (Goroutines that have not
/// started yet are spread over the threads.) A blocking std call (`std::thread::sleep`,
/// blocking I/O) holds up the goroutines sharing the thread: wrap it in
/// [`runtime::syscall`](crate::runtime::syscall).
///
/// # Examples
/// ```
/// goro::run(|| {
///     let handles: Vec<_> = (0..10u64).map(|i| goro::spawn(move || i * i)).collect();
///     let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
///     assert_eq!(sum, 285);
/// });
/// ```
/// A started goroutine keeps its thread, so a thread-local stays its own across blocking
/// operations:
/// ```
/// use goro::prelude::*;
/// use std::cell::Cell;
/// thread_local!(static SEEN: Cell<u32> = const { Cell::new(0) });
/// goro::run(|| {
///     let ch = chan![u32];
///     let rx = ch.clone();
///     let h = goro::spawn(move || {
///         let me = std::thread::current().id();
///         SEEN.set(rx.recv().unwrap()); // parks here...
///         let v = rx.recv().unwrap(); // ...and here
///         (me == std::thread::current().id(), SEEN.get() + v)
///     });
///     ch.send(1);
///     ch.send(2);
///     assert_eq!(h.join().unwrap(), (true, 3));
/// });
/// ```
#[track_caller]
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (done, handle) = packet();
    // The body is a frame of its own, inside the one every goroutine has, so that a
    // panic its deferred calls recover still reaches `join` (as `Err`: there is no value).
    let body = move || match crate::defer::frame(f) {
        Outcome::Returned(v) => done.finish(Ok(v), false),
        Outcome::Recovered(p) => done.finish(Err(p), true),
        Outcome::Panicking(p) => done.finish(Err(p), false),
    };
    handle.set_goid(newproc_named(body, core::any::type_name::<F>));
    handle
}

/// Runs `f` as goroutine 1 of a new runtime and returns its result. Go: runtime.main.
///
/// Goroutines still alive when `f` returns are unwound (their destructors run) before
/// `run` returns. If any goroutine panics without recovering, the runtime stops and the
/// panic resumes here. If every goroutine is blocked for good, `run` panics with Go's
/// report, `fatal error: all goroutines are asleep - deadlock!` and the goroutine dump (so
/// a deadlocked `#[goro::test]` fails, and says why).
///
/// # Examples
/// ```
/// let local = vec![1, 2, 3]; // `run` may borrow: it returns after goroutine 1 ends
/// let total = goro::run(|| {
///     let h = goro::spawn(|| 10);
///     local.iter().sum::<i32>() + h.join().unwrap()
/// });
/// assert_eq!(total, 16);
/// ```
/// An unrecovered panic in any goroutine ends the runtime and comes out of `run`:
/// ```
/// use goro::prelude::*;
/// let err = std::panic::catch_unwind(|| {
///     goro::run(|| {
///         go!({ panic!("lost") });
///         chan![()].recv(); // would wait forever: the panic ends the runtime first
///     })
/// })
/// .unwrap_err();
/// assert_eq!(goro::panic::payload_str(&*err), "lost");
/// ```
pub fn run<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    run_with(PanicMode::Propagate, f, None)
}

/// Runs `f` as goroutine 1; `zero` is its value if it recovers from a panic (without one,
/// a recovered goroutine 1 leaves `run` nothing to return).
fn run_with<F, R>(mode: PanicMode, f: F, zero: Option<fn() -> R>) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    run_configured(mode, Options::default(), f, zero)
}

/// The options of `#[goro::main(...)]` / `#[goro::test(...)]`; `0` means "the default".
#[doc(hidden)]
#[derive(Clone, Copy, Default, Debug)]
pub struct Options {
    /// Ps the runtime starts with, instead of `GOMAXPROCS` or the CPU count.
    pub gomaxprocs: usize,
    /// Bytes per goroutine stack, for the whole process (see `stack::set_stack_size`).
    pub stack_size: usize,
}

/// `stack_size = n` could not take effect: stacks of another size exist already.
const STACK_SIZE_FIXED: &str = "goro: `stack_size` option cannot take effect";

/// `run_with`, with the settings of `opts` instead of the environment's.
fn run_configured<F, R>(mode: PanicMode, opts: Options, f: F, zero: Option<fn() -> R>) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    if opts.stack_size != 0 {
        let (wanted, size) = crate::stack::set_stack_size(opts.stack_size);
        if size != wanted {
            panic!(
                "{STACK_SIZE_FIXED}: goroutine stacks are {size} bytes for the whole process, \
                 fixed by the first runtime (or GORO_STACK_SIZE); give every runtime of the \
                 process the same stack_size"
            );
        }
    }
    let procs = match opts.gomaxprocs {
        0 => default_procs(),
        n => n,
    };
    let sched = Sched::new(mode, procs);
    let mut result: Option<R> = None;
    let slot = SendPtr((&raw mut result).cast::<()>());
    let body = move || {
        let slot = slot;
        let r = match crate::defer::frame(f) {
            Outcome::Returned(r) => Some(r),
            Outcome::Recovered(_) => zero.map(|z| z()),
            Outcome::Panicking(p) => std::panic::resume_unwind(p),
        };
        // SAFETY: `result` lives in `run_with`'s frame, which does not return before this
        // goroutine has finished (see below); only this goroutine writes it.
        unsafe { *slot.0.cast::<Option<R>>() = r };
    };
    let guard = AbortOnUnwind;
    let saved = crate::tls::save_tls();
    let gp = crate::gfree::get(None);
    // SAFETY: gp is fresh from the free list. `body` borrows from our caller: `run_with`
    // returns only after goroutine 1 is dead — M0 runs the scheduler until the runtime has
    // ended (`shutdown.rs`: every goroutine unwound or leaked; under `#[goro::main]`, M0
    // may leave earlier, but only once goroutine 1 is done: `Sched::exit_wait`), and if
    // goroutine 1 still could not be finished we abort (`throw`) rather than return. A
    // panic on this thread between here and there would also break that, so the section
    // runs under an abort-on-unwind guard.
    unsafe { sched.init_g(gp, 1, body, core::any::type_name::<F>) };
    sched.count_goroutine(None, 1);
    sched.bump_goidgen(1);
    sched.main_g.store(gp.as_ptr(), Ordering::Relaxed);
    // Goroutine 1 runs on this thread (M0), as the body of `run` would: it sees the
    // caller's thread-locals, and its home is fixed before it is queued.
    let m0 = Arc::new(M::new(sched.clone()));
    sched.lock().allm.push(m0.clone());
    gp.m.store(Arc::as_ptr(&m0).cast_mut(), Ordering::Release);
    m0.nhomed.fetch_add(1, Ordering::Relaxed);
    m0.homeq.push(gp);
    if !m0.acquire_idle_p() {
        crate::panic::throw("run: no P for M0");
    }
    M::mstart(m0);
    // Not ended: under `#[goro::main]`, M0 left the leftovers to the process's exit
    // (`shutdown.rs`); Ms may still run them, so none is joined and no P is touched.
    let abandoned = !sched.shutdown.load(Ordering::SeqCst);
    if !abandoned {
        sched.join_ms();
    }
    crate::tls::restore_tls(saved);
    if !sched.main_done.load(Ordering::SeqCst) && !sched.deadlocked.load(Ordering::SeqCst) {
        crate::panic::throw(
            "goroutine 1 is still blocked after its runtime ended; cannot return from run",
        );
    }
    // After a deadlock report goroutine 1 may be left parked for good (say, waiting for a
    // Mutex whose holder is parked too: `sync`'s waiters unwind only once they hold what
    // they waited for). Returning is still sound: it can never run again — its runtime has
    // ended, so a late `goready` only queues it where no M will look — so the borrows in its
    // frozen frames are never used, and its destructors never run (a leak, as of any
    // goroutine left parked). The report is the panic resumed below.
    // Goroutines left parked still point at this runtime and their Ms: keep them alive, so
    // a late `goready` on one finds valid memory (and a runtime that will never run it).
    if abandoned || sched.num_goroutines() > 0 {
        core::mem::forget(sched.clone());
    } else {
        // Ms and the Sched point at each other (`allm`, `M::sched`): break the cycle, or
        // every runtime would stay allocated.
        let mut l = sched.lock();
        l.allm.clear();
        l.midle.clear();
        l.mlocked.clear();
        l.mwantp.clear();
    }
    core::mem::forget(guard);
    let panicked = sched
        .panicked
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if !abandoned {
        sched.release();
    }
    if let Some(payload) = panicked {
        match payload.downcast::<crate::checkdead::DeadlockReport>() {
            Ok(report) => std::panic::panic_any(report.0),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }
    match result {
        Some(r) => r,
        None if sched.main_goexited.load(Ordering::SeqCst) => {
            if matches!(mode, PanicMode::Exit) {
                // Go's `fatal`: the line alone, exit status 2.
                eprintln!("fatal error: {NO_GOROUTINES}");
                crate::panic::exit(2);
            }
            panic!("{NO_GOROUTINES}")
        }
        None => panic!("{RECOVERED_MAIN}"),
    }
}

/// Go's report when goroutine 1 called `Goexit` and every other goroutine has ended.
const NO_GOROUTINES: &str = "no goroutines (main called runtime.Goexit) - deadlock!";

/// `run`'s panic when goroutine 1 recovered from a panic: it has no value to return.
const RECOVERED_MAIN: &str = "goro::run: goroutine 1 recovered from a panic and has no value to \
     return; recover in a #[goro::func] function called from it instead";

struct SendPtr(*mut ());
// SAFETY: the pointee (`Option<R>` with `R: Send`) is written by exactly one goroutine and
// read by `run_with` after that goroutine is finished.
unsafe impl Send for SendPtr {}

struct AbortOnUnwind;
impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        crate::panic::throw("goro::run unwound while goroutine 1 could still run");
    }
}

/// `go!`: starts a goroutine, result discarded; its panics are unrecovered. Macro support.
#[doc(hidden)]
#[track_caller]
pub fn go<F: FnOnce() + Send + 'static>(f: F) {
    newproc(f);
}

/// `#[goro::main]`: an unrecovered goroutine panic prints Go's report and exits 2.
#[doc(hidden)]
pub fn run_main<F: FnOnce() -> R + Send, R: Send>(f: F) -> R {
    run_with(PanicMode::Exit, f, None)
}

/// `#[goro::main]`: as [`run_main`]; `zero` is returned if goroutine 1 recovers a panic.
#[doc(hidden)]
pub fn run_main_or<F: FnOnce() -> R + Send, R: Send>(f: F, zero: fn() -> R) -> R {
    run_with(PanicMode::Exit, f, Some(zero))
}

/// `#[goro::test]`: a runtime per test; goroutine panics fail the test.
#[doc(hidden)]
pub fn run_test<F: FnOnce() -> R + Send, R: Send>(f: F) -> R {
    run_with(PanicMode::Propagate, f, None)
}

/// `#[goro::test]`: as [`run_test`]; `zero` is returned if goroutine 1 recovers a panic.
#[doc(hidden)]
pub fn run_test_or<F: FnOnce() -> R + Send, R: Send>(f: F, zero: fn() -> R) -> R {
    run_with(PanicMode::Propagate, f, Some(zero))
}

/// `#[goro::main(options)]`: `run_main_or` with the attribute's options.
#[doc(hidden)]
pub fn run_main_with<F: FnOnce() -> R + Send, R: Send>(opts: Options, f: F, zero: fn() -> R) -> R {
    run_configured(PanicMode::Exit, opts, f, Some(zero))
}

/// `#[goro::test(options)]`: `run_test_or` with the attribute's options.
#[doc(hidden)]
pub fn run_test_with<F: FnOnce() -> R + Send, R: Send>(opts: Options, f: F, zero: fn() -> R) -> R {
    run_configured(PanicMode::Propagate, opts, f, Some(zero))
}

#[cfg(test)]
mod tests {
    use super::atoi;

    /// Go's `atoi` for environment settings: what `GOMAXPROCS` and `GOGC` accept.
    #[test]
    fn environment_numbers_parse_as_gos_atoi() {
        assert_eq!(atoi("4"), Some(4));
        assert_eq!(atoi("-5"), Some(-5));
        assert_eq!(atoi("0"), Some(0));
        for bad in ["", " 1", "1 ", "+1", "2x", "-", "abc", "1.5"] {
            assert_eq!(atoi(bad), None, "{bad:?}");
        }
    }
}
