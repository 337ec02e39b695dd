//! The `quote!` of each `go!` form. Cannot fail; names only `::goro::__private::…`.
//!
//! ```text
//! go!(f(a, b))       { let __goro_arg0 = a; let __goro_arg1 = b;
//!                      ::goro::__private::go(move || { f(__goro_arg0, __goro_arg1); }); }
//! go!(o.m(a))        { let mut __goro_recv = o; let __goro_arg0 = a;
//!                      ::goro::__private::go(move || { __goro_recv.m(__goro_arg0); }); }
//! go!(closure)       ::goro::__private::go(closure)
//! go!({ uses x })    { use ::goro::__private::{Capture* as _, SendProbe* as _};
//!                      let mut x = {
//!                          let __goro_pick = (&&&&::goro::__private::Capture(&x))
//!                              .__goro_pick();
//!                          <_ as ::goro::__private::SendToGoroutine<_>>::__goro_check(
//!                              (&&::goro::__private::SendProbe(&__goro_pick)).__goro_probe());
//!                          <_ as ::goro::__private::ShareOrCopy<_>>::__goro_capture(
//!                              __goro_pick)
//!                      };
//!                      ::goro::__private::go(move || -> () { uses x }); }
//! ```
//! Call form: the callee (unless a path, which names a function or a local the `move`
//! closure takes as it is) and every argument (unless a closure, whose parameter types come
//! from the callee, or a literal) are evaluated now, in source order, into hidden
//! `mixed_site` locals the user can't name. Block form: see `free.rs` for which identifiers
//! are rebound, and goro_rt's `share.rs` for how, the `Send` check included.
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Expr, ExprCall, ExprMethodCall, Stmt, Token, parse_quote};

use super::ast::GoInput;
use super::free::free_variables;

/// The expansion of a checked `go!` input.
pub(crate) fn expand(input: &GoInput) -> TokenStream {
    match input {
        GoInput::Call(call) => call_form(call),
        GoInput::Method(call) => method_form(call),
        GoInput::Closure(closure) => quote!(::goro::__private::go(#closure)),
        GoInput::Block(stmts) => block_form(stmts),
        // Rejected by `valid.rs`.
        GoInput::Empty | GoInput::Async(_) => quote!(()),
    }
}

/// Replaces `expr` with a hidden local `name` and returns the `let` that evaluates it.
/// Parentheses around it (`go!((|x| ...)(1))`) are dropped: needed in the call, they would
/// be `unused_parens` on the `let`.
fn hoist(expr: &mut Expr, name: &str) -> TokenStream {
    let local = Ident::new(name, Span::mixed_site().located_at(expr.span()));
    let value = match std::mem::replace(expr, parse_quote!(#local)) {
        Expr::Paren(p) => *p.expr,
        v => v,
    };
    quote!(let #local = #value;)
}

/// `hoist` into a `let mut`: a receiver the method may borrow as `&mut self`.
fn hoist_mut(expr: &mut Expr, name: &str) -> TokenStream {
    let local = Ident::new(name, Span::mixed_site().located_at(expr.span()));
    let value = std::mem::replace(expr, parse_quote!(#local));
    quote!(#[allow(unused_mut)] let mut #local = #value;)
}

/// Whether an argument is left in place rather than evaluated into a local first.
fn stays(arg: &Expr) -> bool {
    matches!(arg, Expr::Closure(_) | Expr::Lit(_))
}

fn call_form(call: &ExprCall) -> TokenStream {
    let mut call = call.clone();
    let mut lets = Vec::new();
    // The function the goroutine runs, as Go's `go f(x)`: its `defer!`s may recover.
    let alias = match &*call.func {
        Expr::Path(p) => {
            let name = p.path.to_token_stream().to_string();
            quote!(::goro::__private::frame_alias(&#name);)
        }
        _ => {
            lets.push(hoist(&mut call.func, "__goro_func"));
            quote!()
        }
    };
    for (i, arg) in call.args.iter_mut().enumerate() {
        if !stays(arg) {
            lets.push(hoist(arg, &format!("__goro_arg{i}")));
        }
    }
    quote! {
        {
            #(#lets)*
            ::goro::__private::go(move || { #alias #call; });
        }
    }
}

fn method_form(call: &ExprMethodCall) -> TokenStream {
    let mut call = call.clone();
    let mut lets = vec![hoist_mut(&mut call.receiver, "__goro_recv")];
    for (i, arg) in call.args.iter_mut().enumerate() {
        if !stays(arg) {
            lets.push(hoist(arg, &format!("__goro_arg{i}")));
        }
    }
    // The method the goroutine runs: its `defer!`s may recover (by name: its type is
    // not known here).
    let name = call.method.to_string();
    quote! {
        {
            #(#lets)*
            ::goro::__private::go(move || { ::goro::__private::frame_alias(&#name); #call; });
        }
    }
}

fn block_form(stmts: &[Stmt]) -> TokenStream {
    let pick = Ident::new("__goro_pick", Span::mixed_site());
    let rebinds = free_variables(stmts).into_iter().map(|var| {
        // The `_`s that stand for the variable's type carry its span: a capture error
        // (`ShareOrCopy`, or `SendToGoroutine` for a value that is not `Send`) points at the
        // use, and the closure's own `Send` bound on `go` is not reported again.
        let ty = Token![_](var.span());
        quote! {
            #[allow(unused_mut)]
            let mut #var = {
                let #pick = (&&&&::goro::__private::Capture(&#var)).__goro_pick();
                <#ty as ::goro::__private::SendToGoroutine<_>>::__goro_check(
                    (&&::goro::__private::SendProbe(&#pick)).__goro_probe(),
                );
                <#ty as ::goro::__private::ShareOrCopy<_>>::__goro_capture(#pick)
            };
        }
    });
    quote! {
        {
            #[allow(unused_imports)]
            use ::goro::__private::{
                CaptureCopy as _, CaptureOther as _, CaptureShare as _, CaptureShareRef as _,
                SendProbeNotSend as _, SendProbeRefused as _, SendProbeSent as _,
            };
            #(#rebinds)*
            ::goro::__private::go(move || -> () { #(#stmts)* });
        }
    }
}
