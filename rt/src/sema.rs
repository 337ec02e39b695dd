//! Semaphores for `sync`: sleep until a counter can be decremented, keyed by the counter's
//! address. Go: runtime/sema.go (semacquire1, semrelease1, cansemacquire, semaRoot).
//!
//! A `sync` type keeps each semaphore as an `AtomicU32` field: the number of units free.
//! [`semacquire`] takes one, parking the caller (a goroutine, or a plain thread through its
//! thread G) until [`semrelease`] makes one. Waiters of one address queue FIFO, or at the
//! head with `lifo` (a `Mutex` waiter that has already waited once), and `semrelease` with
//! `handoff` gives its unit straight to the first waiter (`Mutex` starvation mode).
//!
//! **Table.** Waiters are found by address in a fixed table of `SEMTAB_SIZE` roots (Go's
//! `semtable`, 251 roots), each with its own lock. Go keeps a root's addresses in a treap;
//! goro keeps a list of per-address queues per root: linear in the number of *distinct
//! addresses with waiters* that share a root (almost always one), O(1) per waiter. The first
//! waiter of an address is that address's node in the root's list, as Go's treap node is the
//! first sudog, so nothing allocates: every [`Waiter`] lives in its parked caller's frame.
//!
//! Invariants, whenever a root's lock is free:
//! 1. `nwait` is the number of waiters queued in the root (all addresses).
//! 2. A queued waiter's G is parked, or about to be: its `gopark` callback releases the lock.
//! 3. A waiter's fields are read and written only under its root's lock. A releaser reads
//!    the G's wake token and sets `ticket` under the lock, and touches the waiter no more
//!    once it unlocks: the waiter may be gone by then (see kills, below).
//!
//! Lost wake-ups (Go's rule): a waiter increments `nwait` under the lock and *then* looks at
//! the counter once more; a releaser increments the counter and *then* reads `nwait`. Both
//! reads are read-modify-writes (`recheck`, `nwait_rmw`), so either the waiter sees the
//! unit, or the releaser sees the waiter and looks for it under the lock.
//!
//! **Kills** (goro's own; Go never unwinds a parked goroutine). When a runtime ends, its
//! parked goroutines are resumed to unwind (`shutdown.rs`), and a releaser may have picked
//! such a waiter a moment before (its `goready` then finds the park over and does nothing).
//! The waiter catches that unwind and, under the lock, looks at its queue entry:
//! - still queued: a *cancellable* wait (WaitGroup) leaves the queue; any other refreshes
//!   its wake token and parks again, now for good (a G already unwinding is never killed
//!   again), until a releaser picks it;
//! - dequeued: a releaser chose it; the unit (or the handed-off ticket) is its own.
//!
//! The caller then gets [`Killed`], says what it acquired, undoes that (a `Mutex` unlocks)
//! and resumes the unwind. So a killed waiter never leaks a unit or a lock: the primitive
//! stays consistent for everyone still using it.
//!
//! Lock order: a root's lock is a leaf; `goready` runs after it is released.

use crate::g::{GRef, WaitReason};
use crate::lock::Lock;
use crate::loom::atomic::{AtomicU32, Ordering};
use crate::park::{getg, gopark, goready};
use core::cell::UnsafeCell;
use core::ptr;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Roots in the table (Go: semTabSize). Two under loom: a model may make two addresses
/// share a root.
const SEMTAB_SIZE: usize = if cfg!(goro_loom) { 2 } else { 251 };

/// A parked caller of `semacquire`. Go: the sudog fields sema.go uses.
struct Waiter {
    /// Wake token of the current park.
    g: GRef,
    addr: usize,
    /// Set by a handing-off releaser: the unit is ours already. Go: sudog.ticket.
    ticket: u32,
    /// Neighbours in this address's queue.
    next: *mut Waiter,
    prev: *mut Waiter,
    /// Head of an address's queue only: its last waiter, and the next address's head.
    tail: *mut Waiter,
    anext: *mut Waiter,
    queued: bool,
}

/// One bucket of the table. Go: semaRoot.
#[repr(align(64))]
struct Root {
    lock: Lock,
    nwait: AtomicU32,
    /// First address head; the rest hang off `anext`. Guarded by `lock`.
    heads: UnsafeCell<*mut Waiter>,
}

// SAFETY: `heads` and every waiter reachable from it are touched only under `lock`
// (invariant 3); the rest is atomic.
unsafe impl Sync for Root {}
// SAFETY: as for Sync.
unsafe impl Send for Root {}

impl Root {
    #[cfg(not(goro_loom))]
    const fn new() -> Root {
        Root {
            lock: Lock::new(),
            nwait: AtomicU32::new(0),
            heads: UnsafeCell::new(ptr::null_mut()),
        }
    }

    #[cfg(goro_loom)]
    fn new() -> Root {
        Root {
            lock: Lock::new(),
            nwait: AtomicU32::new(0),
            heads: UnsafeCell::new(ptr::null_mut()),
        }
    }

    /// The link that points at `addr`'s head waiter (or the null end of the list).
    ///
    /// # Safety
    /// The caller holds `lock`.
    unsafe fn find(&self, addr: usize) -> *mut *mut Waiter {
        let mut slot = self.heads.get();
        // SAFETY: under the lock, every linked waiter is live (its frame is parked).
        unsafe {
            while !(*slot).is_null() && (**slot).addr != addr {
                slot = &raw mut (**slot).anext;
            }
        }
        slot
    }

    /// Queues `w` for its address: at the tail, or at the head with `lifo`. Go:
    /// semaRoot.queue.
    ///
    /// # Safety
    /// The caller holds `lock`; `w` is live, not queued, and stays live until dequeued or
    /// removed.
    unsafe fn queue(&self, w: *mut Waiter, lifo: bool) {
        // SAFETY: per the contract, `w` and every queued waiter are ours to link.
        unsafe {
            let slot = self.find((*w).addr);
            let h = *slot;
            (*w).next = ptr::null_mut();
            (*w).prev = ptr::null_mut();
            (*w).tail = ptr::null_mut();
            (*w).anext = ptr::null_mut();
            (*w).queued = true;
            if h.is_null() {
                (*w).tail = w;
                *slot = w;
            } else if lifo {
                // `w` takes the head's place in the address list.
                (*w).next = h;
                (*h).prev = w;
                (*w).tail = (*h).tail;
                (*w).anext = (*h).anext;
                (*h).tail = ptr::null_mut();
                (*h).anext = ptr::null_mut();
                *slot = w;
            } else {
                let t = (*h).tail;
                (*t).next = w;
                (*w).prev = t;
                (*h).tail = w;
            }
        }
    }

    /// Takes the first waiter of `addr`. Go: semaRoot.dequeue.
    ///
    /// # Safety
    /// The caller holds `lock`.
    unsafe fn dequeue(&self, addr: usize) -> Option<*mut Waiter> {
        // SAFETY: per the contract.
        unsafe {
            let slot = self.find(addr);
            let h = *slot;
            if h.is_null() {
                return None;
            }
            self.unlink_head(slot, h);
            Some(h)
        }
    }

    /// Takes `w` off its queue if it is on one.
    ///
    /// # Safety
    /// The caller holds `lock`; `w` is live.
    unsafe fn remove(&self, w: *mut Waiter) {
        // SAFETY: per the contract.
        unsafe {
            if !(*w).queued {
                return;
            }
            let slot = self.find((*w).addr);
            let h = *slot;
            if h == w {
                self.unlink_head(slot, h);
                return;
            }
            let (p, n) = ((*w).prev, (*w).next);
            (*p).next = n;
            if n.is_null() {
                (*h).tail = p;
            } else {
                (*n).prev = p;
            }
            (*w).next = ptr::null_mut();
            (*w).prev = ptr::null_mut();
            (*w).queued = false;
        }
    }

    /// # Safety
    /// The caller holds `lock`; `*slot == h`, the head of an address queue.
    unsafe fn unlink_head(&self, slot: *mut *mut Waiter, h: *mut Waiter) {
        // SAFETY: per the contract.
        unsafe {
            let n = (*h).next;
            if n.is_null() {
                *slot = (*h).anext;
            } else {
                (*n).prev = ptr::null_mut();
                (*n).tail = (*h).tail;
                (*n).anext = (*h).anext;
                *slot = n;
            }
            (*h).next = ptr::null_mut();
            (*h).tail = ptr::null_mut();
            (*h).anext = ptr::null_mut();
            (*h).queued = false;
        }
    }
}

#[cfg(not(goro_loom))]
static SEMTABLE: [Root; SEMTAB_SIZE] = [const { Root::new() }; SEMTAB_SIZE];

#[cfg(goro_loom)]
loom::lazy_static! {
    static ref SEMTABLE: Vec<Root> = (0..SEMTAB_SIZE).map(|_| Root::new()).collect();
}

/// How many callers of `semacquire` on `addr` are queued (parked, or parking under the
/// root's lock): tests wait for this before they release, so that the unit cannot be taken
/// by a waiter still on its way to the queue.
#[cfg(all(test, not(goro_loom)))]
pub(crate) fn queued(addr: &AtomicU32) -> usize {
    let root = root_for(addr);
    root.lock.lock();
    let mut n = 0;
    // SAFETY: we hold the lock; queued waiters are live.
    unsafe {
        let mut w = *root.find((addr as *const AtomicU32).addr());
        while !w.is_null() {
            n += 1;
            w = (*w).next;
        }
        root.lock.unlock();
    }
    n
}

/// The root an address's waiters queue in. Go: semTable.rootFor.
fn root_for(addr: &AtomicU32) -> &'static Root {
    let a = (addr as *const AtomicU32).addr();
    &SEMTABLE[(a >> 3) % SEMTAB_SIZE]
}

/// The caller's runtime began ending while it waited (see the file header). What it got
/// before that is in `acquired`; once it has undone that, it must continue the unwind with
/// [`Killed::resume`].
#[must_use = "a killed waiter must undo what it acquired and resume the unwind"]
pub(crate) struct Killed {
    payload: Box<dyn Any + Send>,
    /// The unit was acquired (always, unless the wait was cancellable).
    pub(crate) acquired: bool,
}

impl Killed {
    /// Continues the unwind the runtime's end started.
    pub(crate) fn resume(self) -> ! {
        std::panic::resume_unwind(self.payload)
    }

    /// Wraps the unwind of a park that is not a semaphore's (`notify.rs`).
    pub(crate) fn from_payload(payload: Box<dyn Any + Send>, acquired: bool) -> Killed {
        Killed { payload, acquired }
    }
}

/// Takes a unit if one is free. Go: cansemacquire.
pub(crate) fn cansemacquire(addr: &AtomicU32) -> bool {
    let mut v = addr.load(Ordering::SeqCst);
    loop {
        if v == 0 {
            return false;
        }
        match addr.compare_exchange_weak(v, v - 1, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return true,
            Err(now) => v = now,
        }
    }
}

/// The waiter's last look at the counter, after counting itself in `nwait`: a
/// read-modify-write, so that it and the releaser's `nwait_rmw` cannot both miss the other's
/// write. (Go uses seq-cst loads, which give the same on hardware; loom, which models
/// SeqCst as acquire/release, finds the store-buffer lost wake-up with plain loads, and so
/// would a weaker memory model. Both sides are off the fast paths.)
fn recheck(addr: &AtomicU32) -> bool {
    addr.fetch_add(0, Ordering::SeqCst) != 0 && cansemacquire(addr)
}

/// The releaser's look at `nwait` after adding its unit (see `recheck`).
fn nwait_rmw(root: &Root) -> u32 {
    root.nwait.fetch_add(0, Ordering::SeqCst)
}

/// Takes a unit from `addr`, parking until one is released; `lifo` queues at the head of
/// the address's waiters. Go: semacquire1.
///
/// `Err` only if the caller's runtime began ending meanwhile; the unit was acquired all the
/// same (`Killed::acquired`).
pub(crate) fn semacquire(addr: &AtomicU32, lifo: bool, reason: WaitReason) -> Result<(), Killed> {
    if cansemacquire(addr) {
        return Ok(());
    }
    semacquire_slow(addr, lifo, reason, false)
}

/// As [`semacquire`], for a wait that may be abandoned (WaitGroup): if the runtime ends
/// while the caller is still queued, it leaves the queue at once, with `acquired == false`.
pub(crate) fn semacquire_cancellable(addr: &AtomicU32, reason: WaitReason) -> Result<(), Killed> {
    if cansemacquire(addr) {
        return Ok(());
    }
    semacquire_slow(addr, false, reason, true)
}

#[cold]
fn semacquire_slow(
    addr: &AtomicU32,
    lifo: bool,
    reason: WaitReason,
    cancellable: bool,
) -> Result<(), Killed> {
    let root = root_for(addr);
    let mut w = Waiter {
        // SAFETY: the token is for this waiter's parks below, each queued under the
        // root's lock, which `gopark`'s callback releases.
        g: unsafe { getg() },
        addr: (addr as *const AtomicU32).addr(),
        ticket: 0,
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
        tail: ptr::null_mut(),
        anext: ptr::null_mut(),
        queued: false,
    };
    let wp: *mut Waiter = &raw mut w;
    let mut killed: Option<Box<dyn Any + Send>> = None;
    loop {
        root.lock.lock();
        // Before the last look at the counter: a releaser from now on sees us.
        root.nwait.fetch_add(1, Ordering::SeqCst);
        if recheck(addr) {
            root.nwait.fetch_sub(1, Ordering::SeqCst);
            // SAFETY: taken above.
            unsafe { root.lock.unlock() };
            break;
        }
        // SAFETY: we hold the lock; `w` lives in this frame, is not queued, and is dequeued
        // or removed before the frame ends (`park` returns only then); its token is for
        // the park that follows.
        unsafe {
            (*wp).ticket = 0;
            (*wp).g = getg();
            root.queue(wp, lifo);
        }
        // SAFETY: we hold the lock and `w` is queued with this park's token.
        let left = unsafe { park(root, wp, reason, cancellable, &mut killed) };
        if left {
            return Err(Killed {
                payload: killed.take().unwrap_or_else(|| Box::new(())),
                acquired: false,
            });
        }
        // SAFETY: `w` is dequeued: nobody else touches it any more (invariant 3).
        if unsafe { (*wp).ticket } != 0 || cansemacquire(addr) {
            break;
        }
        if cancellable && let Some(payload) = killed.take() {
            // Woken, but another waiter took the unit first: leave rather than queue again.
            return Err(Killed {
                payload,
                acquired: false,
            });
        }
    }
    match killed {
        None => Ok(()),
        Some(payload) => Err(Killed {
            payload,
            acquired: true,
        }),
    }
}

/// Parks until a releaser dequeues `w`; the lock is released once the G is parked. Returns
/// true if, for a cancellable wait, the runtime's end made the caller leave the queue
/// instead (the lock is released then too).
///
/// # Safety
/// The caller holds `root.lock`; `w` is queued in `root` with the current park's token.
unsafe fn park(
    root: &Root,
    w: *mut Waiter,
    reason: WaitReason,
    cancellable: bool,
    killed: &mut Option<Box<dyn Any + Send>>,
) -> bool {
    loop {
        let unlock = |_| {
            // SAFETY: the caller's lock, released only now that the G is parked, so a
            // releaser that finds `w` finds it parked (invariant 2).
            unsafe { root.lock.unlock() };
            true
        };
        // SAFETY: the callback always parks; `w` (with our token) is published only by
        // releasing the lock inside it, and whoever dequeues it under that lock wakes us.
        let parked = catch_unwind(AssertUnwindSafe(|| unsafe { gopark(unlock, reason) }));
        let Err(payload) = parked else {
            return false; // woken by the releaser that dequeued `w`
        };
        // Our runtime is ending and resumed us to unwind (the only unwind out of gopark).
        if killed.is_none() {
            *killed = Some(payload);
        }
        root.lock.lock();
        // SAFETY: we hold the lock; `w` is in our frame; its new token is for the park
        // that follows.
        unsafe {
            if !(*w).queued {
                // A releaser chose us just before (its wake-up found the park over).
                root.lock.unlock();
                return false;
            }
            if cancellable {
                root.remove(w);
                root.nwait.fetch_sub(1, Ordering::SeqCst);
                root.lock.unlock();
                return true;
            }
            // Wait for the releaser that will choose us; a G already unwinding is not
            // killed again, so this park lasts until then.
            (*w).g = getg();
        }
    }
}

/// Releases a unit to `addr`, waking its first waiter; with `handoff`, the unit goes to
/// that waiter directly (and a goroutine caller yields to it, if it is the same thread's).
/// Go: semrelease1.
pub(crate) fn semrelease(addr: &AtomicU32, handoff: bool) {
    let root = root_for(addr);
    addr.fetch_add(1, Ordering::SeqCst);
    // After the add: a waiter that queued before it is counted here (the header's rule).
    if nwait_rmw(root) == 0 {
        return;
    }
    root.lock.lock();
    if root.nwait.load(Ordering::SeqCst) == 0 {
        // The unit was taken by a waiter on its way to the queue.
        // SAFETY: taken above.
        unsafe { root.lock.unlock() };
        return;
    }
    // SAFETY: we hold the lock.
    let Some(w) = (unsafe { root.dequeue((addr as *const AtomicU32).addr()) }) else {
        // SAFETY: taken above.
        unsafe { root.lock.unlock() };
        return;
    };
    root.nwait.fetch_sub(1, Ordering::SeqCst);
    // SAFETY: `w` was dequeued under the lock we hold: it is live until we unlock.
    let (gp, handed) = unsafe {
        if (*w).ticket != 0 {
            crate::panic::throw("corrupted semaphore ticket");
        }
        let handed = handoff && cansemacquire(addr);
        if handed {
            (*w).ticket = 1;
        }
        ((*w).g, handed)
    };
    // SAFETY: taken above. From here on `w` is not touched (invariant 3).
    unsafe { root.lock.unlock() };
    // SAFETY: `gp` is the token `w`'s G parked with, taken from the queue exclusively.
    unsafe { goready(gp) };
    if handed {
        direct_handoff(gp);
    }
}

/// After handing a unit to `gp`: if it will run on this thread, let it run now, inheriting
/// our time slice. Go: semrelease1's goyield.
fn direct_handoff(gp: GRef) {
    if let Some(me) = crate::tls::curg() {
        let here = crate::tls::getm().cast_mut();
        if !here.is_null() && gp.m.load(Ordering::Relaxed) == here && me != gp {
            crate::park::gosched();
        }
    }
}
