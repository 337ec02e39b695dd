//! `gopark` / `goready`: the one way anything in goro blocks and wakes. Go: runtime.gopark,
//! runtime.goready (proc.go).
//!
//! Protocol (the same for goroutines and plain threads):
//! 1. The blocker registers itself somewhere a waker will find it (a sudog on a channel's
//!    queue, a join packet, …) while holding that structure's lock, then calls
//!    `gopark(unlock, reason)`.
//! 2. `gopark` marks the G waiting *before* running `unlock`; `unlock` releases the lock.
//!    For a goroutine, this happens on g0, after its registers are saved (`proc.rs`), so
//!    the G is fully parked before any waker can see it.
//! 3. A waker that finds the G (under the same lock) calls `goready(gp)`, which moves it
//!    waiting → runnable with one CAS — so a G is readied once — and queues it (goroutine:
//!    on its home M, `proc.rs`) or wakes its thread's note (plain thread).
//! `unlock` may return false to cancel the park (then it must not have published the G).
//!
//! The `GRef` a waker holds is a token from `getg` naming one park (its wake generation,
//! `g.rs`): a wake-up that comes after that park ended some other way — the runtime's
//! shutdown woke and unwound the G, which may even be dead and recycled — fails its CAS and
//! does nothing. So a waker that dequeues a G under a lock, drops the lock and only then
//! calls `goready` (as `close` does) is harmless even if the G is gone by then.
//!
//! `gopark` and `goready` are `unsafe`: a wake-up nobody registered for (or a second one)
//! would resume code that relies on the data its waker left, such as a channel receive
//! expecting its slot filled and its sudog dequeued. `getg` is safe: a token does nothing
//! without `goready`.
//!
//! Plain threads (`std::thread`s, `main` before any runtime) get a *thread G* on first
//! use: a G with no stack whose "run queue" is its note. So channels and sync types work
//! the same from threads and goroutines.
//!
//! A goroutine resumed after its runtime began shutting down (`killed`) unwinds from here
//! with a private payload, so its destructors run (`entry.rs`).

use crate::g::{G_RUNNING, G_WAITING};
pub use crate::g::{GRef, WaitReason};
use crate::loom::atomic::Ordering;
use crate::panic::throw;
use crate::proc::{After, mcall};
use crate::tls::{curg, getm};

/// The calling goroutine's G, or this plain thread's G, as a wake token for its next park.
/// Go: getg.
///
/// # Safety
/// The token is part of the protocol of the caller's next park ([`gopark`]): publish it
/// only for that park, in the place its `unlock` guards, for at most one [`goready`]. Kept
/// or used past that park, it would wake whatever the G waits for later.
///
/// # Examples
/// ```
/// // SAFETY: compared only, never published.
/// let (a, b) = unsafe { (goro_rt::park::getg(), goro_rt::park::getg()) };
/// assert_eq!(a, b); // the same thread has the same G
/// ```
pub unsafe fn getg() -> GRef {
    curg().unwrap_or_else(thread_g).token()
}

/// Parks the caller until someone passes its G to [`goready`]. `unlock(gp)` runs once the
/// G is parked; it must release whatever lock guards the place the G registered itself in,
/// and return true — or false to resume at once (having published nothing).
///
/// # Safety
/// If `unlock` returns false, the G must not be reachable by any waker: a token published
/// for this park and used later would wake an unrelated later park of the same G. `unlock`
/// runs on another stack (the M's g0) and must not panic (that is a fatal error).
///
/// # Examples
/// A one-shot gate: the closure releases the lock only after the G is parked, so the
/// waker can never miss it.
/// ```
/// use goro_rt::park::{getg, gopark, goready, GRef, WaitReason};
/// use std::sync::{Arc, Mutex};
/// let waiter: Arc<Mutex<Option<GRef>>> = Arc::default();
/// let w2 = waiter.clone();
/// let t = std::thread::spawn(move || loop {
///     if let Some(gp) = w2.lock().unwrap().take() {
///         // SAFETY: we took the only registration of this park, under its lock.
///         unsafe { goready(gp) };
///         break;
///     }
///     std::thread::yield_now();
/// });
/// let mut slot = waiter.lock().unwrap();
/// // SAFETY: published for the park below, under the lock its callback releases.
/// *slot = Some(unsafe { getg() });
/// // SAFETY: the unlock callback always parks (returns true).
/// unsafe { gopark(move |_| { drop(slot); true }, WaitReason::Preempted) };
/// t.join().unwrap();
/// ```
pub unsafe fn gopark<F: FnOnce(GRef) -> bool>(unlock: F, reason: WaitReason) {
    let gp = curg().unwrap_or_else(thread_g);
    gp.waitreason.store(reason as u8, Ordering::Relaxed);
    if gp.is_thread() {
        park_thread(gp, unlock);
    } else {
        if getm().is_null() {
            throw("gopark: goroutine without an M");
        }
        crate::lockosthread::before_switch(gp);
        let mut slot = Some(unlock);
        mcall(
            gp,
            After::Park {
                data: (&raw mut slot).cast(),
                unlock: call_unlock::<F>,
            },
        );
        check_killed(gp);
    }
    gp.waitreason
        .store(WaitReason::Zero as u8, Ordering::Relaxed);
}

/// Parks the caller forever (until its runtime ends, which unwinds it from here).
pub fn park_forever(reason: WaitReason) {
    // SAFETY: the callback publishes nothing and always parks.
    unsafe { gopark(|_| true, reason) }
}

/// Runs the unlock closure stored by `gopark`.
///
/// # Safety
/// `data` points to the `Option<F>` in the frame of a `gopark` whose G is parked and has
/// not been resumed, and this is the only call for it.
unsafe fn call_unlock<F: FnOnce(GRef) -> bool>(data: *mut (), gp: GRef) -> bool {
    // SAFETY: see the function's contract; the frame is frozen while its G is parked.
    let f = unsafe { (*data.cast::<Option<F>>()).take() };
    let Some(f) = f else {
        throw("gopark: unlock callback ran twice")
    };
    // This runs on g0: a panic must not unwind through the scheduler's frames.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(gp))) {
        Ok(parked) => parked,
        Err(_) => throw("gopark: the unlock callback panicked"),
    }
}

/// The committing half of a park, run once the G can no longer be running anywhere (on g0
/// for a goroutine, on the thread itself for a thread G): publish "waiting", *then* let the
/// caller release the lock wakers find the G through. Returns whether the G stays parked;
/// if not, it is running again. Go: park_m.
pub(crate) fn park_commit<F: FnOnce(GRef) -> bool>(gp: GRef, unlock: F) -> bool {
    gp.set_status(G_WAITING, Ordering::SeqCst);
    if unlock(gp) {
        return true;
    }
    // Cancelled. Only a runtime shutdown may have readied the G meanwhile; then it is
    // queued, and counts as parked (it resumes from the queue and unwinds).
    !gp.cas_unpark()
}

/// g0's side of a goroutine's park (`execute`'s `After::Park`): commits it
/// ([`park_commit`]), then, if the runtime has begun to end, kills the G at once through
/// `ready`. The end (`shutdown::kill_sweep`) sets `killing`, then kills the Gs it finds
/// parked; a G that parks meanwhile is seen by one of the two (the status is stored before
/// `killing` is read here, `killing` set before the status is read there, all SeqCst: one
/// total order), and claimed for the kill once (`shutdown::claim_for_kill`). Returns
/// whether the G stays parked. Go: park_m.
pub(crate) fn park_m<F: FnOnce(GRef) -> bool>(
    gp: GRef,
    unlock: F,
    killing: &crate::loom::atomic::AtomicBool,
    ready: impl FnOnce(GRef),
) -> bool {
    if !park_commit(gp, unlock) {
        return false;
    }
    // Loom models SeqCst loads and stores as acquire/release only; this fence stands for
    // the total order SeqCst gives the status store above and the load below.
    #[cfg(goro_loom)]
    crate::loom::atomic::fence(Ordering::SeqCst);
    if killing.load(Ordering::SeqCst) && crate::shutdown::claim_for_kill(gp) {
        ready(gp);
    }
    true
}

/// The claiming half of a wake-up: waiting → runnable for the park `gp`'s token names,
/// exactly once. Whoever wins owns the G and must queue it; a loser must not touch it.
/// False for a stale token; a throw for a token of the current park whose G is not
/// waiting (a second wake-up: a bug).
pub(crate) fn ready_cas(gp: GRef) -> bool {
    if gp.cas_ready(gp.wgen()) {
        return true;
    }
    if gp.wakegen() != gp.wgen() {
        return false; // that park is over: woken by shutdown, or the G is gone
    }
    throw("goready: G is not waiting")
}

/// Parks a plain thread: its "run queue" is its note.
pub(crate) fn park_thread<F: FnOnce(GRef) -> bool>(gp: GRef, unlock: F) {
    gp.note.clear();
    if park_commit(gp, unlock) {
        gp.note.sleep();
        gp.set_status(G_RUNNING, Ordering::Release);
    }
}

/// Makes a G parked by [`gopark`] runnable. Go: goready.
///
/// A token whose park already ended another way (the runtime's shutdown woke the G) is
/// ignored.
///
/// # Safety
/// `gp` is a token (from [`getg`]) of a G that registered itself for this wake-up where the
/// caller found it, and the caller took that registration exclusively (typically: removed
/// it from a queue under the lock the G's `gopark` released). Nobody else will wake the
/// same park.
///
/// # Panics
/// Throws (fatal error) if the G's current park is not waiting: readying it twice is a
/// bug in the caller.
pub unsafe fn goready(gp: GRef) {
    if gp.is_thread() {
        if ready_cas(gp) {
            gp.note.wakeup();
        }
        return;
    }
    // Compared only, before the claim: the runtime is ours to touch once the claim succeeds.
    let s = gp.sched.load(Ordering::Acquire);
    let m = crate::tls::getm();
    // SAFETY: a non-null TLS M pointer is this thread's live M.
    let foreign = m.is_null() || !core::ptr::eq(unsafe { std::sync::Arc::as_ptr(&(*m).sched) }, s);
    let _claim = Claim::begin(s);
    if ready_cas(gp) {
        // Re-read: the claim makes the G's runtime stable (a stale token never gets here).
        let s = gp.sched.load(Ordering::Acquire);
        if s.is_null() {
            throw("goready: goroutine of no runtime");
        }
        if foreign {
            crate::checkdead::note_foreign(); // a waker the deadlock detector cannot see
        }
        // SAFETY: a waiting goroutine's runtime outlives it (`run` waits for every G, and
        // keeps the runtime alive for goroutines left parked).
        unsafe { (*s).ready(gp) };
    }
}

/// Wake-ups in flight, between their claim (`ready_cas`) and their push to a queue, by
/// threads that hold no P of the G's runtime (plain threads, another runtime's Ms, an M
/// polling or running timers while it sleeps without a P): its Ms may all look idle
/// meanwhile. While non-zero an ending runtime looks for a claimed G before it ends
/// (`Sched::has_claimed_g`). A claim by an M holding a P needs no count: the runtime is
/// not quiescent while any P is held.
static CLAIMS_IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether a wake-up claimed by a thread without a P of its runtime may be in flight.
pub(crate) fn claims_in_flight() -> bool {
    CLAIMS_IN_FLIGHT.load(Ordering::SeqCst) != 0
}

/// Counts a wake-up in `CLAIMS_IN_FLIGHT` from before its claim to after its push (drop),
/// if this thread holds no P of runtime `s`. Counted before the claim (SeqCst), so an M
/// that reads zero after finding its runtime quiescent precedes any such claim.
pub(crate) struct Claim(bool);

impl Claim {
    pub(crate) fn begin(s: *const crate::proc::Sched) -> Claim {
        let m = crate::tls::getm();
        // SAFETY: a non-null TLS M pointer is this thread's live M; its `p` is its own.
        let with_p = unsafe { m.as_ref() }.is_some_and(|m| {
            core::ptr::eq(std::sync::Arc::as_ptr(&m.sched), s) && !m.p.get().is_null()
        });
        if !with_p {
            CLAIMS_IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        }
        Claim(!with_p)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.0 {
            CLAIMS_IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Yields the processor: the goroutine goes to the back of its P's run queue, behind the
/// work the global queue holds now. Go: runtime.Gosched (Go puts it on the global queue
/// itself, from which any P may take it; a started goroutine never leaves its thread, so
/// goro's waits on its own thread: the same order on one P). On a plain thread:
/// `std::thread::yield_now`.
///
/// # Examples
/// Two goroutines on one P take turns:
/// ```
/// use std::sync::{Arc, Mutex};
/// goro::run(|| {
///     goro::runtime::gomaxprocs(1);
///     let log = Arc::new(Mutex::new(String::new()));
///     let hs: Vec<_> = ['a', 'b']
///         .map(|c| {
///             let log = log.clone();
///             goro::spawn(move || {
///                 for _ in 0..3 {
///                     log.lock().unwrap().push(c);
///                     goro::runtime::gosched(); // Go: runtime.Gosched()
///                 }
///             })
///         })
///         .into_iter()
///         .collect();
///     hs.into_iter().for_each(|h| h.join().unwrap());
///     // 'b' was spawned last, so it ran first (Go's runnext), then they alternate
///     assert_eq!(*log.lock().unwrap(), "bababa");
/// });
/// ```
#[inline]
pub fn gosched() {
    match curg() {
        Some(gp) => yield_as(gp, After::Gosched),
        None => crate::loom::thread::yield_now(),
    }
}

/// Yields the running goroutine `gp` back to a run queue (`After::Gosched` or `Preempt`).
#[inline]
fn yield_as(gp: GRef, after: After) {
    crate::lockosthread::before_switch(gp);
    mcall(gp, after);
    check_killed(gp);
}

/// `gp`, the running goroutine, yields because sysmon marked it (`G::preempt`, which the
/// caller has cleared). Go: gopreempt_m.
pub(crate) fn preempted(gp: GRef) {
    yield_as(gp, After::Preempt);
}

/// A scheduling point: yields (to the tail of the queue, as `gosched`) if sysmon asked the
/// running goroutine to, because its time slice passed 10 ms (`sysmon.rs`). Called at every
/// channel operation, `select!` and lock (`sync::Mutex`, `RWMutex`); a no-op on plain
/// threads. Go: the preemption check in function prologues.
#[doc(hidden)]
#[inline]
pub fn preempt_point() {
    if let Some(gp) = curg()
        && gp.preempt.load(Ordering::Relaxed)
    {
        gp.preempt.store(false, Ordering::Relaxed);
        preempted(gp);
    }
}

/// Unwinds a goroutine whose runtime is shutting down (once).
pub(crate) fn check_killed(gp: GRef) {
    if gp.killed.load(Ordering::Acquire) && !gp.unwinding.swap(true, Ordering::AcqRel) {
        crate::defer::resume_goexit(Box::new(crate::panic::Killed));
    }
}

struct ThreadG(GRef);

#[cfg(not(goro_loom))]
impl Drop for ThreadG {
    fn drop(&mut self) {
        crate::gfree::put_thread_g(self.0);
    }
}

#[cfg(not(goro_loom))]
std::thread_local! {
    static THREAD_G: ThreadG = ThreadG(crate::gfree::get_thread_g());
}

// Loom runs its threads as coroutines on one OS thread: each model thread needs loom's own
// thread-local, and a fresh G per execution (loom objects cannot outlive one).
#[cfg(goro_loom)]
loom::thread_local! {
    static THREAD_G: ThreadG = ThreadG(GRef::alloc(None));
}

#[inline(never)]
fn thread_g() -> GRef {
    THREAD_G.with(|t| t.0)
}

/// A cheap pseudo-random number in `0..n` (per-thread xorshift), for randomised choices
/// such as `select`'s poll order. Go: runtime.cheaprandn.
#[doc(hidden)]
pub fn cheaprand(n: usize) -> usize {
    crate::proc::fastrand(n)
}
