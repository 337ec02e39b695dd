//! The `quote!` of `#[goro::main]` / `#[goro::test]`. Cannot fail; names only
//! `::goro::__private::…` (and std's `test` attribute and `Termination`).
//!
//! ```text
//! #[goro::main] fn main() { body }           fn main() { run_main_or(move || -> () { body }, zero) }
//! #[goro::main] fn main() -> R { body }      fn main() -> ExitCode {
//!                                                run_main_or(move || Termination::report(
//!                                                    (move || -> R { body })()), zero) }
//! #[goro::test] #[attrs] fn t() { body }     #[test] #[attrs] fn t() {
//!                                                run_test_or(move || -> () { body }, zero) }
//! #[goro::main(gomaxprocs = 4)] fn main() {} fn main() { run_main_with(
//!                                                Options { gomaxprocs: 4, stack_size: 0 },
//!                                                move || -> () { body }, zero) }
//! ```
//! `zero` (`Default::default`: `()` or `ExitCode::SUCCESS`) is what goroutine 1 returns if
//! its deferred calls recover a panic, as Go's `main` then returns normally.
//! A return value crosses from goroutine 1 back to the caller's thread, so it must be
//! `Send`; `Result<(), Box<dyn Error>>` is not. So a fn that returns something reports it
//! (`Error: …` on stderr, as std's `main` and test harness do) inside goroutine 1 and returns
//! only the `ExitCode`, which std's `main` and the test harness accept as well.
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{AttrStyle, ReturnType, Signature, Type, TypeImplTrait, parse_quote};

use super::Kind;
use super::ast::Entry;

/// The expansion of a checked entry fn.
pub(crate) fn expand(entry: &Entry) -> TokenStream {
    let func = &entry.func;
    let (inner, outer): (Vec<_>, Vec<_>) = func
        .attrs
        .iter()
        .partition(|a| matches!(a.style, AttrStyle::Inner(_)));
    let vis = &func.vis;
    let stmts = &func.block.stmts;
    // Without options `run_main_or(f, zero)` / `run_test_or`; with them
    // `run_main_with(Options, f, zero)` / `run_test_with`.
    let (runner, opts) = if entry.options.is_empty() {
        let runner = match entry.kind {
            Kind::Main => quote!(::goro::__private::run_main_or),
            Kind::Test => quote!(::goro::__private::run_test_or),
        };
        (runner, quote!())
    } else {
        let value = |name| match entry.option(name) {
            Some(int) => quote!(#int),
            None => quote!(0),
        };
        let (procs, stack) = (value("gomaxprocs"), value("stack_size"));
        let runner = match entry.kind {
            Kind::Main => quote!(::goro::__private::run_main_with),
            Kind::Test => quote!(::goro::__private::run_test_with),
        };
        let opts = quote!(::goro::__private::Options { gomaxprocs: #procs, stack_size: #stack },);
        (runner, opts)
    };
    let test = match entry.kind {
        Kind::Main => quote!(),
        Kind::Test => quote!(#[::core::prelude::v1::test]),
    };
    // What goroutine 1 returns if its deferred calls recover a panic: `()` or
    // `ExitCode::SUCCESS`, as Go's main returning normally.
    let zero = quote!(::core::default::Default::default);
    let (sig, body) = match returned(&func.sig) {
        None => (
            func.sig.clone(),
            quote!(#runner(#opts move || -> () { #(#stmts)* }, #zero)),
        ),
        Some(ty) => {
            let mut sig = func.sig.clone();
            sig.output = parse_quote!(-> ::std::process::ExitCode);
            // `impl Trait` is not allowed in a closure's return type: leave it inferred.
            let annotation = (!has_impl_trait(ty)).then(|| quote!(-> #ty));
            // Spanned at the return type: "`T: Termination` is not satisfied" points there.
            let report = quote_spanned! {ty.span()=>
                ::std::process::Termination::report((move || #annotation { #(#stmts)* })())
            };
            let body = quote!(#runner(#opts move || #report, #zero));
            (sig, body)
        }
    };
    quote! {
        #test
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #body
        }
    }
}

/// The return type, unless the fn returns `()`.
fn returned(sig: &Signature) -> Option<&Type> {
    match &sig.output {
        ReturnType::Type(_, ty) if !matches!(&**ty, Type::Tuple(t) if t.elems.is_empty()) => {
            Some(ty)
        }
        _ => None,
    }
}

/// Whether `ty` mentions `impl Trait` anywhere (not allowed in a closure's return type).
pub(crate) fn has_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
