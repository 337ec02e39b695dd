//! `#[derive(Trace)]`: the collector's map of a type's handles. Read and check the input
//! and its `#[trace(...)]` options (`valid.rs`), then write the impl (`expand.rs`).
use proc_macro2::TokenStream;
use syn::DeriveInput;

pub(crate) mod expand;
pub(crate) mod valid;

/// The whole derive.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    match valid::check(input) {
        Ok(ty) => expand::expand(&ty),
        Err(e) => e.into_compile_error(),
    }
}
