//! The syntax of `go!`: which of its three forms the input is (syntax only; rules a grammar
//! can't say live in `valid.rs`).
//!
//! `go! { ... }` (braces) is always the block form, Go's `go func() { ... }()`, even when it
//! holds one call. A proc macro's tokens don't say which brackets it was called with; the
//! source text of the call site does, whenever the call comes from source (directly or
//! through `macro_rules!`). Otherwise the form is decided by the tokens:
//! 1. nothing                                   -> `Empty` (an error in `valid.rs`)
//! 2. one expression, which is
//!    - a call `f(a, b)` / `path::f(a)`         -> `Call`
//!    - a method call `obj.m(a)`                -> `Method`
//!    - a closure, path, field or parenthesised
//!      expression (`move || ..`, `task`)       -> `Closure`, spawned as is
//!    - an `async` block                        -> `Async` (an error in `valid.rs`)
//!    - a `{ ... }` block                       -> `Block` with its statements
//!    - anything else (`println!(..)`, `if ..`) -> `Block` of that one expression
//! 3. statements (`go!(a(); b())`)              -> `Block`
//!
//! With braces, step 2's call, method call and closure become a `Block` of that expression.
//! (Only if a proc macro generated the `go!` call is its source unknown: then `go! { f(x) }`
//! is the call form, as `go!(f(x))`.)
use proc_macro2::Span;
use syn::parse::{ParseStream, Parser};
use syn::{Block, Expr, ExprAsync, ExprCall, ExprMethodCall, Stmt};
/// One `go!` input.
pub(crate) enum GoInput {
    /// `go!()`.
    Empty,
    /// `go!(f(a, b))`: Go's `go f(a, b)`.
    Call(ExprCall),
    /// `go!(obj.method(a))`: Go's `go obj.method(a)`.
    Method(ExprMethodCall),
    /// `go!(move || ...)`, `go!(task)`: a closure value, spawned as is.
    Closure(Expr),
    /// `go!(async { ... })`: rejected by `valid.rs`.
    Async(ExprAsync),
    /// `go!({ ... })`, `go! { ... }`: Go's `go func() { ... }()`.
    Block(Vec<Stmt>),
}

/// Whether the call site reads `go! { ... }`; `false` when its source is unknown.
pub(crate) fn invoked_with_braces() -> bool {
    let Some(text) = Span::call_site().source_text() else {
        return false;
    };
    let after_bang = text.split_once('!').map_or("", |(_, rest)| rest);
    after_bang
        .find(['(', '[', '{'])
        .is_some_and(|i| after_bang[i..].starts_with('{'))
}

impl GoInput {
    /// The parser of a `go!` input; `braced`: the call was `go! { ... }`.
    pub(crate) fn parser(braced: bool) -> impl Parser<Output = GoInput> {
        move |input: ParseStream| GoInput::parse(input, braced)
    }

    fn parse(input: ParseStream, braced: bool) -> syn::Result<GoInput> {
        if input.is_empty() {
            return Ok(GoInput::Empty);
        }
        let fork = input.fork();
        if let Ok(expr) = fork.parse::<Expr>()
            && fork.is_empty()
        {
            input.parse::<Expr>()?;
            return Ok(GoInput::classify(expr, braced));
        }
        Block::parse_within(input).map(GoInput::Block)
    }

    /// The form of a single-expression input (step 2 of the module docs).
    fn classify(expr: Expr, braced: bool) -> GoInput {
        match expr {
            Expr::Call(call) if !braced => GoInput::Call(call),
            Expr::MethodCall(call) if !braced => GoInput::Method(call),
            Expr::Closure(_) | Expr::Path(_) | Expr::Field(_) | Expr::Paren(_) if !braced => {
                GoInput::Closure(expr)
            }
            Expr::Async(block) => GoInput::Async(block),
            Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => {
                GoInput::Block(block.block.stmts)
            }
            other => GoInput::Block(vec![Stmt::Expr(other, None)]),
        }
    }
}
