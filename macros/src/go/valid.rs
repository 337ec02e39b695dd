//! The rules of `go!` a grammar can't say, each reported at its own token.
use proc_macro2::Span;
use syn::Expr;

use super::ast::GoInput;
use super::free::assignments;
use crate::errors::Errors;
use crate::recover;

/// Reports every broken rule of `input`.
pub(crate) fn check(input: &GoInput) -> syn::Result<()> {
    let mut errors = Errors::default();
    match input {
        GoInput::Empty => errors.push(syn::Error::new(
            Span::call_site(),
            "`go!` needs something to run: a call `go!(f(x))`, a closure `go!(move || ...)` \
             or a block `go!({ ... })`",
        )),
        GoInput::Async(block) => errors.spanned(
            block.async_token,
            "goroutines are stackful and block without `.await`: remove `async` and write \
             `go!({ ... })`",
        ),
        GoInput::Closure(Expr::Closure(closure)) => {
            if let Some(token) = closure.asyncness {
                errors.spanned(
                    token,
                    "goroutines are stackful and block without `.await`: remove `async`",
                );
            }
            if !closure.inputs.is_empty() {
                errors.spanned(
                    &closure.inputs,
                    "a goroutine's closure takes no parameters: capture the values instead, \
                     or pass them with the call form `go!(f(x))`",
                );
            }
        }
        GoInput::Block(stmts) => {
            for assignment in assignments(stmts) {
                let var = &assignment.var;
                errors.spanned(
                    &assignment.expr,
                    format!(
                        "this assigns to the goroutine's own copy of `{var}`, not to the \
                         caller's: a goroutine cannot share a variable with its caller. Share \
                         the value through an atomic, a `goro::sync::Mutex` in an `Arc`, or a \
                         channel; or, for a private copy, write `let mut {var} = {var};` first \
                         in the block"
                    ),
                );
            }
            for call in recover::outside_defer(stmts) {
                errors.push(recover::error(call));
            }
        }
        GoInput::Closure(_) | GoInput::Call(_) | GoInput::Method(_) => {}
    }
    errors.finish()
}
