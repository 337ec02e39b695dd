//! The syntax of `go!`: which of its three forms the input is (syntax only; rules a grammar
//! can't say live in `valid.rs`).
//!
//! A proc macro never sees the brackets it was called with, so the form is decided by the
//! tokens alone:
//! 1. nothing                                   -> `Empty` (an error in `valid.rs`)
//! 2. one expression, which is
//!    - a call `f(a, b)` / `path::f(a)`         -> `Call`
//!    - a method call `obj.m(a)`                -> `Method`
//!    - a closure, path, field or parenthesised
//!      expression (`move || ..`, `task`)       -> `Closure`, spawned as is
//!    - an `async` block                        -> `Async` (an error in `valid.rs`)
//!    - a `{ ... }` block                       -> `Block` with its statements
//!    - anything else (`println!(..)`, `if ..`) -> `Block` of that one expression
//! 3. statements (`go! { a(); b() }`)           -> `Block`
//!
//! So `go! { f(x) }` is the call form, like `go!(f(x))`; `go!({ f(x) })` and `go! { f(x); }`
//! are blocks.
use syn::parse::{Parse, ParseStream};
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

impl Parse for GoInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(GoInput::Empty);
        }
        let fork = input.fork();
        if let Ok(expr) = fork.parse::<Expr>()
            && fork.is_empty()
        {
            input.parse::<Expr>()?;
            return Ok(GoInput::classify(expr));
        }
        Block::parse_within(input).map(GoInput::Block)
    }
}

impl GoInput {
    /// The form of a single-expression input (step 2 of the module docs).
    fn classify(expr: Expr) -> GoInput {
        match expr {
            Expr::Call(call) => GoInput::Call(call),
            Expr::MethodCall(call) => GoInput::Method(call),
            Expr::Closure(_) | Expr::Path(_) | Expr::Field(_) | Expr::Paren(_) => {
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
