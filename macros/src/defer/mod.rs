//! `defer!`: Go's `defer` statement. Parse (`ast.rs`), check (`valid.rs`), expand
//! (`expand.rs`).
pub(crate) mod ast;
pub(crate) mod expand;
pub(crate) mod valid;
