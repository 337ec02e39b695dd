//! The rules of `#[goro::func]`: no arguments, on a fn (free or in an `impl`) that is not
//! `async` or `const`, with no `recover()` outside its deferred blocks (`recover.rs`). (The
//! return type must implement `Default`; rustc says so at the type.)
use proc_macro2::TokenStream;
use syn::ItemFn;

use crate::errors::Errors;
use crate::recover;

/// The fn, if every rule holds; else every broken rule at its own token.
pub(crate) fn check(args: TokenStream, item: TokenStream) -> syn::Result<ItemFn> {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.spanned(
            &args,
            "#[goro::func] takes no arguments: write `#[goro::func]`",
        );
    }
    let f = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let first = item.into_iter().next();
            errors.spanned(
                first,
                "#[goro::func] goes on a fn: the function whose deferred calls may recover \
                 from a panic",
            );
            return Err(errors.finish().expect_err("an error was recorded"));
        }
    };
    if let Some(a) = &f.sig.asyncness {
        errors.spanned(
            a,
            "#[goro::func] cannot be async: goroutines block instead of awaiting; remove `async`",
        );
    }
    if let Some(c) = &f.sig.constness {
        errors.spanned(
            c,
            "#[goro::func] cannot be const: recovering runs at run time; remove `const`",
        );
    }
    for call in recover::outside_defer(&f.block.stmts) {
        errors.push(recover::error(call));
    }
    errors.finish().map(|()| f)
}
