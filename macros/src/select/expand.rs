//! The `quote!` of a checked `select!`. Cannot fail; names only `::goro::__private::…` (and
//! `::core::option::Option`).
//!
//! ```text
//! select! {                       {
//!     v := <-rx => A,                 enum __GoroArm<T0, T1, T2> { Case0(T0), Case1(T1),
//!     tx <- val => B,                     Case2(T2), Default }
//!     <-done => C,                    let __goro_arm = {
//!     default => D,                       let __goro_op0 = &(rx);
//! }                                       let mut __goro_c0 = select::recv(
//!                                             <_ as RecvOperand>::chan(__goro_op0));
//!                                         let __goro_op1 = &(tx);
//!                                         let mut __goro_c1 = select::send(
//!                                             <_ as SendOperand>::chan(__goro_op1), val);
//!                                         let __goro_op2 = &(done);
//!                                         let mut __goro_c2 = select::recv(
//!                                             <_ as RecvOperand>::chan(__goro_op2));
//!                                         match select::select([&mut __goro_c0 as &mut dyn
//!                                                 Case, &mut __goro_c1 as .., ..], false) {
//!                                             Some(0) => __GoroArm::Case0(__goro_c0.take()),
//!                                             Some(1) => __GoroArm::Case1(()),
//!                                             Some(2) => __GoroArm::Case2(()),
//!                                             _ => __GoroArm::Default,
//!                                         }
//!                                     };
//!                                     match __goro_arm {
//!                                         __GoroArm::Case0(__goro_v) => { let v = __goro_v; A }
//!                                         __GoroArm::Case1(_) => B,
//!                                         __GoroArm::Case2(_) => C,
//!                                         __GoroArm::Default => D,
//!                                     }
//!                                 }
//! ```
//! 1. Go's order: every channel operand and send value is evaluated once, in source order,
//!    before anything waits. An operand is borrowed (`&(rx)`, a temporary lives as long as
//!    the borrow), never moved. `RecvOperand::chan`/`SendOperand::chan` take any `Chan`,
//!    `Receiver`/`Sender` or reference to one; called by their trait's path, with every
//!    token of the case at the operand's span, a wrong one is reported at it once, in the
//!    trait's `on_unimplemented` words.
//! 2. Without `default` the select blocks (`select(.., true)`, which never returns `None`),
//!    and the last case takes the `_` arm.
//! 3. The cases, borrows and unsent values live only in the inner block: the chosen value is
//!    moved out into `__GoroArm`, so the bodies may move, reassign (`rx = Chan::nil()`) or
//!    close the channels they select on.
//! 4. The bodies run in a plain `match` in the caller's function, so labelled `break`s,
//!    `continue`, `return` and `?` act on its loops and return type (`valid.rs` rejects an
//!    unlabelled `break`), and the select is an expression whose value is the chosen body's.
//!    Hidden names are `mixed_site`: the bodies can't see them. A `(v, ok)` arm asks for
//!    `ZeroValue` (`T: Default`) at the pattern's span.
//! 5. `:=` binds with `let` at the top of the body; `=` assigns there
//!    (`select::assign(&mut x, __goro_v)`, a call: for an `x` that doesn't exist, rustc's
//!    error would otherwise suggest `let x`), so the place is evaluated after the receive,
//!    as Go's. `x = <-rx`
//!    turns `None` into `ZeroValue` in the inner block, at the place's span; `_ = <-rx` is
//!    `<-rx`, and `(_, ok) = <-rx` moves only `is_some()` out, needing no `Default`.
//! 6. Parentheses around a send value or an operand are taken off (`send(op, (v))` would be
//!    `unused_parens` at the user's tokens).
//!
//! `select! {}` is `select::block()`; a select with only `default` is its body.
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

use super::ast::{Arm, Binding, Head, SelectInput, Shape, unparen_expr};

/// A hidden name the user's code can't see.
fn hidden(name: String) -> Ident {
    Ident::new(&name, Span::mixed_site())
}

/// A body as it follows the binding's `let` in one block: a plain block's statements (a
/// block inside the block would be `unused_braces`), else the expression.
fn after_let(body: &Expr) -> TokenStream {
    match body {
        Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => {
            let stmts = &block.block.stmts;
            quote!(#(#stmts)*)
        }
        _ => quote!(#body),
    }
}

/// `ident`, reported at `span` but still resolved as a hidden name.
fn located(ident: &Ident, span: Span) -> Ident {
    let mut ident = ident.clone();
    ident.set_span(Span::mixed_site().located_at(span));
    ident
}

/// `place = value;` as a call at the place's span (`_`: the value is dropped).
fn assign(place: &Expr, value: &TokenStream) -> TokenStream {
    if let Expr::Infer(_) = place {
        return quote!(let _ = #value;);
    }
    let at = Span::mixed_site().located_at(place.span());
    quote_spanned!(at=> ::goro::__private::select::assign(&mut #place, #value);)
}

/// The expansion of a checked `select!` input.
pub(crate) fn expand(input: &SelectInput) -> TokenStream {
    let default = input
        .arms
        .iter()
        .find(|arm| matches!(arm.head, Head::Default(_)));
    let cases: Vec<&Arm> = input
        .arms
        .iter()
        .filter(|arm| !matches!(arm.head, Head::Default(_)))
        .collect();
    if cases.is_empty() {
        return match default {
            Some(arm) => match &arm.body {
                body @ Expr::Block(_) => quote!(#body),
                body => quote!({ #body }),
            },
            None => quote!(::goro::__private::select::block()),
        };
    }

    let sel = quote!(::goro::__private::select);
    let enum_name = hidden("__GoroArm".to_owned());
    let arm_local = hidden("__goro_arm".to_owned());
    let value_local = hidden("__goro_v".to_owned());

    let params: Vec<Ident> = (0..cases.len()).map(|i| format_ident!("T{i}")).collect();
    let variants: Vec<Ident> = (0..cases.len())
        .map(|i| Ident::new(&format!("Case{i}"), Span::mixed_site()))
        .collect();
    let default_variant = default.map(|_| quote!(Default));

    let mut lets = Vec::new();
    let mut case_refs = Vec::new();
    let mut picks = Vec::new();
    let mut bodies = Vec::new();
    for (i, arm) in cases.iter().enumerate() {
        let variant = &variants[i];
        let body = &arm.body;
        let (chan, value, binding) = match &arm.head {
            Head::Recv { binding, chan } => (chan, None, binding.as_ref()),
            // Parentheses taken off: `send(op, (v))` would be `unused_parens` at the user's.
            Head::Send { chan, value } => (chan, Some(unparen_expr(value)), None),
            // Filtered out above.
            Head::Default(_) => continue,
        };
        // The case's hidden names and calls sit at the operand, all with one span, so a wrong
        // operand is reported there once (rustc merges equal errors only at equal spans).
        // The operand's trait is asked for by its path (`<_ as RecvOperand>::chan`): the
        // error is the trait's own, without "required by a bound in `recv`", and `send`
        // sees a channel, never `C::Elem` of a wrong `C` (a second error, at the value).
        let span = chan.span();
        let chan = unparen_expr(chan);
        let op = located(&hidden(format!("__goro_op{i}")), span);
        let case = located(&hidden(format!("__goro_c{i}")), span);
        let at = Span::mixed_site().located_at(span);
        let call = match value {
            Some(value) => quote_spanned! {at=>
                ::goro::__private::select::send(
                    <_ as ::goro::__private::select::SendOperand>::chan(#op),
                    #value,
                )
            },
            None => quote_spanned! {at=>
                ::goro::__private::select::recv(
                    <_ as ::goro::__private::select::RecvOperand>::chan(#op),
                )
            },
        };
        lets.push(quote! {
            let #op = &(#chan);
            let mut #case = #call;
        });
        case_refs.push(quote_spanned!(at=> &mut #case as &mut dyn #sel::Case));
        let ok_pick = |span: Span| {
            let (case, at) = (located(&case, span), Span::mixed_site().located_at(span));
            quote_spanned! {at=>
                #enum_name::#variant(match #case.take() {
                    ::core::option::Option::Some(#value_local) => (#value_local, true),
                    ::core::option::Option::None => (
                        <_ as ::goro::__private::select::ZeroValue>::zero_value(),
                        false,
                    ),
                })
            }
        };
        let body = after_let(body);
        // `<-rx`, `_ = <-rx`: the value is dropped in the inner block.
        let discard = (quote!(#enum_name::#variant(())), quote!(#body));
        let (pick, arm_body) = match binding {
            None => discard,
            Some(binding @ Binding::Declare(_)) => match binding.declared() {
                Some(Shape::Value(pat)) => (
                    quote_spanned!(at=> #enum_name::#variant(#case.take())),
                    quote!(let #pat = #value_local; #body),
                ),
                // Go's zero value is asked for at the binding, by the trait's path: a missing
                // `Default` is `ZeroValue`'s error there, once.
                Some(Shape::Ok(v, ok)) => (
                    ok_pick(binding.tokens().span()),
                    quote!(let (#v, #ok) = #value_local; #body),
                ),
                // Rejected by `valid.rs`.
                None => discard,
            },
            Some(binding @ Binding::Assign(_)) => match binding.assigned() {
                Some(Shape::Value(Expr::Infer(_))) => discard,
                Some(Shape::Value(place)) => {
                    let span = place.span();
                    let (case, at) = (located(&case, span), Span::mixed_site().located_at(span));
                    let pick = quote_spanned! {at=>
                        #enum_name::#variant(match #case.take() {
                            ::core::option::Option::Some(#value_local) => #value_local,
                            ::core::option::Option::None => {
                                <_ as ::goro::__private::select::ZeroValue>::zero_value()
                            }
                        })
                    };
                    let assign = assign(place, &quote!(#value_local));
                    (pick, quote!(#assign #body))
                }
                // `(_, ok) = <-rx` needs no zero value.
                Some(Shape::Ok(Expr::Infer(_), ok)) => {
                    let assign = assign(ok, &quote!(#value_local));
                    (
                        quote_spanned!(at=> #enum_name::#variant(#case.take().is_some())),
                        quote!(#assign #body),
                    )
                }
                Some(Shape::Ok(place, ok)) => {
                    let assign_place = assign(place, &quote!(#value_local.0));
                    let assign_ok = assign(ok, &quote!(#value_local.1));
                    (
                        ok_pick(binding.tokens().span()),
                        quote!(#assign_place #assign_ok #body),
                    )
                }
                // Rejected by `valid.rs`.
                None => discard,
            },
        };
        picks.push(pick);
        bodies.push(quote! {
            #enum_name::#variant(#value_local) => {
                #arm_body
            }
        });
    }

    let last = cases.len() - 1;
    let mut pick_arms: Vec<TokenStream> = picks
        .iter()
        .enumerate()
        .map(|(i, pick)| quote!(::core::option::Option::Some(#i) => #pick,))
        .collect();
    let block = default.is_none();
    match default {
        Some(arm) => {
            pick_arms.push(quote!(_ => #enum_name::Default,));
            let body = &arm.body;
            bodies.push(quote!(#enum_name::Default => #body));
        }
        // Blocking: `select` returned `Some(last)`.
        None => {
            let pick = &picks[last];
            pick_arms[last] = quote!(_ => #pick,);
        }
    }

    quote! {
        {
            enum #enum_name<#(#params),*> {
                #(#variants(#params),)*
                #default_variant
            }
            let #arm_local = {
                #(#lets)*
                match #sel::select([#(#case_refs),*], #block) {
                    #(#pick_arms)*
                }
            };
            match #arm_local {
                #(#bodies,)*
            }
        }
    }
}
