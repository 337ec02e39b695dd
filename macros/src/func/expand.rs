//! The `quote!` of `#[goro::func]`. Cannot fail; names only `::goro::__private::…`.
//!
//! ```text
//! #[goro::func] fn f(args) -> R { body }     fn f(args) -> R {
//!                                                ::goro::__private::func(move || -> R { body })
//!                                            }
//! ```
//! `func` runs the closure as a frame (`catch_unwind` plus a record its `defer!`s find):
//! after a deferred call recovered it returns `R::default()`. `impl Trait` is not allowed in
//! a closure's return type, so there it is left inferred.
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{AttrStyle, ItemFn, ReturnType, Type, TypeImplTrait};

/// The expansion of a checked fn.
pub(crate) fn expand(f: &ItemFn) -> TokenStream {
    let (inner, outer): (Vec<_>, Vec<_>) = f
        .attrs
        .iter()
        .partition(|a| matches!(a.style, AttrStyle::Inner(_)));
    let (vis, sig) = (&f.vis, &f.sig);
    let stmts = &f.block.stmts;
    let (annotation, runner) = match &sig.output {
        // The `Default` bound is reported at the return type.
        ReturnType::Type(arrow, ty) => (
            (!has_impl_trait(ty)).then(|| quote!(#arrow #ty)),
            quote_spanned!(ty.span()=> ::goro::__private::func),
        ),
        ReturnType::Default => (None, quote!(::goro::__private::func)),
    };
    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #runner(move || #annotation { #(#stmts)* })
        }
    }
}

/// Whether `ty` mentions `impl Trait` anywhere.
fn has_impl_trait(ty: &Type) -> bool {
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
