//! Direction-restricted views of a channel: Go's `chan<- T` and `<-chan T`. A view has only
//! its direction's methods (`close` goes with sending, as in Go).

use crate::chan::{Chan, Iter};
use crate::err::{TryRecvError, TrySendError};
use std::fmt;

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
    ($view:ident, $goname:literal) => {
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
view_traits!(Sender, "Sender");
view_traits!(Receiver, "Receiver");

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
