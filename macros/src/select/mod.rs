//! `select!`: Go's select statement. Parse (`ast.rs`), check (`valid.rs`), expand
//! (`expand.rs`); the engine it expands to is goro-chan's `select.rs`.
pub(crate) mod ast;
pub(crate) mod expand;
pub(crate) mod valid;
