//! The rules of `chan!` beyond its grammar, each reported at its own token: an element type
//! is given, and a buffer size follows a `;` (not a `,`), if anything does.
use proc_macro2::Span;

use super::ast::{ChanInput, Sep};
use crate::errors::Errors;

/// Reports every broken rule of `input`.
pub(crate) fn check(input: &ChanInput) -> syn::Result<()> {
    let mut errors = Errors::default();
    if input.elem.is_none() {
        errors.push(syn::Error::new(
            Span::call_site(),
            "`chan!` needs the element type: `chan![T]` for an unbuffered channel, \
             `chan![T; n]` for a buffer of `n`",
        ));
    }
    match &input.sep {
        Some(Sep::Comma(comma)) => errors.spanned(
            comma,
            "`chan!` separates the element type and the buffer size with `;`, as an array \
             type: write `chan![T; n]`",
        ),
        Some(Sep::Semi(semi)) if input.cap.is_none() => errors.spanned(
            semi,
            "expected the buffer size after `;`: `chan![T; n]`, or `chan![T]` for an \
             unbuffered channel",
        ),
        Some(Sep::Semi(_)) | None => {}
    }
    errors.finish()
}
