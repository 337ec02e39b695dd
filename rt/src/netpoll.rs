//! The network poller: sockets whose blocking calls park the goroutine, not the thread.
//! Go: runtime/netpoll.go (pollDesc, netpollblock, netpollready, netpolldeadlineimpl) and
//! netpoll_epoll.go.
//!
//! Every pollable fd has a `PollDesc`: one `Side` per direction holding a pending readiness
//! (`ready`, Go's pdReady) or the goroutines parked waiting for it (Go's rg/wg; a list here,
//! since clones of a socket may read concurrently where Go serialises them with fdMutex). An
//! operation tries the non-blocking syscall first; on `EAGAIN` it calls `wait`, which
//! consumes a pending readiness or parks ("IO wait") until an event, a deadline or a
//! `close`. A readiness that arrives between the `EAGAIN` and the park is kept in `ready`,
//! so it is never lost; one that is stale costs one more `EAGAIN`.
//!
//! **One epoll instance per M** (`PollInst`; Go has one per process). A goroutine only
//! ever runs on its home M (`proc.rs`), so a readiness collected by another thread costs
//! two thread wake-ups: the collector's, then the home M's. Here the fd goes where its
//! goroutine lives: the first goroutine that waits on it registers it, edge-triggered and
//! once, with the instance of its own M (made on first use), so its events wake that M
//! directly. A goroutine of another M that waits on it is readied from there through
//! `goready`, one hop more; once such waits come twice in a row with nobody else parked on
//! the fd (a socket dialled or accepted by one goroutine and served by another), the fd
//! moves to that M's instance (`registered`). An instance is polled by
//! - its M about to sleep, while fds are registered with it: it blocks in `epoll_wait` until
//!   its earliest timer instead of sleeping on its note (`sleep_polling`). Whatever wakes
//!   the note also writes the instance's `eventfd` (`Note::sleep_in` names the instance;
//!   Go's netpollBreak), so the M never oversleeps a hand-off, a new timer or the runtime's
//!   end. It sleeps there even when none of its own goroutines waits: a waiter of another
//!   M may depend on the fd registered here;
//! - its M looking for work, after its run queues and before stealing (`poll_ready`, Go's
//!   `netpoll(0)` in findrunnable), and while it watches for work before sleeping;
//! - sysmon, for every instance with waiters that nobody has polled for 10 ms
//!   (`sysmon_poll`): the only poller of an instance whose M is busy running goroutines.
//!
//! A readied goroutine goes to its home M (DESIGN: thread affinity), woken if asleep; when
//! the polling M is that home, it runs the goroutine itself, without a wake-up.
//! Several runtimes may run in one process: an fd registered by a goroutine of one may be
//! waited on by a goroutine of another, readied exactly as a channel send across runtimes.
//!
//! **An M that exits** (its runtime ended) leaves its instance behind: it is marked dead
//! and readies every goroutine still parked on an fd registered there (a spurious
//! wake-up: each retries its syscall and, waiting again, moves the fd to its own M's
//! instance; adding an fd reports its current readiness, so nothing is lost), then the
//! instance goes to a free list, where the next M to need one adopts it with whatever is
//! still registered.
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
//! **Lifetime.** `PollDesc`s and `PollInst`s are never freed (as Go's pollcache): closed
//! descriptors return to a free list, and each registration carries the descriptor's address
//! and (the low bits of) its *sequence number* in epoll's user data, so an event still in
//! flight for a closed fd finds a newer sequence and is dropped (Go: fdseq in a
//! taggedPointer). No table is looked up, so Ms polling at once share no lock. The fd itself is closed by its owner
//! (`net`), after `close_desc`.
//!
//! Lock order: a descriptor's lock < `INSTS`, `FREE_INSTS` (an M's first registration
//! makes or adopts its instance under it); `DESCS` and `FREE_DESCS` are leaves.

use crate::g::{GRef, WaitReason};
use crate::lock::Lock;
use crate::m::M;
use crate::park::{getg, gopark, goready};
use crate::time::RawTimer;
use core::cell::UnsafeCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
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
    /// The fd (for plain threads, which `poll(2)` it, and for registering it).
    fd: AtomicU32,
    /// Bumped at every close: events for an older registration are stale.
    seq: AtomicU32,
    closing: AtomicBool,
    /// The instance the fd is registered with (null: not yet, or closed). Written under
    /// `lock`.
    inst: AtomicPtr<PollInst>,
    /// Waits in a row by goroutines of other Ms than `inst`'s (`registered`); under `lock`.
    strays: AtomicU32,
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
        // SAFETY: the token is published for this wait's park only, in the descriptor's
        // slot for `d`, under the lock the park's callback releases.
        let gp = unsafe { getg() };
        if gp.is_thread() {
            return self.wait_thread(d);
        }
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        self.lock.lock();
        // SAFETY: lock held; the borrow ends before the unlock (in the callback below or
        // on the early returns).
        let sides = unsafe { &mut *self.sides.get() };
        let alone = sides.iter().all(|s| s.waiters.is_empty());
        let side = &mut sides[d as usize];
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
        // Events for this fd must reach a live instance: its first waiter registers it
        // with the instance of its own M, a waiter that finds it with a dead M's moves it.
        let inst = match self.registered(alone) {
            Ok(inst) => inst,
            Err(e) => {
                // SAFETY: we locked it above.
                unsafe { self.lock.unlock() };
                return Err(e);
            }
        };
        side.waiters.push(gp);
        let waiting = Waiting::enter(self, inst, d, gp);
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

    /// The live instance the fd is registered with, registering it with the calling
    /// goroutine's M's instance first if there is none (lock held; a goroutine calls).
    /// `alone`: no other goroutine is parked on the fd, so it may move to our instance if
    /// it keeps being waited on from here (a socket dialled or accepted by one goroutine
    /// and served by another, on another thread).
    fn registered(&self, alone: bool) -> io::Result<&'static PollInst> {
        let cur = self.inst.load(Ordering::Acquire);
        // SAFETY: a goroutine runs on its M, whose TLS pointer is live for as long.
        let m = unsafe { &*crate::tls::getm() };
        // SAFETY: instances are leaked, never freed.
        if let Some(cur) = unsafe { cur.as_ref() }
            && cur.alive.load(Ordering::SeqCst)
        {
            if !alone {
                return Ok(cur);
            }
            if m.poll_inst
                .get()
                .is_some_and(|mine| core::ptr::eq(mine, cur))
            {
                self.strays.store(0, Ordering::Relaxed);
                return Ok(cur);
            }
            // Moving costs two epoll_ctl calls; staying, a thread wake-up per readiness.
            let strays = self.strays.load(Ordering::Relaxed) + 1;
            self.strays.store(strays, Ordering::Relaxed);
            if strays < MOVE_AFTER_STRAYS {
                return Ok(cur);
            }
        }
        self.strays.store(0, Ordering::Relaxed);
        let mine = inst_of(m)?;
        let fd = self.fd.load(Ordering::Relaxed) as RawFd;
        // SAFETY: as above.
        if let Some(old) = unsafe { cur.as_ref() } {
            // Its M exited (`m_exit`), or the fd is waited on from here now: move it.
            // Adding it below reports its current readiness, so whatever the old
            // instance holds for it is not needed (a late event there is a spurious one).
            old.unregister(fd);
            self.inst.store(core::ptr::null_mut(), Ordering::Release);
        }
        mine.register(fd, token(self, self.seq.load(Ordering::Acquire)))?;
        self.inst
            .store((mine as *const PollInst).cast_mut(), Ordering::Release);
        Ok(mine)
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

/// How many waits in a row from goroutines of another M than the fd's instance's move the
/// fd there (`registered`): not one, so that a socket read on one thread and written on
/// another, each waiting now and then, does not move at every turn.
const MOVE_AFTER_STRAYS: u32 = 2;

/// How long a plain thread blocks in `poll(2)` before looking at `closing` again.
const THREAD_SLICE_MS: i32 = 100;

/// `ns` in whole milliseconds, rounded up, as `poll`/`epoll_wait` want them.
fn ms_until(ns: u64) -> i32 {
    i32::try_from(ns.div_ceil(1_000_000)).unwrap_or(i32::MAX)
}

/// A goroutine in IO wait: counted in its runtime's `nnetwait` (while any waits, the
/// runtime is not deadlocked: the poller may ready it; Go: an M blocked in netpoll is not
/// idle, so checkdead finds a running M) and in the instance's `nwaiters` (someone must
/// poll it). Dropped after the park, also when the goroutine unwinds from it (its runtime
/// ended), which then takes its registration back so no event is spent on it.
struct Waiting {
    sched: Option<&'static crate::proc::Sched>,
    /// The waiting goroutine's M (its home: it resumes there), or null on a plain thread.
    m: *const M,
    pd: &'static PollDesc,
    inst: &'static PollInst,
    d: Dir,
    gp: GRef,
}

impl Waiting {
    fn enter(pd: &PollDesc, inst: &'static PollInst, d: Dir, gp: GRef) -> Waiting {
        let sched = crate::tls::current_sched();
        if let Some(s) = sched {
            s.nnetwait.fetch_add(1, Ordering::SeqCst);
        }
        inst.nwaiters.fetch_add(1, Ordering::SeqCst);
        let m = crate::tls::getm();
        // SAFETY: a non-null TLS M is this thread's live M.
        if let Some(m) = unsafe { m.as_ref() } {
            m.niowait.fetch_add(1, Ordering::Relaxed);
            crate::shrinkstack::enter_iowait(m, gp);
        }
        // SAFETY: every PollDesc is leaked (never freed), so extending the borrow is sound.
        let pd: &'static PollDesc = unsafe { &*(pd as *const PollDesc) };
        Waiting {
            sched,
            m,
            pd,
            inst,
            d,
            gp,
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.inst.nwaiters.fetch_sub(1, Ordering::SeqCst);
        // SAFETY: dropped by the goroutine that entered, on its home M (alive as long as
        // its runtime, which outlives the goroutine).
        if let Some(m) = unsafe { self.m.as_ref() } {
            m.niowait.fetch_sub(1, Ordering::Relaxed);
            crate::shrinkstack::leave_iowait(m, self.gp);
        }
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

pub(crate) fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "use of closed network connection",
    )
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "i/o timeout")
}

/// epoll user data of the eventfd.
const BREAK_TOKEN: u64 = u64::MAX;

/// Low bits of an event's user data: the descriptor's sequence number, truncated (Go's
/// taggedPointer: the rest is the descriptor's address, 8-aligned and below 2^48).
const SEQ_BITS: u32 = 19;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

/// The user data registering `pd` under sequence number `seq`.
fn token(pd: &PollDesc, seq: u32) -> u64 {
    let addr = pd as *const PollDesc as u64;
    ((addr >> 3) << SEQ_BITS) | (u64::from(seq) & SEQ_MASK)
}

/// Every descriptor ever made (for `m_exit`'s walk) and the closed ones free for reuse.
static DESCS: Mutex<Vec<&'static PollDesc>> = Mutex::new(Vec::new());
static FREE_DESCS: Mutex<Vec<&'static PollDesc>> = Mutex::new(Vec::new());
/// Every instance ever made (for sysmon) and those of exited Ms, free for adoption.
static INSTS: Mutex<Vec<&'static PollInst>> = Mutex::new(Vec::new());
static FREE_INSTS: Mutex<Vec<&'static PollInst>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An epoll instance, the one of an M (Go: the process's epfd and netpollBreakRd/Wr).
pub(crate) struct PollInst {
    epfd: RawFd,
    /// Written to break a blocked `epoll_wait` (Go: netpollBreakWr).
    evfd: RawFd,
    /// An M owns it (false: its M exited; it waits in `FREE_INSTS` for a new one).
    alive: AtomicBool,
    /// Fds registered here: while there are any, its M sleeps polling it.
    nregistered: AtomicUsize,
    /// Goroutines (of any M) parked on those fds.
    nwaiters: AtomicUsize,
    /// Its M is blocked in `epoll_wait` here (sysmon leaves it alone).
    polling: AtomicBool,
    /// The eventfd holds an unread wake-up (Go: netpollWakeSig).
    break_pending: AtomicBool,
    /// When the last poll ended (nanotime), for sysmon (Go: sched.lastpoll).
    last_poll: AtomicU64,
}

impl PollInst {
    fn new() -> io::Result<&'static PollInst> {
        // SAFETY: plain syscall; the result is checked.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: plain syscall; the result is checked.
        let evfd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if evfd < 0 {
            let e = io::Error::last_os_error();
            // SAFETY: ours, unused by anyone else.
            unsafe { libc::close(epfd) };
            return Err(e);
        }
        // Level-triggered: a break stays visible until the blocking poller reads it, even
        // if a non-blocking poll sees it first (Go's netpoll(0) leaves it too).
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: BREAK_TOKEN,
        };
        // SAFETY: `ev` is valid for the call; both fds are ours.
        if unsafe { libc::epoll_ctl(epfd, libc::EPOLL_CTL_ADD, evfd, &mut ev) } != 0 {
            let e = io::Error::last_os_error();
            // SAFETY: ours, unused by anyone else.
            unsafe {
                libc::close(evfd);
                libc::close(epfd);
            }
            return Err(e);
        }
        let inst: &'static PollInst = Box::leak(Box::new(PollInst {
            epfd,
            evfd,
            alive: AtomicBool::new(true),
            nregistered: AtomicUsize::new(0),
            nwaiters: AtomicUsize::new(0),
            polling: AtomicBool::new(false),
            break_pending: AtomicBool::new(false),
            last_poll: AtomicU64::new(crate::time::nanotime()),
        }));
        lock(&INSTS).push(inst);
        Ok(inst)
    }

    /// What `Note::sleep_in` publishes, so that a wake-up of the note breaks this poll.
    fn note_token(&'static self) -> usize {
        self as *const PollInst as usize
    }

    /// Adds `fd`, edge-triggered, for both directions. Go: netpollopen.
    fn register(&self, fd: RawFd, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32,
            u64: token,
        };
        // SAFETY: `ev` is a valid event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epfd, libc::EPOLL_CTL_ADD, fd, &mut ev) } != 0 {
            return Err(io::Error::last_os_error());
        }
        self.nregistered.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn unregister(&self, fd: RawFd) {
        // SAFETY: plain syscall; failure (fd already gone) is harmless.
        unsafe { libc::epoll_ctl(self.epfd, libc::EPOLL_CTL_DEL, fd, core::ptr::null_mut()) };
        self.nregistered.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `m`'s instance, made (or adopted from an exited M) on first use; `m`'s own thread calls.
fn inst_of(m: &M) -> io::Result<&'static PollInst> {
    if let Some(inst) = m.poll_inst.get() {
        return Ok(inst);
    }
    let inst = match lock(&FREE_INSTS).pop() {
        Some(inst) => {
            inst.alive.store(true, Ordering::SeqCst);
            inst
        }
        None => PollInst::new()?,
    };
    m.poll_inst.set(Some(inst));
    Ok(inst)
}

/// Registers `fd` (already non-blocking) with the poller: it gets a descriptor, and is added
/// to an epoll instance when a goroutine first waits on it. Go: poll_runtime_pollOpen.
pub fn open(fd: RawFd) -> io::Result<&'static PollDesc> {
    let pd = match lock(&FREE_DESCS).pop() {
        Some(pd) => pd,
        None => {
            let pd: &'static PollDesc = Box::leak(Box::new(PollDesc {
                fd: AtomicU32::new(0),
                seq: AtomicU32::new(0),
                closing: AtomicBool::new(false),
                inst: AtomicPtr::new(core::ptr::null_mut()),
                strays: AtomicU32::new(0),
                lock: Lock::new(),
                sides: UnsafeCell::new(Default::default()),
            }));
            if (pd as *const PollDesc as u64) >> 48 != 0 {
                crate::panic::throw("netpoll: a descriptor's address does not fit in 48 bits");
            }
            lock(&DESCS).push(pd);
            pd
        }
    };
    pd.locked(|sides| {
        for s in sides.iter_mut() {
            s.ready = false;
            s.deadline = 0;
            debug_assert!(s.waiters.is_empty());
        }
        debug_assert!(pd.inst.load(Ordering::Relaxed).is_null());
        pd.strays.store(0, Ordering::Relaxed);
        pd.fd.store(fd as u32, Ordering::Relaxed);
        pd.closing.store(false, Ordering::Release);
    });
    Ok(pd)
}

/// Wakes every operation parked on `pd` with an error, now and from now on, and
/// unregisters `fd`. The caller closes `fd` afterwards (or shuts it down first: parked
/// operations on other clones fail at once either way). Go: poll_runtime_pollUnblock +
/// pollClose.
pub fn close_desc(pd: &'static PollDesc, fd: RawFd) {
    let taken = pd.locked(|sides| {
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
        let inst = pd.inst.swap(core::ptr::null_mut(), Ordering::AcqRel);
        Some((w, inst))
    });
    let Some((waiters, inst)) = taken else { return };
    ready_all(waiters);
    // SAFETY: instances are leaked, never freed.
    if let Some(inst) = unsafe { inst.as_ref() } {
        inst.unregister(fd);
    }
}

/// Gives a closed descriptor back for reuse, once its fd is closed (so no new event can
/// name it; events already in flight carry an old sequence).
pub fn release_desc(pd: &'static PollDesc) {
    lock(&FREE_DESCS).push(pd);
}

/// `m` is leaving its schedule loop for good (its runtime ended); its own thread calls,
/// with no M set any more. Readies every goroutine parked on an fd registered with its
/// instance, which moves the fd to its own M's as it waits again, and leaves the instance
/// to the next M that needs one.
pub(crate) fn m_exit(m: &M) {
    let Some(inst) = m.poll_inst.take() else {
        return;
    };
    inst.alive.store(false, Ordering::SeqCst);
    let me = (inst as *const PollInst).cast_mut();
    let descs: Vec<&'static PollDesc> = lock(&DESCS).clone();
    let mut wake = Vec::new();
    for pd in descs {
        if pd.inst.load(Ordering::Acquire) != me {
            continue;
        }
        // A waiter that parks from now on sees `alive` false under this lock first.
        pd.locked(|sides| {
            if pd.inst.load(Ordering::Acquire) == me {
                for s in sides.iter_mut() {
                    wake.append(&mut s.waiters);
                }
            }
        });
    }
    // Spurious wake-ups: each retries its operation, then waits again.
    ready_all(wake);
    lock(&FREE_INSTS).push(inst);
}

/// Polls `m`'s instance without blocking, readying the goroutines whose I/O is ready. True
/// if any was readied. Go: findrunnable's `netpoll(0)`. `m`'s own thread calls.
pub(crate) fn poll_ready(m: &M) -> bool {
    match m.poll_inst.get() {
        Some(inst) if inst.nwaiters.load(Ordering::SeqCst) != 0 => poll(inst, 0, None).readied > 0,
        _ => false,
    }
}

/// sysmon's poll: every instance with waiters that nobody is blocked on and nobody has
/// polled for 10 ms (Go: sysmon's netpoll). An M busy running goroutines polls its own
/// only when it runs out of them.
pub(crate) fn sysmon_poll() -> bool {
    const STALE: u64 = 10_000_000;
    let now = crate::time::nanotime();
    // Picked under the lock, polled after it (a poll takes descriptors' locks, which come
    // first). Usually none: no allocation.
    let stale: Vec<&'static PollInst> = lock(&INSTS)
        .iter()
        .copied()
        .filter(|inst| {
            inst.nwaiters.load(Ordering::SeqCst) != 0
                && !inst.polling.load(Ordering::SeqCst)
                && now.saturating_sub(inst.last_poll.load(Ordering::Relaxed)) > STALE
        })
        .collect();
    let mut any = false;
    for inst in stale {
        any |= poll(inst, 0, None).readied > 0;
    }
    any
}

/// An idle M's sleep on `note` until `deadline` (nanotime), spent in `epoll_wait` on its
/// own instance while fds are registered there. False if it did not poll (the caller
/// sleeps on the note). Whoever wakes `note` breaks the wait (`Note::sleep_in`).
pub(crate) fn sleep_polling(m: &M, note: &crate::note::Note, deadline: Option<u64>) -> bool {
    let Some(inst) = m.poll_inst.get() else {
        return false;
    };
    if inst.nregistered.load(Ordering::SeqCst) == 0 {
        return false;
    }
    let timeout = || match deadline {
        None => Some(-1),
        Some(when) => {
            let now = crate::time::nanotime();
            // Under a millisecond: the note's futex sleep is precise, epoll's is not.
            (when > now + 1_000_000).then(|| ms_until(when - now))
        }
    };
    let Some(ms) = timeout() else {
        return false;
    };
    inst.polling.store(true, Ordering::SeqCst);
    note.sleep_in(inst.note_token(), || {
        let mut ms = ms;
        loop {
            let r = poll(inst, ms, Some(m));
            // Events that readied nobody (a side without waiters): sleep on.
            if r.readied > 0 || r.woken {
                break;
            }
            match timeout() {
                Some(left) => ms = left,
                None => break,
            }
        }
    });
    inst.polling.store(false, Ordering::SeqCst);
    true
}

/// Breaks a blocked `epoll_wait` on the instance `Note::sleep_in` named. Go: netpollBreak.
pub(crate) fn brk(note_token: usize) {
    // SAFETY: note tokens are addresses of instances (`note_token`), which are never freed.
    let inst = unsafe { &*(note_token as *const PollInst) };
    if inst.break_pending.swap(true, Ordering::SeqCst) {
        return; // one unread wake-up is enough
    }
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live u64 to our eventfd; EAGAIN (counter full) cannot
    // happen with one pending write.
    unsafe { libc::write(inst.evfd, (&raw const one).cast(), 8) };
}

/// What one `poll` did.
struct Polled {
    /// Goroutines readied.
    readied: usize,
    /// The wait ended for a reason other than events: a timeout, a signal, a break.
    woken: bool,
}

/// Waits up to `ms` on `inst` for events (-1: until one, or a break, which a blocking poll
/// drains) and readies their waiters. `me`: the calling M, asleep without a P; its own
/// goroutines go to its home queue without a wake-up, since it looks there next. Go:
/// netpoll + netpollready.
fn poll(inst: &PollInst, ms: i32, me: Option<&M>) -> Polled {
    const BATCH: usize = 128;
    let mut events = [libc::epoll_event { events: 0, u64: 0 }; BATCH];
    // SAFETY: `events` has room for BATCH entries.
    let n = unsafe { libc::epoll_wait(inst.epfd, events.as_mut_ptr(), BATCH as i32, ms) };
    inst.last_poll
        .store(crate::time::nanotime(), Ordering::Relaxed);
    if n <= 0 {
        // A timeout, or EINTR (a signal: the caller looks again).
        return Polled {
            readied: 0,
            woken: true,
        };
    }
    let mut ready: Vec<GRef> = Vec::new();
    let mut woken = false;
    for ev in &events[..n as usize] {
        if ev.u64 == BREAK_TOKEN {
            woken = true;
            if ms != 0 {
                let mut buf = [0u8; 8];
                // SAFETY: reads at most 8 bytes into a live buffer; EAGAIN is fine.
                unsafe { libc::read(inst.evfd, buf.as_mut_ptr().cast(), 8) };
                inst.break_pending.store(false, Ordering::SeqCst);
            }
            continue;
        }
        let seq = (ev.u64 & SEQ_MASK) as u32;
        // SAFETY: the user data came from `token`: the address of a descriptor, and
        // descriptors are never freed.
        let pd = unsafe { &*(((ev.u64 >> SEQ_BITS) << 3) as *const PollDesc) };
        let bits = ev.events as i32;
        let err = bits & (libc::EPOLLERR | libc::EPOLLHUP) != 0;
        let rd = err || bits & (libc::EPOLLIN | libc::EPOLLRDHUP) != 0;
        let wr = err || bits & libc::EPOLLOUT != 0;
        pd.locked(|sides| {
            if u64::from(pd.seq.load(Ordering::Acquire)) & SEQ_MASK != u64::from(seq) {
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
    let readied = ready.len();
    match me {
        None => ready_all(ready),
        Some(me) => {
            for gp in ready {
                if core::ptr::eq(gp.m.load(Ordering::Acquire), me) {
                    // This M sleeps without a P: its runtime may look idle meanwhile.
                    let _claim = crate::park::Claim::begin(&*me.sched);
                    if crate::park::ready_cas(gp) {
                        // Awake already: no wake-up of our own note (and its eventfd).
                        me.homeq.push(gp);
                    }
                } else {
                    // SAFETY: as in `ready_all`.
                    unsafe { goready(gp) };
                }
            }
        }
    }
    Polled { readied, woken }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    /// Reads one byte from `s`, parking on `pd` while there is none.
    fn read_byte(pd: &PollDesc, mut s: &UnixStream) -> u8 {
        let mut b = [0u8; 1];
        loop {
            match s.read(&mut b) {
                Ok(1) => return b[0],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => pd.wait(Dir::Read).unwrap(),
                r => panic!("read: {r:?}"),
            }
        }
    }

    /// The calling goroutine's M's instance, if it has one.
    fn my_inst() -> *mut PollInst {
        // SAFETY: called by a goroutine, whose M is live.
        let m = unsafe { &*crate::tls::getm() };
        m.poll_inst
            .get()
            .map_or(core::ptr::null_mut(), |i| (i as *const PollInst).cast_mut())
    }

    #[test]
    fn an_fd_moves_to_the_thread_whose_goroutines_keep_waiting_on_it() {
        crate::entry::run(|| {
            crate::runtime::gomaxprocs(2);
            let (mut a, b) = UnixStream::pair().unwrap();
            b.set_nonblocking(true).unwrap();
            let fd = b.as_raw_fd();
            let pd = open(fd).unwrap();
            // Goroutine 1's wait registers the fd with its thread's instance.
            let soon = Instant::now() + std::time::Duration::from_millis(5);
            pd.set_deadline(Some(Dir::Read), Some(soon));
            // Readied by the deadline's timer, it reports the deadline when it waits again.
            while pd.wait(Dir::Read).is_ok() {}
            pd.set_deadline(Some(Dir::Read), None);
            assert_eq!(pd.inst.load(Ordering::Acquire), my_inst());
            // A reader on another thread: its first wait is served from here, then the fd
            // follows it.
            crate::lockosthread::lock_os_thread();
            let done = std::sync::Arc::new(AtomicUsize::new(0));
            let done2 = done.clone();
            let reader = crate::entry::spawn(move || {
                let mut got = Vec::new();
                for _ in 0..3 {
                    got.push(read_byte(pd, &b));
                    done2.fetch_add(1, Ordering::SeqCst);
                }
                (got, pd.inst.load(Ordering::Acquire) == my_inst())
            });
            for i in 0..3u8 {
                // Each byte after the reader has parked for it: three waits.
                while done.load(Ordering::SeqCst) != usize::from(i)
                    || pd.locked(|sides| sides[Dir::Read as usize].waiters.is_empty())
                {
                    crate::park::gosched();
                }
                a.write_all(&[i]).unwrap();
            }
            let (got, moved) = reader.join().unwrap();
            crate::lockosthread::unlock_os_thread();
            assert_eq!(got, [0, 1, 2]);
            assert!(moved, "the fd stayed with goroutine 1's thread");
            close_desc(pd, fd);
            release_desc(pd);
        });
    }
}
