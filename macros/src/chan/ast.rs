//! The syntax of `chan!`: `chan![T]` or `chan![T; n]`, read leniently so that `valid.rs` can
//! name the fix for the usual slips (`chan![]`, `chan![T; ]`, `chan![T, n]`).
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Token, Type};

use crate::errors::{cut_short, leading_expr};

const CAP_ENDS_EARLY: &str =
    "the buffer size stops in the middle of an expression: complete it after this";

/// One `chan!` input.
pub(crate) struct ChanInput {
    /// The element type; `None` for `chan![]`.
    pub(crate) elem: Option<Type>,
    /// The separator after the type, if any.
    pub(crate) sep: Option<Sep>,
    /// The buffer size; `None` for `chan![T]` and `chan![T; ]`.
    pub(crate) cap: Option<Expr>,
}

/// What separates the element type from the buffer size.
pub(crate) enum Sep {
    /// `;`, as in `[T; n]`: right.
    Semi(Token![;]),
    /// `,`: a slip, reported by `valid.rs`.
    Comma(Token![,]),
}

impl ToTokens for Sep {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Sep::Semi(semi) => semi.to_tokens(tokens),
            Sep::Comma(comma) => comma.to_tokens(tokens),
        }
    }
}

impl Parse for ChanInput {
    fn parse(input: ParseStream) -> syn::Result<ChanInput> {
        if input.is_empty() {
            return Ok(ChanInput {
                elem: None,
                sep: None,
                cap: None,
            });
        }
        let elem = input.parse::<Type>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the element type: `chan![T]` (unbuffered) or `chan![T; n]`",
            )
        })?;
        let sep = if input.peek(Token![;]) {
            Some(Sep::Semi(input.parse()?))
        } else if input.peek(Token![,]) {
            Some(Sep::Comma(input.parse()?))
        } else if input.is_empty() {
            None
        } else {
            return Err(input
                .error("expected `;` and the buffer size after the element type: `chan![T; n]`"));
        };
        let rest = input.fork().parse::<TokenStream>()?;
        let cap = match sep.is_some() && !input.is_empty() {
            true => Some(
                input
                    .parse()
                    .map_err(|error| match cut_short(leading_expr, &rest) {
                        Some(last) => syn::Error::new_spanned(last, CAP_ENDS_EARLY),
                        None => error,
                    })?,
            ),
            false => None,
        };
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the buffer size: `chan![T; n]`"));
        }
        Ok(ChanInput {
            elem: Some(elem),
            sep,
            cap,
        })
    }
}
