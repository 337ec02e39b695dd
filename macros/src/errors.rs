//! `Errors`: collects every broken rule of one macro input, each at its own token, so the user
//! sees all of them in one build (serde's `Ctxt`, as a plain accumulator).
use std::fmt::Display;

use quote::ToTokens;

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
