//! `runtime::syscall`: blocking calls that park the goroutine, not its thread. Go:
//! entersyscall / exitsyscall (proc.go), with the blocking part moved off the M.
//!
//! In Go a goroutine in a system call keeps its M, and the P moves on to another M (so other
//! goroutines run meanwhile) — and when the call returns, the goroutine continues on
//! whatever P it can get. goro's goroutines keep their thread (`proc.rs`), so a blocking
//! call on it would hold up every goroutine that lives on that thread. Instead the call
//! runs on a small pool of blocking threads while the goroutine parks with wait reason
//! "syscall"; its M keeps running its other goroutines, and the pool thread readies the
//! goroutine when the call returns.
//!
//! Protocol:
//! 1. the goroutine puts the closure and a result slot in its own frame and parks; the
//!    park's unlock callback (on g0, after the G is off its stack) submits a job pointing
//!    at that frame — so the job cannot finish before the park is committed;
//! 2. a pool thread runs the closure (catching its panic) and stores the outcome in the
//!    slot, then readies the goroutine with the token from step 1 — its last touch of
//!    the frame;
//! 3. the goroutine resumes on its home M and returns the outcome (or resumes the panic).
//!
//! The frame stays put while the goroutine is parked, which is why the closure may borrow
//! from the caller; the runtime's shutdown never kills a goroutine parked here
//! (`shutdown.rs`).

use crate::g::{GRef, WaitReason};
use crate::loom::static_atomic::Ordering;
use crate::park::{getg, gopark, goready};
use crate::tls::{curg, current_sched};
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Runs `f` on a blocking-pool thread while the calling goroutine parks (wait reason
/// `syscall`), and returns its result; a panic in `f` resumes in the caller. Other
/// goroutines keep running on the caller's thread meanwhile. On a plain OS thread `f` just
/// runs. Go: a goroutine's blocking system call.
///
/// Wrap blocking std APIs in it — `std::thread::sleep`, `std::sync::Mutex::lock` on a
/// contended lock, blocking file or pipe I/O, DNS look-ups, `std::process::Command::output`
/// — so they do not hold up the goroutines that live on the same thread. `f` may borrow
/// from the caller (the goroutine's frame stays put while it waits).
///
/// # Examples
/// ```
/// use std::time::{Duration, Instant};
/// goro::run(|| {
///     goro::runtime::gomaxprocs(1);
///     let name = String::from("config");
///     let slow = goro::spawn(move || {
///         goro::runtime::syscall(|| {
///             std::thread::sleep(Duration::from_millis(50)); // a blocking call
///             name.len() // borrows from the goroutine's frame
///         })
///     });
///     // Runs while `slow` waits, though there is only one P.
///     assert_eq!(goro::spawn(|| 7).join().unwrap(), 7);
///     assert_eq!(slow.join().unwrap(), 6);
/// });
/// ```
pub fn syscall<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    let (Some(_), Some(sched)) = (curg(), current_sched()) else {
        return f();
    };
    let mut call = Call::<F, R> {
        f: Some(f),
        out: None,
        // SAFETY: the token is for the park below; the pool thread readies it once, after
        // the call.
        g: unsafe { getg() },
    };
    let job = Job {
        run: run_call::<F, R>,
        data: (&raw mut call).cast(),
    };
    // Counted until the goroutine is back from its park, also when it comes back to unwind
    // (readied by the call's end while its runtime ends, it is killed there): the runtime
    // does not end while a goroutine waits for a pool thread.
    struct InSyscall<'a>(&'a crate::proc::Sched);
    impl Drop for InSyscall<'_> {
        fn drop(&mut self) {
            self.0.nsyscall.fetch_sub(1, Ordering::SeqCst);
        }
    }
    sched.nsyscall.fetch_add(1, Ordering::SeqCst);
    let counted = InSyscall(sched);
    // SAFETY: the callback always parks, and publishes the G (through the job) only then.
    unsafe {
        gopark(
            move |_| {
                submit(job);
                true
            },
            WaitReason::Syscall,
        )
    };
    drop(counted);
    match call.out.take() {
        Some(Ok(r)) => r,
        Some(Err(payload)) => crate::defer::resume_panic(payload),
        None => crate::panic::throw("syscall: woken before the call returned"),
    }
}

/// The parked goroutine's side of a call: lives in its frame.
struct Call<F, R> {
    f: Option<F>,
    out: Option<std::thread::Result<R>>,
    g: GRef,
}

/// A type-erased pointer to a `Call` and the function that runs it.
struct Job {
    run: unsafe fn(*mut ()),
    data: *mut (),
}

// SAFETY: `data` points to a `Call<F, R>` with `F: Send` and `R: Send`, which only the pool
// thread touches until it readies the goroutine that owns it (protocol steps 2-3).
unsafe impl Send for Job {}

/// Runs the call and wakes its goroutine.
///
/// # Safety
/// `data` is the `Call<F, R>` of a goroutine parked in `syscall`, not yet run.
unsafe fn run_call<F: FnOnce() -> R, R>(data: *mut ()) {
    // SAFETY: per the contract, the frame is frozen while its goroutine is parked, and this
    // is the only access until the `goready` below.
    let call = unsafe { &mut *data.cast::<Call<F, R>>() };
    let Some(f) = call.f.take() else {
        crate::panic::throw("syscall: a call ran twice")
    };
    call.out = Some(catch_unwind(AssertUnwindSafe(f)));
    let g = call.g;
    // SAFETY: the job was submitted by the park's unlock callback, so the G is parked with
    // this token, and this job is its only waker. The frame may be gone after this call.
    unsafe { goready(g) };
}

/// Blocking threads wait this long for more work before they exit.
const IDLE_EXIT: Duration = Duration::from_secs(10);

struct Pool {
    jobs: VecDeque<Job>,
    /// Threads waiting for work.
    idle: usize,
    /// Wake-ups sent to idle threads and not yet taken: each stands for one job.
    wakeups: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    jobs: VecDeque::new(),
    idle: 0,
    wakeups: 0,
});
static WORK: Condvar = Condvar::new();

/// Queues `job` and makes sure a thread that is not busy will look at the queue: an idle
/// one, woken for it, or a new one. (A job must never wait behind another blocking call:
/// the two might be waiting for each other.)
fn submit(job: Job) {
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    pool.jobs.push_back(job);
    if pool.idle > pool.wakeups {
        pool.wakeups += 1;
        WORK.notify_one();
        return;
    }
    drop(pool);
    let t = std::thread::Builder::new()
        .name("goro-syscall".into())
        .spawn(worker);
    if let Err(e) = t {
        crate::panic::throw(&format!("syscall: cannot create a blocking thread: {e}"));
    }
}

fn worker() {
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if let Some(job) = pool.jobs.pop_front() {
            drop(pool);
            // SAFETY: every queued job was made by `syscall` for a parked goroutine and is
            // run once (popped under the pool lock).
            unsafe { (job.run)(job.data) };
            pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
            continue;
        }
        pool.idle += 1;
        loop {
            let (p, timeout) = WORK
                .wait_timeout(pool, IDLE_EXIT)
                .unwrap_or_else(|e| e.into_inner());
            pool = p;
            if pool.wakeups > 0 {
                pool.wakeups -= 1;
                pool.idle -= 1;
                break;
            }
            if timeout.timed_out() {
                pool.idle -= 1;
                return;
            }
        }
    }
}
