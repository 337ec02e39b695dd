//! Direction-restricted views of a channel: Go's `chan<- T` and `<-chan T`. A view has only
//! its direction's methods (`close` goes with sending, as in Go).

use crate::chan::{Chan, IntoIter, Iter};
use crate::err::{TryRecvError, TrySendError};
use std::fmt;
use std::hash::{Hash, Hasher};

/// A send-only channel handle: Go's `chan<- T`.
///
/// # Examples
/// ```
/// use goro_chan::{Chan, Sender};
/// fn produce(out: Sender<u32>) { out.send(1); out.close(); }
/// let ch = Chan::new(1);
/// produce(ch.sender());
/// assert_eq!(ch.recv(), Some(1));
/// ```
pub struct Sender<T>(pub(crate) Chan<T>);

/// A receive-only channel handle: Go's `<-chan T`.
///
/// # Examples
/// ```
/// use goro_chan::{Chan, Receiver};
/// fn total(input: Receiver<u32>) -> u32 { input.iter().sum() }
/// let ch = Chan::new(3);
/// for v in [1, 2, 3] { ch.send(v) }
/// ch.close();
/// assert_eq!(total(ch.into()), 6);
/// ```
pub struct Receiver<T>(pub(crate) Chan<T>);

impl<T> Sender<T> {
    /// Go's nil `chan<- T`.
    pub const fn nil() -> Sender<T> {
        Sender(Chan::nil())
    }
    /// See [`Chan::send`].
    pub fn send(&self, v: T) {
        self.0.send(v)
    }
    /// See [`Chan::try_send`].
    ///
    /// # Errors
    /// As [`Chan::try_send`].
    pub fn try_send(&self, v: T) -> Result<(), TrySendError<T>> {
        self.0.try_send(v)
    }
    /// See [`Chan::close`].
    pub fn close(&self) {
        self.0.close()
    }
}

impl<T> Receiver<T> {
    /// Go's nil `<-chan T`.
    pub const fn nil() -> Receiver<T> {
        Receiver(Chan::nil())
    }
    /// See [`Chan::recv`].
    pub fn recv(&self) -> Option<T> {
        self.0.recv()
    }
    /// See [`Chan::try_recv`].
    ///
    /// # Errors
    /// As [`Chan::try_recv`].
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.0.try_recv()
    }
    /// See [`Chan::iter`].
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
            /// See [`Chan::len`].
            pub fn len(&self) -> usize {
                self.0.len()
            }
            /// See [`Chan::is_empty`].
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
            /// See [`Chan::cap`].
            pub fn cap(&self) -> usize {
                self.0.cap()
            }
            /// See [`Chan::is_nil`].
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
