//! The rules of `defer!` a grammar can't say: something to defer, and a call rather than a
//! value or an uncalled closure.
use super::ast::DeferInput;
use crate::errors::Errors;

/// Every broken rule of `input`, each at its own token.
pub(crate) fn check(input: &DeferInput) -> syn::Result<()> {
    let mut errors = Errors::default();
    match input {
        DeferInput::Empty(span) => errors.push(syn::Error::new(
            *span,
            "defer! needs something to run at scope exit: a call, `defer!(f(x))`, or a \
             block, `defer!({ ... })`",
        )),
        DeferInput::Closure(c) => errors.spanned(
            c,
            "defer! takes a call, not a closure: write the closure's body as a block, \
             `defer!({ ... })`, or call it, `defer!((|| ...)())`",
        ),
        DeferInput::Value(v) => errors.spanned(
            v,
            "defer! takes a call or a block, and this is a value: write `defer!(f(x))` to \
             call `f` at scope exit, or `defer!({ ... })` to run statements there",
        ),
        DeferInput::Call(_) | DeferInput::Method(_) | DeferInput::Block(_) => {}
    }
    errors.finish()
}
