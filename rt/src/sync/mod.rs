//! Go's `sync` package: [`Mutex`], [`RWMutex`], [`Cond`], [`WaitGroup`], [`Once`], and the
//! weighted [`Semaphore`] of `golang.org/x/sync/semaphore`.
//!
//! A blocked caller parks its goroutine, never its OS thread, through the runtime's
//! semaphores (`sema.rs`, Go's `sema.go`); a woken goroutine resumes on its own thread. The
//! same types work from plain `std::thread`s (which sleep on a futex instead), so threads
//! and goroutines can share them. All have `const fn new`, so they can be `static`s, like
//! Go's package-level variables; otherwise share them through an `Arc`.
//!
//! Differences from Go: `Mutex` and `RWMutex` own the data they guard and hand out guards
//! (Go-style `unlock`/`rlock`/`runlock` exist on `Mutex<()>` and `RWMutex<()>` for
//! verbatim ports); nothing is poisoned by a panic; `Cond` takes and returns the guard of
//! its `Mutex` instead of holding a `Locker`.

mod cond;
mod mutex;
mod once;
mod readerslots;
mod rwmutex;
mod semaphore;
mod waitgroup;

pub use cond::{Cond, CondGuard};
pub use mutex::{Mutex, MutexGuard};
pub use once::Once;
pub use rwmutex::{RWMutex, RWMutexReadGuard, RWMutexWriteGuard};
pub use semaphore::Semaphore;
pub use waitgroup::{StaticGo, WaitGroup};

/// Go's texts for misuse, written once (tests match on them).
#[doc(hidden)]
pub mod texts {
    pub use super::mutex::UNLOCK_OF_UNLOCKED;
    pub use super::rwmutex::{RUNLOCK_OF_UNLOCKED, UNLOCK_OF_UNLOCKED_RW};
    pub use super::semaphore::RELEASED_MORE_THAN_HELD;
    pub use super::waitgroup::{
        ADD_CONCURRENT_WITH_WAIT, NEGATIVE_COUNTER, REUSED_BEFORE_WAIT_RETURNED,
    };
}
