//! The context switch: the only assembly in goro, one file per target (STYLE H4).
//!
//! Each target file exports the same four items:
//! - `Context`: the saved stack pointer of a suspended execution context;
//! - `init_stack(top, entry, arg) -> Context`: lays out a fresh stack so that switching to it
//!   calls `entry(arg)` on that stack;
//! - `switch(from, to)`: saves the callee-saved registers and floating-point control state on
//!   the current stack, stores the stack pointer in `*from`, loads `to` and restores;
//! - `walk(from, sp, f, arg)`: calls `f(arg)` below a suspended context's frames, so that an
//!   unwinder started in `f` walks them (goroutine dumps, `traceback.rs`).
//!
//! Everything caller-saved is, by the C ABI, already saved by the compiler around the call,
//! so `switch` is an ordinary `extern "C"` call from Rust's point of view.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::{Context, init_stack, switch, walk};

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::{Context, init_stack, switch, walk};

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("goro's context switch exists for x86_64 and aarch64 only");

// The assembly uses ELF directives (`.type`, `.size`) and the rest of the runtime Linux
// system calls (futex, madvise guard pages, epoll): say so plainly elsewhere.
#[cfg(not(target_os = "linux"))]
compile_error!("goro runs on Linux only (ELF assembly, futex, MADV_GUARD_INSTALL)");

/// The function a fresh context starts in: it receives `init_stack`'s `arg` and must never
/// return (it switches away for the last time instead).
pub(crate) type Entry = unsafe extern "C" fn(arg: usize) -> !;
