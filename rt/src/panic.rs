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
//! otherwise it defers to the previous hook. It is installed by the first runtime started
//! on a thread that is not panicking (`install_hook`).

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
///
/// # Examples
/// ```
/// goro::run(|| {
///     let h = goro::spawn(|| -> u32 { goro::runtime::goexit() });
///     let err = h.join().unwrap_err();
///     assert!(err.is::<goro::panic::Goexit>()); // ended by goexit, not by a panic
/// });
/// ```
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

/// The text of a panic payload, as `panic!` formats it (`Box<dyn Any>` for a payload
/// that is not a string).
///
/// # Examples
/// ```
/// goro::run(|| {
///     let err = goro::spawn(|| -> () { panic!("code {}", 7) }).join().unwrap_err();
///     assert_eq!(goro::panic::payload_str(&*err), "code 7");
///     let err = goro::spawn(|| -> () { std::panic::panic_any(7u8) }).join().unwrap_err();
///     assert_eq!(goro::panic::payload_str(&*err), "Box<dyn Any>");
/// });
/// ```
pub fn payload_str(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "Box<dyn Any>"
    }
}

/// The text of a panic payload in a report, as Go prints a panic value: strings as they
/// are, numbers, `bool`s and `char`s by `Display` (`panic_any(42)` reports `panic: 42`,
/// Go's `panic(42)`), errors by their message (Go's `panic(err)` prints `err.Error()`);
/// anything else `Box<dyn Any>`, as std's own report.
pub(crate) fn payload_text(payload: &(dyn Any + Send)) -> String {
    macro_rules! display {
        ($($t:ty),*) => {
            $(if let Some(v) = payload.downcast_ref::<$t>() {
                return v.to_string();
            })*
        };
    }
    display!(
        i8,
        i16,
        i32,
        i64,
        i128,
        isize,
        u8,
        u16,
        u32,
        u64,
        u128,
        usize,
        f32,
        f64,
        bool,
        char,
        std::io::Error
    );
    if let Some(e) = payload.downcast_ref::<Box<dyn std::error::Error + Send + Sync>>() {
        return e.to_string();
    }
    if let Some(e) = payload.downcast_ref::<Box<dyn std::error::Error + Send>>() {
        return e.to_string();
    }
    payload_str(payload).to_owned()
}

static HOOKED: AtomicBool = AtomicBool::new(false);

/// Installs goro's panic hook once per process, chaining to the one before it.
///
/// Not from a thread that is panicking: std forbids changing the hook there (`take_hook`
/// panics, and goro first used in a destructor during an unwind would abort the process).
/// Such a call does nothing and a later one (the next runtime start) installs the hook;
/// until then the only loss is the backtrace in an unrecovered panic's report.
pub(crate) fn install_hook() {
    if HOOKED.load(Ordering::Acquire) || std::thread::panicking() {
        return;
    }
    if HOOKED.swap(true, Ordering::AcqRel) {
        return;
    }
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        crate::defer::on_panic(info.payload());
        if let Some(gp) = crate::tls::curg() {
            let s = gp.sched.load(std::sync::atomic::Ordering::Acquire);
            // SAFETY: a running goroutine's runtime is alive.
            if !s.is_null() && unsafe { (*s).mode } == PanicMode::Exit {
                let rec = PanicRecord {
                    msg: payload_text(info.payload()),
                    backtrace: Backtrace::force_capture(),
                };
                // SAFETY: the running G owns its panic record.
                unsafe { *gp.panic.get() = Some(Box::new(rec)) };
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
            let rec = unsafe { (*gp.panic.get()).take() }.map(|r| *r);
            let others = (traceback_level() == Traceback::All)
                .then(|| crate::traceback::dump_sched_except(s, gp));
            report(gp, &*payload, rec, others);
            exit(2);
        }
        PanicMode::Propagate => {
            let mut slot = s.panicked.lock().unwrap_or_else(|e| e.into_inner());
            if slot.is_none() {
                *slot = Some(payload);
            }
            drop(slot);
            s.begin_killing();
        }
    }
}

fn mark_main_goexit(gp: GRef) {
    let s = gp.sched.load(std::sync::atomic::Ordering::Acquire);
    // SAFETY: a running goroutine's runtime is alive.
    if let Some(s) = unsafe { s.as_ref() }
        && core::ptr::eq(
            s.main_g.load(std::sync::atomic::Ordering::Relaxed),
            gp.as_ptr(),
        )
    {
        s.main_goexited
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Go's report for an unrecovered panic.
/// How much a panic report shows. Go: GOTRACEBACK (`none`/`0`, `single` (the default),
/// `all`/`1`, and `system`/`2`/`crash`, which goro treats as `all`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Traceback {
    None,
    Single,
    All,
}

pub(crate) fn traceback_level() -> Traceback {
    match std::env::var("GOTRACEBACK").as_deref() {
        Ok("none" | "0") => Traceback::None,
        Ok("all" | "1" | "system" | "2" | "crash") => Traceback::All,
        _ => Traceback::Single,
    }
}

/// Go's report of an unrecovered panic: `panic: msg`, then (unless `GOTRACEBACK=none`) the
/// panicking goroutine's trace and its `created by` lines, then (with `GOTRACEBACK=all`)
/// every other goroutine.
fn report(gp: GRef, payload: &(dyn Any + Send), rec: Option<PanicRecord>, others: Option<String>) {
    let msg = rec
        .as_ref()
        .map_or_else(|| payload_text(payload), |r| r.msg.clone());
    let earlier = crate::defer::earlier_panics();
    let mut out = format!("{earlier}panic: {msg}\n");
    if traceback_level() != Traceback::None {
        out.push('\n');
        out.push_str(&crate::traceback::running_header(gp));
        if let Some(r) = rec {
            let body = gp.entry.type_name();
            out.push_str(&trim_backtrace(&r.backtrace.to_string(), Some(body)));
        }
        out.push_str(&crate::traceback::created_by_lines(gp));
    }
    // The other goroutines' blocks (each already followed by a blank line), after one.
    if let Some(others) = others.filter(|o| !o.trim().is_empty()) {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(others.trim_end_matches('\n'));
        out.push('\n');
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// Keeps the frames between the panic machinery (on top) and goro's goroutine entry (at the
/// bottom), so the trace starts at the code that panicked and ends at the goroutine's body,
/// as Go's does.
fn trim_backtrace(bt: &str, body: Option<&str>) -> String {
    // Frames look like "  12: path::to::fn" followed by "             at file:line" lines.
    let mut frames: Vec<(String, String)> = Vec::new();
    for line in bt.lines() {
        let head = line.trim_start();
        let is_frame = head
            .split_once(": ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if is_frame {
            frames.push((
                head.split_once(": ").map_or("", |(_, f)| f).to_owned(),
                format!("{line}\n"),
            ));
        } else if let Some(last) = frames.last_mut() {
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    const MACHINERY: [&str; 8] = [
        "std::backtrace",
        "std::panicking::",
        "core::panicking::",
        "__rustc::",
        "rust_begin_unwind",
        "std::sys::backtrace",
        "goro_rt::panic::",
        "core::ops::function::Fn",
    ];
    drop_func_frames(&mut frames);
    let start = frames
        .iter()
        .position(|(f, _)| !MACHINERY.iter().any(|m| f.contains(m)))
        .unwrap_or(0);
    let plumbing = |f: &str| {
        f.contains("catch_unwind")
            || f.contains("core::panic::unwind_safe::AssertUnwindSafe")
            || f.starts_with("goro_rt::")
    };
    // goro's own frames on top stay (a panic raised in `sync`: Go shows
    // `sync.(*WaitGroup).Add` too); the trace ends at the plumbing below the program's
    // first frame.
    let entry = |f: &str| {
        [
            "goro_rt::defer::",
            "goro_rt::funcval::",
            "goro_rt::proc::gentry",
        ]
        .iter()
        .any(|e| f.starts_with(e))
            || f == "goro_trampoline"
    };
    let user = frames[start..]
        .iter()
        .position(|(f, _)| !f.starts_with("goro_rt::") && f != "goro_trampoline")
        .map(|n| start + n);
    let cwd = std::env::current_dir().ok();
    let Some(user) = user else {
        // None of the program's frames resolved (a build without debug info inlines the
        // body into the runtime's entry): goro's frames on top, then the body by name, as
        // Go always names the goroutine's function.
        let end = frames[start..]
            .iter()
            .position(|(f, _)| entry(f))
            .map_or(frames.len(), |n| start + n);
        let mut out: String = frames[start..end]
            .iter()
            .map(|(_, text)| go_frame(text, cwd.as_deref()))
            .collect();
        if let Some(body) = body.filter(|b| !b.is_empty()) {
            out.push_str(&format!("{}(...)\n", crate::defer::without_generics(body)));
        }
        return out;
    };
    let end = frames[user..]
        .iter()
        .position(|(f, _)| plumbing(f))
        .map_or(frames.len(), |n| user + n);
    frames[start..end]
        .iter()
        .map(|(_, text)| go_frame(text, cwd.as_deref()))
        .collect()
}

/// One frame of std's backtrace (`  7: path::to::fn` and its `at file:line:col` lines) in
/// Go's form, as the goroutine dumps print it: `path::to::fn(...)`, then `\tfile:line`
/// with the file absolute (std shortens paths under the working directory to `./...`).
fn go_frame(text: &str, cwd: Option<&std::path::Path>) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(at) = line.strip_prefix("at ") {
            // `file:line:col` → `file:line` (a path may hold ':' itself: cut from the end).
            let at = match at.rsplit_once(':') {
                Some((rest, col)) if col.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => at,
            };
            let at = match (at.strip_prefix("./"), cwd) {
                (Some(rel), Some(cwd)) => cwd.join(rel).display().to_string(),
                _ => at.to_owned(),
            };
            out.push_str(&format!("\t{at}\n"));
        } else {
            let name = match line.split_once(": ") {
                Some((n, f)) if n.bytes().all(|b| b.is_ascii_digit()) => f,
                _ => line,
            };
            out.push_str(&format!("{name}(...)\n"));
        }
    }
    out
}

/// Removes the frames a `#[goro::func]` wraps its body in (`catch_unwind` and
/// `goro_rt::defer`), so the trace goes on to its callers.
fn drop_func_frames(frames: &mut Vec<(String, String)>) {
    let wrapper = |f: &str| {
        f.contains("catch_unwind")
            || f.contains("AssertUnwindSafe")
            || f.contains("__rust_try")
            || f.starts_with("std::panicking::")
            || f.starts_with("std::panic::")
            || f.starts_with("goro_rt::defer::frame")
    };
    let mut k = 0;
    while k < frames.len() {
        if wrapper(&frames[k].0) {
            let mut j = k;
            while j < frames.len() && wrapper(&frames[j].0) {
                j += 1;
            }
            if frames
                .get(j)
                .is_some_and(|(f, _)| f.starts_with("goro_rt::defer::func"))
            {
                frames.drain(k..=j);
                continue;
            }
            k = j;
        }
        k += 1;
    }
}

/// A runtime invariant broke: print `fatal error: <msg>` and exit 2. Go: runtime.throw.
#[doc(hidden)]
pub fn throw(msg: &str) -> ! {
    let goid = crate::tls::current_goid();
    let _ = writeln!(
        std::io::stderr().lock(),
        "fatal error: {msg}\n\ngoroutine {goid} [running]:"
    );
    exit(2)
}

/// The program broke a rule it cannot recover from (unlocking an unlocked mutex): print
/// `fatal error: <msg>` and exit 2, as [`throw`] does; no `recover` or `catch_unwind`
/// stops it. Go: runtime.fatal (sync's `fatal`).
///
/// As Go's (`fatalthrow`, where `gotraceback` sets `all` for any throw), the report shows
/// the failing goroutine, then every other goroutine of its runtime; `GOTRACEBACK=none`
/// leaves only the first line.
#[doc(hidden)]
pub fn fatal(msg: &str) -> ! {
    let mut out = format!("fatal error: {msg}\n");
    if traceback_level() == Traceback::None {
        let _ = std::io::stderr().lock().write_all(out.as_bytes());
        exit(2)
    }
    // Unlike `throw` (a broken runtime, where capturing could fail too), the program's
    // frames are worth showing here, as Go's.
    let me = crate::tls::curg();
    let frames = trim_backtrace(
        &std::backtrace::Backtrace::force_capture().to_string(),
        me.map(|gp| gp.entry.type_name()),
    );
    out.push('\n');
    match me {
        Some(gp) => out.push_str(&crate::traceback::running_header(gp)),
        None => out.push_str("goroutine 0 [running]:\n"), // a plain thread
    }
    out.push_str(&frames);
    if let Some(gp) = me {
        out.push_str(&crate::traceback::created_by_lines(gp));
    }
    // The failing goroutine first, in case the others cannot be had: their threads walk
    // them (`traceback`), from a goroutine as for a `GOTRACEBACK=all` panic. The runtime
    // cannot end meanwhile (this goroutine is running), so `run` does not return first.
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
    let sched = me.map(|gp| gp.sched.load(std::sync::atomic::Ordering::Acquire));
    // SAFETY: a running goroutine's runtime is alive.
    if let (Some(gp), Some(s)) = (me, sched.and_then(|s| unsafe { s.as_ref() })) {
        let others = crate::traceback::dump_sched_except(s, gp);
        let others = others.trim_end_matches('\n');
        if !others.is_empty() {
            let _ = write!(std::io::stderr().lock(), "\n{others}\n");
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_std_backtrace_prints_in_gos_form_from_the_panicking_code_to_the_goroutine_body() {
        let bt = "   0: __rustc::rust_begin_unwind
             at /rustc/x/library/std/src/panicking.rs:689:5
   1: core::panicking::panic_fmt
             at /rustc/x/library/core/src/panicking.rs:80:14
   2: app::parse
             at ./src/parse.rs:12:9
   3: app::main::{{closure}}
             at /abs/src/main.rs:4:5
   4: <core::panic::unwind_safe::AssertUnwindSafe<F> as core::ops::function::FnOnce<()>>::call_once
             at /rustc/x/library/core/src/panic/unwind_safe.rs:274:9
   5: goro_rt::proc::gentry
";
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            trim_backtrace(bt, Some("app::main::{{closure}}")),
            format!(
                "app::parse(...)\n\t{}:12\napp::main::{{{{closure}}}}(...)\n\t/abs/src/main.rs:4\n",
                cwd.join("src/parse.rs").display()
            )
        );
    }

    #[test]
    fn without_debug_info_the_trace_names_the_goroutines_body() {
        // The body was inlined into the runtime's entry: no frame of the program resolves.
        let bt = "   0: std::panicking::begin_panic
   1: goro_rt::funcval::call_inline
   2: goro_rt::defer::frame_owned
   3: goro_rt::proc::gentry
   4: goro_trampoline
";
        assert_eq!(
            trim_backtrace(bt, Some("app::main::{{closure}}")),
            "app::main::{{closure}}(...)\n"
        );
        // A panic raised in `sync` keeps its frame on top.
        let bt = "   0: std::panicking::begin_panic
   1: goro_rt::sync::waitgroup::WaitGroup::add
   2: goro_rt::defer::frame_owned
   3: goro_rt::proc::gentry
";
        assert_eq!(
            trim_backtrace(bt, Some("app::worker<u8>")),
            "goro_rt::sync::waitgroup::WaitGroup::add(...)\napp::worker(...)\n"
        );
    }
}
