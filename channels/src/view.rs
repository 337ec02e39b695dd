//! Direction-restricted views of a channel: Go's `chan<- T` and `<-chan T`. A view has only
//! its direction's methods (`close` goes with sending, as in Go).

use crate::chan::{Chan, IntoIter, Iter};
use crate::err::{TryRecvError, TrySendError};
use std::fmt;
use std::hash::{Hash, Hasher};

/// A send-only channel handle: Go's `chan<- T`.
///
/// Made by [`Chan::sender`] or `Sender::from(ch)`; a clone is another handle to the same
/// channel. It has the sending half of [`Chan`]'s methods, `close` included (as Go lets a
/// `chan<- T` be closed), and compares equal to the channel it views.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// // Go: func produce(out chan<- int) { out <- 1; out <- 2; close(out) }
/// fn produce(out: Sender<u32>) {
///     out.send(1);
///     out.send(2);
///     out.close();
/// }
/// goro::run(|| {
///     let ch = chan![u32];
///     go!(produce(ch.sender()));
///     assert_eq!(ch.iter().collect::<Vec<_>>(), [1, 2]);
/// });
/// ```
pub struct Sender<T>(pub(crate) Chan<T>);

/// A receive-only channel handle: Go's `<-chan T`.
///
/// Made by [`Chan::receiver`] or `Receiver::from(ch)` (`ch.into()`); a clone is another
/// handle to the same channel. It has the receiving half of [`Chan`]'s methods; no `close`,
/// as in Go.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// // Go: func total(in <-chan int) (s int) { for v := range in { s += v }; return }
/// fn total(input: Receiver<u32>) -> u32 {
///     input.iter().sum()
/// }
/// let ch = chan![u32; 3];
/// for v in [1, 2, 3] {
///     ch.send(v);
/// }
/// ch.close();
/// assert_eq!(total(ch.into()), 6);
/// ```
pub struct Receiver<T>(pub(crate) Chan<T>);

impl<T> Sender<T> {
    /// Go's nil `chan<- T`: sends block forever, `select!` never picks it, `close` panics.
    ///
    /// # Examples
    /// ```
    /// use goro::Sender;
    /// let tx = Sender::<i32>::nil();
    /// assert!(tx.is_nil());
    /// assert!(tx.try_send(1).is_err()); // a nil channel is never ready
    /// ```
    pub const fn nil() -> Sender<T> {
        Sender(Chan::nil())
    }
    /// Sends `v`, waiting for a receiver or buffer space. Go: `out <- v`. See [`Chan::send`].
    ///
    /// # Panics
    /// `send on closed channel`, as [`Chan::send`].
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![&str; 1];
    /// let tx: Sender<&str> = ch.sender();
    /// tx.send("hello");
    /// assert_eq!(ch.recv(), Some("hello"));
    /// ```
    pub fn send(&self, v: T) {
        self.0.send(v)
    }
    /// Sends `v` only if that needs no waiting. See [`Chan::try_send`].
    ///
    /// # Errors
    /// As [`Chan::try_send`].
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::TrySendError;
    /// let tx = chan![i32; 1].sender();
    /// assert_eq!(tx.try_send(1), Ok(()));
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// ```
    pub fn try_send(&self, v: T) -> Result<(), TrySendError<T>> {
        self.0.try_send(v)
    }
    /// Closes the channel. Go: `close(out)` on a `chan<- T`. See [`Chan::close`].
    ///
    /// # Panics
    /// `close of closed channel`; `close of nil channel`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![i32];
    /// ch.sender().close();
    /// assert_eq!(ch.recv(), None);
    /// ```
    pub fn close(&self) {
        self.0.close()
    }
}

impl<T> Receiver<T> {
    /// Go's nil `<-chan T`: receives block forever and `select!` never picks it.
    ///
    /// # Examples
    /// ```
    /// use goro::Receiver;
    /// let rx = Receiver::<i32>::nil();
    /// assert!(rx.is_nil());
    /// assert!(rx.try_recv().is_err()); // a nil channel is never ready
    /// ```
    pub const fn nil() -> Receiver<T> {
        Receiver(Chan::nil())
    }
    /// Receives a value, waiting for one; `None` once the channel is closed and drained.
    /// Go: `v, ok := <-in`. See [`Chan::recv`].
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// goro::run(|| {
    ///     let ch = chan![i32];
    ///     let rx: Receiver<i32> = ch.receiver();
    ///     go!({ ch.send(42) });
    ///     assert_eq!(rx.recv(), Some(42));
    /// });
    /// ```
    pub fn recv(&self) -> Option<T> {
        self.0.recv()
    }
    /// Receives a value only if that needs no waiting. See [`Chan::try_recv`].
    ///
    /// # Errors
    /// As [`Chan::try_recv`].
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// use goro::TryRecvError;
    /// let ch = chan![i32; 1];
    /// let rx = ch.receiver();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ch.send(3);
    /// assert_eq!(rx.try_recv(), Ok(3));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.0.try_recv()
    }
    /// Iterates over received values until the channel is closed and drained. Go:
    /// `for v := range in`; `for v in &rx` is the same loop. See [`Chan::iter`].
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let ch = chan![char; 3];
    /// for c in ['g', 'o'] {
    ///     ch.send(c);
    /// }
    /// ch.close();
    /// let rx = ch.receiver();
    /// assert_eq!(rx.iter().collect::<String>(), "go");
    /// ```
    pub fn iter(&self) -> Iter<'_, T> {
        self.0.iter()
    }
}

macro_rules! view_traits {
    ($view:ident, $goname:literal, $method:literal) => {
        impl<T> Clone for $view<T> {
            fn clone(&self) -> Self {
                $view(self.0.clone())
            }
        }
        impl<T> goro_rt::share::Share for $view<T> {}
        impl<T> From<Chan<T>> for $view<T> {
            fn from(c: Chan<T>) -> Self {
                $view(c)
            }
        }
        impl<T> PartialEq for $view<T> {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl<T> Eq for $view<T> {}
        impl<T> Hash for $view<T> {
            /// Hashes the channel's identity, as [`Chan`]'s `Hash` does (a view and its
            /// channel hash alike).
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// use std::collections::HashSet;
            /// goro::run(|| {
            ///     let (a, b) = (chan![i32], chan![i32]);
            #[doc = concat!("    let views: HashSet<", stringify!($view), "<i32>> =")]
            #[doc = concat!("        [a.", $method, "(), b.", $method, "(), a.", $method, "()].into_iter().collect();")]
            ///     assert_eq!(views.len(), 2); // two views of `a` are one key
            /// });
            /// ```
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state)
            }
        }
        impl<T> Default for $view<T> {
            /// The nil channel's view, Go's zero value.
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            #[doc = concat!("let v: ", stringify!($view), "<i32> = Default::default();")]
            /// assert!(v.is_nil());
            /// assert_eq!(v, Chan::<i32>::nil());
            /// ```
            fn default() -> Self {
                $view::nil()
            }
        }
        impl<T> PartialEq<Chan<T>> for $view<T> {
            /// Whether this view is of that channel (or both are nil), as Go compares a
            /// directional channel with a bidirectional one.
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// goro::run(|| {
            ///     let (a, b) = (chan![i32], chan![i32]);
            #[doc = concat!("    assert!(a.", $method, "() == a);")]
            #[doc = concat!("    assert!(a.", $method, "() != b);")]
            /// });
            /// ```
            fn eq(&self, other: &Chan<T>) -> bool {
                self.0 == *other
            }
        }
        impl<T> PartialEq<$view<T>> for Chan<T> {
            /// Whether that view is of this channel (or both are nil), as Go compares a
            /// bidirectional channel with a directional one.
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// goro::run(|| {
            ///     let (a, b) = (chan![i32], chan![i32]);
            #[doc = concat!("    assert!(a == a.", $method, "());")]
            #[doc = concat!("    assert!(b != a.", $method, "());")]
            /// });
            /// ```
            fn eq(&self, other: &$view<T>) -> bool {
                *self == other.0
            }
        }
        impl<T> $view<T> {
            /// Values buffered now. Go: `len(ch)`. See [`Chan::len`].
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// let ch = chan![u8; 2];
            /// ch.send(1);
            /// assert_eq!((ch.sender().len(), ch.receiver().len()), (1, 1));
            /// ```
            pub fn len(&self) -> usize {
                self.0.len()
            }
            /// Whether no value is buffered now. See [`Chan::is_empty`].
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// let ch = chan![u8; 2];
            /// assert!(ch.sender().is_empty() && ch.receiver().is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
            /// Buffer size. Go: `cap(ch)`. See [`Chan::cap`].
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// let ch = chan![u8; 2];
            /// assert_eq!((ch.sender().cap(), ch.receiver().cap()), (2, 2));
            /// ```
            pub fn cap(&self) -> usize {
                self.0.cap()
            }
            /// Whether this views a nil channel. See [`Chan::is_nil`].
            ///
            /// # Examples
            /// ```
            /// use goro::prelude::*;
            /// assert!(Chan::<u8>::nil().receiver().is_nil());
            /// assert!(!chan![u8].sender().is_nil());
            /// ```
            pub fn is_nil(&self) -> bool {
                self.0.is_nil()
            }
        }
        impl<T> fmt::Debug for $view<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", $goname, self.0)
            }
        }
    };
}
view_traits!(Sender, "Sender", "sender");
view_traits!(Receiver, "Receiver", "receiver");

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    /// Iterates over received values until the channel is closed and drained, consuming
    /// this handle: Go's `for v := range ch` on a `<-chan T`.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// fn total(input: Receiver<u32>) -> u32 {
    ///     let mut sum = 0;
    ///     for v in input {
    ///         sum += v;
    ///     }
    ///     sum
    /// }
    /// goro::run(|| {
    ///     let ch = chan![u32; 3];
    ///     for v in [1, 2, 3] {
    ///         ch.send(v);
    ///     }
    ///     ch.close();
    ///     assert_eq!(total(ch.receiver()), 6);
    /// });
    /// ```
    fn into_iter(self) -> IntoIter<T> {
        self.0.into_iter()
    }
}
