//! `#[goro::func]`: a function whose deferred calls may recover from a panic, returning
//! `Default::default()` then. Parse and check (`valid.rs`: it must be a plain fn), expand
//! (`expand.rs`). On an error the item is emitted unchanged next to it.
use proc_macro2::TokenStream;

pub(crate) mod expand;
pub(crate) mod valid;

/// The whole attribute: `args` are the attribute's arguments, `item` what it is on.
pub(crate) fn func(args: TokenStream, item: TokenStream) -> TokenStream {
    match valid::check(args, item.clone()) {
        Ok(f) => expand::expand(&f),
        Err(errors) => {
            let mut out = item;
            out.extend(errors.into_compile_error());
            out
        }
    }
}
