//! What channel operations say when they cannot proceed: Go's panic texts (written once) and
//! the errors of the non-blocking operations, which hand the value back.

use core::fmt;

/// Go's panic text for a send on a closed channel.
pub const SEND_ON_CLOSED: &str = "send on closed channel";
/// Go's panic text for closing a channel twice.
pub const CLOSE_OF_CLOSED: &str = "close of closed channel";
/// Go's panic text for closing a nil channel.
pub const CLOSE_OF_NIL: &str = "close of nil channel";

/// Why [`try_send`](crate::Chan::try_send) did not send; the value comes back.
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TrySendError<T> {
    /// No receiver is waiting and the buffer is full (or the channel is nil).
    Full(T),
    /// The channel is closed.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// The value that was not sent.
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
