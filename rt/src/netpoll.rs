//! The network poller: sockets whose blocking calls park the goroutine, not the thread.
//! Go: runtime/netpoll.go (pollDesc, netpollblock, netpollready, netpolldeadlineimpl) and
//! netpoll_epoll.go.
//!
//! Every pollable fd is registered once, edge-triggered, for reading and writing, with a
//! `PollDesc`: one `Side` per direction holding a pending readiness (`ready`, Go's pdReady)
//! or the goroutines parked waiting for it (Go's rg/wg; a list here, since clones of a
//! socket may read concurrently where Go serialises them with fdMutex). An operation tries
//! the non-blocking syscall first; on `EAGAIN` it calls `wait`, which consumes a pending
//! readiness or parks ("IO wait") until an event, a deadline or a `close`. A readiness that
//! arrives between the `EAGAIN` and the park is kept in `ready`, so it is never lost; one
//! that is stale costs one more `EAGAIN`.
//!
//! **Who polls** (Go's model): there is no poller thread. One process-wide epoll instance
//! is polled by
//! - an idle M about to sleep, when goroutines wait for I/O and no other M polls
//!   (`POLLING`): it blocks in `epoll_wait` until the earliest timer instead of sleeping on
//!   its note (`sleep_polling`). Whatever would wake its note also writes the `eventfd`
//!   registered in the same epoll instance (Go's netpollBreak), so the M never oversleeps
//!   a hand-off, a new timer or the runtime's end;
//! - an M looking for work, after its run queues and before stealing (`poll_ready`, Go's
//!   `netpoll(0)` in findrunnable);
//! - sysmon, when nobody has polled for 10 ms (`sysmon_poll`).
//!
//! A readied goroutine goes to its home M (DESIGN: thread affinity), woken if asleep; when
//! the polling M is that home, it runs the goroutine itself without a hand-off.
//! Several runtimes may run in one process: they share the epoll instance, and an M of one
//! readies goroutines of another exactly as a channel send across runtimes would.
//!
//! **Deadlines** (Go's SetReadDeadline/SetWriteDeadline): each side has a deadline and a
//! timer of the runtime's timer machinery. A wait whose deadline has passed fails with
//! `TimedOut` ("i/o timeout") before parking; the timer readies parked waiters when it
//! fires, and they fail the same way as they retry. A fired timer that finds a later
//! deadline (set meanwhile) does nothing.
//!
//! **Plain threads** are not goroutines: they block in `poll(2)` on the fd itself (in
//! slices, so a `close` that could not wake the call is seen within `THREAD_SLICE_MS`).
//!
//! **Lifetime.** `PollDesc`s are never freed (as Go's pollcache): closed ones return to a
//! free list, and each registration carries the descriptor's index and *sequence number*
//! in epoll's user data, so an event still in flight for a closed fd finds a newer sequence
//! and is dropped (Go: fdseq). The fd itself is closed by its owner (`net`), after
//! `close_desc`.

use crate::g::{GRef, WaitReason};
use crate::lock::Lock;
use crate::park::{getg, gopark, goready};
use crate::time::RawTimer;
use core::cell::UnsafeCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// One direction of a descriptor.
#[derive(Default)]
struct Side {
    /// An event came that no waiter has consumed yet (Go: pdReady).
    ready: bool,
    /// The goroutines parked for this direction (usually one).
    waiters: Vec<GRef>,
    /// Operations fail with `TimedOut` from this nanotime on (0: no deadline). Go: rd/wd.
    deadline: u64,
    /// Readies the waiters at `deadline`; made on first use, kept with the descriptor.
    timer: Option<RawTimer>,
}

/// Which way an operation waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Readable (or a listener with a connection to accept).
    Read,
    /// Writable (or a connect that finished).
    Write,
}

/// The poller's record of one fd. Go: runtime.pollDesc.
pub struct PollDesc {
    index: u32,
    /// The registered fd (for plain threads, which `poll(2)` it).
    fd: AtomicU32,
    /// Bumped at every close: events for an older registration are stale.
    seq: AtomicU32,
    closing: AtomicBool,
    lock: Lock,
    /// Guarded by `lock`.
    sides: UnsafeCell<[Side; 2]>,
}

// SAFETY: `sides` is touched only with `lock` held (`locked`, `wait`); the rest is atomic
// or immutable.
unsafe impl Sync for PollDesc {}
// SAFETY: as above.
unsafe impl Send for PollDesc {}

impl PollDesc {
    /// Runs `f` on both sides with the lock held.
    fn locked<R>(&self, f: impl FnOnce(&mut [Side; 2]) -> R) -> R {
        self.lock.lock();
        // SAFETY: the lock is held until after `f` returns, and `f`'s borrow cannot
        // outlive the call.
        let r = f(unsafe { &mut *self.sides.get() });
        // SAFETY: we locked it above.
        unsafe { self.lock.unlock() };
        r
    }

    /// Fails if the descriptor is closed (Go: fd.incref).
    pub fn check_open(&self) -> io::Result<()> {
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        Ok(())
    }

    /// Fails if the descriptor is closed or `d`'s deadline has passed: what an operation
    /// checks before its first syscall. Go: pollDesc.prepare.
    pub fn prepare(&self, d: Dir) -> io::Result<()> {
        self.check_open()?;
        if self.locked(|sides| expired(&sides[d as usize])) {
            return Err(timed_out());
        }
        Ok(())
    }

    /// Parks until `d` is ready (an event since the last call consumed it), its deadline
    /// passes (`TimedOut`), or the descriptor is closed (Go's "use of closed network
    /// connection"). Go: netpollblock (via poll_runtime_pollWait).
    pub fn wait(&self, d: Dir) -> io::Result<()> {
        let gp = getg();
        if gp.is_thread() {
            return self.wait_thread(d);
        }
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        self.lock.lock();
        // SAFETY: lock held; the borrow ends before the unlock (in the callback below or
        // on the early returns).
        let side = unsafe { &mut (*self.sides.get())[d as usize] };
        if side.ready || self.closing.load(Ordering::Acquire) || expired(side) {
            let r = if core::mem::take(&mut side.ready) {
                Ok(())
            } else if self.closing.load(Ordering::Acquire) {
                Err(closed())
            } else {
                Err(timed_out())
            };
            // SAFETY: we locked it above.
            unsafe { self.lock.unlock() };
            return r;
        }
        side.waiters.push(gp);
        let waiting = Waiting::enter(self, d, gp);
        // SAFETY: the unlock callback releases the lock after the park is committed, so a
        // poller event, a deadline or a close (all under the lock) sees the registered
        // waiter and readies this park exactly once (they take it out of `waiters`).
        unsafe {
            gopark(
                |_| {
                    // Locked above by this goroutine, released once, here.
                    self.lock.unlock();
                    true
                },
                WaitReason::IoWait,
            )
        };
        drop(waiting);
        // Readied by an event, a deadline or `close_desc`; the caller retries its syscall,
        // and the next `wait` reports a deadline (Go: the retry comes first too).
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        Ok(())
    }

    /// `wait` for a plain thread: `poll(2)` on the fd, in slices.
    fn wait_thread(&self, d: Dir) -> io::Result<()> {
        let fd = self.fd.load(Ordering::Relaxed) as RawFd;
        let events = match d {
            Dir::Read => libc::POLLIN | libc::POLLRDHUP,
            Dir::Write => libc::POLLOUT,
        };
        loop {
            if self.closing.load(Ordering::Acquire) {
                return Err(closed());
            }
            let (ready, deadline) = self.locked(|sides| {
                let s = &mut sides[d as usize];
                (core::mem::take(&mut s.ready), s.deadline)
            });
            if ready {
                return Ok(());
            }
            let mut ms = THREAD_SLICE_MS;
            if deadline != 0 {
                let now = crate::time::nanotime();
                if now >= deadline {
                    return Err(timed_out());
                }
                ms = ms.min(ms_until(deadline - now));
            }
            let mut pfd = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
            // SAFETY: one valid pollfd for the duration of the call.
            let n = unsafe { libc::poll(&mut pfd, 1, ms) };
            if n > 0 {
                return Ok(());
            }
            if n < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                return Err(io::Error::last_os_error());
            }
        }
    }

    /// Sets the deadline of `d`, or of both directions (`None`); `None` as the time clears
    /// it. A deadline in the past fails parked and later operations at once. Go:
    /// poll_runtime_pollSetDeadline.
    pub fn set_deadline(&'static self, d: Option<Dir>, when: Option<Instant>) {
        let (at, after) = match when {
            None => (0, None),
            Some(t) => {
                let d = t.saturating_duration_since(Instant::now());
                (crate::time::when(d).max(1), Some(d))
            }
        };
        let mut wake = Vec::new();
        self.locked(|sides| {
            for dir in [Dir::Read, Dir::Write] {
                if d.is_some_and(|d| d != dir) {
                    continue;
                }
                let side = &mut sides[dir as usize];
                side.deadline = at;
                match after {
                    None => {
                        if let Some(t) = &side.timer {
                            t.stop();
                        }
                    }
                    Some(after) if after.is_zero() => {
                        if let Some(t) = &side.timer {
                            t.stop();
                        }
                        wake.append(&mut side.waiters);
                    }
                    Some(after) => {
                        let pd: &'static PollDesc = self;
                        side.timer
                            .get_or_insert_with(|| RawTimer::new(move || pd.expire(dir)))
                            .reset(after, None);
                    }
                }
            }
        });
        ready_all(wake);
    }

    /// `d`'s deadline timer fired: ready its waiters if the deadline it was set for still
    /// holds (a later one may have replaced it meanwhile). Go: netpolldeadlineimpl.
    fn expire(&self, d: Dir) {
        let wake = self.locked(|sides| {
            let side = &mut sides[d as usize];
            if expired(side) {
                core::mem::take(&mut side.waiters)
            } else {
                Vec::new()
            }
        });
        ready_all(wake);
    }
}

/// Whether `side`'s deadline has passed.
fn expired(side: &Side) -> bool {
    side.deadline != 0 && crate::time::nanotime() >= side.deadline
}

/// Readies goroutines taken from a side's waiters.
fn ready_all(gs: Vec<GRef>) {
    for gp in gs {
        // SAFETY: each was the only registration of its park, taken under its lock.
        unsafe { goready(gp) };
    }
}

/// How long a plain thread blocks in `poll(2)` before looking at `closing` again.
const THREAD_SLICE_MS: i32 = 100;

/// `ns` in whole milliseconds, rounded up, as `poll`/`epoll_wait` want them.
fn ms_until(ns: u64) -> i32 {
    i32::try_from(ns.div_ceil(1_000_000)).unwrap_or(i32::MAX)
}

/// A goroutine in IO wait: counted in its runtime's `nnetwait` (while any waits, the
/// runtime is not deadlocked: the poller may ready it; Go: an M blocked in netpoll is not
/// idle, so checkdead finds a running M) and in `NWAITERS` (someone must poll). Dropped
/// after the park, also when the goroutine unwinds from it (its runtime ended), which then
/// takes its registration back so no event is spent on it.
struct Waiting {
    sched: Option<&'static crate::proc::Sched>,
    pd: &'static PollDesc,
    d: Dir,
    gp: GRef,
}

impl Waiting {
    fn enter(pd: &PollDesc, d: Dir, gp: GRef) -> Waiting {
        let sched = crate::tls::current_sched();
        if let Some(s) = sched {
            s.nnetwait.fetch_add(1, Ordering::SeqCst);
        }
        NWAITERS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: every PollDesc is leaked (never freed), so extending the borrow is sound.
        let pd: &'static PollDesc = unsafe { &*(pd as *const PollDesc) };
        Waiting { sched, pd, d, gp }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        NWAITERS.fetch_sub(1, Ordering::SeqCst);
        if let Some(s) = self.sched {
            s.nnetwait.fetch_sub(1, Ordering::SeqCst);
        }
        if std::thread::panicking() {
            let gp = self.gp;
            self.pd
                .locked(|sides| sides[self.d as usize].waiters.retain(|w| *w != gp));
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "use of closed network connection",
    )
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "i/o timeout")
}

/// Goroutines parked in IO wait, process-wide (Go: netpollWaiters).
static NWAITERS: AtomicUsize = AtomicUsize::new(0);
/// An M is blocked in `epoll_wait` (Go: sched.lastpoll == 0).
static POLLING: AtomicBool = AtomicBool::new(false);
/// When the last poll ended (nanotime), for sysmon (Go: sched.lastpoll).
static LAST_POLL: AtomicU64 = AtomicU64::new(0);
/// The eventfd holds an unread wake-up (Go: netpollWakeSig).
static BREAK_PENDING: AtomicBool = AtomicBool::new(false);

/// epoll user data of the eventfd.
const BREAK_TOKEN: u64 = u64::MAX;

/// The process's epoll instance and its descriptors.
struct Poller {
    epfd: RawFd,
    /// Written to break a blocked `epoll_wait` (Go: netpollBreakWr).
    evfd: RawFd,
    descs: Mutex<Vec<&'static PollDesc>>,
    free: Mutex<Vec<u32>>,
}

fn poller() -> io::Result<&'static Poller> {
    static POLLER: OnceLock<Result<Poller, i32>> = OnceLock::new();
    let p = POLLER.get_or_init(|| {
        let err = || io::Error::last_os_error().raw_os_error().unwrap_or(0);
        // SAFETY: plain syscall; the result is checked.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            return Err(err());
        }
        // SAFETY: plain syscall; the result is checked.
        let evfd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if evfd < 0 {
            return Err(err());
        }
        // Level-triggered: a break stays visible until the blocking poller reads it, even
        // if a non-blocking poll sees it first (Go's netpoll(0) leaves it too).
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: BREAK_TOKEN,
        };
        // SAFETY: `ev` is valid for the call; both fds are ours.
        if unsafe { libc::epoll_ctl(epfd, libc::EPOLL_CTL_ADD, evfd, &mut ev) } != 0 {
            return Err(err());
        }
        Ok(Poller {
            epfd,
            evfd,
            descs: Mutex::new(Vec::new()),
            free: Mutex::new(Vec::new()),
        })
    });
    p.as_ref().map_err(|&e| io::Error::from_raw_os_error(e))
}

/// Registers `fd` (already non-blocking) with the poller. Go: poll_runtime_pollOpen.
pub fn open(fd: RawFd) -> io::Result<&'static PollDesc> {
    let p = poller()?;
    let pd = {
        let reuse = p.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut descs = p.descs.lock().unwrap_or_else(|e| e.into_inner());
        match reuse {
            Some(i) => descs[i as usize],
            None => {
                let pd: &'static PollDesc = Box::leak(Box::new(PollDesc {
                    index: descs.len() as u32,
                    fd: AtomicU32::new(0),
                    seq: AtomicU32::new(0),
                    closing: AtomicBool::new(false),
                    lock: Lock::new(),
                    sides: UnsafeCell::new(Default::default()),
                }));
                descs.push(pd);
                pd
            }
        }
    };
    let seq = pd.locked(|sides| {
        for s in sides.iter_mut() {
            s.ready = false;
            s.deadline = 0;
            debug_assert!(s.waiters.is_empty());
        }
        pd.fd.store(fd as u32, Ordering::Relaxed);
        pd.closing.store(false, Ordering::Release);
        pd.seq.load(Ordering::Relaxed)
    });
    let mut ev = libc::epoll_event {
        events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32,
        u64: (u64::from(seq) << 32) | u64::from(pd.index),
    };
    // SAFETY: `ev` is a valid event for the duration of the call.
    if unsafe { libc::epoll_ctl(p.epfd, libc::EPOLL_CTL_ADD, fd, &mut ev) } != 0 {
        let e = io::Error::last_os_error();
        release(p, pd);
        return Err(e);
    }
    Ok(pd)
}

/// Wakes every operation parked on `pd` with an error, now and from now on, and
/// unregisters `fd`. The caller closes `fd` afterwards (or shuts it down first: parked
/// operations on other clones fail at once either way). Go: poll_runtime_pollUnblock +
/// pollClose.
pub fn close_desc(pd: &'static PollDesc, fd: RawFd) {
    let waiters = pd.locked(|sides| {
        if pd.closing.swap(true, Ordering::AcqRel) {
            return None;
        }
        pd.seq.fetch_add(1, Ordering::AcqRel);
        let mut w = Vec::new();
        for s in sides.iter_mut() {
            if let Some(t) = &s.timer {
                t.stop();
            }
            w.append(&mut s.waiters);
        }
        Some(w)
    });
    let Some(waiters) = waiters else { return };
    ready_all(waiters);
    if let Ok(p) = poller() {
        // SAFETY: plain syscall; failure (fd already gone) is harmless.
        unsafe { libc::epoll_ctl(p.epfd, libc::EPOLL_CTL_DEL, fd, core::ptr::null_mut()) };
    }
}

/// Gives a closed descriptor back for reuse, once its fd is closed (so no new event can
/// name it; events already in flight carry an old sequence).
pub fn release_desc(pd: &'static PollDesc) {
    if let Ok(p) = poller() {
        release(p, pd);
    }
}

fn release(p: &Poller, pd: &'static PollDesc) {
    p.free
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(pd.index);
}

/// Whether goroutines wait for I/O and nobody is blocked polling for them.
fn unpolled_waiters() -> bool {
    NWAITERS.load(Ordering::SeqCst) != 0 && !POLLING.load(Ordering::SeqCst)
}

/// Polls without blocking, readying the goroutines whose I/O is ready. True if any was
/// readied. Go: findrunnable's `netpoll(0)`, skipped while an M blocks in netpoll.
pub(crate) fn poll_ready() -> bool {
    unpolled_waiters() && poll(0) > 0
}

/// sysmon's poll: when nobody has polled for 10 ms (Go: sysmon's netpoll).
pub(crate) fn sysmon_poll() -> bool {
    const STALE: u64 = 10_000_000;
    unpolled_waiters()
        && crate::time::nanotime().saturating_sub(LAST_POLL.load(Ordering::Relaxed)) > STALE
        && poll(0) > 0
}

/// An idle M's sleep on `note` until `deadline` (nanotime), spent in `epoll_wait` when
/// goroutines wait for I/O and no other M polls. False if it did not poll (the caller
/// sleeps on the note). Whoever wakes `note` breaks the wait (`Note::polling`).
pub(crate) fn sleep_polling(note: &crate::note::Note, deadline: Option<u64>) -> bool {
    let ms = match deadline {
        None => -1,
        Some(when) => {
            let now = crate::time::nanotime();
            // Under a millisecond: the note's futex sleep is precise, epoll's is not.
            if when <= now + 1_000_000 {
                return false;
            }
            ms_until(when - now)
        }
    };
    if NWAITERS.load(Ordering::SeqCst) == 0
        || POLLING
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
    {
        return false;
    }
    note.sleep_in(|| {
        poll(ms);
    });
    POLLING.store(false, Ordering::SeqCst);
    true
}

/// Breaks a blocked `epoll_wait`. Go: netpollBreak.
pub(crate) fn brk() {
    if BREAK_PENDING.swap(true, Ordering::SeqCst) {
        return; // one unread wake-up is enough
    }
    if let Ok(p) = poller() {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our eventfd; EAGAIN (counter full)
        // cannot happen with one pending write.
        unsafe { libc::write(p.evfd, (&raw const one).cast(), 8) };
    }
}

/// Waits up to `ms` for events (-1: until one, or a break, which a blocking poll drains)
/// and readies their waiters; returns how many were readied. Go: netpoll + netpollready.
fn poll(ms: i32) -> usize {
    const BATCH: usize = 128;
    let Ok(p) = poller() else { return 0 };
    let mut events = [libc::epoll_event { events: 0, u64: 0 }; BATCH];
    // SAFETY: `events` has room for BATCH entries.
    let n = unsafe { libc::epoll_wait(p.epfd, events.as_mut_ptr(), BATCH as i32, ms) };
    LAST_POLL.store(crate::time::nanotime(), Ordering::Relaxed);
    if n <= 0 {
        return 0; // timeout, EINTR (a signal: the caller looks again)
    }
    let mut ready: Vec<GRef> = Vec::new();
    {
        // Held while the batch is sorted out: `open` (the only writer) waits that long.
        let descs = p.descs.lock().unwrap_or_else(|e| e.into_inner());
        for ev in &events[..n as usize] {
            if ev.u64 == BREAK_TOKEN {
                if ms != 0 {
                    let mut buf = [0u8; 8];
                    // SAFETY: reads at most 8 bytes into a live buffer; EAGAIN is fine.
                    unsafe { libc::read(p.evfd, buf.as_mut_ptr().cast(), 8) };
                    BREAK_PENDING.store(false, Ordering::SeqCst);
                }
                continue;
            }
            let (index, seq) = ((ev.u64 & 0xffff_ffff) as usize, (ev.u64 >> 32) as u32);
            let Some(&pd) = descs.get(index) else {
                continue;
            };
            let bits = ev.events as i32;
            let err = bits & (libc::EPOLLERR | libc::EPOLLHUP) != 0;
            let rd = err || bits & (libc::EPOLLIN | libc::EPOLLRDHUP) != 0;
            let wr = err || bits & libc::EPOLLOUT != 0;
            pd.locked(|sides| {
                if pd.seq.load(Ordering::Acquire) != seq {
                    return; // an event for an older registration of this descriptor
                }
                for (side, hit) in sides.iter_mut().zip([rd, wr]) {
                    if hit {
                        if side.waiters.is_empty() {
                            side.ready = true;
                        } else {
                            ready.append(&mut side.waiters);
                        }
                    }
                }
            });
        }
    }
    let count = ready.len();
    ready_all(ready);
    count
}
