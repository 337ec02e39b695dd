//! `Errors`: collects every broken rule of one macro input, each at its own token, so the user
//! sees all of them in one build (serde's `Ctxt`, as a plain accumulator). `cut_short`: where
//! to report input that ends in the middle of an expression.
use std::fmt::Display;

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;

/// An accumulator of `syn::Error`s; `finish` turns it into one combined error, or `Ok`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records `error`, keeping the ones recorded before.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records `message` at the span of `tokens` (first to last token).
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// `Ok` when nothing was recorded, else every recorded error as one.
    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The last of `tokens` if they end in the middle of what `parse` reads (`rx +`, `self.`,
/// `let x =`): `parse` fails on them but not once they are completed with `__goro_end;`.
/// syn reports that as "unexpected end of input" over the whole macro call; the last token is
/// where the user stopped, so that is where the error belongs. `None` for any other failure.
pub(crate) fn cut_short<P: Parser + Copy>(parse: P, tokens: &TokenStream) -> Option<TokenTree> {
    if parse.parse2(tokens.clone()).is_ok() {
        return None;
    }
    let mut completed = tokens.clone();
    completed.extend([
        TokenTree::Ident(Ident::new("__goro_end", Span::call_site())),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ]);
    parse.parse2(completed).ok()?;
    tokens.clone().into_iter().last()
}

/// A parser of an expression at the start of the input, ignoring what follows, for
/// [`cut_short`].
pub(crate) fn leading_expr(input: syn::parse::ParseStream) -> syn::Result<()> {
    syn::Expr::parse_without_eager_brace(input)?;
    input.parse::<TokenStream>().map(drop)
}
