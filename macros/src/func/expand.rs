//! The `quote!` of `#[goro::func]`. Cannot fail; names only `::goro::__private::…`.
//!
//! ```text
//! #[goro::func] fn f(args) -> R { body }     fn f(args) -> R {
//!                                                ::goro::__private::func(
//!                                                    move || -> R { body },
//!                                                    <R as Default>::default)
//!                                            }
//! ```
//! `func` runs the closure as a frame (`catch_unwind` plus a record its `defer!`s find):
//! after a deferred call recovered it returns `R::default()` (named at the return type, so
//! that rustc reports a missing `Default` there). `impl Trait` is not allowed in
//! a closure's return type, so there it is left inferred.
use crate::entry::expand::has_impl_trait;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{AttrStyle, ItemFn, ReturnType};

/// The expansion of a checked fn.
pub(crate) fn expand(f: &ItemFn) -> TokenStream {
    let (inner, outer): (Vec<_>, Vec<_>) = f
        .attrs
        .iter()
        .partition(|a| matches!(a.style, AttrStyle::Inner(_)));
    let (vis, sig) = (&f.vis, &f.sig);
    let stmts = &f.block.stmts;
    let default = quote!(::core::default::Default::default);
    let (annotation, zero) = match &sig.output {
        // Named, so that a missing `Default` is reported at the return type.
        ReturnType::Type(arrow, ty) if !has_impl_trait(ty) => (
            Some(quote!(#arrow #ty)),
            quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default),
        ),
        _ => (None, default),
    };
    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            ::goro::__private::func(move || #annotation { #(#stmts)* }, #zero)
        }
    }
}
