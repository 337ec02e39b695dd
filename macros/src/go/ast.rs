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
use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Block, Expr, ExprAsync, ExprCall, ExprMethodCall, Stmt, Token};

use crate::errors::cut_short;

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
        statements(input).map(GoInput::Block)
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

/// What `go!` takes, for the error at a statement that runs into the next.
const FORMS: &str = "`go!` takes a call `go!(f(x))`, a closure `go!(move || ...)`, or \
                     statements separated by `;`, `go!({ a(); b() })`";

/// The statements of a block-form input: syn's `Block::parse_within`, except that two
/// statements run together without `;` (`go!(f(x) y)`) are reported at the second with the
/// forms `go!` takes, not as syn's "unexpected token". A syntax error inside a statement
/// keeps syn's message.
fn statements(input: ParseStream) -> syn::Result<Vec<Stmt>> {
    let Err(error) = Block::parse_within(&input.fork()) else {
        return Block::parse_within(input);
    };
    // Find the statement that failed: one that is no statement alone (`Stmt` wants its `;`)
    // but an expression followed by more tokens is missing its `;`.
    while !input.is_empty() {
        if input.parse::<Option<Token![;]>>()?.is_some() {
            continue;
        }
        if input.fork().parse::<Stmt>().is_ok() {
            input.parse::<Stmt>()?;
            continue;
        }
        let ahead = input.fork();
        if ahead.call(Expr::parse_with_earlier_boundary_rule).is_ok()
            && !ahead.is_empty()
            && !ahead.peek(Token![;])
        {
            return Err(ahead.error(format!("expected `;` before this: {FORMS}")));
        }
        let rest = input.fork().parse::<TokenStream>()?;
        if let Some(last) = cut_short(Block::parse_within, &rest) {
            return Err(syn::Error::new_spanned(
                last,
                "the `go!` input stops in the middle of a statement: complete it after this",
            ));
        }
        break;
    }
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::GoInput;
    use syn::parse::Parser;

    fn parse(src: &str) -> syn::Result<GoInput> {
        GoInput::parser(false).parse_str(src)
    }

    #[test]
    fn statements_need_semicolons_between_them_unless_block_like() {
        for src in [
            "a(); b()",
            "a(); b();",
            "if c { a() } b()",
            "let x = 1; f(x)",
            ";;",
        ] {
            assert!(matches!(parse(src), Ok(GoInput::Block(_))), "{src}");
        }
        for src in [
            "f(x) y",
            "a(); b() c",
            "println!(\"a\") b()",
            "let x = 1 y",
            "f(1) +",
        ] {
            assert!(parse(src).is_err(), "{src}");
        }
    }

    #[test]
    fn a_syntax_error_inside_a_statement_keeps_syns_message() {
        let message = |src| parse(src).err().map(|e| e.to_string());
        assert!(message("f(x) y").is_some_and(|m| m.starts_with("expected `;` before this")));
        assert!(message("a(); let = 1;").is_some_and(|m| !m.contains("`go!` takes")));
    }
}
