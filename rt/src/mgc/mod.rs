//! mgc: goro's scoped garbage collector (Go: runtime/mgc.go): [`scope`], the region a heap
//! lives in, with its scoped goroutines ([`Scope::go`]); handles ([`Gc`]) and the cells
//! that mutate objects ([`GcCell`], [`GcMutex`]); the contract with user types: [`Trace`],
//! which tells the collector where the handles inside a value are, and the [`Tracer`] it
//! is handed (`#[derive(Trace)]` writes the impl). The collector marks concurrently on a
//! thread of its own (`collect.rs`), with a barrier on root operations (`barrier.rs`);
//! `heap.rs` has the rooting rules.
//!
//! # Examples
//! ```
//! use goro::gc::{Trace, TraceOp, Tracer};
//!
//! #[derive(Trace)]
//! struct Node {
//!     children: Vec<Node>,
//!     #[trace(skip)] // holds no handle, and is `'static`
//!     name: String,
//! }
//!
//! let tree = Node { children: vec![], name: "root".into() };
//! let mut t = Tracer::new(TraceOp::Mark);
//! tree.trace(&mut t);
//! assert_eq!(t.visited(), 0); // no handles in it
//! ```
pub(crate) mod barrier;
mod cell;
pub(crate) mod collect;
mod gc;
pub(crate) mod heap;
pub(crate) mod mark;
mod scope;
mod trace;

pub use cell::{GcCell, GcMutex, GcMutexGuard, GcRef, GcRefMut};
pub use gc::Gc;
pub use scope::{Scope, scope};
pub use trace::{Trace, TraceOp, Tracer};
