//! `chan!`: Go's `make(chan T)` / `make(chan T, n)`. Parse (`ast.rs`), check (`valid.rs`),
//! expand (`expand.rs`).
pub(crate) mod ast;
pub(crate) mod expand;
pub(crate) mod valid;
