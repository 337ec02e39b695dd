//! What `#[goro::main]` / `#[goro::test]` emit next to their errors: the fn, so that IDEs and
//! rustc still read its body (tokio's entry macros do the same), but never in a shape that
//! makes rustc repeat an error already reported at the same token:
//! - a `fn main` that is `async`, takes parameters or is generic is rejected by rustc as the
//!   program's entry point too, so it is emitted inside a plain `fn main() { ... }` that
//!   stands in for it;
//! - `#[test]` attributes (already reported: `#[goro::test]` adds one) are dropped, or
//!   rustc's test harness would judge the fn as well.
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::Kind;
use super::ast::Entry;
use super::valid::is_test_attr;

/// The fn of an entry that broke a rule, to emit beside the errors.
pub(crate) fn fallback(entry: &Entry) -> TokenStream {
    let mut func = entry.func.clone();
    let sig = &func.sig;
    match entry.kind {
        Kind::Main
            if sig.ident == "main"
                && (sig.asyncness.is_some()
                    || !sig.inputs.is_empty()
                    || !sig.generics.params.is_empty()
                    || sig.generics.where_clause.is_some()) =>
        {
            let (vis, ident) = (&func.vis, &sig.ident);
            quote! {
                #vis fn #ident() {
                    #func
                }
            }
        }
        Kind::Main => func.into_token_stream(),
        Kind::Test => {
            func.attrs.retain(|attr| !is_test_attr(attr));
            func.into_token_stream()
        }
    }
}
