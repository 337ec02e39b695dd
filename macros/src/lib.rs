//! goro-macros: the proc macros behind goro's `go!`, `chan!`, `select!`, `defer!`,
//! `#[goro::main]`, `#[goro::test]`, `#[goro::func]` and `#[derive(goro::gc::Trace)]`.
//!
//! Use them through the facade (`goro::go!`, `goro::select!`, `#[goro::main]`, …): every
//! expansion names only paths under `::goro::__private`. This file holds the entry points; each
//! macro lives in a folder with `ast.rs` (parse), `valid.rs` (check) and `expand.rs` (quote),
//! and `errors.rs` collects every error of one input.
#![warn(missing_docs)]

use proc_macro::TokenStream;
use syn::parse_macro_input;

mod chan;
mod defer;
mod entry;
mod errors;
mod func;
mod go;
mod recover;
mod select;
mod trace;

/// Starts a goroutine: Go's `go` statement, in its three shapes.
///
/// - **Call**: `go!(f(a, b))`, `go!(path::f(x))`, `go!(obj.method(a))`. As in Go, the
///   function value, the receiver and every argument are evaluated *now*, in the caller, in
///   source order; only the call runs in the new goroutine. They are moved into it: a
///   channel or `Arc` passed as `go!(worker(ch))` is the goroutine's now, so write
///   `go!(worker(ch.clone()))` to keep one (or the block form, below). A method call's
///   receiver is moved too (Go's method value): `go!(server.clone().serve())`.
/// - **Closure**: `go!(move || ...)`, `go!(task)`: spawns the closure as is.
/// - **Block**: `go!({ ... })` or `go! { ...; }`: Go's `go func() { ... }()`. Every variable of
///   the caller that the block names (also inside `println!`-style macros and as `{x}` in
///   their format strings) is handed to the goroutine by its type, when the `go!` runs: a
///   `goro::Share` handle (`Chan`, `Sender`, `Receiver`, `Arc<T>`), or a shared reference to
///   one, is *cloned*, so the caller keeps using it; a `Copy` value (numbers,
///   `&'static str`, a closure that captures only `Copy` values) is *copied*: the goroutine
///   sees its value at the `go!`, not later changes. Anything else (a `Vec`, a `String`, a
///   `JoinHandle`) is a compile error at its use, naming the fixes: put it in an `Arc`, or
///   move it with `go!(move || ...)`. (A macro sees no types, and Rust has no way to move a
///   variable only when its type is neither `Share` nor `Copy`.) A variable *called*, `f(x)`,
///   is taken as `move ||` takes it: a `Copy` closure is copied, any other closure (an
///   `impl FnOnce` parameter, say, Go's `go func() { f() }()`) is moved in. To clone an
///   `Arc<dyn Fn>` instead, call it in parentheses, `(f)(x)`: that is an expression like any
///   other, so the rule above applies.
///   Go's closure *shares* its variables with the caller; a goroutine cannot, so assigning
///   to a captured variable (`n += 1`, `n = 5`, `n.field = 5`) is a compile error at the
///   assignment: share the value through an atomic, a `Mutex` or a channel, or write
///   `let mut n = n;` in the block for a private copy. `self` is not a variable here: it is
///   moved as by `move ||`.
///
/// The brackets decide: `go! { f(x) }` is a block, like `go!({ f(x) })`, while `go!(f(x))`
/// and `go![f(x)]` are calls. (A `go!` call that another proc macro generates has no source
/// text to tell its brackets by; there `go! { f(x) }` is a call too.) `go!` evaluates to `()`;
/// the goroutine's closure must be `Send + 'static` and return `()`.
///
/// A goroutine that has started stays on its OS thread until it ends, like a `std::thread`:
/// `thread_local!`s and `!Send` values held across a blocking call behave as in a thread.
/// `goro::runtime::lock_os_thread()` also keeps new goroutines off that thread.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicI32, Ordering};
///
/// goro::run(|| {
///     let results = chan![i32; 5];
///     let total = Arc::new(AtomicI32::new(0)); // an `Arc` is `Share`: blocks clone it
///     let scale = |x: i32| x * 10; // a `Copy` closure: copied
///     for i in 1..=3 {
///         go!({
///             // `results` and `total` are clones, `i` and `scale` copies
///             total.fetch_add(i, Ordering::SeqCst);
///             results.send(scale(i));
///         });
///     }
///     fn double(x: i32, out: Chan<i32>) {
///         out.send(2 * x);
///     }
///     go!(double(21, results.clone())); // `21` and the clone are evaluated here
///     let mut n = 1;
///     go!({
///         let mut n = n; // a private copy: assigning to the caller's `n` would not compile
///         n += 1;
///         results.send(n);
///     });
///     n += 100; // the goroutine's copy took `n` at the `go!`
///     let mut got: Vec<i32> = (0..5).map(|_| results.recv().unwrap()).collect();
///     got.sort();
///     assert_eq!(got, [2, 10, 20, 30, 42]);
///     assert_eq!((n, total.load(Ordering::SeqCst)), (101, 6)); // the caller kept both
/// });
/// ```
#[proc_macro]
pub fn go(input: TokenStream) -> TokenStream {
    let parser = go::ast::GoInput::parser(go::ast::invoked_with_braces());
    let ast = parse_macro_input!(input with parser);
    let out = go::valid::check(&ast).map(|()| go::expand::expand(&ast));
    out.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Makes a channel: Go's `make(chan T)` and `make(chan T, n)`.
///
/// `chan![T]` is unbuffered: a send waits for a receiver. `chan![T; n]` buffers `n` values,
/// where `n` is any `usize` expression. Both are `goro::Chan::<T>::new(n)` (`n = 0` for the
/// first), a cheap handle that clones share, as Go's channel values; `_` lets the type be
/// inferred (`chan![_; 4]`).
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let results = chan![u64; 3]; // three sends fit without a receiver
///     for i in 1..=3u64 {
///         results.send(i * i);
///     }
///     let done = chan![()]; // unbuffered: the send below waits for `recv`
///     go!({
///         let total: u64 = results.iter().take(3).sum();
///         assert_eq!(total, 14);
///         done.send(());
///     });
///     assert_eq!(done.recv(), Some(()));
/// });
/// ```
#[proc_macro]
pub fn chan(input: TokenStream) -> TokenStream {
    let ast = parse_macro_input!(input as chan::ast::ChanInput);
    let out = chan::valid::check(&ast).map(|()| chan::expand::expand(&ast));
    out.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Waits until one of several channel operations can proceed and runs its arm: Go's
/// `select` statement.
///
/// ```text
/// select! {
///     case v := <-rx => ...,         // declares v: Option<T>, None once rx is closed and drained
///     case (v, ok) := <-rx => ...,   // declares (v, ok): (T, bool), Go's `v, ok := <-rx`
///     case x = <-rx => ...,          // assigns T to an existing place, Go's `x = <-rx`
///     case (x, ok) = <-rx => ...,    // assigns T and bool to existing places
///     case <-done => ...,            // receives and drops the value (also `_ = <-done`)
///     case tx <- value => ...,       // sends
///     default => ...,                // taken when no other arm is ready right now
/// }
/// ```
/// `case` is optional (and always Go's keyword here: a variable of that name is `r#case`).
/// As in Go, `:=` declares new variables for the arm's body and `=` assigns to places that
/// already exist:
/// - `v := <-rx` declares `v: Option<T>` (`v` may be `mut v` or `_`); `(v, ok) := <-rx`
///   (or `v, ok := <-rx`) declares `v: T` and `ok: bool`, with `T::default()` (Go's zero
///   value) and `false` once the channel is closed and drained. Other patterns are an error:
///   match on `v` in the body.
/// - `x = <-rx` assigns the received `T` to `x`, and `(x, ok) = <-rx` (or `x, ok = <-rx`)
///   assigns both, where `x` and `ok` are places: a variable, a field `s.f`, an index `a[i]`,
///   a deref `*p`, or `_`. Once the channel is closed, `x` gets Go's zero value,
///   `T::default()`, so these forms need `T: Default` (except `_ = <-rx` and
///   `(_, ok) = <-rx`). The place is written after the receive, before the body runs.
///
/// Any expression names a channel (`self.jobs`, `chans[i]`, `done.clone()`, a call): a
/// `Chan`, a `Receiver` to receive, a `Sender` to send, or a reference to one. It is borrowed
/// for the select only, never moved. A send value is any expression, a struct literal
/// (`tx <- Point { x: 1, y: 2 }`) included. Arms are separated by `,`, which a block body may
/// leave out, as in `match`.
///
/// As in Go: every channel operand and send value is evaluated exactly once, in source order,
/// before the select waits; if several arms are ready one is chosen at random; a nil channel
/// is never ready; a send arm on a closed channel panics `send on closed channel`. Without a
/// `default`, the select blocks until an arm proceeds; `select! {}` blocks forever. A send
/// arm's value is moved into the select even when another arm runs (it is then dropped
/// before that arm's body).
///
/// The arm bodies are plain Rust of the enclosing function: `continue`, `return`, `?` and
/// labelled `break`s act on its loops and its return type, and a body may reassign, close or
/// move the channels (setting one to `Chan::nil()` turns its arm off, Go's idiom). `select!`
/// is an expression whose value is the chosen body's.
///
/// `break` is the one difference. Go's `break` in a select arm leaves the select; in Rust it
/// would leave the loop around it, so an unlabelled `break` directly in an arm is a compile
/// error. Delete it if it ends the arm (the select ends after its arm anyway), write the body
/// as a labelled block and `break 'arm` to end it early, or label the loop and write
/// `break 'label` to leave the loop (Go's `break Label`). A `break` inside a loop or closure
/// of the body is that loop's, as usual.
///
/// # Panics
/// `send on closed channel` if the chosen send arm's channel is (or gets) closed.
///
/// # Examples
/// Receiving until a quit channel is closed, with a labelled `break`:
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let (nums, quit) = (chan![i32], chan![()]);
///     go!({
///         for i in 0..3 {
///             nums.send(i);
///         }
///         quit.close();
///     });
///     let mut got = Vec::new();
///     'recv: loop {
///         select! {
///             case v := <-nums => got.push(v.unwrap()),
///             case <-quit => break 'recv,
///         }
///     }
///     assert_eq!(got, [0, 1, 2]);
/// });
/// ```
/// Sending without waiting, and Go's `v, ok` form:
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let ch = chan![&str; 1];
///     let sent = select! {
///         ch <- "hi" => true,
///         default => false, // only if the buffer were full
///     };
///     assert!(sent);
///     ch.close();
///     select! {
///         (v, ok) := <-ch => assert_eq!((v, ok), ("hi", true)),
///     }
///     select! {
///         (v, ok) := <-ch => assert_eq!((v, ok), ("", false)), // closed and drained
///     }
/// });
/// ```
/// Assigning to existing places with `=`, and sending a struct literal:
/// ```
/// use goro::prelude::*;
///
/// #[derive(Debug, Default, PartialEq)]
/// struct Point {
///     x: i32,
///     y: i32,
/// }
///
/// goro::run(|| {
///     let points = chan![Point; 1];
///     select! {
///         points <- Point { x: 1, y: 2 } => {}
///     }
///     let mut last = Point::default();
///     let mut seen = [false; 2];
///     select! {
///         last = <-points => assert_eq!(last.x, 1), // the body sees the new value
///     }
///     assert_eq!(last, Point { x: 1, y: 2 });
///     points.close();
///     select! {
///         (last, seen[1]) = <-points => {}
///     }
///     assert_eq!((last, seen), (Point::default(), [false, false])); // zero value on close
/// });
/// ```
/// Go's `break` out of the select alone, as a labelled block (this loop runs five times):
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let ch = chan![u32; 5];
///     for v in 0..5 {
///         ch.send(v);
///     }
///     let (mut rounds, mut odd) = (0, 0);
///     for _ in 0..5 {
///         rounds += 1;
///         select! {
///             v := <-ch => 'arm: {
///                 if v.is_some_and(|v| v % 2 == 0) {
///                     break 'arm; // Go: `break`
///                 }
///                 odd += 1;
///             }
///         }
///     }
///     assert_eq!((rounds, odd), (5, 2));
/// });
/// ```
#[proc_macro]
pub fn select(input: TokenStream) -> TokenStream {
    let ast = parse_macro_input!(input as select::ast::SelectInput);
    let out = select::valid::check(&ast).map(|()| select::expand::expand(&ast));
    out.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Runs `fn main` as goroutine 1 of a new goro runtime, as Go runs `main.main`.
///
/// The body runs inside the runtime; when it returns, goroutines still alive are unwound and
/// the program exits, as Go's does: after 100 ms (2 s while one is still unwinding)
/// whatever still runs ends with the process. An unrecovered panic in any goroutine prints
/// Go's report (`panic: …`, `goroutine N [running]:`, the backtrace) and exits with status
/// 2. `main` may return anything std's `main` may (`Result<(), E>`, `ExitCode`): the value
/// is reported inside goroutine 1 (`Error: …` on stderr) and only the exit code crosses back, so `E` need not be
/// `Send` (the fn is then declared to return `ExitCode`).
///
/// A plain fn without parameters or generics: `async`, parameters and generics are compile
/// errors naming the fix.
///
/// # Options
/// - `gomaxprocs = N`: the runtime starts with `N` Ps (N ≥ 1) instead of `GOMAXPROCS` from
///   the environment or the CPU count, as Go's `runtime.GOMAXPROCS(N)` first thing in `main`.
/// - `stack_size = BYTES`: the size of every goroutine stack, rounded up to whole pages, at
///   least 16 KiB (default 256 KiB, or `GORO_STACK_SIZE`). Stacks are carved from one
///   process-wide reservation, so this size holds for the *whole process*: it must be set
///   before the first runtime starts, and every runtime of the process must agree (a
///   runtime whose `stack_size` differs from the one in force panics before it starts).
///
/// Both together: `#[goro::main(gomaxprocs = 4, stack_size = 65536)]`. An unknown option, a
/// value that is not a positive integer literal, or an option given twice is a compile error
/// naming the options.
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// #[goro::main]
/// fn main() {
///     let ch = chan![i32];
///     go!({ ch.send(1 + 1) });
///     assert_eq!(ch.recv(), Some(2)); // parks goroutine 1; the other one runs
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::entry(entry::Kind::Main, args.into(), item.into()).into()
}

/// Makes a test that runs its body as goroutine 1 of a runtime of its own.
///
/// Adds `#[test]` (don't write it too) and keeps the fn's other attributes, such as
/// `#[should_panic(expected = "...")]`. Tests run in parallel, each with its own runtime; a
/// panic in any goroutine of the test fails that test with the panic's message. Like
/// `#[test]`, the fn may return `Result<(), E>`. The rules and options of [`macro@main`]
/// apply: `#[goro::test(gomaxprocs = 2)]` gives the test's runtime 2 Ps. (`stack_size` is
/// process-wide, and tests of one binary share a process: give the tests that set it a test
/// file of their own.)
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// #[goro::test]
/// fn sum_in_a_goroutine() {
///     let ch = chan![i32];
///     go!({ ch.send((1..=10).sum()) });
///     assert_eq!(ch.recv(), Some(55));
/// }
///
/// #[goro::test(gomaxprocs = 2)]
/// fn two_ps() {
///     assert_eq!(goro::runtime::gomaxprocs(0), 2);
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::entry(entry::Kind::Test, args.into(), item.into()).into()
}

/// Runs a call or a block when the enclosing scope ends: Go's `defer` statement.
///
/// - **Call**: `defer!(f(a, b))`, `defer!(obj.method(a))`. As in Go, the function value and
///   every argument are evaluated *now*, in source order; the call is made at scope exit. A
///   receiver that is a variable, field or index (`defer!(wg.done())`) is used where it is,
///   at the call (Go's method value of an addressable receiver), borrowed until then; any
///   other receiver is evaluated now.
/// - **Block**: `defer!({ ... })` or `defer! { ...; }`: Go's `defer func() { ... }()`. The
///   block borrows what it names and sees its final values at scope exit (a variable it
///   names cannot be assigned to later in the scope: use a `Cell`).
///
/// A proc macro cannot see its brackets, so the content decides: one call without a
/// trailing `;` is the call form (`defer! { f(x) }` too), anything else a block.
/// `defer!` is a statement. Deferred calls run in LIFO order, at the end of the *scope*
/// (block) they are in, not of the function: in a loop body, each iteration's run at the
/// end of that iteration. They also run while a panic unwinds, and during `goexit`.
///
/// `recover()` in a deferred call stops a panic: see `goro::recover`. In a block only the
/// block's own calls do: one in a closure, async block or fn written in the block returns
/// `None` (as in Go's func literal, a function of its own). A deferred call that panics
/// while a panic unwinds replaces that panic (never Rust's double-panic abort); if nothing
/// recovers it, the report shows both as Go does: `panic: first [recovered]` /
/// `\tpanic: second`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::cell::RefCell;
///
/// let log = RefCell::new(Vec::new());
/// {
///     let push = |s: String| log.borrow_mut().push(s);
///     for i in 0..3 {
///         defer!(push(format!("iteration {i}"))); // runs at the end of each iteration
///     }
///     let n = 7;
///     defer!(push(format!("n was {n}"))); // `n` evaluated now
///     defer! {
///         log.borrow_mut().push("block".to_string());
///     }
///     log.borrow_mut().push("body".to_string());
/// } // the block runs, then `push("n was 7")`
/// assert_eq!(
///     *log.borrow(),
///     ["iteration 0", "iteration 1", "iteration 2", "body", "block", "n was 7"]
/// );
/// ```
#[proc_macro]
pub fn defer(input: TokenStream) -> TokenStream {
    let ast = parse_macro_input!(input as defer::ast::DeferInput);
    let out = defer::valid::check(&ast).map(|()| defer::expand::expand(&ast));
    out.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Marks a function whose deferred calls may recover from a panic, as any Go function's may.
///
/// Inside it, `recover()` called directly in a `defer!` block (not in a closure written in
/// it), or by the function a `defer!(f())` calls, during a panic stops the panic and returns
/// its payload; the function then returns `Default::default()` (Go returns the zero values
/// of its results), so its return type must implement `Default`. Goroutine bodies (`go!`,
/// `spawn`, `#[goro::main]`, `#[goro::test]`) are such functions already. Go's named
/// results, set by a deferred call after recovering, have no equivalent: return a `Default`
/// value, or send the result on a channel from the deferred block.
///
/// A `recover()` written in the body itself, outside any `defer!`, could only ever return
/// `None` (nothing is panicking while the body runs), so it is a compile error that says to
/// move it into `defer!{ ... }`; the same holds in `go!` blocks and `#[goro::main]`/
/// `#[goro::test]` bodies. Closures and nested fns are not checked: a `defer!(handler())`
/// may call them as the deferred call, where `recover()` works.
///
/// On a fn (free or a method) that is not `async` or `const`, without arguments.
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// #[goro::func]
/// fn parse_or_zero(s: &str) -> u32 {
///     defer!({
///         if let Some(p) = recover() {
///             assert_eq!(goro::panic::payload_str(&*p), "not a number");
///         }
///     });
///     s.parse().unwrap_or_else(|_| panic!("not a number"))
/// }
///
/// goro::run(|| {
///     assert_eq!(parse_or_zero("42"), 42);
///     assert_eq!(parse_or_zero("x"), 0);
/// });
/// ```
#[proc_macro_attribute]
pub fn func(args: TokenStream, item: TokenStream) -> TokenStream {
    func::func(args.into(), item.into()).into()
}

/// Implements `goro::gc::Trace` for a struct or an enum: its `trace` passes the tracer to
/// every field, so the collector finds each GC handle the value owns.
///
/// Every field must be `Trace` (a compile error at the field says which is not). Type
/// parameters get a `T: Trace` bound; lifetimes are kept.
///
/// - `#[trace(skip)]` on a field leaves it out. Use it for data that holds no handle and has
///   no `Trace` impl (an `Rc<str>`, a file). The field's type must be `'static`: a borrowed
///   field could reach a handle the collector would then never see.
/// - The type must not implement `Drop`: the collector runs destructors while it frees a
///   heap, when a handle the value holds may point to an object already gone, and a
///   destructor that stored a clone of a handle somewhere would bring a dead object back.
///   `impl Drop` for it is a compile error ("conflicting implementations of trait
///   `TypeThatDerivesTraceMustNotImplementDrop_OrOptOutWith_trace_unsafe_drop`").
///   `#[trace(unsafe_drop)]` on the type allows one; its `drop` must not dereference,
///   clone or store any GC handle.
/// - A union cannot derive `Trace`: nothing says which field holds a value.
///
/// # Examples
/// ```
/// use goro::gc::{Trace, TraceOp, Tracer};
/// use std::rc::Rc;
///
/// #[derive(Trace)]
/// struct Entry<'s, T> {
///     key: &'s str,
///     values: Vec<Option<T>>,
///     #[trace(skip)] // no `Trace` impl, holds no handle, `'static`
///     label: Rc<str>,
/// }
///
/// #[derive(Trace)]
/// #[trace(unsafe_drop)] // the destructor below touches no handle
/// enum Log {
///     Empty,
///     Line(String),
///     Lines { count: usize, text: Vec<String> },
/// }
/// impl Drop for Log {
///     fn drop(&mut self) {}
/// }
///
/// let e = Entry { key: "k", values: vec![Some(1u8), None], label: "l".into() };
/// let mut t = Tracer::new(TraceOp::Mark);
/// e.trace(&mut t);
/// Log::Line("x".into()).trace(&mut t);
/// assert_eq!(t.visited(), 0); // neither holds a handle
/// ```
#[proc_macro_derive(Trace, attributes(trace))]
pub fn derive_trace(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    trace::derive(&input).into()
}
