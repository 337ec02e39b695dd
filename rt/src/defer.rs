//! defer and recover: Go's deferred calls, panics that replace one another, and `recover`.
//! Go: runtime/panic.go (deferproc, gopanic, gorecover, recovery, printpanics).
//!
//! # How Rust's unwinding maps onto Go's panic
//! A `defer!` is a guard (`Deferred`) whose `Drop` runs the deferred code, so it runs at
//! scope exit, in LIFO order, and while unwinding. Rust hands a panic's payload only to the
//! `catch_unwind` that ends the unwind, after every guard has run, while Go's `recover` returns
//! it inside the deferred call. So:
//! - **Frames.** A `#[goro::func]` function and every goroutine body (`go!`, `spawn`, goroutine
//!   1 of `run`/`#[goro::main]`) run inside `frame`: a `catch_unwind` with a record pushed
//!   on the goroutine's frame stack. Only a frame can stop a panic, so only the deferred
//!   code of a frame's own function can recover: a `defer!` written in the frame's body
//!   (its closure's type name says which function it is in, `Frame::owns`), or in the
//!   function a `go!(f(x))` / `go!(obj.m(x))` body calls. In a plain function the body
//!   calls, `recover()` returns `None` and the panic goes on: Go would return from that
//!   function, which goro cannot do, and recovering for the frame would skip the rest of
//!   its body without a word.
//! - **Panics.** The panic hook (`panic.rs`) runs where a panic starts and pushes a
//!   `PanicRec` on the goroutine's panic list (Go's `gp._panic`) with a copy of the payload
//!   (`&'static str` and `String` payloads are copied as they are; any other payload is
//!   copied as the `String` `Box<dyn Any>`). `goexit` and runtime shutdown push a record
//!   marked `goexit`, which `recover` never returns (Go: `p.goexit`).
//! - **Which defers a panic runs.** A guard dropped while its thread unwinds is *run by* the
//!   newest in-flight panic if that panic started inside the guard's frame and is not
//!   itself paused in one of its deferred calls (Go: `p.argp`, the deferred call the panic is
//!   running). Guards dropped by a normal scope exit inside a deferred call are not run by
//!   any panic, as in Go, where such defers run from `deferreturn`.
//! - **recover.** Succeeds only in a deferred call run by the newest panic, that panic not
//!   yet recovered and not a goexit; it marks the record `recovered` and returns the copied
//!   payload. The unwind itself goes on (Rust cannot stop it mid-way): the frame's remaining
//!   guards and destructors run, then the frame's `catch_unwind` sees the record recovered,
//!   discards the unwind and the function returns `Default::default()` (Go: `recovery`
//!   makes the function return normally with its result values).
//! - **"Directly in the deferred call".** The block form `defer!({ ... })` rewrites its own
//!   `recover()` calls to `recover_in` with its own running-defer index, so a function
//!   called from the block that calls `goro::recover()` gets `None` (Go's `argp` check). In
//!   the call form `defer!(f(x))`, `f` is the deferred call: `goro::recover()` anywhere in
//!   `f`'s dynamic extent succeeds (wider than Go, which requires `f` itself to call it).
//! - **A panic in a deferred call while panicking** never unwinds out of the guard's `Drop`
//!   (Rust would abort): the guard runs the deferred code inside `catch_unwind`. If a new
//!   panic escapes, the guard marks the panic that ran it `aborted` (or forgets it if it had
//!   been recovered before this guard started, as Go drops a recovered panic before later
//!   defers run), keeps the new payload in the new record and returns; the old unwind goes
//!   on, and the frame it reaches re-raises the *newest* record's payload. An unrecovered
//!   report prints the list oldest first, as Go's `printpanics`:
//!   `panic: first [recovered]` / `\tpanic: second`. A recovered panic that had aborted a
//!   goexit this way does not stop it: the frame lets the goexit's unwind go on.
//!
//! # State and ownership
//! `State` lives in the running G (`G::defers`), or in a thread-local on a plain thread;
//! only code running on that G touches it, and never across a call into user code, so a
//! deferred call may park (a channel receive during a panic) while other goroutines of the
//! thread use their own states. A goroutine keeps its thread (`proc.rs`), and std's
//! `thread::panicking()` counts every unwind of the thread, so it is only a first filter;
//! the records decide.
//!
//! Known gaps: a panic caught by a `std::panic::catch_unwind` of the user's leaves its record
//! until the enclosing frame returns; an unwind started by a user's `resume_unwind` has no
//! record (its defers run, nothing can recover it).

use crate::funcval::NameFn;
use crate::tls::curg;
use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// One panic of a goroutine's list. Go: runtime._panic.
struct PanicRec {
    /// The text `printpanics` shows.
    msg: String,
    /// What `recover` returns (a copy of the payload), taken by the recovering call.
    copy: Option<Box<dyn Any + Send>>,
    /// The payload itself, once the unwind it rode on was caught by a guard (the panic
    /// replaced an older one) or a frame re-raised it.
    real: Option<Box<dyn Any + Send>>,
    recovered: bool,
    /// A later panic escaped from a deferred call this panic was running. Go: p.aborted.
    aborted: bool,
    /// Recovered, then replaced: no longer printed.
    done: bool,
    /// `goexit` or runtime shutdown: never recovered, never printed. Go: p.goexit.
    goexit: bool,
    /// Still unwinding (not yet caught by a frame or guard).
    in_flight: bool,
}

/// A deferred call being run. Go: the `_defer` a panic is running (`p.argp`).
struct Running {
    /// The panic that runs this call (an index into `panics`), `None` at a normal exit.
    panic: Option<usize>,
    /// `defer!(f(x))` (where any `goro::recover()` counts) or the block form.
    call_form: bool,
    /// The type name of the `defer!`'s closure (which names the function it is written
    /// in) and the frame it was made in (an index into `frames`): `recover` asks whether
    /// that function is the frame's own (`Frame::owns`).
    owner: &'static str,
    frame: Option<usize>,
}

/// A frame: a function whose deferred calls may recover (a goroutine body, a
/// `#[goro::func]` function, goroutine 1 of `run`).
///
/// 24 bytes (thin pointers, a 32-bit count), so that `Frames` keeps two in the G.
struct Frame {
    /// `panics.len()` when it was entered.
    base: u32,
    /// The type name of the frame's body (a closure or a function item):
    /// `core::any::type_name::<F>` itself.
    owner: NameFn,
    /// The function a `go!(f(x))` / `go!(obj.m(x))` body calls (its path as written): its
    /// deferred calls are the goroutine's own too, as Go's `go f(x)`.
    alias: Option<&'static &'static str>,
}

/// The active frames of a goroutine, innermost last. The first `INLINE_FRAMES` live in
/// the G itself: every goroutine has one (its body), two if started by `spawn`, and a
/// `Vec` of them was a 176-byte heap block held by every goroutine for life (in
/// rss_parked, 4% of a parked goroutine's memory).
#[derive(Default)]
struct Frames {
    len: usize,
    inline: [Option<Frame>; INLINE_FRAMES],
    /// Frames past the first `INLINE_FRAMES` (nested `#[goro::func]` calls).
    more: Vec<Frame>,
}

const INLINE_FRAMES: usize = 2;

impl Frames {
    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, f: Frame) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = Some(f),
            None => self.more.push(f),
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        let Some(i) = self.len.checked_sub(1) else {
            return;
        };
        self.len = i;
        match self.inline.get_mut(i) {
            Some(slot) => *slot = None,
            None => drop(self.more.pop()),
        }
    }

    fn get(&self, i: usize) -> Option<&Frame> {
        if i >= self.len {
            return None;
        }
        match self.inline.get(i) {
            Some(slot) => slot.as_ref(),
            None => self.more.get(i - INLINE_FRAMES),
        }
    }

    fn last_mut(&mut self) -> Option<&mut Frame> {
        let i = self.len.checked_sub(1)?;
        match self.inline.get_mut(i) {
            Some(slot) => slot.as_mut(),
            None => self.more.last_mut(),
        }
    }

    /// Empties the stack, keeping `more`'s allocation for the G's next goroutine.
    fn clear(&mut self) {
        self.inline = Default::default();
        self.more.clear();
        self.len = 0;
    }
}

impl Frame {
    /// Whether a `defer!` whose closure has type name `deferred` is written directly in
    /// this frame's function (Go: the deferred call belongs to the panicking frame's
    /// function). A `defer!` in a plain function the body calls is not: its `recover`
    /// returns `None`, as DESIGN's "a nested function"; recovering there used to end the
    /// whole frame early, silently skipping the rest of its body.
    fn owns(&self, deferred: &str) -> bool {
        let deferred = without_generics(deferred);
        let Some(func) = deferred.strip_suffix("::{{closure}}") else {
            return false;
        };
        if func == without_generics((self.owner)()) {
            return true;
        }
        self.alias.is_some_and(|a| {
            let a = without_generics(a);
            let a = a.trim_start_matches("self::").trim_start_matches("crate::");
            func.strip_suffix(a)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with("::"))
        })
    }
}

/// `path<T, U>::f::<V>` → `path::f`: type names of closures in generic functions carry
/// their parents' arguments, a `go!` path its turbofish. A closure segment is spelt
/// `{{closure}}` whichever way the toolchain prints it (`{closure#0}` in v0 style).
pub(crate) fn without_generics(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("::::", "::");
    out.trim_end_matches("::")
        .split("::")
        .map(|seg| {
            if seg.starts_with("{closure") {
                "{{closure}}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("::")
}

/// Per goroutine defer state (see the header).
#[derive(Default)]
pub(crate) struct State {
    /// The active frames, innermost last.
    frames: Frames,
    panics: Vec<PanicRec>,
    running: Vec<Running>,
}

impl State {
    /// The newest in-flight panic, if its unwind is going on right now (not paused in one of
    /// its deferred calls).
    fn unwinding_panic(&self) -> Option<usize> {
        let i = self.panics.iter().rposition(|p| p.in_flight)?;
        (!self.running.iter().any(|r| r.panic == Some(i))).then_some(i)
    }

    /// Go's recover for the running deferred call `k`.
    fn recover(&mut self, k: usize) -> Option<Box<dyn Any + Send>> {
        let r = self.running.get(k)?;
        let i = r.panic?;
        if !r
            .frame
            .and_then(|f| self.frames.get(f))
            .is_some_and(|f| f.owns(r.owner))
        {
            return None; // a defer! of a function the frame's body called
        }
        if i + 1 != self.panics.len() {
            return None; // a newer panic is on top: this call is not what it runs
        }
        let p = &mut self.panics[i];
        if p.recovered || p.goexit || p.aborted || p.done {
            return None;
        }
        p.recovered = true;
        Some(
            p.copy
                .take()
                .unwrap_or_else(|| Box::new(p.msg.clone()) as Box<dyn Any + Send>),
        )
    }
}

std::thread_local! {
    static PLAIN: RefCell<State> = RefCell::new(State::default());
}

/// Runs `f` on the calling goroutine's (or plain thread's) state. `f` must not call user code.
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> R {
    match curg() {
        // SAFETY: only the running G touches its own defer state (see the header), and `f`
        // neither parks nor re-enters `with_state`.
        Some(gp) => f(unsafe { &mut *gp.defers.get() }),
        // A thread being torn down has lost its state: use a fresh one.
        None => {
            let mut f = Some(f);
            let r = PLAIN
                .try_with(|s| {
                    let mut s = s.try_borrow_mut().ok()?;
                    f.take().map(|f| f(&mut s))
                })
                .ok()
                .flatten();
            match (r, f) {
                (Some(r), _) => r,
                (None, Some(f)) => f(&mut State::default()),
                (None, None) => unreachable!("with_state: f both ran and did not"),
            }
        }
    }
}

/// Copies a payload for `recover`, when its type allows.
fn copy_payload(payload: &(dyn Any + Send)) -> Option<Box<dyn Any + Send>> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(Box::new(*s))
    } else {
        payload
            .downcast_ref::<String>()
            .map(|s| Box::new(s.clone()) as Box<dyn Any + Send>)
    }
}

/// The panic hook saw a panic start here: record it if a frame could recover it.
pub(crate) fn on_panic(payload: &(dyn Any + Send)) {
    with_state(|st| {
        if !st.frames.is_empty() {
            st.panics.push(PanicRec {
                msg: crate::panic::payload_text(payload),
                copy: copy_payload(payload),
                real: None,
                recovered: false,
                aborted: false,
                done: false,
                goexit: false,
                in_flight: true,
            });
        }
    })
}

/// Starts an unwind that ends the goroutine quietly (`goexit`, shutdown): its deferred
/// calls run, `recover` returns `None` in them.
pub(crate) fn resume_goexit(payload: Box<dyn Any + Send>) -> ! {
    with_state(|st| {
        if !st.frames.is_empty() {
            st.panics.push(PanicRec {
                msg: String::new(),
                copy: None,
                real: None,
                recovered: false,
                aborted: false,
                done: false,
                goexit: true,
                in_flight: true,
            });
        }
    });
    resume_unwind(payload)
}

/// Re-raises on this goroutine a panic caught elsewhere (a `runtime::syscall` body's),
/// recording it as a panic that starts here.
pub(crate) fn resume_panic(payload: Box<dyn Any + Send>) -> ! {
    on_panic(&*payload);
    resume_unwind(payload)
}

/// How a frame's body ended.
pub(crate) enum Outcome<R> {
    /// It returned.
    Returned(R),
    /// It panicked and a deferred call recovered: the payload of the unwind.
    Recovered(Box<dyn Any + Send>),
    /// It is still panicking (or exiting) with this payload (the newest panic's).
    Panicking(Box<dyn Any + Send>),
}

/// Runs `body` as a frame: a function whose deferred calls may recover. Go: the frame of
/// a function with defers, and gopanic/recovery's return to it.
pub(crate) fn frame<R, F: FnOnce() -> R>(body: F) -> Outcome<R> {
    frame_owned(core::any::type_name::<F>, body)
}

/// `frame`, for a body whose own type is erased (a goroutine's `FuncVal`): `owner` gives
/// the type name of the function it runs.
pub(crate) fn frame_owned<R>(owner: NameFn, body: impl FnOnce() -> R) -> Outcome<R> {
    if curg().is_none() {
        // A `#[goro::func]` on a plain thread; a goroutine's runtime installed it already
        // (`Sched::new`, `mstart`), and this runs once per goroutine.
        crate::panic::install_hook();
    }
    let base = with_state(|st| {
        let base = st.panics.len();
        st.frames.push(Frame {
            // One record per panic in flight, each held up by a guard or frame live on
            // the goroutine's stack: far below 2^32.
            base: base as u32,
            owner,
            alias: None,
        });
        base
    });
    let r = catch_unwind(AssertUnwindSafe(body));
    with_state(|st| {
        st.frames.pop();
        match r {
            Ok(v) => {
                st.panics.truncate(base);
                Outcome::Returned(v)
            }
            Err(payload) => match st.panics.len().checked_sub(1).filter(|&i| i >= base) {
                Some(i) if st.panics[i].recovered => {
                    // A recovered panic that had aborted a goexit (it escaped a deferred
                    // call the goexit ran) does not stop the goexit: the goroutine goes on
                    // exiting, the goexit's unwind (this one) carrying on. Go: gopanic's
                    // "return to the processing loop of the Goexit".
                    let below = st.panics[..i].iter().rposition(|p| !p.done);
                    if let Some(j) = below.filter(|&j| {
                        let p = &st.panics[j];
                        p.goexit && p.aborted
                    }) {
                        st.panics.truncate(j + 1);
                        let g = &mut st.panics[j];
                        g.aborted = false;
                        g.in_flight = true;
                        return Outcome::Panicking(payload);
                    }
                    st.panics.truncate(base);
                    Outcome::Recovered(payload)
                }
                Some(i) => Outcome::Panicking(st.panics[i].real.take().unwrap_or(payload)),
                None => Outcome::Panicking(payload),
            },
        }
    })
}

/// `go!(f(x))`: the goroutine's body calls `f` (its path as written), whose deferred calls
/// may recover as the body's own. Macro support.
#[doc(hidden)]
pub fn frame_alias(callee: &'static &'static str) {
    with_state(|st| {
        if let Some(f) = st.frames.last_mut() {
            f.alias = Some(callee);
        }
    });
}

/// Empties the calling goroutine's defer state when its body is over (keeping the
/// allocations for the next goroutine of this G).
pub(crate) fn clear() {
    with_state(|st| {
        st.frames.clear();
        st.panics.clear();
        st.running.clear();
    });
}

/// Go's `printpanics` for the panics before the newest: `panic: first [recovered]\n\t`, one
/// per line, oldest first (the caller prints the newest).
pub(crate) fn earlier_panics() -> String {
    with_state(|st| {
        let shown: Vec<&PanicRec> = st.panics.iter().filter(|p| !p.goexit && !p.done).collect();
        let mut out = String::new();
        for p in shown.iter().take(shown.len().saturating_sub(1)) {
            out.push_str("panic: ");
            out.push_str(&p.msg);
            if p.recovered {
                out.push_str(" [recovered]");
            }
            out.push_str("\n\t");
        }
        out
    })
}

/// The running deferred call, handed to a block-form `defer!` so that its own `recover()`
/// calls are "directly in the deferred call".
#[doc(hidden)]
pub struct DeferCall {
    index: usize,
}

/// A `defer!` guard: runs its code when dropped. Macro support.
#[doc(hidden)]
pub struct Deferred<F: FnOnce(&DeferCall)> {
    f: Option<F>,
    call_form: bool,
    /// `panics.len()` when the enclosing frame was entered, and that frame's index;
    /// `None` outside any frame.
    frame_base: Option<usize>,
    frame: Option<usize>,
}

impl<F: FnOnce(&DeferCall)> Deferred<F> {
    /// `defer!(f(x))`: the function and its arguments are already evaluated into `f`.
    #[inline]
    pub fn call(f: F) -> Deferred<F> {
        Deferred::new(f, true)
    }

    /// `defer!({ ... })`.
    #[inline]
    pub fn block(f: F) -> Deferred<F> {
        Deferred::new(f, false)
    }

    fn new(f: F, call_form: bool) -> Deferred<F> {
        let (frame_base, frame) = with_state(|st| {
            let i = st.frames.len().checked_sub(1);
            (i.and_then(|i| st.frames.get(i)).map(|f| f.base as usize), i)
        });
        Deferred {
            f: Some(f),
            call_form,
            frame_base,
            frame,
        }
    }
}

impl<F: FnOnce(&DeferCall)> Drop for Deferred<F> {
    fn drop(&mut self) {
        let Some(f) = self.f.take() else { return };
        let panicking = std::thread::panicking();
        let (index, run_by, start_len, recovered_before) = with_state(|st| {
            let run_by = if panicking {
                st.unwinding_panic()
                    .filter(|&i| self.frame_base.is_some_and(|b| i >= b))
            } else {
                None
            };
            st.running.push(Running {
                panic: run_by,
                call_form: self.call_form,
                owner: core::any::type_name::<F>(),
                frame: self.frame,
            });
            let recovered_before =
                run_by.is_some_and(|i| st.panics.get(i).is_some_and(|p| p.recovered));
            (
                st.running.len() - 1,
                run_by,
                st.panics.len(),
                recovered_before,
            )
        });
        let call = DeferCall { index };
        let r = catch_unwind(AssertUnwindSafe(|| f(&call)));
        let escaped = with_state(|st| {
            st.running.truncate(index);
            let payload = r.err()?;
            let top = st.panics.len().checked_sub(1).filter(|&j| j >= start_len);
            if top.is_some_and(|j| st.panics[j].recovered) {
                // Recovered inside the deferred call: it ended normally.
                st.panics.truncate(start_len);
                return None;
            }
            let Some(i) = run_by else {
                return Some(payload); // a normal scope exit: the panic goes on from here
            };
            // A panic in a deferred call while panicking: it replaces the one that ran
            // the call, whose unwind goes on carrying the new panic's record.
            if let Some(p) = st.panics.get_mut(i) {
                if recovered_before {
                    p.done = true;
                } else {
                    p.aborted = true;
                }
                p.in_flight = false;
            }
            match top.and_then(|j| st.panics.get_mut(j)) {
                Some(p) => p.real = Some(payload),
                None => st.panics.push(PanicRec {
                    msg: crate::panic::payload_text(&*payload),
                    copy: copy_payload(&*payload),
                    goexit: crate::panic::is_quiet(&*payload),
                    real: Some(payload),
                    recovered: false,
                    aborted: false,
                    done: false,
                    in_flight: true,
                }),
            }
            None
        });
        if let Some(payload) = escaped {
            if panicking {
                // Unwinding without a record (a user's `resume_unwind`): a panic out of
                // this `Drop` would abort the process; keep the first unwind going.
                return;
            }
            resume_unwind(payload);
        }
    }
}

/// Go's `recover()`: stops the panicking of the goroutine and returns its payload, if called
/// in a deferred call that the panic is running (`defer!(f())` with `f` calling
/// `recover()`, or a `defer!({ ... })` block calling it itself, not in a closure, async
/// block or fn written in it) of a goroutine body or a `#[goro::func]` function. The
/// function then returns `Default::default()` (a goroutine body just ends). Anywhere else,
/// after `goexit`, or once the panic was recovered, it returns `None`. Go:
/// runtime.gorecover.
///
/// The payload is `panic!`'s: a `&'static str` or a `String`, so downcast to those (or use
/// [`payload_str`](crate::panic::payload_str)); a `panic_any` payload of another type comes
/// back as a `String` of its text: a number, `bool`, `char` or error as it displays (Go's
/// `panic(42)` recovers 42; here `"42"`), anything else `Box<dyn Any>`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// #[goro::func]
/// fn safe_div(a: i32, b: i32) -> i32 {
///     defer!({
///         if let Some(p) = goro::recover() {
///             assert_eq!(goro::panic::payload_str(&*p), "attempt to divide by zero");
///         }
///     });
///     a / b
/// }
///
/// goro::run(|| {
///     assert_eq!(safe_div(7, 2), 3);
///     assert_eq!(safe_div(1, 0), 0); // recovered: the function returns Default::default()
///     assert!(goro::recover().is_none()); // not panicking
/// });
/// ```
pub fn recover() -> Option<Box<dyn Any + Send>> {
    with_state(|st| {
        let k = st.running.len().checked_sub(1)?;
        if !st.running[k].call_form {
            return None; // called from a function the block called: not directly
        }
        st.recover(k)
    })
}

/// `recover()` written in a `defer!({ ... })` block itself. Macro support.
#[doc(hidden)]
pub fn recover_in(call: &DeferCall) -> Option<Box<dyn Any + Send>> {
    with_state(|st| st.recover(call.index))
}

/// `#[goro::func]`: runs the body as a frame; after a recovered panic returns `zero()`
/// (`R::default()`).
/// Macro support.
#[doc(hidden)]
pub fn func<R>(body: impl FnOnce() -> R, zero: fn() -> R) -> R {
    match frame(body) {
        Outcome::Returned(v) => v,
        Outcome::Recovered(_) => zero(),
        Outcome::Panicking(p) => resume_unwind(p),
    }
}

#[cfg(test)]
mod tests {
    use super::{Frame, Frames, INLINE_FRAMES, without_generics};

    #[test]
    fn frames_past_the_inline_ones_go_on_the_heap_and_come_back_in_order() {
        let mut fs = Frames::default();
        let n = INLINE_FRAMES + 3;
        for base in 0..n as u32 {
            fs.push(Frame {
                base,
                owner: || "f",
                alias: None,
            });
            assert_eq!(fs.last_mut().map(|f| f.base), Some(base));
        }
        assert_eq!(fs.len(), n);
        assert_eq!(fs.more.len(), n - INLINE_FRAMES);
        for i in 0..n {
            assert_eq!(fs.get(i).map(|f| f.base), Some(i as u32));
        }
        assert!(fs.get(n).is_none());
        for top in (0..n).rev() {
            assert_eq!(fs.last_mut().map(|f| f.base), Some(top as u32));
            fs.pop();
            assert!(fs.get(top).is_none(), "frame {top} still there");
        }
        assert!(fs.is_empty() && fs.last_mut().is_none());
        fs.pop(); // an empty stack stays empty
        fs.push(Frame {
            base: 7,
            owner: || "g",
            alias: None,
        });
        fs.clear();
        assert!(fs.is_empty() && fs.get(0).is_none());
        assert!(fs.more.capacity() >= 3, "clear keeps the allocation");
    }

    #[test]
    fn a_frame_owns_the_defers_of_its_own_function_only() {
        let body = Frame {
            base: 0,
            owner: || "app::main::{{closure}}",
            alias: None,
        };
        assert!(body.owns("app::main::{{closure}}::{{closure}}"));
        assert!(
            body.owns("app::main::{closure#0}::{closure#1}"),
            "v0-style names"
        );
        assert!(
            !body.owns("app::main::{{closure}}::{{closure}}::{{closure}}"),
            "nested"
        );
        assert!(!body.owns("app::helper::{{closure}}"), "a plain function");
        let call = Frame {
            base: 0,
            owner: || "app::main::{{closure}}",
            alias: Some(&"net :: handle :: < u8 >"),
        };
        assert!(call.owns("app::net::handle::{{closure}}"));
        assert!(!call.owns("app::net::unhandle::{{closure}}"));
        assert_eq!(
            without_generics("a::f<T, Vec<U>>::{{closure}}"),
            "a::f::{{closure}}"
        );
    }
}
