//! The `quote!` of `defer!`. Cannot fail; names only `::goro::__private::…`.
//!
//! ```text
//! defer!(f(a, b))     let __f = f;  (only when `f` is not a path)
//!                     let __a0 = a; let __a1 = b;
//!                     let deferred = held(Deferred::call(|_| { let _ = f(__a0, __a1); }));
//!                     (the result is dropped, as Go drops a deferred call's results)
//! defer!(obj.m(a))    let __a0 = a;  (`obj` a place: used, and borrowed, at the call;
//!                                     any other receiver is evaluated now, as `let __r`)
//!                     let deferred = held(Deferred::call(|_| { let _ = obj.m(__a0); }));
//! defer!({ body })    let deferred = held(Deferred::block(|__call| {
//!                         let recover = || recover_in(__call);  (a hygienic name)
//!                         body  (its direct `recover()` calls naming that one)
//!                     }));
//! held(g)             { let __g = g; move || { let _ = &__g; } }  (see `guard`)
//! ```
//! The `let`s land in the scope the `defer!` statement is in (their names are hygienic), so
//! the guard is dropped at that scope's end, after everything declared later: Go's LIFO
//! order. In the block form `recover()` and `goro::recover()` written in the body itself,
//! not in a closure, async block or nested fn in it, become the local `recover`, which
//! knows its deferred call (`direct.rs`): that is Go's rule that only a `recover` called
//! directly by the deferred function stops the panic.
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

use super::ast::DeferInput;
use super::direct;

/// The expansion of a checked `defer!` input.
pub(crate) fn expand(input: &DeferInput) -> TokenStream {
    let call = format_ident!("__goro_defer_call", span = Span::mixed_site());
    match input {
        DeferInput::Call(c) => {
            let mut lets = TokenStream::new();
            let func = if matches!(&*c.func, Expr::Path(_)) {
                let f = &c.func;
                quote!(#f)
            } else {
                evaluate_now("__goro_defer_f", &c.func, &mut lets)
            };
            let args = arguments(c.args.iter(), &mut lets);
            let guard = guard(quote! {
                ::goro::__private::Deferred::call(
                    |_: &::goro::__private::DeferCall| { let _ = #func(#(#args),*); }
                )
            });
            quote!(#lets #guard)
        }
        DeferInput::Method(m) => {
            let mut lets = TokenStream::new();
            let receiver = if is_place(&m.receiver) {
                let r = &m.receiver;
                quote!(#r)
            } else {
                evaluate_now("__goro_defer_recv", &m.receiver, &mut lets)
            };
            let args = arguments(m.args.iter(), &mut lets);
            let (method, turbofish) = (&m.method, &m.turbofish);
            let guard = guard(quote! {
                ::goro::__private::Deferred::call(
                    |_: &::goro::__private::DeferCall| {
                        let _ = #receiver.#method #turbofish(#(#args),*);
                    }
                )
            });
            quote!(#lets #guard)
        }
        DeferInput::Block(stmts) => {
            let recover = format_ident!("recover", span = Span::mixed_site());
            let body = direct::rewrite(stmts, &recover);
            guard(quote! {
                ::goro::__private::Deferred::block(
                    |#call: &::goro::__private::DeferCall| {
                        #[allow(unused_variables)]
                        let #recover = || ::goro::__private::recover_in(#call);
                        #body
                    }
                )
            })
        }
        // Rejected by `valid.rs`.
        DeferInput::Empty(_) | DeferInput::Closure(_) | DeferInput::Value(_) => quote!(),
    }
}

/// `let deferred = { let d = <guard>; move || { let _ = &d; } };`: the guard, held in a
/// closure that owns it. A borrow the deferred code holds past a later use of the variable
/// (`defer!({ use(n) }); n += 1;`) is then reported "when `deferred` is dropped and runs the
/// destructor for closure", not "the `Drop` code for type `goro::__private::Deferred`". The
/// closure is never called: dropping it drops the guard, at the same point, and the deferred
/// closure's type name (which `recover` reads) is unchanged, written where it was.
fn guard(guard: TokenStream) -> TokenStream {
    let deferred = format_ident!("deferred", span = Span::mixed_site());
    let inner = format_ident!("__goro_guard", span = Span::mixed_site());
    quote! {
        #[allow(unused_variables)]
        let #deferred = {
            let #inner = #guard;
            move || {
                let _ = &#inner;
            }
        };
    }
}

/// `let mut <name> = <e>;` into `lets` (`mut`: a receiver's method may take `&mut self`);
/// returns the name.
fn evaluate_now(name: &str, e: &Expr, lets: &mut TokenStream) -> TokenStream {
    let id = format_ident!("{}", name, span = Span::mixed_site());
    lets.extend(quote_spanned!(e.span()=> #[allow(unused_mut)] let mut #id = #e;));
    quote!(#id)
}

/// Each argument evaluated now, in order, into a `let`; returns their names.
fn arguments<'a>(args: impl Iterator<Item = &'a Expr>, lets: &mut TokenStream) -> Vec<TokenStream> {
    args.enumerate()
        .map(|(i, a)| evaluate_now(&format!("__goro_defer_a{i}"), a, lets))
        .collect()
}

/// Whether `e` names a place (a variable, field or index), which the deferred call uses
/// where it is, as Go's method value of an addressable receiver.
fn is_place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => is_place(&f.base),
        Expr::Index(i) => is_place(&i.expr),
        Expr::Paren(p) => is_place(&p.expr),
        _ => false,
    }
}
