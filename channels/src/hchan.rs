//! `Hchan`: a channel's shared state and the locked steps of every operation. Go:
//! runtime.hchan and chansend/chanrecv/closechan/send/recv (chan.go).
//!
//! Invariants (hold whenever `lock` is free):
//! - at least one of `sendq` and `recvq` is empty, except for an unbuffered channel with a
//!   single goroutine blocked in `select` on both sending and receiving;
//! - buffered: `qcount > 0` implies `recvq` is empty; `qcount < cap` implies `sendq` is
//!   empty;
//! - `buf[recvx..recvx+qcount]` (mod cap) are initialised values, the rest uninitialised;
//! - a closed channel's `sendq` is empty (close woke them all; they panic);
//! - a queued sender's slot (its sudog's `elem`) holds its value (`Some`);
//! - a receive slot (a queued receiver's `elem`, or the `out` of `recv_locked`) is empty
//!   (`None`) until a locked step fills it: `recv`/`try_recv` start from `None`, and
//!   `select` empties its receive cases before it takes any lock.
//!
//! No user code runs under `lock`. While it is held, values of `T` are only *moved*
//! (buffer ↔ slots), never dropped: a receive slot is empty when filled (above), and every
//! step moves a value out and fixes `recvx`/`sendx`/`qcount` before it writes anywhere. So
//! a `Drop` of `T` always runs unlocked — in the caller, after the operation — and may use
//! the channel it came from (`len`, `try_send`, `close`, …) without deadlocking; if it
//! panics, the channel is consistent and unlocked.
//!
//! Lock order: a goroutine holds several channel locks only in `select`, taken in address
//! order. Field ownership: everything in `State` belongs to `lock`; `cap` is immutable.
//!
//! Values move without a trip through the buffer when a peer is parked: a sender writes
//! straight into a parked receiver's slot, a receiver takes straight from a parked sender's
//! slot (and, if buffered, moves that sender's value into the slot it just freed).

use crate::err::{CLOSE_OF_CLOSED, SEND_ON_CLOSED};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::Ordering;
use goro_rt::GRef;
use goro_rt::lock::{Lock, Published};
use goro_rt::panic::throw;
use goro_rt::sudog::{Sudog, WaitQ};

/// The largest allocation Go's heap can make, which bounds a channel's buffer. Go:
/// runtime.maxAlloc, `1 << heapAddrBits` = 2^48 bytes on 64-bit Linux.
#[cfg(target_pointer_width = "64")]
const MAX_ALLOC: usize = 1 << 48;
/// On 32-bit targets Go allows 4 GiB - 1; Rust's allocations stop at `isize::MAX`.
#[cfg(not(target_pointer_width = "64"))]
const MAX_ALLOC: usize = isize::MAX as usize;

pub(crate) struct State<T> {
    buf: Box<[MaybeUninit<T>]>,
    qcount: usize,
    sendx: usize,
    recvx: usize,
    pub(crate) closed: bool,
    pub(crate) recvq: WaitQ,
    pub(crate) sendq: WaitQ,
}

pub(crate) struct Hchan<T> {
    /// Taken with `lock`, released with `unlock` (which publishes `fast` first).
    lock: Lock,
    cap: usize,
    /// What a lock-free look needs, as of the last unlock: bit 0 closed, bit 1 a receiver
    /// waits, bit 2 a sender waits, the rest `qcount`. Go reads `closed`, `qcount` and the
    /// queue heads without the lock for a non-blocking operation that cannot proceed
    /// (chansend/chanrecv with `!block`, `len`); one word here gives all of them as of one
    /// moment, so the answer is the state between two critical sections.
    fast: Published,
    st: UnsafeCell<State<T>>,
}

const FAST_CLOSED: u64 = 1;
const FAST_RECV_WAITING: u64 = 2;
const FAST_SEND_WAITING: u64 = 4;
const FAST_QCOUNT_SHIFT: u32 = 3;

// SAFETY: all shared state is behind `lock`; values of T cross threads, hence `T: Send`.
unsafe impl<T: Send> Send for Hchan<T> {}
// SAFETY: as above: `&Hchan` only gives access to T values through the lock.
unsafe impl<T: Send> Sync for Hchan<T> {}

/// A parked peer taken off a wait queue under the channel lock (`WaitQ::dequeue`, which
/// also claims a select's shared flag): the one party entitled to wake that park.
/// Only this file makes them.
#[doc(hidden)]
pub struct Peer(GRef);

impl Peer {
    /// Wakes the peer (after the channel lock is released).
    pub(crate) fn ready(self) {
        // SAFETY: a `Peer` is made only from a sudog dequeued under the channel lock, whose
        // G parked with this token; dequeuing is exclusive, so this is its only wake-up.
        unsafe { goro_rt::park::goready(self.0) };
    }
}

/// Outcome of one locked step.
pub(crate) enum Step {
    /// Done; ready this G (a parked peer) after unlocking.
    Done(Option<Peer>),
    /// Nothing can happen without waiting.
    Block,
    /// The channel is closed (a send must panic; a receive yields `None`).
    Closed,
}

impl<T> Hchan<T> {
    /// Go: makechan.
    ///
    /// # Panics
    /// `makechan: size out of range` if the buffer would exceed Go's largest allocation
    /// (`MAX_ALLOC`, less the channel header, as Go), before anything is allocated: such a
    /// request must not reach the allocator, which would abort the process.
    pub(crate) fn new(cap: usize) -> Hchan<T> {
        if core::mem::size_of::<T>()
            .checked_mul(cap)
            .is_none_or(|b| b > MAX_ALLOC - core::mem::size_of::<Hchan<T>>())
        {
            panic!("makechan: size out of range");
        }
        Hchan {
            lock: Lock::new(),
            cap,
            fast: Published::new(0),
            st: UnsafeCell::new(State {
                // One allocation, no per-slot loop: zero-sized T costs nothing at any cap.
                buf: Box::new_uninit_slice(cap),
                qcount: 0,
                sendx: 0,
                recvx: 0,
                closed: false,
                recvq: WaitQ::new(),
                sendq: WaitQ::new(),
            }),
        }
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// The locked state.
    ///
    /// # Safety
    /// The caller holds `lock`, and no other reference from `st` is live.
    #[allow(
        clippy::mut_from_ref,
        reason = "the lock, not the borrow, gives exclusivity"
    )]
    pub(crate) unsafe fn st(&self) -> &mut State<T> {
        // SAFETY: per the contract, the lock makes this the only access.
        unsafe { &mut *self.st.get() }
    }

    /// Takes the channel lock.
    pub(crate) fn lock(&self) {
        self.lock.lock();
    }

    /// Publishes the state for lock-free looks (`fast`), then releases the lock.
    ///
    /// # Safety
    /// The caller holds the lock.
    pub(crate) unsafe fn unlock(&self) {
        // SAFETY: forwarded contract.
        unsafe { self.publish() };
        // SAFETY: forwarded contract.
        unsafe { self.lock.unlock() };
    }

    /// Stores the state in `fast`; the lock must then be released without another change
    /// (`select` publishes every channel it parks on, then releases the raw locks).
    ///
    /// # Safety
    /// The caller holds the lock.
    pub(crate) unsafe fn publish(&self) {
        // SAFETY: forwarded contract.
        let st = unsafe { self.st() };
        let word = ((st.qcount as u64) << FAST_QCOUNT_SHIFT)
            | u64::from(st.closed)
            | if st.recvq.is_empty() {
                0
            } else {
                FAST_RECV_WAITING
            }
            | if st.sendq.is_empty() {
                0
            } else {
                FAST_SEND_WAITING
            };
        self.fast.store(word, Ordering::Release);
    }

    /// The channel's lock, for `select`'s release of several after parking.
    pub(crate) fn raw_lock(&self) -> &Lock {
        &self.lock
    }

    /// Values buffered, without the lock. Go: chanlen.
    pub(crate) fn len(&self) -> usize {
        (self.fast.load(Ordering::Acquire) >> FAST_QCOUNT_SHIFT) as usize
    }

    /// Whether a receive must wait, as of the last unlock, without the lock: nothing
    /// buffered (or, unbuffered, no sender waiting) and not closed. Go: chanrecv's
    /// `!block && empty(c)` fast path. `Some(closed)` when nothing can be received now.
    pub(crate) fn recv_empty(&self) -> Option<bool> {
        let w = self.fast.load(Ordering::Acquire);
        let empty = if self.cap == 0 {
            w & FAST_SEND_WAITING == 0
        } else {
            w >> FAST_QCOUNT_SHIFT == 0
        };
        empty.then_some(w & FAST_CLOSED != 0)
    }

    /// Whether a send must wait, as of the last unlock, without the lock: open, and the
    /// buffer full (or, unbuffered, no receiver waiting). Go: chansend's `!block &&
    /// c.closed == 0 && full(c)` fast path.
    pub(crate) fn send_full(&self) -> bool {
        let w = self.fast.load(Ordering::Acquire);
        let full = if self.cap == 0 {
            w & FAST_RECV_WAITING == 0
        } else {
            (w >> FAST_QCOUNT_SHIFT) as usize == self.cap
        };
        full && w & FAST_CLOSED == 0
    }

    /// Tries to send `*v` (taking it on success; `*v` must hold a value). Go: chansend's
    /// non-blocking part.
    ///
    /// # Safety
    /// The caller holds `lock`.
    pub(crate) unsafe fn send_locked(&self, v: &mut Option<T>) -> Step {
        // SAFETY: forwarded contract.
        let st = unsafe { self.st() };
        if st.closed {
            return Step::Closed;
        }
        // SAFETY: we hold the lock guarding recvq.
        if let Some(sg) = unsafe { st.recvq.dequeue() } {
            // Go: send — straight into the parked receiver's slot.
            let Some(val) = v.take() else { throw(NO_VALUE) };
            // SAFETY: a dequeued sudog is live (its G waits for us) and its `elem` is the
            // receiver's `Option<T>` for this channel's T; nobody else touches it now.
            let slot = unsafe { &mut *(*sg).elem.cast::<Option<T>>() };
            fill(slot, val);
            // SAFETY: as above.
            unsafe { (*sg).success = true };
            // SAFETY: as above.
            return Step::Done(Some(Peer(unsafe { (*sg).g })));
        }
        if st.qcount < self.cap {
            let Some(val) = v.take() else { throw(NO_VALUE) };
            st.buf[st.sendx].write(val);
            st.sendx = (st.sendx + 1) % self.cap;
            st.qcount += 1;
            return Step::Done(None);
        }
        Step::Block
    }

    /// Tries to receive into `*out`, which must be empty. Go: chanrecv's non-blocking part.
    ///
    /// # Safety
    /// The caller holds `lock`.
    pub(crate) unsafe fn recv_locked(&self, out: &mut Option<T>) -> Step {
        // SAFETY: forwarded contract.
        let st = unsafe { self.st() };
        if st.closed && st.qcount == 0 {
            return Step::Closed;
        }
        // SAFETY: we hold the lock guarding sendq.
        if let Some(sg) = unsafe { st.sendq.dequeue() } {
            // Go: recv. A parked sender means the buffer is full (or there is none).
            // SAFETY: a dequeued sudog is live and its `elem` is the sender's `Option<T>`.
            let theirs = unsafe { (*(*sg).elem.cast::<Option<T>>()).take() };
            let Some(theirs) = theirs else {
                throw("chanrecv: a parked sender had no value")
            };
            let v = if self.cap == 0 {
                theirs
            } else {
                // The head leaves, the sender's value takes its place at the tail (the same
                // slot: the buffer is full), and both indices move on.
                let i = st.recvx;
                // SAFETY: qcount == cap > 0, so the slot at recvx is initialised; it is
                // refilled at once, so the invariant holds again before anything else runs.
                let head = unsafe { st.buf[i].assume_init_read() };
                st.buf[i].write(theirs);
                st.recvx = (i + 1) % self.cap;
                st.sendx = st.recvx;
                head
            };
            // SAFETY: as above.
            unsafe { (*sg).success = true };
            fill(out, v);
            // SAFETY: as above.
            return Step::Done(Some(Peer(unsafe { (*sg).g })));
        }
        if st.qcount > 0 {
            let i = st.recvx;
            st.recvx = (i + 1) % self.cap;
            st.qcount -= 1;
            // SAFETY: the slot at the old recvx was initialised (qcount > 0); the indices
            // no longer count it, so it is moved out exactly once.
            let v = unsafe { st.buf[i].assume_init_read() };
            fill(out, v);
            return Step::Done(None);
        }
        Step::Block
    }

    /// Closes the channel; returns the parked Gs to ready (after unlocking), in the order
    /// to ready them. Go: closechan, which pushes each G it dequeues — receivers, then
    /// senders — on a stack (`glist`) and readies them from its top, so the last one parked
    /// is readied first. Each goready puts its G in runnext and kicks the one before to the
    /// tail, so on one P the first one parked runs first, then the others from the last:
    /// parked 1, 2, 3, 4 run 1, 4, 3, 2.
    ///
    /// # Panics
    /// `close of closed channel` (after releasing the lock).
    pub(crate) fn close(&self) -> impl Iterator<Item = Peer> {
        self.lock();
        // SAFETY: we hold the lock.
        let st = unsafe { self.st() };
        if st.closed {
            // SAFETY: taken above.
            unsafe { self.unlock() };
            panic!("{CLOSE_OF_CLOSED}");
        }
        st.closed = true;
        let mut glist = Vec::new();
        // Receivers get nothing (their slot stays None, success false); senders will panic.
        // SAFETY: we hold the lock; dequeued sudogs are live until their G runs again.
        unsafe {
            while let Some(sg) = st.recvq.dequeue() {
                (*sg).success = false;
                glist.push(Peer((*sg).g));
            }
            while let Some(sg) = st.sendq.dequeue() {
                (*sg).success = false;
                glist.push(Peer((*sg).g));
            }
            self.unlock();
        }
        glist.into_iter().rev() // popped from the top, as Go's glist.pop
    }
}

impl<T> Drop for Hchan<T> {
    fn drop(&mut self) {
        let st = self.st.get_mut();
        for i in 0..st.qcount {
            let k = (st.recvx + i) % self.cap;
            // SAFETY: the qcount slots from recvx are initialised (invariant above).
            unsafe { st.buf[k].assume_init_drop() };
        }
    }
}

/// Takes `sg` off whichever queue of `c` it is still on. Used when a parked operation is
/// abandoned (its goroutine unwinds because its runtime ended).
pub(crate) struct Dequeue<'a, T> {
    pub(crate) c: &'a Hchan<T>,
    pub(crate) sg: *mut Sudog,
    pub(crate) send: bool,
}

impl<T> Drop for Dequeue<'_, T> {
    fn drop(&mut self) {
        self.c.lock();
        // SAFETY: we hold the lock; `sg` is live (it is in the unwinding frame above us).
        unsafe {
            let st = self.c.st();
            if self.send {
                st.sendq.remove(self.sg);
            } else {
                st.recvq.remove(self.sg);
            }
            self.c.unlock();
        }
    }
}

/// A send step was given no value: a runtime bug (`select` rejects a spent send case).
const NO_VALUE: &str = "chansend: no value to send";

/// Puts `v` into an empty receive slot. The slot is empty (module invariants), so the
/// assignment drops nothing: no user destructor runs under the lock. A full slot is a
/// runtime bug.
fn fill<T>(slot: &mut Option<T>, v: T) {
    if slot.is_some() {
        throw("chan: a receive slot was not empty");
    }
    *slot = Some(v);
}

/// Panics with Go's text for a send that found (or was woken by) a closed channel.
pub(crate) fn send_on_closed() -> ! {
    panic!("{SEND_ON_CLOSED}")
}
