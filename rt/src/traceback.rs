//! Goroutine dumps: `runtime::stack`, the deadlock report, SIGQUIT and `GOTRACEBACK=all`.
//! Go: runtime.Stack, goroutineheader, traceback and tracebackothers (traceback.go).
//!
//! Each goroutine gets Go's header, `goroutine N [status]:` (status `running`, `runnable`
//! or the wait reason of a parked one, plus `, N minutes` once it has waited a minute and
//! `, locked to thread` while it holds its thread locked), then its frames, innermost
//! first, as `function(...)` and a tab-indented `file:line`. As Go hides `runtime.`
//! frames, the runtime's own frames are left out: the park machinery on top, the
//! goroutine's entry plumbing at the bottom.
//!
//! **Frames of a parked goroutine.** A suspended goroutine's registers sit on its stack,
//! where `switch` pushed them, and `switch`'s unwind info says so (`arch`). To walk them,
//! its home M calls a capture function *on that stack*, below its frames, with a return
//! address inside `switch` (`arch::walk`): the ordinary unwinder then walks from the
//! capture function into the goroutine's frames exactly as if the goroutine had called it,
//! and the capture switches back. Nothing of the goroutine's state changes, and the walk is
//! race-free because of thread affinity (`proc.rs`): a started goroutine runs only on its
//! home M, so while that M walks it, nobody can resume it. A dump therefore asks each M of
//! the runtime to walk its own goroutines (`WalkReq`), which it does at its next scheduling
//! point or at once if it sleeps; an M busy in one goroutine for longer than `WALK_WAIT`
//! (a loop without channel operations, a blocking call not in `runtime::syscall`) leaves
//! its goroutines without frames, and the dump says so. A goroutine that has not run yet
//! has no frames.

use crate::arch::{self, Context};
use crate::g::{G_RUNNABLE, G_RUNNING, G_WAITING, GRef, WaitReason};
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::Sched;
use crate::tls::{curg, current_sched, getm};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Frames printed per goroutine (Go: tracebackInnerFrames + tracebackOuterFrames = 100).
const MAX_FRAMES: usize = 100;
/// Return addresses captured per goroutine: the printed frames plus the hidden ones.
const MAX_PCS: usize = MAX_FRAMES + 50;
/// Stack room the capture needs below a parked goroutine's frames (the unwinder's state
/// is a few KiB); a goroutine closer than this to its guard page is not walked.
const WALK_ROOM: usize = 32 * 1024;
/// How long a dump waits for the other Ms to walk their goroutines.
const WALK_WAIT: Duration = Duration::from_millis(250);

/// Return addresses of one stack, innermost first.
type Pcs = Vec<usize>;

fn header(gp: GRef) -> Option<String> {
    let status = match gp.status() {
        G_RUNNING => "running".to_owned(),
        G_RUNNABLE => "runnable".to_owned(),
        G_WAITING => {
            let r = WaitReason::from_u8(gp.waitreason.load(Ordering::Relaxed));
            let mut s = if r == WaitReason::Zero {
                "waiting".to_owned()
            } else {
                r.as_str().to_owned()
            };
            // sysmon's stamp counts only if it is of this park (`G::waitsince`).
            if gp.waitgen.load(Ordering::Relaxed) == gp.wakegen() {
                s.push_str(&wait_minutes(
                    gp.waitsince.load(Ordering::Relaxed),
                    now_nanos(),
                ));
            }
            s
        }
        _ => return None,
    };
    let locked = locked(gp);
    Some(format!("goroutine {} [{status}{locked}]:\n", gp.goid()))
}

/// The header of the goroutine a panic or fatal error report is about, which is running.
pub(crate) fn running_header(gp: GRef) -> String {
    format!("goroutine {} [running{}]:\n", gp.goid(), locked(gp))
}

/// Go's `, locked to thread` after the status (and after `, N minutes`) of a goroutine that
/// holds its thread locked with `lock_os_thread` (Go: `gp.lockedm != 0`). Not for the
/// runtime's own lock (`lockedint`), which marks a goroutine parked in the middle of
/// unwinding: Go has no such lock, and shows such a goroutine (parked in a deferred call
/// while panicking) as not locked.
fn locked(gp: GRef) -> &'static str {
    if gp.lockedext.load(Ordering::Relaxed) != 0 {
        ", locked to thread"
    } else {
        ""
    }
}

/// Go's `, N minutes` after a wait reason: only once the goroutine has waited a minute
/// (`waitsince` is stamped by sysmon, so it is approximate, as Go's).
fn wait_minutes(since: u64, now: u64) -> String {
    if since == 0 || now <= since {
        return String::new();
    }
    match (now - since) / 60_000_000_000 {
        0 => String::new(),
        1 => ", 1 minutes".to_owned(), // sic: Go says "1 minutes"
        n => format!(", {n} minutes"),
    }
}

/// Nanoseconds on the clock `G::waitsince` uses.
fn now_nanos() -> u64 {
    crate::time::nanotime()
}

/// Stamps `G::waitsince` on each goroutine that has parked since the last call (sysmon,
/// every `STAMP_EVERY`).
pub(crate) fn stamp_waits() {
    let now = now_nanos();
    crate::gfree::for_each_g(|gp| {
        if gp.status() != G_WAITING {
            return;
        }
        let wgen = gp.wakegen();
        if gp.waitgen.load(Ordering::Relaxed) != wgen || gp.waitsince.load(Ordering::Relaxed) == 0 {
            gp.waitsince.store(now, Ordering::Relaxed);
            gp.waitgen.store(wgen, Ordering::Relaxed);
        }
    });
}

/// Frames the runtime hides, as Go hides `runtime.` ones: goro's own machinery (but not its
/// `sync` and `time` packages, which Go shows), the unwinder, std's plumbing, the asm.
fn hidden(name: &str) -> bool {
    let n = name.trim_start_matches('<');
    const SHOWN: [&str; 3] = [
        "goro_rt::sync::",
        "goro_chan::time::",
        "goro_rt::time::sleep",
    ];
    const HIDDEN: [&str; 10] = [
        "goro_rt::",
        "goro_chan::",
        "goro::",
        "backtrace::",
        "std::",
        "core::",
        "alloc::",
        "__rust",
        "goro_switch",
        "goro_trampoline",
    ];
    !SHOWN.iter().any(|p| n.starts_with(p)) && HIDDEN.iter().any(|p| n.starts_with(p))
}

/// One symbolized frame: function and, with debug info, file and line.
struct Frame {
    name: String,
    at: Option<(String, u32)>,
}

/// Symbolized return addresses, kept: a dump of many goroutines parked in the same code
/// (10,000 sleepers) looks each address up once, not once per goroutine.
static SYMBOLS: Mutex<Option<HashMap<usize, Arc<[Frame]>>>> = Mutex::new(None);

fn symbolize(pcs: &[usize]) -> Vec<Arc<[Frame]>> {
    let mut cache = SYMBOLS.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    pcs.iter()
        .map(|&pc| cache.entry(pc).or_insert_with(|| lookup(pc)).clone())
        .collect()
}

/// The frames at return address `pc`: the function, and those inlined into it there.
fn lookup(pc: usize) -> Arc<[Frame]> {
    let mut out = Vec::new();
    // Return addresses point after the call: look up the call itself.
    backtrace::resolve(pc.saturating_sub(1) as *mut core::ffi::c_void, |sym| {
        let name = sym
            .name()
            .map_or_else(|| format!("{pc:#x}"), |n| format!("{n:#}"));
        let at = sym
            .filename()
            .zip(sym.lineno())
            .map(|(f, l)| (f.display().to_string(), l));
        out.push(Frame { name, at });
    });
    if out.is_empty() {
        out.push(Frame {
            name: format!("{pc:#x}"),
            at: None,
        });
    }
    out.into()
}

/// Go's frame lines for `pcs`, without the hidden frames on top and the goroutine entry's
/// plumbing at the bottom.
fn format_frames(pcs: &[usize]) -> String {
    let frames: Vec<Arc<[Frame]>> = symbolize(pcs);
    let frames: Vec<&Frame> = frames.iter().flat_map(|f| f.iter()).collect();
    let top = frames
        .iter()
        .position(|f| !hidden(&f.name))
        .unwrap_or(frames.len());
    let entry = frames[top..]
        .iter()
        .position(|f| f.name.starts_with("goro_rt::proc::gentry"))
        .map_or(frames.len(), |i| top + i);
    let mut end = entry;
    while end > top && hidden(&frames[end - 1].name) {
        end -= 1;
    }
    let mut out = String::new();
    for f in frames[top..end].iter().take(MAX_FRAMES) {
        let _ = writeln!(out, "{}(...)", f.name);
        if let Some((file, line)) = &f.at {
            let _ = writeln!(out, "\t{file}:{line}");
        }
    }
    if end - top > MAX_FRAMES {
        out.push_str("...additional frames elided...\n");
    }
    out
}

/// Return addresses of the calling code's stack.
fn capture_here(pcs: &mut Pcs) {
    backtrace::trace(|f| {
        // A null return address ends the stack (the goroutine trampoline's).
        if f.ip().is_null() {
            return false;
        }
        pcs.push(f.ip() as usize);
        pcs.len() < MAX_PCS
    });
}

/// What `walk_entry` needs: where to switch back to and where to put the addresses.
struct WalkJob {
    back: Context,
    pcs: Pcs,
}

/// Runs on a parked goroutine's stack, below its frames (`arch::walk`): captures, then
/// switches back. Never returns; `extern "C"`, so a panic here aborts instead of unwinding
/// into the goroutine's frames.
unsafe extern "C" fn walk_entry(arg: usize) -> ! {
    let job = arg as *mut WalkJob;
    // SAFETY: `walk_parked` passes its live job and waits, on this thread, until we
    // switch back; nobody else touches it meanwhile.
    capture_here(unsafe { &mut (*job).pcs });
    let mut abandoned = Context::default();
    // SAFETY: `back` was saved by `goro_walk` on this thread just now and nothing resumed
    // it; `abandoned` (this capture's own context) is never resumed.
    unsafe { arch::switch(&mut abandoned, &raw const (*job).back) };
    unreachable!("a finished goroutine walk was resumed")
}

/// The return addresses of `gp`'s frames; `None` if it has no stack to walk.
///
/// # Safety
/// `gp` must be a started goroutine suspended by `switch` (waiting, or runnable after its
/// first run) whose home M is the calling thread's, and the caller must not be `gp`: then
/// nothing can resume it until this returns.
unsafe fn walk_parked(gp: GRef) -> Option<Pcs> {
    if cfg!(goro_asan) {
        return None; // ASan would need fiber annotations for this switch too
    }
    let stack = gp.stack.as_ref()?;
    crate::shrinkstack::restore(gp);
    // SAFETY: per the contract, gp is suspended and owned by this thread's M.
    let sp = unsafe { (*gp.ctx.get()).sp };
    if sp == 0 || sp > stack.hi || sp < stack.lo + WALK_ROOM {
        return None;
    }
    let mut job = WalkJob {
        back: Context::default(),
        pcs: Vec::with_capacity(MAX_PCS),
    };
    let jp = &raw mut job;
    // SAFETY: `sp` is gp's saved context, which stays suspended (contract above), with
    // `WALK_ROOM` bytes of its own stack below; `walk_entry` captures and switches back
    // to `back`, which `walk` fills first.
    unsafe { arch::walk(&raw mut (*jp).back, sp, walk_entry, jp as usize) };
    Some(job.pcs)
}

/// A request to walk the goroutines of one runtime, answered by each of its Ms.
struct WalkReq {
    sched: usize,
    got: Mutex<Vec<(usize, Pcs)>>,
    left: Mutex<usize>,
    done: Condvar,
}

impl WalkReq {
    fn answered(&self) {
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        *left -= 1;
        self.done.notify_all();
    }
}

/// An M's pending walk requests.
#[derive(Default)]
pub(crate) struct WalkQueue {
    pending: AtomicBool,
    /// The requests, and whether the M has left (`close_walks`): then nobody serves them.
    reqs: Mutex<(Vec<Arc<WalkReq>>, bool)>,
}

impl WalkQueue {
    fn post(&self, req: Arc<WalkReq>) {
        let mut q = self.reqs.lock().unwrap_or_else(|e| e.into_inner());
        if q.1 {
            drop(q);
            req.answered(); // its M is home to no goroutine any more
            return;
        }
        q.0.push(req);
        self.pending
            .store(true, std::sync::atomic::Ordering::Release);
    }
}

/// `m` leaves the runtime (`M::mexit`), home to no goroutine: answers the dumps waiting for
/// it, and every later one at once.
pub(crate) fn close_walks(m: &M) {
    let reqs = {
        let mut q = m.walks.reqs.lock().unwrap_or_else(|e| e.into_inner());
        q.1 = true;
        std::mem::take(&mut q.0)
    };
    for req in reqs {
        req.answered();
    }
}

/// Answers `m`'s walk requests. Called by `m`'s own thread at its scheduling points and
/// before it sleeps (`proc.rs`, `m.rs`).
#[inline]
pub(crate) fn serve(m: &M) {
    if m.walks.pending.load(std::sync::atomic::Ordering::Acquire) {
        serve_slow(m);
    }
}

#[cold]
fn serve_slow(m: &M) {
    let reqs = {
        let mut q = m.walks.reqs.lock().unwrap_or_else(|e| e.into_inner());
        m.walks
            .pending
            .store(false, std::sync::atomic::Ordering::Relaxed);
        std::mem::take(&mut q.0)
    };
    for req in reqs {
        walk_homed(m, &req);
        req.answered();
    }
}

/// Walks every started goroutine of `req`'s runtime whose home is `m`, on `m`'s thread.
fn walk_homed(m: &M, req: &WalkReq) {
    let me = curg();
    let mp = (m as *const M).cast_mut();
    let mut got = Vec::new();
    for gp in crate::gfree::all_gs() {
        // Only this thread stores or clears *our* M as a G's home (`execute` at its first
        // run here, `retire_dead` at its exit here), so a G reads as homed here exactly
        // when it is; except that a spawner may home a fresh G here before it runs
        // (`Sched::spread_target`), which marks it `prehomed` first: such a G has no frames
        // to walk yet, and only this thread clears the mark.
        if gp.m.load(Ordering::Acquire) != mp
            || gp.prehomed.load(Ordering::Relaxed)
            || gp.sched.load(Ordering::Acquire) as usize != req.sched
            || Some(gp) == me
            || !matches!(gp.status(), G_WAITING | G_RUNNABLE)
        {
            continue;
        }
        // SAFETY: gp is started (it has a home), not dead, homed on this thread's M and
        // not the running G: suspended by a completed `switch`, and only this thread could
        // resume it.
        if let Some(pcs) = unsafe { walk_parked(gp) } {
            got.push((gp.as_ptr() as usize, pcs));
        }
    }
    req.got
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(got);
}

/// Frames of every started goroutine of `sched`, walked by their home Ms (see the header),
/// by G address. Goroutines of an M that did not answer within `WALK_WAIT` are missing.
fn walk_runtime(sched: &Sched) -> HashMap<usize, Pcs> {
    let ms: Vec<Arc<M>> = sched.lock().allm.clone();
    let req = Arc::new(WalkReq {
        sched: sched as *const Sched as usize,
        got: Mutex::new(Vec::new()),
        left: Mutex::new(ms.len()),
        done: Condvar::new(),
    });
    let my = getm();
    let mut mine = None;
    for m in &ms {
        if std::ptr::eq(Arc::as_ptr(m), my) {
            mine = Some(m);
        } else {
            m.walks.post(req.clone());
            m.park.wakeup_shared();
        }
    }
    if let Some(m) = mine {
        walk_homed(m, &req);
        req.answered();
    }
    let deadline = Instant::now() + WALK_WAIT;
    let mut left = req.left.lock().unwrap_or_else(|e| e.into_inner());
    while *left > 0 {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        if let Some(m) = mine {
            // Another M's dump may be waiting for ours meanwhile.
            drop(left);
            serve(m);
            left = req.left.lock().unwrap_or_else(|e| e.into_inner());
            if *left == 0 {
                break;
            }
        }
        let wait = (deadline - now).min(Duration::from_millis(1));
        left = req
            .done
            .wait_timeout(left, wait)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    drop(left);
    let got = std::mem::take(&mut *req.got.lock().unwrap_or_else(|e| e.into_inner()));
    got.into_iter().collect()
}

/// One goroutine of a dump: its header as of the walk, and its frames if walked.
struct Snap {
    gp: GRef,
    header: String,
    pcs: Option<Pcs>,
    started: bool,
    running: bool,
}

/// Headers of `gs` right after the walk, before the (slower) symbolization, so that the
/// statuses shown are those of the moment the frames were taken.
fn snap(gs: Vec<GRef>, mut walked: HashMap<usize, Pcs>) -> Vec<Snap> {
    gs.into_iter()
        .filter_map(|gp| {
            Some(Snap {
                header: header(gp)?,
                pcs: walked.remove(&(gp.as_ptr() as usize)),
                started: !gp.m.load(Ordering::Acquire).is_null()
                    && !gp.prehomed.load(Ordering::Relaxed),
                running: gp.status() == G_RUNNING,
                gp,
            })
        })
        .collect()
}

/// Header and frames of one goroutine.
fn goroutine(out: &mut String, g: &Snap) {
    out.push_str(&g.header);
    match &g.pcs {
        Some(pcs) => {
            let frames = format_frames(pcs);
            if frames.is_empty() {
                // No frame of its own resolved: a build without debug info, where the
                // body was inlined into the runtime's frames. Go always names at least
                // the goroutine's function: so do we, from its body's type.
                let body = crate::defer::without_generics(g.gp.entry.type_name());
                let _ = writeln!(out, "{body}(...)");
            } else {
                out.push_str(&frames);
            }
        }
        // Never ran (no home yet): nothing to walk, as a Go goroutine not yet started.
        // Go's words for the same case.
        None if g.running => {
            out.push_str("\tgoroutine running on other thread; stack unavailable\n");
        }
        None if !g.started || cfg!(goro_asan) => {}
        None => out.push_str("\t(frames not available: its thread did not stop in time)\n"),
    }
    created_by(out, g.gp);
}

/// `created_by`'s lines for the goroutine of a panic or fatal error report (none for
/// goroutine 1, as Go prints none for main).
pub(crate) fn created_by_lines(gp: GRef) -> String {
    let mut out = String::new();
    created_by(&mut out, gp);
    out
}

/// Go's last lines of a goroutine: `created by F in goroutine N` and the `go` statement's
/// place. F, the function whose `go!`/`spawn` made the goroutine, is known when the body
/// is a closure (its type is named after the function it is written in, as Go's
/// `main.main.func1` is); a named function passed to `spawn` says nothing of its caller.
fn created_by(out: &mut String, gp: GRef) {
    let at = gp.created.load(Ordering::Relaxed);
    if at.is_null() {
        return;
    }
    // SAFETY: `created` holds only `&'static Location`s (`newproc`).
    let at = unsafe { &*at };
    let by = creator(gp.entry.type_name());
    match (gp.parent.load(Ordering::Relaxed), by) {
        (0, Some(f)) => {
            let _ = writeln!(out, "created by {f} on a thread");
        }
        (0, None) => out.push_str("created by a thread\n"),
        (n, Some(f)) => {
            let _ = writeln!(out, "created by {f} in goroutine {n}");
        }
        (n, None) => {
            let _ = writeln!(out, "created in goroutine {n}");
        }
    }
    let _ = writeln!(out, "\t{}:{}", at.file(), at.line());
}

/// The function a closure type is written in: `app::main` for `app::main::{{closure}}`
/// (also `{closure#0}`, the v0 mangling's spelling), generic arguments dropped; `None` for
/// anything but a closure. A closure within a closure names the function too (Rust does not
/// number closures as Go's `main.serve.func1`): `#[goro::main]` runs `main`'s body as a
/// closure, so a `go!` in it reads `created by app::main`, as Go's `main.main`.
fn creator(body: &str) -> Option<String> {
    let name = crate::defer::without_generics(body);
    let mut f = name.strip_suffix("::{{closure}}")?;
    while let Some(outer) = f.strip_suffix("::{{closure}}") {
        f = outer;
    }
    (!f.is_empty()).then(|| f.to_owned())
}

/// A dump of the calling goroutine (and, with `all`, every other goroutine of its
/// runtime, with their frames) in Go's format. Go: runtime.Stack.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let dump = goro::runtime::stack(false);
///     assert!(dump.starts_with("goroutine 1 [running]:\n"));
/// });
/// ```
pub fn stack(all: bool) -> String {
    let me = curg();
    let mine = me.map(|gp| {
        let mut pcs = Vec::with_capacity(MAX_PCS);
        capture_here(&mut pcs);
        Snap {
            gp,
            header: header(gp).unwrap_or_default(),
            pcs: Some(pcs),
            started: true,
            running: true,
        }
    });
    let others = match current_sched() {
        Some(s) if all => snap(gs_of(s, me), walk_runtime(s)),
        _ => Vec::new(),
    };
    let mut out = String::new();
    for (i, g) in mine.iter().chain(&others).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        goroutine(&mut out, g);
    }
    out
}

/// The live goroutines of `sched` but `skip`, by id.
fn gs_of(sched: &Sched, skip: Option<GRef>) -> Vec<GRef> {
    let sp = (sched as *const Sched).cast_mut();
    let mut gs: Vec<GRef> = crate::gfree::all_gs()
        .into_iter()
        .filter(|g| g.sched.load(Ordering::Acquire) == sp && Some(*g) != skip)
        .collect();
    gs.sort_by_key(|g| g.goid());
    gs
}

/// Every live goroutine of every runtime in this process, with frames. For SIGQUIT.
pub(crate) fn dump_all() -> String {
    let mut out = String::new();
    for s in crate::checkdead::runtimes() {
        out.push_str(&dump_filtered(&s, None));
    }
    out
}

/// Every live goroutine of `sched` in Go's format, by goroutine id. For the deadlock
/// report.
pub(crate) fn dump_sched(sched: &Sched) -> String {
    dump_filtered(sched, None)
}

/// As `dump_sched`, without `me`: for `GOTRACEBACK=all` panic reports and fatal errors.
pub(crate) fn dump_sched_except(sched: &Sched, me: GRef) -> String {
    dump_filtered(sched, Some(me))
}

fn dump_filtered(sched: &Sched, skip: Option<GRef>) -> String {
    let mut out = String::new();
    for g in snap(gs_of(sched, skip), walk_runtime(sched)) {
        goroutine(&mut out, &g);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_minutes_as_go() {
        let min = 60_000_000_000;
        assert_eq!(wait_minutes(0, 5 * min), "");
        assert_eq!(wait_minutes(1, min - 1), "");
        assert_eq!(wait_minutes(1, min + 1), ", 1 minutes");
        assert_eq!(wait_minutes(10, 10 + 3 * min), ", 3 minutes");
    }

    #[test]
    fn hides_runtime_frames_but_not_sync_and_time() {
        assert!(hidden("goro_rt::park::gopark"));
        assert!(hidden("<goro_chan::chan::Chan<T>>::recv"));
        assert!(hidden("std::panicking::try"));
        assert!(!hidden("goro_rt::sync::mutex::Mutex<T>::lock"));
        assert!(!hidden("goro_chan::time::sleep"));
        assert!(!hidden("myprog::worker"));
    }

    #[test]
    fn a_closure_names_the_function_that_created_it() {
        assert_eq!(
            creator("app::main::{{closure}}").as_deref(),
            Some("app::main")
        );
        assert_eq!(
            creator("app::main::{closure#0}").as_deref(),
            Some("app::main")
        );
        assert_eq!(
            creator("app::serve::{{closure}}::{{closure}}").as_deref(),
            Some("app::serve"),
            "a closure in a closure (`#[goro::main]`'s body) names the function"
        );
        assert_eq!(
            creator("app::Pool<u8>::start::{{closure}}").as_deref(),
            Some("app::Pool::start")
        );
        assert_eq!(creator("app::worker"), None, "a named function");
        assert_eq!(creator(""), None);
    }
}
