//! What channel operations say when they cannot proceed: Go's panic texts (written once) and
//! the errors of the non-blocking operations, which hand the value back.

use core::fmt;

/// Go's panic text for a send on a closed channel.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// let err = std::panic::catch_unwind(|| {
///     let ch = chan![i32; 1];
///     ch.close();
///     ch.send(1);
/// })
/// .unwrap_err();
/// assert_eq!(goro::panic::payload_str(&*err), goro::chan::SEND_ON_CLOSED);
/// ```
pub const SEND_ON_CLOSED: &str = "send on closed channel";
/// Go's panic text for closing a channel twice.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// let err = std::panic::catch_unwind(|| {
///     let ch = chan![i32];
///     ch.close();
///     ch.close();
/// })
/// .unwrap_err();
/// assert_eq!(goro::panic::payload_str(&*err), goro::chan::CLOSE_OF_CLOSED);
/// ```
pub const CLOSE_OF_CLOSED: &str = "close of closed channel";
/// Go's panic text for closing a nil channel.
///
/// # Examples
/// ```
/// let err = std::panic::catch_unwind(|| goro::Chan::<i32>::nil().close()).unwrap_err();
/// assert_eq!(goro::panic::payload_str(&*err), goro::chan::CLOSE_OF_NIL);
/// ```
pub const CLOSE_OF_NIL: &str = "close of nil channel";

/// Why [`try_send`](crate::Chan::try_send) did not send; the value comes back.
///
/// Go has no such type: its non-blocking send is a `select` with a `default` arm, which
/// cannot tell a full channel from a closed one (a closed one panics). Rust hands the value
/// back instead of dropping it.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use goro::TrySendError;
/// let ch = chan![String; 1];
/// ch.send("first".to_string());
/// match ch.try_send("second".to_string()) {
///     Err(TrySendError::Full(v)) => assert_eq!(v, "second"), // not lost
///     other => panic!("{other:?}"),
/// }
/// ch.close();
/// assert!(matches!(ch.try_send("third".into()), Err(TrySendError::Closed(_))));
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TrySendError<T> {
    /// No receiver is waiting and the buffer is full (or the channel is nil).
    Full(T),
    /// The channel is closed.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// The value that was not sent.
    ///
    /// # Examples
    /// ```
    /// use goro::prelude::*;
    /// let err = chan![i32].try_send(7).unwrap_err(); // no receiver waits
    /// assert_eq!(err.into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(v) | TrySendError::Closed(v) => v,
        }
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrySendError::Full(_) => "Full(..)",
            TrySendError::Closed(_) => "Closed(..)",
        })
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrySendError::Full(_) => "sending on a full channel",
            TrySendError::Closed(_) => SEND_ON_CLOSED,
        })
    }
}

impl<T> std::error::Error for TrySendError<T> {}

/// Why [`try_recv`](crate::Chan::try_recv) returned no value.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use goro::TryRecvError;
/// let ch = chan![i32; 1];
/// assert_eq!(ch.try_recv(), Err(TryRecvError::Empty)); // Go: the select's default arm
/// ch.close();
/// assert_eq!(ch.try_recv(), Err(TryRecvError::Closed)); // Go: v, ok := <-ch gives ok == false
/// ```
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum TryRecvError {
    /// No sender is waiting and the buffer is empty (or the channel is nil).
    Empty,
    /// The channel is closed and drained.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => "receiving on an empty channel",
            TryRecvError::Closed => "receiving on a closed channel",
        })
    }
}

impl std::error::Error for TryRecvError {}
