//! The network poller: sockets whose blocking calls park the goroutine, not the thread.
//! Go: runtime/netpoll.go (pollDesc, netpollblock, netpollready) and netpoll_epoll.go.
//!
//! Every pollable fd is registered once, edge-triggered, for reading and writing, with a
//! `PollDesc`: one `Side` per direction holding a pending readiness (`ready`, Go's pdReady)
//! or the goroutine parked waiting for it (Go's rg/wg holding a G). An operation tries the
//! non-blocking syscall first; on `EAGAIN` it calls `wait`, which consumes a pending
//! readiness or parks ("IO wait") until an event or a `close`. A readiness that arrives
//! between the `EAGAIN` and the park is kept in `ready`, so it is never lost; one that is
//! stale costs one more `EAGAIN`.
//!
//! **Who polls.** goro's first poller is a thread of its own, `goro-netpoll`, blocked in
//! `epoll_wait`; it readies the parked goroutines (which run on their home threads, as
//! every goroutine readied from another thread: `proc.rs`). Go instead lets an idle M
//! block in `epoll_wait` (with the earliest timer as timeout) and checks `netpoll(0)` in
//! findrunnable, saving a thread hand-off per event; that integration is the next step.
//!
//! **Lifetime.** `PollDesc`s are never freed (as Go's pollcache): closed ones return to a
//! free list, and each registration carries the descriptor's index and *sequence number*
//! in epoll's user data, so an event still in flight for a closed fd finds a newer sequence
//! and is dropped (Go: fdseq). The fd itself is closed by its owner (`net`), after
//! `close_desc`.

use crate::g::{GRef, WaitReason};
use crate::lock::Lock;
use crate::park::{getg, gopark, goready};
use core::cell::UnsafeCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// One direction of a descriptor.
#[derive(Default)]
struct Side {
    /// An event came that no waiter has consumed yet (Go: pdReady).
    ready: bool,
    /// The goroutine (or thread) parked for this direction.
    waiter: Option<GRef>,
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

    /// Parks until `d` is ready (an event since the last call consumed it) or the
    /// descriptor is closed (`Err`, Go's "use of closed network connection"). Go:
    /// netpollblock.
    pub fn wait(&self, d: Dir) -> io::Result<()> {
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        self.lock.lock();
        // SAFETY: lock held; the borrow ends before the unlock (in the callback below or
        // on the early returns).
        let side = unsafe { &mut (*self.sides.get())[d as usize] };
        if side.ready || self.closing.load(Ordering::Acquire) {
            let ready = core::mem::take(&mut side.ready);
            // SAFETY: we locked it above.
            unsafe { self.lock.unlock() };
            return if ready { Ok(()) } else { Err(closed()) };
        }
        side.waiter = Some(getg());
        let waiting = Waiting::enter();
        // SAFETY: the unlock callback releases the lock after the park is committed, so a
        // poller event or a close (both under the lock) sees the registered waiter and
        // readies this park exactly once (they take it out of `waiter`).
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
        // Readied by an event for us, or by `close_desc`.
        if self.closing.load(Ordering::Acquire) {
            return Err(closed());
        }
        Ok(())
    }
}

/// Counts a goroutine in IO wait in its runtime's `nnetwait`: while any waits, the
/// runtime is not deadlocked (the poller may ready it). Go: an M blocked in netpoll is
/// not idle, so checkdead finds a running M.
struct Waiting(Option<&'static crate::proc::Sched>);
impl Waiting {
    fn enter() -> Waiting {
        let s = crate::tls::current_sched();
        if let Some(s) = s {
            s.nnetwait.fetch_add(1, Ordering::SeqCst);
        }
        Waiting(s)
    }
}
impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(s) = self.0 {
            s.nnetwait.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "use of closed network connection",
    )
}

/// The process's epoll instance and its descriptors.
struct Poller {
    epfd: RawFd,
    descs: Mutex<Vec<&'static PollDesc>>,
    free: Mutex<Vec<u32>>,
}

fn poller() -> io::Result<&'static Poller> {
    static POLLER: OnceLock<Result<Poller, i32>> = OnceLock::new();
    let p = POLLER.get_or_init(|| {
        // SAFETY: plain syscall; the result is checked.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            return Err(io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        let spawned = std::thread::Builder::new()
            .name("goro-netpoll".into())
            .spawn(move || run(epfd));
        if let Err(e) = spawned {
            return Err(e.raw_os_error().unwrap_or(0));
        }
        Ok(Poller {
            epfd,
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
        *sides = Default::default();
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
        Some([sides[0].waiter.take(), sides[1].waiter.take()])
    });
    let Some(waiters) = waiters else { return };
    for gp in waiters.into_iter().flatten() {
        // SAFETY: we took the park's only registration under its lock.
        unsafe { goready(gp) };
    }
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

/// The poller thread: waits for events and readies their waiters. Go: netpoll +
/// netpollready (run by a dedicated thread here; see the header).
fn run(epfd: RawFd) {
    const BATCH: usize = 128;
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; BATCH];
    let mut ready: Vec<GRef> = Vec::with_capacity(BATCH * 2);
    loop {
        // SAFETY: `events` has room for BATCH entries.
        let n = unsafe { libc::epoll_wait(epfd, events.as_mut_ptr(), BATCH as i32, -1) };
        if n < 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            crate::panic::throw("netpoll: epoll_wait failed");
        }
        let Ok(p) = poller() else { return };
        // Held while the batch is sorted out: `open` (the only writer) waits that long.
        let descs = p.descs.lock().unwrap_or_else(|e| e.into_inner());
        for ev in &events[..n as usize] {
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
                        match side.waiter.take() {
                            Some(gp) => ready.push(gp),
                            None => side.ready = true,
                        }
                    }
                }
            });
        }
        drop(descs);
        for gp in ready.drain(..) {
            // SAFETY: each was the only registration of its park, taken under its lock.
            unsafe { goready(gp) };
        }
    }
}
