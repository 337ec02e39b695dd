//! `Chan<T>`: Go's `chan T`, a cheap handle to a shared `Hchan`. Go: makechan, chansend,
//! chanrecv, closechan, len/cap (chan.go).
//!
//! Blocking follows Go's order: try the locked step (`hchan.rs`); if it must wait, put a
//! sudog (on this goroutine's stack) on the wait queue, park with the lock released by the
//! unlock callback, and read the outcome the waker left in the sudog. A goroutine woken
//! by `close` while sending panics `send on closed channel`, as in Go.

use crate::err::{CLOSE_OF_NIL, TryRecvError, TrySendError};
use crate::hchan::{Dequeue, Hchan, Step, send_on_closed};
use goro_rt::WaitReason;
use goro_rt::park::{getg, gopark};
use goro_rt::sudog::Sudog;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A channel: Go's `chan T`. Cloning gives another handle to the same channel, as copying a
/// channel value does in Go.
///
/// Make one with [`chan!`](../goro/macro.chan.html) (`chan![T]`, `chan![T; n]`) or
/// [`Chan::new`]; [`Chan::nil`] is Go's nil channel.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// goro::run(|| {
///     let ch = chan![i32]; // unbuffered: Go's make(chan int)
///     go!({
///         // `ch` is cloned into the goroutine: both handles name one channel
///         for i in 0..3 {
///             ch.send(i);
///         }
///         ch.close();
///     });
///     assert_eq!(ch.iter().collect::<Vec<_>>(), [0, 1, 2]);
/// });
/// ```
pub struct Chan<T> {
    pub(crate) inner: Option<Arc<Hchan<T>>>,
}

impl<T> Clone for Chan<T> {
    fn clone(&self) -> Self {
        Chan {
            inner: self.inner.clone(),
        }
    }
}

impl<T> goro_rt::share::Share for Chan<T> {}

// A channel stays consistent when a panic unwinds through one of its operations (values
// and counts move under the lock before any user value is dropped, after unlocking; a
// closed-channel panic changes nothing), so a handle may cross `catch_unwind` as
// crossbeam's channels do. Views wrap a `Chan` and follow.
impl<T> std::panic::UnwindSafe for Chan<T> {}
impl<T> std::panic::RefUnwindSafe for Chan<T> {}

impl<T> PartialEq for Chan<T> {
    /// Two handles are equal if they refer to the same channel (or both are nil), as Go's
    /// channel comparison.
    fn eq(&self, other: &Self) -> bool {
        match (&self.inner, &other.inner) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T> Eq for Chan<T> {}

impl<T> Hash for Chan<T> {
    /// Hashes the channel's identity (nil channels alike), consistent with `==`, so a
    /// channel can key a `HashMap` as in Go's `map[chan T]V`.
    ///
    /// Clippy's `mutable_key_type` lint flags such a map, since a channel is changed
    /// through `&self`; its identity never changes, so the key is sound. Silence it for
    /// the crate in `clippy.toml`:
    /// `ignore-interior-mutability = ["goro::Chan", "goro::Sender", "goro::Receiver"]`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use std::collections::HashMap;
    /// goro::run(|| {
    ///     let (a, b) = (chan![i32], chan![i32]);
    ///     let mut seen: HashMap<Chan<i32>, &str> = HashMap::new();
    ///     seen.insert(a.clone(), "a");
    ///     seen.insert(b.clone(), "b");
    ///     seen.insert(a.clone(), "a again"); // a clone is the same channel: same key
    ///     assert_eq!(seen.len(), 2);
    ///     assert_eq!(seen[&a], "a again");
    /// });
    /// ```
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.addr().hash(state);
    }
}

impl<T> Default for Chan<T> {
    /// The nil channel, Go's zero value for `chan T` ([`Chan::nil`]).
    ///
    /// # Examples
    /// ```
    /// use goro::Chan;
    /// let ch: Chan<i32> = Chan::default();
    /// assert!(ch.is_nil());
    /// assert_eq!(ch, Chan::nil()); // every nil channel equals every other, as Go's nil
    /// ```
    fn default() -> Self {
        Chan::nil()
    }
}

impl<T> fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Some(c) => write!(
                f,
                "Chan({:p}, len {}, cap {})",
                Arc::as_ptr(c),
                c.len(),
                c.cap()
            ),
            None => f.write_str("Chan(nil)"),
        }
    }
}

/// Parks the caller forever: an operation on a nil channel (or `select! {}`).
pub(crate) fn block_forever(reason: WaitReason) -> ! {
    goro_rt::park::park_forever(reason);
    // Only a runtime shutdown resumes such a goroutine, and that unwinds out of gopark.
    unreachable!("a goroutine blocked forever was resumed")
}

impl<T> Chan<T> {
    /// Makes a channel with a buffer of `cap` values (0: unbuffered). Go: `make(chan T, cap)`.
    ///
    /// # Panics
    /// `makechan: size out of range` if the buffer (`cap * size_of::<T>()` bytes) would
    /// exceed Go's largest allocation (2^48 bytes on 64-bit targets), as Go.
    ///
    /// # Examples
    /// ```
    /// let ch = goro::Chan::<u8>::new(2); // chan![u8; 2]
    /// ch.send(1);
    /// ch.send(2); // a buffered send waits only when the buffer is full
    /// assert_eq!((ch.len(), ch.cap()), (2, 2));
    /// ```
    pub fn new(cap: usize) -> Chan<T> {
        Chan {
            inner: Some(Arc::new(Hchan::new(cap))),
        }
    }

    /// Go's nil channel: sends and receives block forever, `select!` never picks it, and
    /// `close` panics.
    ///
    /// # Examples
    /// ```
    /// let ch = goro::Chan::<i32>::nil(); // Go: var ch chan int
    /// assert!(ch.is_nil());
    /// assert!(ch.try_send(1).is_err());
    /// assert_eq!((ch.len(), ch.cap()), (0, 0));
    /// ```
    pub const fn nil() -> Chan<T> {
        Chan { inner: None }
    }

    /// Whether this is a nil channel (Go: `ch == nil`).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// assert!(Chan::<i32>::nil().is_nil());
    /// assert!(!chan![i32].is_nil());
    /// ```
    pub fn is_nil(&self) -> bool {
        self.inner.is_none()
    }

    /// The channel's identity: its hchan's address, 0 for nil.
    pub(crate) fn addr(&self) -> usize {
        self.inner.as_ref().map_or(0, |c| Arc::as_ptr(c).addr())
    }

    /// Values buffered now. Go: `len(ch)`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![char; 3];
    /// ch.send('a');
    /// ch.send('b');
    /// assert_eq!(ch.len(), 2);
    /// assert_eq!(chan![char].len(), 0); // an unbuffered channel never holds a value
    /// ```
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |c| c.len())
    }

    /// Whether no value is buffered now (Go: `len(ch) == 0`).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![u8; 1];
    /// assert!(ch.is_empty());
    /// ch.send(1);
    /// assert!(!ch.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Buffer size. Go: `cap(ch)`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// assert_eq!(chan![u8; 4].cap(), 4);
    /// assert_eq!(chan![u8].cap(), 0);
    /// ```
    pub fn cap(&self) -> usize {
        self.inner.as_ref().map_or(0, |c| c.cap())
    }

    /// Sends `v`, waiting for a receiver or buffer space. Go: `ch <- v`.
    ///
    /// # Panics
    /// `send on closed channel` if the channel is closed, or closed while waiting.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// goro::run(|| {
    ///     let ch = chan![&str]; // unbuffered: send waits for the receiver
    ///     go!({ ch.send("hi") }); // `ch` is cloned into the goroutine
    ///     assert_eq!(ch.recv(), Some("hi"));
    /// });
    /// let ch = chan![&str; 1]; // buffered: from a plain thread too
    /// ch.send("hi");
    /// assert_eq!(ch.recv(), Some("hi"));
    /// ```
    pub fn send(&self, v: T) {
        goro_rt::park::preempt_point();
        let Some(c) = &self.inner else {
            block_forever(WaitReason::ChanSendNilChan)
        };
        let mut slot = Some(v);
        c.lock();
        // SAFETY: we hold the lock.
        match unsafe { c.send_locked(&mut slot) } {
            Step::Done(peer) => {
                // SAFETY: taken above.
                unsafe { c.unlock() };
                if let Some(g) = peer {
                    g.ready();
                }
                return;
            }
            Step::Closed => {
                // SAFETY: taken above.
                unsafe { c.unlock() };
                send_on_closed();
            }
            Step::Block => {}
        }
        // SAFETY: the sudog is queued under the channel's lock, for the park below.
        let mut sg = Sudog::new(unsafe { getg() }, (&raw mut slot).cast());
        let sgp: *mut Sudog = &raw mut sg;
        // SAFETY: we hold the lock; `sg` lives in this frame until it is dequeued (by a
        // receiver or close) or removed by `cancel` if this goroutine unwinds while parked.
        unsafe { c.st().sendq.enqueue(sgp) };
        let cancel = Dequeue {
            c,
            sg: sgp,
            send: true,
        };
        let unlock = |_| {
            // SAFETY: the lock taken above is still ours; releasing it now, after the G is
            // parked, is what lets a receiver find `sg`.
            unsafe { c.unlock() };
            true
        };
        // SAFETY: the callback always parks; `sg` (with our token) is published only by
        // releasing the lock, inside it.
        unsafe { gopark(unlock, WaitReason::ChanSend) };
        core::mem::forget(cancel); // woken normally: the waker dequeued `sg`
        // SAFETY: the waker's writes to `sg` happen-before our resumption (goready).
        if !unsafe { (*sgp).success } {
            send_on_closed();
        }
    }

    /// Receives a value, waiting for one; `None` once the channel is closed and drained.
    /// Go: `v, ok := <-ch` (`ok` is `is_some()`).
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![i32; 2];
    /// ch.send(7);
    /// ch.close();
    /// assert_eq!(ch.recv(), Some(7)); // buffered values outlive close
    /// assert_eq!(ch.recv(), None);
    /// ```
    pub fn recv(&self) -> Option<T> {
        goro_rt::park::preempt_point();
        let Some(c) = &self.inner else {
            block_forever(WaitReason::ChanReceiveNilChan)
        };
        let mut slot = None;
        c.lock();
        // SAFETY: we hold the lock.
        match unsafe { c.recv_locked(&mut slot) } {
            Step::Done(peer) => {
                // SAFETY: taken above.
                unsafe { c.unlock() };
                if let Some(g) = peer {
                    g.ready();
                }
                return slot;
            }
            Step::Closed => {
                // SAFETY: taken above.
                unsafe { c.unlock() };
                return None;
            }
            Step::Block => {}
        }
        // SAFETY: the sudog is queued under the channel's lock, for the park below.
        let mut sg = Sudog::new(unsafe { getg() }, (&raw mut slot).cast());
        let sgp: *mut Sudog = &raw mut sg;
        // SAFETY: as in `send`.
        unsafe { c.st().recvq.enqueue(sgp) };
        let cancel = Dequeue {
            c,
            sg: sgp,
            send: false,
        };
        let unlock = |_| {
            // SAFETY: as in `send`: ours since above, released once parked.
            unsafe { c.unlock() };
            true
        };
        // SAFETY: as in `send`.
        unsafe { gopark(unlock, WaitReason::ChanReceive) };
        core::mem::forget(cancel);
        // A sender filled `slot`, or close left it None.
        slot
    }

    /// Sends `v` only if that needs no waiting. Go: `select { case ch <- v: default: }`.
    ///
    /// # Errors
    /// [`TrySendError::Full`] if no receiver waits and the buffer is full (always, for a
    /// nil channel); [`TrySendError::Closed`] if the channel is closed.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::TrySendError;
    /// let ch = chan![&str; 1];
    /// assert!(ch.try_send("a").is_ok());
    /// assert_eq!(ch.try_send("b"), Err(TrySendError::Full("b")));
    /// ch.close();
    /// assert_eq!(ch.try_send("c"), Err(TrySendError::Closed("c")));
    /// ```
    pub fn try_send(&self, v: T) -> Result<(), TrySendError<T>> {
        goro_rt::park::preempt_point();
        let Some(c) = &self.inner else {
            return Err(TrySendError::Full(v));
        };
        if c.send_full() {
            return Err(TrySendError::Full(v)); // without the lock, as Go
        }
        let mut slot = Some(v);
        c.lock();
        // SAFETY: we hold the lock.
        let step = unsafe { c.send_locked(&mut slot) };
        // SAFETY: taken above.
        unsafe { c.unlock() };
        match step {
            Step::Done(peer) => {
                if let Some(g) = peer {
                    g.ready();
                }
                Ok(())
            }
            Step::Block => Err(TrySendError::Full(slot.expect("value kept when blocked"))),
            Step::Closed => Err(TrySendError::Closed(slot.expect("value kept when closed"))),
        }
    }

    /// Receives a value only if that needs no waiting. Go: `select { case v := <-ch: default: }`.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] if nothing is ready (always, for a nil channel);
    /// [`TryRecvError::Closed`] if the channel is closed and drained.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::TryRecvError;
    /// let ch = chan![i32; 1];
    /// assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
    /// ch.send(5);
    /// assert_eq!(ch.try_recv(), Ok(5));
    /// ch.close();
    /// assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        goro_rt::park::preempt_point();
        let Some(c) = &self.inner else {
            return Err(TryRecvError::Empty);
        };
        if let Some(closed) = c.recv_empty() {
            // Without the lock, as Go.
            return Err(if closed {
                TryRecvError::Closed
            } else {
                TryRecvError::Empty
            });
        }
        let mut slot = None;
        c.lock();
        // SAFETY: we hold the lock.
        let step = unsafe { c.recv_locked(&mut slot) };
        // SAFETY: taken above.
        unsafe { c.unlock() };
        match step {
            Step::Done(peer) => {
                if let Some(g) = peer {
                    g.ready();
                }
                slot.ok_or(TryRecvError::Closed)
            }
            Step::Block => Err(TryRecvError::Empty),
            Step::Closed => Err(TryRecvError::Closed),
        }
    }

    /// Closes the channel: parked receivers get `None`, parked senders panic, later receives
    /// drain the buffer then get `None`. Go: `close(ch)`.
    ///
    /// # Panics
    /// `close of closed channel`; `close of nil channel`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![i32; 1];
    /// ch.send(1);
    /// ch.close();
    /// assert_eq!(ch.recv(), Some(1)); // the buffer is still drained
    /// assert_eq!(ch.recv(), None);
    /// ```
    /// Closing twice panics, as in Go:
    /// ```should_panic
    /// let ch = goro::chan![()];
    /// ch.close();
    /// ch.close(); // panics: close of closed channel
    /// ```
    pub fn close(&self) {
        let Some(c) = &self.inner else {
            panic!("{CLOSE_OF_NIL}")
        };
        for g in c.close() {
            g.ready();
        }
    }

    /// Iterates over received values until the channel is closed and drained. Go:
    /// `for v := range ch`; `for v in &ch` is the same loop.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// goro::run(|| {
    ///     let ch = chan![u32];
    ///     go!({
    ///         for i in 1..=4 {
    ///             ch.send(i);
    ///         }
    ///         ch.close(); // ends the loop below
    ///     });
    ///     let mut sum = 0;
    ///     for v in ch.iter() {
    ///         sum += v;
    ///     }
    ///     assert_eq!(sum, 10);
    /// });
    /// ```
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { ch: self }
    }

    /// A send-only view. Go: `chan<- T`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// fn produce(out: Sender<i32>) {
    ///     out.send(1);
    ///     out.close();
    /// }
    /// let ch = chan![i32; 1];
    /// produce(ch.sender());
    /// assert_eq!(ch.recv(), Some(1));
    /// ```
    pub fn sender(&self) -> crate::Sender<T> {
        crate::Sender(self.clone())
    }

    /// A receive-only view. Go: `<-chan T`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// fn first(input: Receiver<i32>) -> Option<i32> {
    ///     input.recv()
    /// }
    /// let ch = chan![i32; 1];
    /// ch.send(9);
    /// assert_eq!(first(ch.receiver()), Some(9));
    /// ```
    pub fn receiver(&self) -> crate::Receiver<T> {
        crate::Receiver(self.clone())
    }
}

/// The values of a channel until it is closed and drained: Go's `range ch`.
///
/// Made by [`Chan::iter`], [`Receiver::iter`](crate::Receiver::iter) and `for v in &ch`.
/// Each `next` blocks like [`Chan::recv`].
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// let ch = chan![&str; 2];
/// ch.send("a");
/// ch.send("b");
/// ch.close();
/// let mut it: goro::chan::Iter<'_, &str> = ch.iter();
/// assert_eq!(it.next(), Some("a"));
/// assert_eq!(it.collect::<Vec<_>>(), ["b"]);
/// ```
#[derive(Debug)]
pub struct Iter<'a, T> {
    ch: &'a Chan<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.ch.recv()
    }
}

impl<'a, T> IntoIterator for &'a Chan<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The values of a channel until it is closed and drained, holding the channel: what
/// `for v in ch` (by value) iterates. Go: `for v := range ch`.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// goro::run(|| {
///     let ch = chan![u8; 3];
///     for v in [7, 8, 9] {
///         ch.send(v);
///     }
///     ch.close();
///     let mut values = ch.into_iter(); // owns its handle: can outlive `ch`'s scope
///     assert_eq!(values.next(), Some(7));
///     assert_eq!(values.collect::<Vec<_>>(), [8, 9]);
/// });
/// ```
#[derive(Debug)]
pub struct IntoIter<T> {
    ch: Chan<T>,
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.ch.recv()
    }
}

impl<T> IntoIterator for Chan<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    /// Iterates over received values until the channel is closed and drained, consuming
    /// this handle (Go: `for v := range ch`); `for v in &ch` keeps it.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// goro::run(|| {
    ///     let ch = chan![i32];
    ///     go!({
    ///         for i in 1..=3 {
    ///             ch.send(i);
    ///         }
    ///         ch.close();
    ///     });
    ///     let mut got = Vec::new();
    ///     for v in ch {
    ///         got.push(v);
    ///     }
    ///     assert_eq!(got, [1, 2, 3]);
    /// });
    /// ```
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { ch: self }
    }
}
