//! `defer!`: Go's `defer` statement. Parse (`ast.rs`), check (`valid.rs`), expand
//! (`expand.rs`, with a block's direct `recover()` calls from `direct.rs`).
pub(crate) mod ast;
pub(crate) mod direct;
pub(crate) mod expand;
pub(crate) mod valid;
