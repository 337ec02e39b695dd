//! Panics and fatal errors: what happens when a goroutine's body unwinds to its entry.
//! Go: runtime/panic.go (gopanic's final report, fatalpanic, throw, Goexit).
//!
//! Three kinds of failure (STYLE H6):
//! - `throw`: a runtime invariant broke: `fatal error: <msg>` and exit status 2, never an
//!   unwind through the scheduler;
//! - an unrecovered panic in a goroutine: under [`PanicMode::Exit`] (`#[goro::main]`, the
//!   lazily started global runtime) print Go's report — `panic: <msg>`, a blank line,
//!   `goroutine N [running]:`, the backtrace — and exit 2; under [`PanicMode::Propagate`]
//!   (`goro::run`, `#[goro::test]`) the runtime shuts down and `run` resumes the panic on its
//!   caller's thread, so a test fails with the goroutine's message;
//! - `goexit` and runtime shutdown unwind with private payloads (`Goexit`, `Killed`) that
//!   end the goroutine quietly.
//!
//! The panic hook runs where the panic starts, on the goroutine's stack: under `Exit` it
//! records message and backtrace in the G (printed only if nothing catches the panic);
//! otherwise it defers to the previous hook.

use crate::g::GRef;
use crate::loom::static_atomic::{AtomicBool, Ordering};
use std::any::Any;
use std::backtrace::Backtrace;
use std::io::Write;

/// What an unrecovered goroutine panic does to its runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanicMode {
    /// Print Go's panic report and exit the process with status 2 (`#[goro::main]`).
    Exit,
    /// Stop the runtime and resume the panic in the caller of `run` (`#[goro::test]`).
    Propagate,
}

/// Payload of [`crate::runtime::goexit`]: ends the goroutine, runs its destructors.
#[derive(Debug)]
pub struct Goexit;

/// Payload that unwinds goroutines left alive when their runtime ends.
#[derive(Debug)]
pub(crate) struct Killed;

/// A panic's message and backtrace, recorded by the hook for the final report.
pub(crate) struct PanicRecord {
    msg: String,
    backtrace: Backtrace,
}

/// Whether `payload` is a quiet end (goexit or shutdown) rather than a panic.
pub(crate) fn is_quiet(payload: &(dyn Any + Send)) -> bool {
    payload.is::<Goexit>() || payload.is::<Killed>()
}

/// The text of a panic payload, as `panic!` formats it.
pub fn payload_str(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "Box<dyn Any>"
    }
}

static HOOKED: AtomicBool = AtomicBool::new(false);

/// Installs goro's panic hook once per process, chaining to the one before it.
pub(crate) fn install_hook() {
    if HOOKED.swap(true, Ordering::AcqRel) {
        return;
    }
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(gp) = crate::proc::curg() {
            let s = gp.sched.load(std::sync::atomic::Ordering::Acquire);
            // SAFETY: a running goroutine's runtime is alive.
            if !s.is_null() && unsafe { (*s).mode } == PanicMode::Exit {
                let rec = PanicRecord {
                    msg: payload_str(info.payload()).to_owned(),
                    backtrace: Backtrace::force_capture(),
                };
                // SAFETY: the running G owns its panic record.
                unsafe { *gp.panic.get() = Some(rec) };
                return;
            }
        }
        prev(info);
    }));
}

/// A goroutine's body unwound to its entry with `payload`. Go: the end of gopanic.
pub(crate) fn unrecovered(gp: GRef, payload: Box<dyn Any + Send>) {
    if is_quiet(&*payload) {
        if payload.is::<Goexit>() {
            mark_main_goexit(gp);
        }
        return;
    }
    let s = gp.sched.load(std::sync::atomic::Ordering::Acquire);
    if s.is_null() {
        throw("unrecovered panic in a goroutine of no runtime");
    }
    // SAFETY: a running goroutine's runtime is alive.
    let s = unsafe { &*s };
    match s.mode {
        PanicMode::Exit => {
            // SAFETY: the running G owns its panic record.
            let rec = unsafe { (*gp.panic.get()).take() };
            report(gp.goid(), &*payload, rec);
            exit(2);
        }
        PanicMode::Propagate => {
            let mut slot = s.panicked.lock().unwrap_or_else(|e| e.into_inner());
            if slot.is_none() {
                *slot = Some(payload);
            }
            drop(slot);
            s.begin_shutdown();
        }
    }
}

fn mark_main_goexit(gp: GRef) {
    let s = gp.sched.load(std::sync::atomic::Ordering::Acquire);
    // SAFETY: a running goroutine's runtime is alive.
    if let Some(s) = unsafe { s.as_ref() } {
        if core::ptr::eq(s.main_g.load(std::sync::atomic::Ordering::Relaxed), gp.as_ptr()) {
            s.main_goexited.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Go's report for an unrecovered panic.
fn report(goid: u64, payload: &(dyn Any + Send), rec: Option<PanicRecord>) {
    let msg = rec.as_ref().map_or_else(|| payload_str(payload).to_owned(), |r| r.msg.clone());
    let mut out = format!("panic: {msg}\n\ngoroutine {goid} [running]:\n");
    if let Some(r) = rec {
        out.push_str(&trim_backtrace(&r.backtrace.to_string()));
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// Drops the frames of the panic machinery itself, so the trace starts at the code that
/// panicked, as Go's does.
fn trim_backtrace(bt: &str) -> String {
    let lines: Vec<&str> = bt.lines().collect();
    let is_frame = |l: &str| l.trim_start().split(':').next().is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
    let machinery = |l: &str| {
        ["std::panicking::", "core::panicking::", "std::backtrace", "rust_begin_unwind", "__rustc::", "std::panic::", "std::sys::backtrace"]
            .iter()
            .any(|m| l.contains(m))
    };
    let mut start = 0;
    for (i, l) in lines.iter().enumerate() {
        if is_frame(l) && machinery(l) {
            start = i + 1;
        }
    }
    while start < lines.len() && !is_frame(lines[start]) {
        start += 1;
    }
    let mut out = String::new();
    for l in &lines[start..] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// A runtime invariant broke: print `fatal error: <msg>` and exit 2. Go: runtime.throw.
pub(crate) fn throw(msg: &str) -> ! {
    let goid = crate::proc::current_goid();
    let _ = writeln!(std::io::stderr().lock(), "fatal error: {msg}\n\ngoroutine {goid} [running]:");
    exit(2)
}

/// Leaves the process at once with `code`, as Go's exit does (no unwinding, no destructors
/// of other goroutines).
pub(crate) fn exit(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process; nothing runs after it.
    unsafe { libc::_exit(code) }
}
