//! goro-chan: Go's channels (`hchan`) and `select` (`selectgo`), built on goro-rt's
//! `gopark`/`goready`.
//!
//! The channel implementation lands with its own issue; this crate exists now so the
//! workspace has its final shape and the dependency arrows (macros → goro → goro-chan →
//! goro-rt) are fixed from the start.
#![warn(missing_docs)]
