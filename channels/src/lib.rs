//! goro-chan: Go's channels (`hchan`) and `select` (`selectgo`), built on goro-rt's
//! `gopark`/`goready` and sudogs.
//!
//! - [`Chan`]: `chan T` — send, recv, close, len/cap, nil channels, `for v in &ch`;
//! - [`Sender`], [`Receiver`]: `chan<- T`, `<-chan T`;
//! - [`select`]: the engine behind `select!`;
//! - [`TrySendError`], [`TryRecvError`] and Go's panic texts;
//! - [`time`]: Go's timers and tickers, whose channels work in `select!`.
//!
//! Channels work from goroutines and plain threads alike: a blocked thread parks on its own
//! futex through the same code path.
#![warn(missing_docs)]

mod chan;
mod err;
mod hchan;
pub mod select;
pub mod time;
mod view;

pub use chan::{Chan, IntoIter, Iter};
pub use err::{CLOSE_OF_CLOSED, CLOSE_OF_NIL, SEND_ON_CLOSED, TryRecvError, TrySendError};
pub use view::{Receiver, Sender};

#[cfg(all(test, goro_loom))]
mod tests;
