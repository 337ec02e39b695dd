//! `select`: wait on several channel operations, run the first that can proceed. Go:
//! runtime.selectgo (select.go).
//!
//! The `select!` macro evaluates every operand once, in source order, into cases
//! ([`recv`], [`send`]) and calls [`select`]; it names nothing else here but the traits whose
//! `on_unimplemented` messages report a misuse ([`RecvOperand`], [`SendOperand`],
//! [`ZeroValue`]).
//!
//! Algorithm, as Go's:
//! 0. (ours, before any lock) empty every receive case — dropping a value an earlier select
//!    left in a reused case, so no destructor runs under a channel lock (`hchan.rs`) — and
//!    check every send case still holds its value;
//! 1. a random *poll order* over the non-nil cases (fairness) and a *lock order* by channel
//!    address (no deadlock between selects; a channel in two cases is locked once);
//! 2. lock all; the first case in poll order that can proceed wins at once;
//! 3. otherwise (no default) enqueue one sudog per case — all on this goroutine's stack,
//!    sharing one `done` flag — and park; the unlock callback releases every lock;
//! 4. the waker that claims `done` (in `WaitQ::dequeue`) completes its case and marks that
//!    sudog `fired`; the goroutine relocks everything, takes its other sudogs off their
//!    queues and reports the fired case.
//!
//! # Examples
//! A port writes `select!`; this is what it does, by hand (a `select` with a `default`):
//! ```
//! use goro::chan::select;
//! use goro::prelude::*;
//! let (jobs, done) = (chan![u32; 1], chan![()]);
//! jobs.send(7);
//! // select { case v := <-jobs: ...; case done <- struct{}{}: ...; default: ... }
//! let mut r = select::recv(&jobs);
//! let mut s = select::send(&done, ());
//! match select::select([&mut r, &mut s], false) {
//!     Some(0) => assert_eq!(r.take(), Some(7)),
//!     other => panic!("only the receive can proceed, got {other:?}"),
//! }
//! ```

use crate::chan::{Chan, block_forever};
use crate::hchan::{Hchan, Peer, Step, send_on_closed};
use crate::view::{Receiver, Sender};
use core::mem::MaybeUninit;
use goro_rt::WaitReason;
use goro_rt::lock::Lock;
use goro_rt::panic::throw;
use goro_rt::park::{cheaprand, getg, gopark};
use goro_rt::sudog::{SelectDone, Sudog};

/// What one case can do now (lock held).
#[doc(hidden)]
pub enum Poll {
    /// Completed; ready this parked peer after unlocking.
    Ready(Option<Peer>),
    /// Must wait.
    Block,
    /// A send found the channel closed.
    SendClosed,
}

mod sealed {
    pub trait Sealed {}
}

/// What [`Case::quick`] could tell without the channel lock.
#[doc(hidden)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Quick {
    /// The case cannot proceed now.
    Block,
    /// A receive from a closed and drained channel: proceeds with nothing.
    Closed,
    /// Only the locked poll can tell.
    Unknown,
}

/// One case of a select, type-erased for [`select`]. Implemented only by [`RecvCase`] and
/// [`SendCase`].
#[doc(hidden)]
pub trait Case: sealed::Sealed {
    /// Readies the case before any lock is taken: a receive case drops what an earlier
    /// select left in it; a send case panics if its value was already sent.
    fn prepare(&mut self);
    /// The channel's address (lock order), 0 for a nil channel.
    fn addr(&self) -> usize;
    /// Locks the channel.
    fn lock(&self);
    /// # Safety
    /// The channel is locked by the caller.
    unsafe fn unlock(&self);
    /// Publishes the channel's state for lock-free looks; the lock is then released raw.
    ///
    /// # Safety
    /// The channel is locked by the caller.
    unsafe fn publish(&self);
    /// What a look without the lock can tell (Go's non-blocking fast paths): a receive
    /// from an empty open channel, or a send to a full open one, must wait; a receive
    /// from a closed, drained channel proceeds with nothing.
    fn quick(&self) -> Quick;
    /// `prepare`, then `quick`.
    fn prepare_quick(&mut self) -> Quick {
        self.prepare();
        self.quick()
    }
    /// # Safety
    /// The channel is locked by the caller.
    unsafe fn poll(&mut self) -> Poll;
    /// # Safety
    /// Locked; `sg` is live until removed or fired.
    unsafe fn enqueue(&mut self, sg: *mut Sudog);
    /// # Safety
    /// Locked; `sg` is live.
    unsafe fn remove(&mut self, sg: *mut Sudog);
    /// This case's data slot, for its sudog.
    fn elem(&mut self) -> *mut ();
    /// The channel's lock (null for a nil channel).
    fn lock_ptr(&self) -> *const Lock;
    /// Whether this is a send.
    fn is_send(&self) -> bool;
}

/// A receive case: `v := <-ch`. Holds the received value after the select. Reused in
/// another select, it first drops a value still held (before locking any channel).
///
/// # Examples
/// ```
/// use goro::chan::select;
/// use goro::prelude::*;
/// let ch = chan![i32; 1];
/// ch.send(4);
/// let mut case = select::recv(&ch);
/// assert_eq!(select::select([&mut case], true), Some(0));
/// assert_eq!(case.take(), Some(4));
/// ```
pub struct RecvCase<'a, T> {
    c: Option<&'a Hchan<T>>,
    slot: Option<T>,
}

/// A send case: `ch <- v`. Holds the value until it is sent (or dropped with the case).
/// Reusing it in another select after its value was sent panics.
///
/// # Examples
/// ```
/// use goro::chan::select;
/// use goro::prelude::*;
/// let ch = chan![&str; 1];
/// let mut case = select::send(&ch, "sent");
/// assert_eq!(select::select([&mut case], false), Some(0)); // buffer space: ready
/// assert_eq!(ch.recv(), Some("sent"));
/// ```
pub struct SendCase<'a, T> {
    c: Option<&'a Hchan<T>>,
    slot: Option<T>,
}

impl<T> RecvCase<'_, T> {
    /// The received value; `None` if the channel was closed (Go's `v, ok` with `!ok`).
    ///
    /// # Examples
    /// ```
    /// use goro::chan::select;
    /// use goro::prelude::*;
    /// let ch = chan![i32];
    /// ch.close();
    /// let mut case = select::recv(&ch);
    /// select::select([&mut case], true);
    /// assert_eq!(case.take(), None); // closed
    /// ```
    pub fn take(&mut self) -> Option<T> {
        self.slot.take()
    }

    /// Go's `v, ok := <-ch`: the zero value and `false` when the channel was closed.
    ///
    /// # Examples
    /// ```
    /// use goro::chan::select;
    /// use goro::prelude::*;
    /// let ch = chan![i32; 1];
    /// ch.send(8);
    /// ch.close();
    /// let mut case = select::recv(&ch);
    /// select::select([&mut case], true);
    /// assert_eq!(case.take_ok(), (8, true));
    /// select::select([&mut case], true);
    /// assert_eq!(case.take_ok(), (0, false)); // closed and drained: the zero value
    /// ```
    pub fn take_ok(&mut self) -> (T, bool)
    where
        T: Default,
    {
        match self.slot.take() {
            Some(v) => (v, true),
            None => (T::default(), false),
        }
    }
}

impl<T> sealed::Sealed for RecvCase<'_, T> {}
impl<T> sealed::Sealed for SendCase<'_, T> {}

macro_rules! case_common {
    () => {
        fn addr(&self) -> usize {
            self.c.map_or(0, |c| c as *const Hchan<T> as usize)
        }
        fn lock(&self) {
            if let Some(c) = self.c {
                c.lock();
            }
        }
        unsafe fn unlock(&self) {
            if let Some(c) = self.c {
                // SAFETY: forwarded contract: the caller locked it.
                unsafe { c.unlock() };
            }
        }
        unsafe fn publish(&self) {
            if let Some(c) = self.c {
                // SAFETY: forwarded contract: the caller locked it.
                unsafe { c.publish() };
            }
        }
        fn elem(&mut self) -> *mut () {
            (&raw mut self.slot).cast()
        }
        fn lock_ptr(&self) -> *const Lock {
            self.c
                .map_or(core::ptr::null(), |c| c.raw_lock() as *const Lock)
        }
    };
}

impl<T> Case for RecvCase<'_, T> {
    case_common!();
    fn quick(&self) -> Quick {
        match self.c.map(|c| c.recv_empty()) {
            None | Some(Some(false)) => Quick::Block,
            Some(Some(true)) => Quick::Closed,
            Some(None) => Quick::Unknown,
        }
    }
    fn prepare(&mut self) {
        self.slot = None;
    }
    unsafe fn poll(&mut self) -> Poll {
        let Some(c) = self.c else { return Poll::Block };
        // SAFETY: forwarded contract.
        match unsafe { c.recv_locked(&mut self.slot) } {
            Step::Done(peer) => Poll::Ready(peer),
            Step::Closed => Poll::Ready(None), // slot stays None: "closed"
            Step::Block => Poll::Block,
        }
    }
    unsafe fn enqueue(&mut self, sg: *mut Sudog) {
        if let Some(c) = self.c {
            // SAFETY: forwarded contract.
            unsafe { c.st().recvq.enqueue(sg) };
        }
    }
    unsafe fn remove(&mut self, sg: *mut Sudog) {
        if let Some(c) = self.c {
            // SAFETY: forwarded contract.
            unsafe { c.st().recvq.remove(sg) };
        }
    }
    fn is_send(&self) -> bool {
        false
    }
}

impl<T> Case for SendCase<'_, T> {
    case_common!();
    fn quick(&self) -> Quick {
        if self.c.is_none_or(|c| c.send_full()) {
            Quick::Block
        } else {
            Quick::Unknown
        }
    }
    fn prepare(&mut self) {
        if self.slot.is_none() {
            panic!("{SEND_CASE_SPENT}");
        }
    }
    unsafe fn poll(&mut self) -> Poll {
        let Some(c) = self.c else { return Poll::Block };
        // SAFETY: forwarded contract.
        match unsafe { c.send_locked(&mut self.slot) } {
            Step::Done(peer) => Poll::Ready(peer),
            Step::Closed => Poll::SendClosed,
            Step::Block => Poll::Block,
        }
    }
    unsafe fn enqueue(&mut self, sg: *mut Sudog) {
        if let Some(c) = self.c {
            // SAFETY: forwarded contract.
            unsafe { c.st().sendq.enqueue(sg) };
        }
    }
    unsafe fn remove(&mut self, sg: *mut Sudog) {
        if let Some(c) = self.c {
            // SAFETY: forwarded contract.
            unsafe { c.st().sendq.remove(sg) };
        }
    }
    fn is_send(&self) -> bool {
        true
    }
}

/// Something `select!` can receive from: a [`Chan`] or a [`Receiver`] (or a reference to
/// one).
///
/// # Examples
/// ```
/// use goro::chan::select::RecvOperand;
/// use goro::prelude::*;
/// fn capacity<C: RecvOperand>(c: &C) -> usize {
///     c.chan().cap()
/// }
/// let ch = chan![u8; 2];
/// assert_eq!((capacity(&ch), capacity(&ch.receiver())), (2, 2));
/// ```
#[diagnostic::on_unimplemented(
    message = "`select!` cannot receive from `{Self}`",
    label = "a receive arm needs a `Chan<T>` or a `Receiver<T>`",
    note = "channel views are one-way: a `Sender<T>` (Go's `chan<- T`) cannot receive"
)]
pub trait RecvOperand {
    /// The element type.
    type Elem;
    /// The channel.
    ///
    /// # Examples
    /// ```
    /// use goro::chan::select::RecvOperand;
    /// use goro::prelude::*;
    /// let ch = chan![u8];
    /// assert!(*ch.receiver().chan() == ch); // the channel the view receives from
    /// ```
    fn chan(&self) -> &Chan<Self::Elem>;
}

/// Something `select!` can send on: a [`Chan`] or a [`Sender`] (or a reference to one).
///
/// # Examples
/// ```
/// use goro::chan::select::SendOperand;
/// use goro::prelude::*;
/// fn capacity<C: SendOperand>(c: &C) -> usize {
///     c.chan().cap()
/// }
/// let ch = chan![u8; 2];
/// assert_eq!((capacity(&ch), capacity(&ch.sender())), (2, 2));
/// ```
#[diagnostic::on_unimplemented(
    message = "`select!` cannot send on `{Self}`",
    label = "a send arm needs a `Chan<T>` or a `Sender<T>`",
    note = "channel views are one-way: a `Receiver<T>` (Go's `<-chan T`) cannot send"
)]
pub trait SendOperand {
    /// The element type.
    type Elem;
    /// The channel.
    ///
    /// # Examples
    /// ```
    /// use goro::chan::select::SendOperand;
    /// use goro::prelude::*;
    /// let ch = chan![u8];
    /// assert!(*ch.sender().chan() == ch); // the channel the view sends on
    /// ```
    fn chan(&self) -> &Chan<Self::Elem>;
}

/// Go's zero value, `T::default()`: what `(v, ok) := <-ch` binds to `v`, and `x = <-ch` or
/// `(x, ok) = <-ch` assign to `x`, once `ch` is closed. `select!` asks for it by this name, so
/// that a missing `Default` is reported in Go's terms.
///
/// # Examples
/// ```
/// use goro::chan::select::ZeroValue;
/// assert_eq!(i32::zero_value(), 0);
/// assert_eq!(String::zero_value(), "");
/// ```
#[diagnostic::on_unimplemented(
    message = "this receive needs a zero value of `{Self}` for when the channel is closed \
               (Go's `v, ok := <-ch` and `x = <-ch`)",
    label = "`{Self}` does not implement `Default`",
    note = "derive or implement `Default` for `{Self}`, or receive into one variable, `v := <-ch`, \
            an `Option<{Self}>` that is `None` once the channel is closed"
)]
pub trait ZeroValue: Sized {
    /// `Self::default()`.
    ///
    /// # Examples
    /// ```
    /// use goro::chan::select::ZeroValue;
    /// assert_eq!(<(bool, u8)>::zero_value(), (false, 0));
    /// ```
    fn zero_value() -> Self;
}

#[diagnostic::do_not_recommend]
impl<T: Default> ZeroValue for T {
    fn zero_value() -> T {
        T::default()
    }
}

impl<T> RecvOperand for Chan<T> {
    type Elem = T;
    fn chan(&self) -> &Chan<T> {
        self
    }
}
impl<T> RecvOperand for Receiver<T> {
    type Elem = T;
    fn chan(&self) -> &Chan<T> {
        &self.0
    }
}
impl<C: RecvOperand + ?Sized> RecvOperand for &C {
    type Elem = C::Elem;
    fn chan(&self) -> &Chan<C::Elem> {
        (**self).chan()
    }
}
impl<T> SendOperand for Chan<T> {
    type Elem = T;
    fn chan(&self) -> &Chan<T> {
        self
    }
}
impl<T> SendOperand for Sender<T> {
    type Elem = T;
    fn chan(&self) -> &Chan<T> {
        &self.0
    }
}
impl<C: SendOperand + ?Sized> SendOperand for &C {
    type Elem = C::Elem;
    fn chan(&self) -> &Chan<C::Elem> {
        (**self).chan()
    }
}

/// A receive case on `c` (evaluated when the select starts).
///
/// # Examples
/// ```
/// use goro::chan::select;
/// use goro::prelude::*;
/// let ch = chan![i32];
/// let mut case = select::recv(&ch);
/// assert_eq!(select::select([&mut case], false), None); // nothing ready: Go's default
/// ```
pub fn recv<C: RecvOperand + ?Sized>(c: &C) -> RecvCase<'_, C::Elem> {
    RecvCase {
        c: c.chan().inner.as_deref(),
        slot: None,
    }
}

/// A send case of `v` on `c` (both evaluated when the select starts).
///
/// # Examples
/// ```
/// use goro::chan::select;
/// use goro::prelude::*;
/// let ch = chan![i32]; // unbuffered, and nobody receives
/// let mut case = select::send(&ch, 1);
/// assert_eq!(select::select([&mut case], false), None);
/// ```
pub fn send<C: SendOperand + ?Sized>(c: &C, v: C::Elem) -> SendCase<'_, C::Elem> {
    SendCase {
        c: c.chan().inner.as_deref(),
        slot: Some(v),
    }
}

/// `*place = value`: what `select!`'s `x = <-rx` does to `x`. A call rather than an
/// assignment, so that rustc's error for an `x` that doesn't exist does not suggest
/// `let x = <-rx` (the fix is `x := <-rx`).
///
/// # Examples
/// ```
/// let mut x = 1;
/// goro::chan::select::assign(&mut x, 5);
/// assert_eq!(x, 5);
/// ```
#[inline]
pub fn assign<T>(place: &mut T, value: T) {
    *place = value;
}

/// `select! {}`: blocks forever (wait reason "select (no cases)").
///
/// # Examples
/// `no_run`: it never returns.
/// ```no_run
/// #[goro::main]
/// fn main() {
///     goro::go!({ /* serve forever */ });
///     goro::chan::select::block(); // what `select! {}` calls
/// }
/// ```
pub fn block() -> ! {
    block_forever(WaitReason::SelectNoCases)
}

/// What `select` says when given a send case whose value an earlier select already sent
/// (a `select!` makes fresh cases every time; only direct callers can reuse one).
const SEND_CASE_SPENT: &str = "select: send case reused after its value was sent";

/// Runs the select: returns the index of the case that proceeded, or `None` if `block` is
/// false (there is a `default`) and none could proceed at once. Go: selectgo.
///
/// Receive cases are emptied first: a value an earlier select left in a reused
/// [`RecvCase`] is dropped then, before any channel is locked (if that `Drop` panics, the
/// select does nothing and the panic propagates).
///
/// # Panics
/// `send on closed channel` if the chosen send case's channel is (or gets) closed;
/// `select: send case reused after its value was sent` if a send case's value was already
/// sent by an earlier select.
///
/// # Examples
/// ```
/// use goro::chan::select;
/// use goro::prelude::*;
/// let (a, b) = (chan![i32; 1], chan![&str; 1]);
/// b.send("ready");
/// let mut ra = select::recv(&a);
/// let mut rb = select::recv(&b);
/// let won = select::select([&mut ra, &mut rb], true);
/// assert_eq!(won, Some(1));
/// assert_eq!(rb.take(), Some("ready"));
/// ```
#[inline]
pub fn select<const N: usize>(cases: [&mut dyn Case; N], block: bool) -> Option<usize> {
    if N == 1 && !block {
        // One case and a default: Go's compiler makes it a non-blocking send or receive
        // (selectnbsend/selectnbrecv), whose fast path answers without the lock. Inlined
        // into the `select!`, where the case's type is known, it costs a few loads.
        goro_rt::park::preempt_point();
        match cases[0].prepare_quick() {
            Quick::Block => return None,
            Quick::Closed => return Some(0), // the slot was emptied: "closed"
            Quick::Unknown => {}
        }
    }
    selectgo(cases, block)
}

/// The general select (`select` inlines only the one-case non-blocking check). Go: selectgo.
fn selectgo<const N: usize>(mut cases: [&mut dyn Case; N], block: bool) -> Option<usize> {
    goro_rt::park::preempt_point();
    // 0. No lock is held yet: user destructors may run, and a misuse may panic.
    for case in cases.iter_mut() {
        case.prepare();
    }
    // 1. Poll order: inside-out Fisher-Yates over the non-nil cases (Go skips nil ones).
    let mut addrs = [0usize; N];
    let mut order = [0usize; N];
    let mut n = 0;
    for (i, case) in cases.iter().enumerate() {
        addrs[i] = case.addr();
        if addrs[i] == 0 {
            continue;
        }
        let j = if n == 0 { 0 } else { cheaprand(n + 1) };
        order[n] = order[j];
        order[j] = i;
        n += 1;
    }
    if n == 0 {
        if !block {
            return None;
        }
        block_forever(match N {
            0 => WaitReason::SelectNoCases,
            // Go compiles a one-case select to the plain operation: on a nil channel.
            1 if cases[0].is_send() => WaitReason::ChanSendNilChan,
            1 => WaitReason::ChanReceiveNilChan,
            _ => WaitReason::Select,
        });
    }
    if n == 1 {
        // One case (and a default, or not): Go's compiler makes it a plain or non-blocking
        // send or receive (selectnbsend/selectnbrecv), which can tell some answers
        // without taking the lock.
        match cases[order[0]].quick() {
            Quick::Block if !block => return None,
            // `prepare` emptied the slot: "closed".
            Quick::Closed => return Some(order[0]),
            _ => {}
        }
    }
    let mut lockorder = order;
    lockorder[..n].sort_unstable_by_key(|&i| addrs[i]);
    let lockorder = &lockorder[..n];
    // The first case of each distinct channel, in lock order: what is locked and unlocked
    // (a channel may appear in several cases, and is locked once).
    let mut locks = [0usize; N];
    let mut nlocks = 0;
    for &i in lockorder {
        if nlocks == 0 || addrs[locks[nlocks - 1]] != addrs[i] {
            locks[nlocks] = i;
            nlocks += 1;
        }
    }
    let lockset = &locks[..nlocks];

    // 2. Anything ready now?
    sellock(&cases, lockset);
    for &i in &order[..n] {
        // SAFETY: sellock locked every case's channel.
        match unsafe { cases[i].poll() } {
            Poll::Ready(peer) => {
                // SAFETY: locked by sellock above.
                unsafe { selunlock(&cases, lockset) };
                if let Some(g) = peer {
                    g.ready();
                }
                return Some(i);
            }
            Poll::SendClosed => {
                // SAFETY: locked by sellock above.
                unsafe { selunlock(&cases, lockset) };
                send_on_closed();
            }
            Poll::Block => {}
        }
    }
    if !block {
        // SAFETY: locked by sellock above.
        unsafe { selunlock(&cases, lockset) };
        return None;
    }

    // 3. Wait on every case at once.
    let done = SelectDone::new(false);
    // SAFETY: the token goes into this select's sudogs, for the park below; the first
    // case to win claims it (`SelectDone`), so one waker at most readies it.
    let g = unsafe { getg() };
    let mut sgs: [MaybeUninit<Sudog>; N] = [const { MaybeUninit::uninit() }; N];
    for &i in lockorder {
        let elem = cases[i].elem();
        // SAFETY: `done` outlives every sudog's time on a queue: all are removed (below, or
        // by `cancel` on unwind) before this frame ends.
        sgs[i].write(unsafe { Sudog::for_select(g, elem, i, &done) });
        // SAFETY: locked; `sgs[i]` lives in this frame until removed or fired.
        unsafe { cases[i].enqueue(sgs[i].as_mut_ptr()) };
    }
    for &i in lockset {
        // SAFETY: locked by sellock; nothing changes before the raw unlocks in `unlock`.
        unsafe { cases[i].publish() };
    }
    let sgp = sgs.as_mut_ptr().cast::<Sudog>();
    let first_is_send = cases.first().is_some_and(|c| c.is_send());
    let cancel = CancelSelect {
        cases: &mut cases,
        lockorder,
        lockset,
        sgs: sgp,
    };
    let unlock = |_| {
        // Go: selparkcommit. Runs on g0. The moment the first lock is released a waker
        // may ready this goroutine, which relocks everything and may then finish the
        // select and free what its stack held. So first copy the distinct locks to
        // this (g0) frame while all are held, then release them reading only the copy.
        // (Reading the cases between unlocks let a duplicate channel's second entry be
        // read from a frame already gone: AddressSanitizer caught it.)
        let mut locks = [core::ptr::null::<Lock>(); N];
        for (k, &i) in lockset.iter().enumerate() {
            locks[k] = cancel.cases[i].lock_ptr();
        }
        for l in &locks[..lockset.len()] {
            // SAFETY: sellock took each distinct lock once and still holds it; the
            // channel outlives this unlock because the parked goroutine, which holds
            // references to it, cannot finish before it has taken every lock again.
            unsafe { (**l).unlock() };
        }
        true
    };
    // Go compiles a one-case select to the plain send or receive, which waits as one.
    let reason = match N {
        1 if first_is_send => WaitReason::ChanSend,
        1 => WaitReason::ChanReceive,
        _ => WaitReason::Select,
    };
    // SAFETY: the callback always parks; the sudogs (with our token) become reachable only
    // as it releases the locks.
    unsafe { gopark(unlock, reason) };
    let cases = cancel.disarm();

    // 4. Find the case that fired; take the other sudogs off their queues.
    sellock(cases, lockset);
    let mut winner = None;
    for &i in lockorder {
        // SAFETY: initialised above for every index in lockorder.
        let sg = unsafe { sgp.add(i) };
        // SAFETY: locked; `sg` is live in this frame.
        if unsafe { (*sg).fired } {
            winner = Some(i);
        } else {
            // SAFETY: locked; `sg` is live.
            unsafe { cases[i].remove(sg) };
        }
    }
    // SAFETY: locked by sellock above.
    unsafe { selunlock(cases, lockset) };
    let Some(k) = winner else {
        throw("selectgo: woken with no case fired")
    };
    // SAFETY: `k` is in lockorder, so its sudog is initialised.
    if cases[k].is_send() && !unsafe { (*sgp.add(k)).success } {
        send_on_closed();
    }
    Some(k)
}

/// Locks the channels of `lockset` (one case per distinct channel, by address).
fn sellock(cases: &[&mut dyn Case], lockset: &[usize]) {
    for &i in lockset {
        cases[i].lock();
    }
}

/// # Safety
/// `sellock(cases, lockset)` was called and not yet undone.
unsafe fn selunlock(cases: &[&mut dyn Case], lockset: &[usize]) {
    for &i in lockset {
        // SAFETY: per the contract, each distinct channel is locked once.
        unsafe { cases[i].unlock() };
    }
}

/// Takes every sudog of a parked select off its queue if the goroutine unwinds while
/// parked (its runtime ended); on a normal wake-up it is disarmed.
struct CancelSelect<'c, 'a, const N: usize> {
    cases: &'c mut [&'a mut dyn Case; N],
    lockorder: &'c [usize],
    lockset: &'c [usize],
    sgs: *mut Sudog,
}

impl<'c, 'a, const N: usize> CancelSelect<'c, 'a, N> {
    fn disarm(self) -> &'c mut [&'a mut dyn Case; N] {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so moving the reference out leaves no alias.
        unsafe { core::ptr::read(&this.cases) }
    }
}

impl<const N: usize> Drop for CancelSelect<'_, '_, N> {
    fn drop(&mut self) {
        sellock(self.cases, self.lockset);
        for &i in self.lockorder {
            // SAFETY: locked; sudog `i` was initialised and is live in the select's frame.
            unsafe { self.cases[i].remove(self.sgs.add(i)) };
        }
        // SAFETY: locked just above.
        unsafe { selunlock(self.cases, self.lockset) };
    }
}
