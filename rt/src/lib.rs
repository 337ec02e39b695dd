//! goro-rt: the runtime under goro — stackful goroutines on Go's G-M-P scheduler, and the
//! `gopark`/`goready` protocol every blocking primitive is built on.
//!
//! Modules, one Go runtime concept each: `arch` (context switch), `stack`, `g`, `funcval`,
//! `proc` (the scheduler loop), `newproc`, `m` (threads), `homeq` (an M's queue of its own
//! goroutines readied elsewhere), `procresize`, `lockosthread`, `syscall`, `tls`, `runq`,
//! `park`, `note`, `time` (timers), `gfree`, `signal`, `panic`, `join`, `entry`, `shutdown`,
//! [`runtime`], `sema` (semaphores keyed by address), `notify` (Cond's ticket list), [`sync`],
//! `netpoll` (epoll), [`net`] (its sockets), `rlimit` (the open-file limit, raised at
//! start-up) and [`mgc`] (the garbage collector: so far its `Trace` contract).
//! Each file opens with what it owns; `proc.rs` states the scheduler's central rule: a
//! goroutine that has started runs only on its home thread.
#![warn(missing_docs)]

mod arch;
mod asan;
mod checkdead;
/// Go's defer and recover: the guards behind `defer!`, frames, `recover`.
#[doc(hidden)]
pub mod defer;
#[doc(hidden)]
pub mod entry;
mod funcval;
mod futex;
mod g;
mod gfree;
mod homeq;
mod join;
pub mod lock;
mod lockosthread;
mod loom;
mod m;
pub mod mgc;
#[doc(hidden)]
pub use mgc::collect::{hold_marking, set_force_period};
mod mstats;
pub mod net;
#[cfg_attr(goro_loom, allow(dead_code, reason = "the poller is not modelled"))]
mod netpoll;
mod newproc;
mod note;
mod notify;
/// Go's panic, goexit and fatal-error texts and mechanisms.
pub mod panic;
/// gopark / goready: the block/wake API channels and sync types build on.
pub mod park;
mod proc;
mod procresize;
mod rlimit;
mod runq;
pub mod runtime;
mod sema;
pub mod share;
mod shrinkstack;
mod shutdown;
mod signal;
mod sigquit;
mod stack;
pub mod sudog;
pub mod sync;
mod syscall;
#[doc(hidden)]
pub mod sysmon;
pub mod time;
mod tls;
mod traceback;

pub use defer::recover;
pub use entry::{run, spawn};
pub use g::{GRef, WaitReason};
pub use join::JoinHandle;
pub use panic::PanicMode;

#[cfg(all(test, goro_loom))]
mod tests;
#[cfg(all(test, not(goro_loom)))]
mod testutil;
