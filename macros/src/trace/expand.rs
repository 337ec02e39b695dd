//! The `quote!` of `#[derive(Trace)]`. Cannot fail; names `::goro::gc::{Trace, Tracer}` (the
//! trait users see in errors) and nothing else of goro's.
//!
//! ```text
//! struct X<'s, T> { a: A, #[trace(skip)] b: B }
//! unsafe impl<'s, T> ::goro::gc::Trace for X<'s, T> where T: ::goro::gc::Trace {
//!     fn trace(&self, __goro_tracer: &mut ::goro::gc::Tracer) {
//!         fn trace_skip_needs_a_static_type_because_…<F: ?Sized + 'static>() {}
//!         trace_skip_needs_a_static_type_because_…::<B>();       // spanned at `B`
//!         let Self { a: __goro_field0, .. } = self;
//!         <A as ::goro::gc::Trace>::trace(__goro_field0, __goro_tracer); // spanned at `A`
//!     }
//! }
//! const _: () = {   // unless #[trace(unsafe_drop)]: `impl Drop for X` now conflicts
//!     trait TypeThatDerivesTraceMustNotImplementDrop_OrOptOutWith_trace_unsafe_drop {}
//!     impl<D: Drop + ?Sized> TypeThat… for D {}                // spanned at the derive
//!     impl<'s, T> TypeThat… for X<'s, T> {}                    // spanned at `X`
//! };
//! ```
//! An enum matches `self` on its variants instead of the `let` (`*self` if it has none).
//! The `'static` check is a backstop: `valid.rs` already refused the skipped fields it can
//! see borrowing, with a clearer message.
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, parse_quote};

use super::valid::{Field, Shape, TraceInput};

pub(crate) fn expand(ty: &TraceInput) -> TokenStream {
    let input = ty.input;
    let name = &input.ident;
    let tracer = quote!(__goro_tracer);

    let mut bounded = input.generics.clone();
    for param in &input.generics.params {
        if let GenericParam::Type(p) = param {
            let id = &p.ident;
            bounded
                .make_where_clause()
                .predicates
                .push(parse_quote!(#id: ::goro::gc::Trace));
        }
    }
    let (impl_generics, ty_generics, where_clause) = bounded.split_for_impl();

    let (statics, body) = match &ty.shape {
        Shape::Struct(fields) => {
            let (pattern, traces) = destructure(fields, &tracer);
            (
                static_checks(fields.iter()),
                quote!(let Self #pattern = self; #traces),
            )
        }
        Shape::Enum(variants) => {
            let statics = static_checks(variants.iter().flat_map(|(_, f)| f));
            let arms = variants.iter().map(|(v, fields)| {
                let (pattern, traces) = destructure(fields, &tracer);
                quote!(Self::#v #pattern => { #traces })
            });
            // `&Never` is inhabited as far as `match` knows: an empty enum matches the place.
            let scrutinee = if variants.is_empty() {
                quote!(*self)
            } else {
                quote!(self)
            };
            (statics, quote!(match #scrutinee { #(#arms)* }))
        }
    };

    let no_drop = (!ty.unsafe_drop).then(|| {
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        // Named so the "conflicting implementations" error says what is wrong and how to
        // opt out; the span puts the second impl on the type's name.
        let guard = format_ident!(
            "TypeThatDerivesTraceMustNotImplementDrop_OrOptOutWith_trace_unsafe_drop",
            span = name.span()
        );
        // The blanket impl at the derive, the type's own impl at its name: the two labels of
        // the error.
        let blanket = quote! {
            #[allow(drop_bounds, reason = "only a type's own Drop impl can conflict")]
            impl<D: ::core::ops::Drop + ?::core::marker::Sized> #guard for D {}
        };
        let own = quote_spanned! {name.span()=>
            impl #impl_generics #guard for #name #ty_generics #where_clause {}
        };
        quote! {
            #[doc(hidden)]
            const _: () = {
                #[allow(non_camel_case_types, reason = "the name is the error message")]
                #[allow(dead_code, reason = "only its impls matter")]
                trait #guard {}
                #blanket
                #own
            };
        }
    });

    quote! {
        // SAFETY: `trace` passes the tracer to every field not marked `#[trace(skip)]`, each
        // once; a skipped field is `'static` (checked below), so it borrows no handle, and its
        // type was declared by the user to own none.
        #[automatically_derived]
        unsafe impl #impl_generics ::goro::gc::Trace for #name #ty_generics #where_clause {
            #[allow(unused_variables, reason = "a type without traced fields ignores the tracer")]
            fn trace(&self, #tracer: &mut ::goro::gc::Tracer) {
                #statics
                #body
            }
        }
        #no_drop
    }
}

/// A braced pattern binding the traced fields (`{ a: __goro_field0, 1: __goro_field1, .. }`,
/// which fits named, tuple and unit shapes alike), and the calls that trace them.
fn destructure(fields: &[Field], tracer: &TokenStream) -> (TokenStream, TokenStream) {
    let traced: Vec<_> = fields.iter().filter(|f| !f.skip).collect();
    let bindings: Vec<_> = (0..traced.len())
        .map(|i| format_ident!("__goro_field{i}"))
        .collect();
    let members = traced.iter().map(|f| &f.member);
    let rest = (traced.len() < fields.len()).then(|| quote!(..));
    let pattern = quote!({ #(#members: #bindings,)* #rest });
    let traces = traced.iter().zip(&bindings).map(|(f, b)| {
        // At the field's type: "`Rc<u32>` does not implement `goro::gc::Trace`" points there.
        // `<T as Trace>` makes rustc point at all of `T`, not its first token.
        let (ty, b) = (f.ty, with_span(b, f.ty.span()));
        quote_spanned!(f.ty.span()=> <#ty as ::goro::gc::Trace>::trace(#b, #tracer);)
    });
    (pattern, quote!(#(#traces)*))
}

/// Calls that make a skipped field whose type is not `'static` a compile error at the type:
/// such a field could borrow a handle the collector would never see.
fn static_checks<'a>(fields: impl Iterator<Item = &'a Field<'a>>) -> TokenStream {
    let skipped: Vec<_> = fields.filter(|f| f.skip).collect();
    if skipped.is_empty() {
        return TokenStream::new();
    }
    let check = format_ident!(
        "trace_skip_needs_a_static_type_because_a_borrowed_field_could_hide_a_gc_handle"
    );
    let calls = skipped.iter().map(|f| {
        let ty = f.ty;
        let check = with_span(&check, ty.span());
        quote_spanned!(ty.span()=> #check::<#ty>();)
    });
    quote! {
        fn #check<F: ?::core::marker::Sized + 'static>() {}
        #(#calls)*
    }
}

fn with_span(id: &syn::Ident, span: Span) -> syn::Ident {
    let mut id = id.clone();
    id.set_span(span);
    id
}
