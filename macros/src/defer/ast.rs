//! The syntax of `defer!`: which of its forms the input is (syntax only; the rules live in
//! `valid.rs`). A proc macro cannot see which brackets it was called with, so the content
//! decides:
//! 1. nothing                                         -> `Empty` (an error)
//! 2. one expression without a trailing `;`, which is
//!    - a call `f(a, b)` / `path::f(a)`               -> `Call`
//!    - a method call `obj.m(a)`                      -> `Method`
//!    - a `{ ... }` block                             -> `Block` with its statements
//!    - a statement-like expression (`println!(..)`,
//!      `if`, `match`, a loop, an assignment, `unsafe`) -> `Block` of that expression
//!    - a closure                                     -> `Closure` (an error: call it)
//!    - anything else (`x`, `1`, `a + b`)             -> `Value` (an error)
//! 3. statements (`defer! { a(); b(); }`, `defer!(f();)`) -> `Block`
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Block, Expr, ExprCall, ExprClosure, ExprMethodCall, Stmt};

/// One `defer!` input.
pub(crate) enum DeferInput {
    /// `defer!()`.
    Empty(Span),
    /// `defer!(f(a, b))`: Go's `defer f(a, b)`.
    Call(ExprCall),
    /// `defer!(obj.m(a))`: Go's `defer obj.m(a)`.
    Method(ExprMethodCall),
    /// `defer!({ ... })`, `defer! { ...; }`: Go's `defer func() { ... }()`.
    Block(Vec<Stmt>),
    /// `defer!(|| ...)`: rejected by `valid.rs`.
    Closure(Box<ExprClosure>),
    /// `defer!(x)`: a value, nothing to call; rejected by `valid.rs`.
    Value(Box<Expr>),
}

impl Parse for DeferInput {
    fn parse(input: ParseStream) -> syn::Result<DeferInput> {
        if input.is_empty() {
            return Ok(DeferInput::Empty(Span::call_site()));
        }
        let mut stmts = Block::parse_within(input)?;
        if stmts.len() != 1 {
            return Ok(DeferInput::Block(stmts));
        }
        let expr = match stmts.pop() {
            Some(Stmt::Expr(expr, None)) => expr,
            other => return Ok(DeferInput::Block(other.into_iter().collect())),
        };
        Ok(match expr {
            Expr::Call(call) => DeferInput::Call(call),
            Expr::MethodCall(call) => DeferInput::Method(call),
            Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => {
                DeferInput::Block(b.block.stmts)
            }
            Expr::Closure(c) => DeferInput::Closure(Box::new(c)),
            e @ (Expr::Macro(_)
            | Expr::If(_)
            | Expr::Match(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Loop(_)
            | Expr::Assign(_)
            | Expr::Unsafe(_)
            | Expr::Block(_)) => DeferInput::Block(vec![Stmt::Expr(e, None)]),
            e => DeferInput::Value(Box::new(e)),
        })
    }
}
