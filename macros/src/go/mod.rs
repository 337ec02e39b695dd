//! `go!`: Go's go statement. Parse (`ast.rs`), check (`valid.rs`), expand (`expand.rs`); the
//! block form's free-variable analysis is `free.rs`, with macro bodies read by `mac.rs`.
pub(crate) mod ast;
pub(crate) mod expand;
mod free;
mod mac;
pub(crate) mod valid;
