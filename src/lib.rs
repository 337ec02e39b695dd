//! goro: Go's concurrency runtime in Rust — stackful goroutines on Go's G-M-P scheduler,
//! Go's channels and `select`, and Go's `sync`, `time` and `runtime` packages.
//!
//! Port Go programs almost line by line: [`go!`] is Go's `go` statement, [`chan!`] is
//! `make(chan T)`, [`select!`] is Go's `select`, and `#[goro::main]` runs `main` as
//! goroutine 1 of a runtime with `GOMAXPROCS` threads. A blocking operation parks the
//! goroutine, not the thread.
//!
//! ```
//! use goro::prelude::*;
//!
//! goro::run(|| {
//!     let (evens, odds) = (chan![u32], chan![u32]); // Go: make(chan uint32)
//!     go!({
//!         for i in [0, 2, 4] {
//!             evens.send(i); // Go: evens <- i
//!         }
//!         evens.close();
//!     });
//!     go!({
//!         for i in [1, 3] {
//!             odds.send(i);
//!         }
//!         odds.close();
//!     });
//!     // `go!` cloned the channel handles into the goroutines: these are still ours.
//!     let (mut a, mut b) = (evens, odds);
//!     let mut sum = 0;
//!     while !(a.is_nil() && b.is_nil()) {
//!         select! {
//!             case v := <-a => match v {
//!                 Some(v) => sum += v,
//!                 None => a = Chan::nil(), // closed: a nil channel turns the arm off, as in Go
//!             },
//!             case v := <-b => match v {
//!                 Some(v) => sum += v,
//!                 None => b = Chan::nil(),
//!             },
//!         }
//!     }
//!     assert_eq!(sum, 10);
//! });
//! ```
//!
//! A goroutine that has started stays on its OS thread until it ends, like a `std::thread`,
//! so `thread_local!`s and `!Send` values held across a blocking call behave as in a
//! thread. Wrap blocking std calls in [`runtime::syscall`] so they do not hold up the other
//! goroutines of that thread.
//!
//! ## Porting Go, statement by statement
//!
//! Every Go statement and library call a concurrent Go program uses, and what to write
//! instead. `use goro::prelude::*;` brings the macros (`#[derive(Trace)]` with its trait
//! too), [`Chan`], [`Sender`], [`Receiver`], [`sync::WaitGroup`], [`sync::Mutex`] and
//! `Duration`; the rest is under [`sync`], [`time`],
//! [`runtime`] and [`net`].
//!
//! ### Goroutines and entry points
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `func main() { ... }` | `#[goro::main] fn main() { ... }` | `main` runs as goroutine 1; returning ends the program, as in Go |
//! | `runtime.GOMAXPROCS(n)` first thing in `main` | `#[goro::main(gomaxprocs = N)]` | or call `goro::runtime::gomaxprocs(n)`; default: the CPUs available, or env `GOMAXPROCS` |
//! | `go test`, `func TestX(t *testing.T)` | `#[goro::test] fn x()`, run by `cargo test` | one runtime per test; `t.Fatal(...)` is `panic!`/`assert!`, and a panic in any goroutine fails the test with its message; a deadlock fails it with Go's report |
//! | `go f(x, y)` | `go!(f(x, y))` | `f`, `x`, `y` are evaluated now, in the caller, and moved into the goroutine: `go!(f(ch.clone()))` keeps a handle |
//! | `go obj.m(x)` | `go!(obj.m(x))` | the receiver is moved too: `go!(obj.clone().m(x))` |
//! | `go func() { ... }()` | `go!({ ... })` or `go! { ... }` | channels, views and `Arc`s the block names are cloned in; `Copy` values are copied; anything else is a compile error naming the fix |
//! | `go func(v int) { ... }(i)` | `go!({ ... })` naming `i`, or `go!(move \|\| ...)` | the goroutine gets a copy: share mutable state through an atomic, a `Mutex` or a channel |
//! | (no Go equivalent) | `let h = goro::spawn(f); h.join()` | a `JoinHandle` with the result, or the panic as `Err` |
//! | `defer f(x)` | `defer!(f(x))` | `f` and `x` are evaluated now, the call runs at scope exit; LIFO, also while panicking |
//! | `defer func() { ... }()` | `defer! { ... }` | |
//! | `recover()` | `goro::recover()` in a deferred block of a `go!` body or of a `#[goro::func]` function | returns the payload (`Option<Box<dyn Any + Send>>`); the function then returns `Default::default()`; elsewhere it returns `None`, as in Go, and written in such a body outside `defer!` it is a compile error |
//! | `panic(v)` | `panic!("...")`, `std::panic::panic_any(v)` | unrecovered: Go's report (`panic: ...`, `goroutine N [running]:`) and exit status 2 |
//!
//! ### Channels
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `make(chan T)` | `chan![T]` | unbuffered; `Chan::<T>::new(0)` |
//! | `make(chan T, n)` | `chan![T; n]` | `n`: any `usize` expression |
//! | `var c chan T` (nil) | `Chan::nil()`, `Chan::default()` | blocks forever, never chosen by `select!`, `close` panics; `c.is_nil()` is `c == nil` |
//! | `ch <- v` | `ch.send(v)` | panics `send on closed channel` |
//! | `v := <-ch` | `let v = ch.recv();` | `Option<T>`: `None` once closed and drained (Go: the zero value, `.unwrap_or_default()`) |
//! | `v, ok := <-ch` | `match ch.recv() { Some(v) => ..., None => ... }` | `ok` is `is_some()` |
//! | `<-ch` | `ch.recv();` | |
//! | `for v := range ch` | `for v in &ch`, `for v in ch.iter()` | `for v in ch` consumes the handle |
//! | `len(ch)`, `cap(ch)` | `ch.len()`, `ch.cap()` | |
//! | `close(ch)` | `ch.close()` | panics `close of closed channel`, `close of nil channel` |
//! | `chan<- T`, `<-chan T` | `Sender<T>`, `Receiver<T>` | `ch.sender()`, `ch.receiver()`, `ch.into()`; `close` is on `Sender`, as in Go |
//! | `c1 == c2`, `map[chan T]bool` | `c1 == c2`, `HashMap<Chan<T>, bool>` | compare and hash by identity, views included |
//! | package-level `var jobs = make(chan Job)` | `static JOBS: LazyLock<Chan<Job>> = LazyLock::new(...)`, or pass the handle | a nil channel can be a plain `static` (`Chan::nil()` is `const`) |
//! | `select { case ch <- v: default: }` | `ch.try_send(v)` | `Err(Full(v))` or `Err(Closed(v))` hands the value back |
//! | `select { case v := <-ch: default: }` | `ch.try_recv()` | `Err(Empty)` or `Err(Closed)` |
//!
//! ### select
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `select { ... }` | `select! { ... }` | `case` is optional; arms end with `=>` and a body, separated by `,` |
//! | `case v := <-c:` | `case v := <-c =>` | `v: Option<T>`, `None` once `c` is closed and drained |
//! | `case v, ok := <-c:` | `case (v, ok) := <-c =>` | `(T, bool)`, `T::default()` and `false` once closed, exactly Go's |
//! | `case x = <-c:` | `case x = <-c =>` | assigns to an existing place (variable, field, index); Go's zero value (`T: Default`) once closed |
//! | `case x, ok = <-c:` | `case (x, ok) = <-c =>` | |
//! | `case <-c:` | `case <-c =>` | receive and discard |
//! | `case c <- v:` | `case c <- v =>` | `v` is any expression; panics `send on closed channel` |
//! | `default:` | `default =>` | |
//! | `select {}` | `select! {}` | blocks forever (`select (no cases)` in dumps) |
//! | `break` in a case | delete it, or `break 'label` | an unlabelled `break` directly in an arm is a compile error: Go's leaves the `select`, a Rust `break` would leave the enclosing loop |
//! | `break Loop`, `continue`, `return` | `break 'outer`, `continue`, `return`, `?` | arm bodies are plain Rust of the enclosing function |
//! | `c = nil` to switch a case off | `c = Chan::nil();` | a nil channel is never ready |
//!
//! ### net (`goro::net`)
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `ln, err := net.Listen("tcp", addr)` | `let ln = TcpListener::bind(addr)?;` | `std::io::Result`; names resolve through `runtime::syscall` |
//! | `conn, err := ln.Accept()` | `let (conn, peer) = ln.accept()?;` or `for conn in ln.incoming()` | parks the goroutine ("IO wait"), never the thread |
//! | `conn, err := net.Dial("tcp", addr)` | `TcpStream::connect(addr)?` | `TCP_NODELAY` on, as Go |
//! | `conn.Read(b)`, `conn.Write(b)` | `std::io::Read`/`Write` (also on `&TcpStream`) | clones share the connection, as Go's `net.Conn` values |
//! | `conn.Close()`, `ln.Close()` | `conn.close()`, `ln.close()` | parked operations on every clone fail at once with `use of closed network connection` |
//! | `conn.(*net.TCPConn).CloseWrite()` | `conn.shutdown(Shutdown::Write)` | |
//!
//! ### sync (`goro::sync`), `x/sync/semaphore`
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `var wg sync.WaitGroup` | `let wg = Arc::new(WaitGroup::new());`, `static WG: WaitGroup = WaitGroup::new();` | Go passes `&wg`; goro shares an `Arc` or a `static` |
//! | `wg.Add(n)`, `wg.Done()`, `wg.Wait()`, `wg.Go(f)` | `wg.add(n)`, `wg.done()`, `wg.wait()`, `wg.go(f)` | panics `sync: negative WaitGroup counter` |
//! | `var mu sync.Mutex`; `mu.Lock(); n++; mu.Unlock()` | `let n = Mutex::new(0);`, `*n.lock() += 1;` | the mutex owns the data; the guard unlocks when dropped; `Mutex<()>` also has Go's `lock()`/`unlock()` |
//! | `sync.RWMutex`: `RLock`, `RUnlock`, `Lock`, `Unlock` | `RWMutex<T>`: `read()`, `write()`, `try_read()`, `try_write()` | `RWMutex<()>` also has `rlock`/`runlock`/`lock`/`unlock` |
//! | `c := sync.NewCond(&mu)`; `c.Wait()`, `c.Signal()`, `c.Broadcast()` | `let c = Cond::new();`, `guard = c.wait(guard);`, `c.signal()`, `c.broadcast()` | |
//! | `var once sync.Once`; `once.Do(f)` | `static ONCE: Once = Once::new();`, `ONCE.call_once(f)` | |
//! | `semaphore.NewWeighted(n)`; `Acquire(ctx, k)`, `TryAcquire(k)`, `Release(k)` | `Semaphore::new(n)`; `acquire(k)`, `try_acquire(k)`, `release(k)` | FIFO as x/sync's; no `context` |
//!
//! ### time (`goro::time`)
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `time.Sleep(d)` | `time::sleep(d)` | parks the goroutine, not the thread |
//! | `5 * time.Millisecond` | `Duration::from_millis(5)` | std's `Duration`, never negative |
//! | `time.After(d)` | `time::after(d)` | a `Receiver<Instant>`, for `select!` timeouts |
//! | `time.Tick(d)` | `time::tick(d)` | never stops |
//! | `t := time.NewTimer(d)`; `<-t.C`, `t.Stop()`, `t.Reset(d)` | `let t = Timer::new(d);`, `t.c().recv()`, `t.stop()`, `t.reset(d)` | `Timer::after_func(d, f)` is `time.AfterFunc` |
//! | `tk := time.NewTicker(d)`; `<-tk.C`, `tk.Stop()`, `tk.Reset(d)` | `let tk = Ticker::new(d);`, `tk.c().recv()`, `tk.stop()`, `tk.reset(d)` | dropping a `Ticker` stops it |
//! | `time.Since(t)`, `time.Until(t)` | `time::since(t)`, `time::until(t)` | `t` is an `Instant` |
//!
//! ### runtime (`goro::runtime`)
//!
//! | Go | goro | Notes |
//! |---|---|---|
//! | `runtime.Gosched()` | `runtime::gosched()` | |
//! | `runtime.NumGoroutine()` | `runtime::num_goroutine()` | |
//! | `runtime.GOMAXPROCS(n)` | `runtime::gomaxprocs(n)` | returns the previous value; `0` only reads |
//! | `runtime.NumCPU()` | `runtime::num_cpu()` | |
//! | `runtime.Goexit()` | `runtime::goexit()` | a joined `JoinHandle` gets `Err` with a `goro::panic::Goexit` payload |
//! | `runtime.LockOSThread()`, `runtime.UnlockOSThread()` | `runtime::lock_os_thread()`, `runtime::unlock_os_thread()` | |
//! | `runtime.Stack(buf, all)` | `runtime::stack(all)` | a `String` in Go's dump format |
//! | `runtime.ReadMemStats(&m)` | `let m = runtime::read_mem_stats();` | Go's field names in snake_case |
//! | `runtime.Version()` | `runtime::version()` | |
//! | a blocking system call | `runtime::syscall(\|\| ...)` | Go hands the thread's other goroutines off by itself; goro needs the wrapper |
//!
//! ## Differences from Go, and why
//!
//! Each follows from Rust's rules or from keeping Rust's guarantees; the README lists them
//! all, with the scheduling details.
//!
//! - **A channel receive gives `Option<T>`**, not a zero value: Rust has no zero value for
//!   every type, and `None` says "closed and drained" without an extra `ok`. `select!`'s
//!   `(v, ok)` forms give Go's zero value (`T: Default`) where a port wants it.
//! - **`try_send` on a closed channel returns `Err(Closed(v))`** instead of panicking: a
//!   non-blocking call hands its value back (Rust's convention); a `select!` send arm on a
//!   closed channel panics, as Go.
//! - **`go!` blocks capture copies, not variables**: a goroutine may outlive the caller's
//!   frame, and Rust forbids two threads mutating one variable. Shared handles (`Chan`,
//!   views, `Arc`) are cloned so the code reads as Go's; mutable state goes through an
//!   atomic, a [`sync::Mutex`] or a channel. `go!` and [`spawn`] need `Send + 'static`
//!   closures, as `std::thread::spawn`.
//! - **`defer!` runs at the end of the enclosing scope**, Go's `defer` at the end of the
//!   function: a macro can only attach work to a scope. Written at the top of a function
//!   body the two are the same; inside a loop body `defer!` runs every iteration.
//! - **`recover()` works in the deferred blocks of a `go!` body or a `#[goro::func]`
//!   function**: something must catch the unwind and give the function a return value
//!   (`Default::default()`), which only an attribute or the goroutine's entry can do. A
//!   `recover()` written in such a body itself, outside `defer!`, is a compile error (Go
//!   accepts it and it always returns nil: a silent trap).
//! - **An unlabelled `break` in a `select!` arm is a compile error**: Go's leaves the
//!   `select`, Rust's would leave the loop around it. Delete it or name the loop.
//! - **`sync` types own their data** (`Mutex<T>`, `RWMutex<T>`; guards unlock on drop), as
//!   Rust's borrow rules need; `Mutex<()>`/`RWMutex<()>` keep Go's unlock-anywhere calls.
//!   They are not poisoned by panics (Go has no poisoning).
//! - **A started goroutine never moves to another thread** (Go moves them freely): Rust
//!   code keeps addresses of thread-locals, so moving would be undefined behaviour from safe
//!   code. Only goroutines that have not run yet are spread over threads.
//! - **Stacks do not grow**: each goroutine has a fixed stack (256 KiB by default,
//!   `GORO_STACK_SIZE`) with a guard page, since Rust frames hold pointers into their stack
//!   and cannot be copied as Go's are. An overflow prints `goroutine N: stack overflow` and
//!   aborts.
//! - **Preemption happens at channel operations, `select!` and other scheduling points**: a
//!   goroutine past its 10 ms slice yields at its next one; a loop that never reaches one is
//!   not preempted (Go ≥ 1.14 preempts anywhere, with signals, which needs stack maps Rust
//!   does not have).
//! - **Durations are `std::time::Duration`**, never negative; dropping a `Ticker` stops it.
#![warn(missing_docs)]

pub use goro_chan::{Chan, Receiver, Sender, TryRecvError, TrySendError};
pub use goro_macros::{Trace, chan, defer, func, go, main, select, test};
pub use goro_rt::{JoinHandle, recover, run, share::Share, spawn};

// Not for use: named here, outside `__private`, only so that rustc calls it
// `goro::ShareOrCopy` in the error for a variable a `go!` block cannot capture.
#[doc(hidden)]
pub use goro_rt::share::ShareOrCopy;

// Not for use: named here, outside `__private`, only so that rustc calls it
// `goro::SendToGoroutine` in the error for a variable of a `go!` block that is not `Send`.
#[doc(hidden)]
pub use goro_rt::share::SendToGoroutine;

/// Channel internals a port may need: iterators, panic messages and `select`'s engine.
///
/// Most ports never name this module: `for v in &ch` and `select!` use it for them.
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let ch = chan![u32; 3];
///     for i in 1..=3 {
///         ch.send(i);
///     }
///     ch.close();
///     let it: goro::chan::Iter<'_, u32> = ch.iter(); // Go: for v := range ch
///     assert_eq!(it.collect::<Vec<_>>(), [1, 2, 3]);
///
///     // The panic messages are Go's, so a test can match them.
///     let err = goro::spawn(move || ch.send(4)).join().unwrap_err();
///     assert_eq!(goro::panic::payload_str(&*err), goro::chan::SEND_ON_CLOSED);
/// });
/// ```
pub mod chan {
    pub use goro_chan::{CLOSE_OF_CLOSED, CLOSE_OF_NIL, IntoIter, Iter, SEND_ON_CLOSED, select};
}

/// Runtime queries and controls: Go's `runtime` package.
///
/// # Examples
/// ```
/// #[goro::main(gomaxprocs = 2)]
/// fn main() {
///     assert_eq!(goro::runtime::gomaxprocs(0), 2); // 0 only reads, as Go's GOMAXPROCS(0)
///     let h = goro::spawn(goro::runtime::gosched);
///     h.join().unwrap();
///     assert_eq!(goro::runtime::num_goroutine(), 1); // only main is left
/// }
/// ```
pub mod runtime {
    pub use goro_rt::runtime::*;
}

/// Go's `sync` package: `Mutex`, `RWMutex`, `Cond`, `WaitGroup`, `Once`, and the weighted
/// `Semaphore` of `golang.org/x/sync/semaphore`.
///
/// Unlike Go's, the lock types own the data they guard, and a guard unlocks when dropped.
///
/// # Examples
/// ```
/// use goro::sync::{Mutex, WaitGroup};
/// use std::sync::Arc;
///
/// goro::run(|| {
///     let (wg, n) = (Arc::new(WaitGroup::new()), Arc::new(Mutex::new(0)));
///     for _ in 0..10 {
///         let n = n.clone();
///         wg.go(move || *n.lock() += 1); // Go: wg.Go(func() { mu.Lock(); n++; mu.Unlock() })
///     }
///     wg.wait();
///     assert_eq!(*n.lock(), 10);
/// });
/// ```
pub mod sync {
    pub use goro_rt::sync::*;
}

/// Timers, tickers and sleeping: Go's `time` package (the parts about waiting).
///
/// A sleeping goroutine holds no thread; timers are kept per P and fired by the scheduler;
/// [`after`](time::after) and [`Ticker`](time::Ticker) channels work in `select!`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use goro::time;
///
/// goro::run(|| {
///     let never = chan![u32]; // nobody sends: the timeout wins
///     let timed_out = select! {
///         case _v := <-never => false,
///         case <-time::after(Duration::from_millis(5)) => true,
///     };
///     assert!(timed_out);
/// });
/// ```
pub mod time {
    pub use goro_chan::time::*;
}

/// Sockets whose blocking calls park the goroutine, not the thread: Go's `net` package
/// (TCP, UDP and Unix domain stream sockets), on an epoll network poller. As in Go, the
/// open-file soft limit is raised to the hard limit when the first runtime or socket is
/// made, so a server can hold as many connections as the system allows.
///
/// # Examples
/// Go's echo server, one goroutine per connection:
/// ```
/// use goro::net::{TcpListener, TcpStream};
/// use goro::prelude::*;
/// use std::io::{Read, Write};
///
/// goro::run(|| {
///     let ln = TcpListener::bind("127.0.0.1:0").unwrap(); // Go: net.Listen("tcp", ...)
///     let addr = ln.local_addr().unwrap();
///     go!(move || {
///         for conn in ln.incoming() {
///             let conn = conn.unwrap();
///             go!(move || {
///                 // Go: io.Copy(conn, conn). Reads park the goroutine, not the thread.
///                 std::io::copy(&mut &conn, &mut &conn).unwrap();
///             });
///         }
///     });
///     let mut c = TcpStream::connect(addr).unwrap(); // Go: net.Dial("tcp", addr)
///     c.write_all(b"hello").unwrap();
///     c.shutdown(std::net::Shutdown::Write).unwrap(); // the server's copy sees EOF
///     let mut got = Vec::new();
///     c.read_to_end(&mut got).unwrap();
///     assert_eq!(got, b"hello");
/// });
/// ```
pub mod net {
    pub use goro_rt::net::*;
}

/// The scoped garbage collector's contract with your types: [`Trace`](gc::Trace) (the trait
/// and its derive share the name, as serde's do) and the [`Tracer`](gc::Tracer) it is given.
///
/// # Examples
/// ```
/// use goro::gc::{Trace, TraceOp, Tracer};
///
/// #[derive(Trace)]
/// struct Pair<T>(T, Option<T>);
///
/// let mut t = Tracer::new(TraceOp::Mark);
/// Pair(1, Some(2)).trace(&mut t);
/// assert_eq!(t.visited(), 0); // integers hold no GC handles
/// ```
pub mod gc {
    pub use goro_macros::Trace;
    pub use goro_rt::mgc::*;
}

/// Panic payloads and helpers: `Goexit`, `payload_str`.
///
/// # Examples
/// ```
/// goro::run(|| {
///     let err = goro::spawn(|| panic!("boom {}", 1)).join().unwrap_err();
///     assert_eq!(goro::panic::payload_str(&*err), "boom 1");
///
///     let err = goro::spawn(|| -> u8 { goro::runtime::goexit() }).join().unwrap_err();
///     assert!(err.is::<goro::panic::Goexit>()); // Goexit is not a panic, but ends the goroutine
/// });
/// ```
pub mod panic {
    pub use goro_rt::panic::{Goexit, payload_str};
}

/// Everything a Go port usually needs: `use goro::prelude::*;`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
///
/// goro::run(|| {
///     let wg = std::sync::Arc::new(WaitGroup::new());
///     let results: Chan<u32> = chan![u32; 3];
///     for i in 1..=3 {
///         wg.add(1);
///         go!({
///             defer!(wg.done());
///             results.send(i * i);
///         });
///     }
///     wg.wait();
///     results.close();
///     assert_eq!(results.iter().sum::<u32>(), 14);
/// });
/// ```
pub mod prelude {
    pub use crate::gc::Trace;
    pub use crate::sync::{Mutex, StaticGo as _, WaitGroup};
    pub use crate::{Chan, Receiver, Sender};
    pub use goro_macros::{chan, defer, go, select};
    pub use goro_rt::recover;
    pub use std::time::Duration;
}

#[doc(hidden)]
pub mod __private {
    pub use goro_chan::Chan;
    pub use goro_chan::select;
    pub use goro_rt::defer::{DeferCall, Deferred, frame_alias, func, recover_in};
    pub use goro_rt::entry::*;
    pub use goro_rt::share::*;
    pub use goro_rt::sysmon::set_preemption;
    pub use goro_rt::{hold_marking, set_force_period};
}
