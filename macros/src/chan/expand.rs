//! The `quote!` of a checked `chan!`. Cannot fail; names only `::goro::__private::…`.
//!
//! ```text
//! chan![T]       ::goro::__private::Chan::<T>::new(0)
//! chan![T; n]    ::goro::__private::Chan::<T>::new(n)
//! ```
//! `n` keeps its span, so a capacity that is no `usize` is reported at it.
use proc_macro2::TokenStream;
use quote::quote;

use super::ast::ChanInput;

/// The expansion of a checked `chan!` input.
pub(crate) fn expand(input: &ChanInput) -> TokenStream {
    let elem = &input.elem;
    let cap = match &input.cap {
        Some(cap) => quote!(#cap),
        None => quote!(0),
    };
    quote!(::goro::__private::Chan::<#elem>::new(#cap))
}
