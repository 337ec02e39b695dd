//! Which `recover()` calls of a `defer!({ ... })` block are direct: Go's rule that only a
//! `recover` called by the deferred function itself stops the panic.
//!
//! The block's own calls, `recover()`, `goro::recover()`, `::goro::recover()` and
//! `goro::prelude::recover()`, at any depth of its expressions, blocks and macro
//! arguments, become calls of the block's local `recover` (a hygienic name), which knows
//! its deferred call. Not those in closures, async blocks and nested fns: in Go these are
//! func literals and functions of their own, whose `recover()` returns nil. They keep
//! naming goro's `recover`, which returns `None` there. A plain `recover()` is left alone
//! when the block binds a `recover` of its own (`let`, `fn`, `use`) outside its closures.
//!
//! A macro's input is read as expressions separated by commas, or else as statements. Input
//! of any other shape is rewritten token by token, closures in it included.
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprCall, Macro, Stmt, Token};

use crate::recover::{self, Form};

/// `stmts` with their direct `recover()` calls made calls of `direct`.
pub(crate) fn rewrite(stmts: &[Stmt], direct: &Ident) -> TokenStream {
    let mut stmts = stmts.to_vec();
    let mut v = Direct {
        direct,
        plain_is_ours: !recover::binds_own(&stmts, false),
        rewritten: 0,
    };
    for s in &mut stmts {
        v.visit_stmt_mut(s);
    }
    quote!(#(#stmts)*)
}

/// Rewrites the calls; stops at closures, async blocks and items.
struct Direct<'a> {
    /// The block's local `recover`.
    direct: &'a Ident,
    /// `recover()` means goro's: the block binds no `recover` of its own.
    plain_is_ours: bool,
    /// How many calls were rewritten, to leave untouched macro input as it was.
    rewritten: usize,
}

impl Direct<'_> {
    /// `direct`, named where the call's `recover` token was written (for messages).
    fn direct_at(&mut self, at: Span) -> Ident {
        self.rewritten += 1;
        Ident::new(&self.direct.to_string(), self.direct.span().located_at(at))
    }

    /// The token-by-token rewrite, for macro input that is not expressions or statements.
    fn tokens(&mut self, tokens: TokenStream) -> TokenStream {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out: Vec<TokenTree> = Vec::with_capacity(tts.len());
        for (i, tt) in tts.iter().enumerate() {
            match tt {
                TokenTree::Ident(r) if r == "recover" && is_empty_call(tts.get(i + 1)) => {
                    match goro_path_before(&out, self.plain_is_ours) {
                        Some(path) => {
                            out.truncate(out.len() - path);
                            out.push(TokenTree::Ident(self.direct_at(r.span())));
                        }
                        None => out.push(tt.clone()),
                    }
                }
                TokenTree::Group(g) => {
                    let mut inner = Group::new(g.delimiter(), self.tokens(g.stream()));
                    inner.set_span(g.span());
                    out.push(TokenTree::Group(inner));
                }
                tt => out.push(tt.clone()),
            }
        }
        out.into_iter().collect()
    }
}

impl VisitMut for Direct<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut ExprCall) {
        if let Expr::Path(p) = &*call.func
            && p.qself.is_none()
            && p.attrs.is_empty()
            && call.args.is_empty()
            && let Some(form) = recover::goro_recover(&p.path)
            && (form == Form::Goro || self.plain_is_ours)
        {
            let at = p
                .path
                .segments
                .last()
                .map_or(Span::call_site(), |s| s.ident.span());
            *call.func = Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: self.direct_at(at).into(),
            });
        }
        visit_mut::visit_expr_call_mut(self, call);
    }

    fn visit_macro_mut(&mut self, m: &mut Macro) {
        let before = self.rewritten;
        let exprs = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(m.tokens.clone());
        if let Ok(mut exprs) = exprs {
            for e in &mut exprs {
                self.visit_expr_mut(e);
            }
            if self.rewritten != before {
                m.tokens = exprs.into_token_stream();
            }
        } else if let Ok(mut stmts) = Block::parse_within.parse2(m.tokens.clone()) {
            for s in &mut stmts {
                self.visit_stmt_mut(s);
            }
            if self.rewritten != before {
                m.tokens = quote!(#(#stmts)*);
            }
        } else {
            m.tokens = self.tokens(m.tokens.clone());
        }
    }

    // Functions of their own, as Go's func literals: their `recover()` is not direct.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Whether `tt` is `()`.
fn is_empty_call(tt: Option<&TokenTree>) -> bool {
    matches!(tt, Some(TokenTree::Group(g))
        if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty())
}

/// Before a `recover` token, at the end of `out`: how many tokens of a path naming goro's
/// `recover` precede it (`goro ::`, `goro :: prelude ::`, with or without a leading `::`;
/// none for a plain `recover` when `plain` holds), or `None` if it is another `recover`
/// (`x.recover()`, `my::recover()`, `fn recover()`, `a::goro::recover()`).
fn goro_path_before(out: &[TokenTree], plain: bool) -> Option<usize> {
    let n = out.len();
    // `out[..j]` ends with `::`, or with the identifier `name`.
    let colons = |j: usize| j >= 2 && is_colon(&out[j - 1]) && is_colon(&out[j - 2]);
    let ident =
        |j: usize, name: &str| j >= 1 && matches!(&out[j - 1], TokenTree::Ident(i) if i == name);
    if !colons(n) {
        let dot = n >= 1 && matches!(&out[n - 1], TokenTree::Punct(p) if p.as_char() == '.');
        return (plain && !dot && !ident(n, "fn")).then_some(0);
    }
    let mut j = n - 2;
    if ident(j, "prelude") && colons(j - 1) {
        j -= 3;
    }
    if !ident(j, "goro") {
        return None;
    }
    j -= 1;
    if colons(j) {
        if j >= 3 && matches!(out[j - 3], TokenTree::Ident(_)) {
            return None; // `a::goro::recover`: a longer path
        }
        j -= 2;
    }
    Some(n - j)
}

fn is_colon(tt: &TokenTree) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block `body` as `rewrite` leaves it, `__direct` for the block's `recover`.
    fn rewritten(body: &str) -> String {
        let block: Block = syn::parse_str(&format!("{{ {body} }}")).unwrap();
        let direct = Ident::new("__direct", Span::call_site());
        rewrite(&block.stmts, &direct).to_string()
    }

    fn same(body: &str) -> String {
        let block: Block = syn::parse_str(&format!("{{ {body} }}")).unwrap();
        let stmts = &block.stmts;
        quote!(#(#stmts)*).to_string()
    }

    #[test]
    fn the_blocks_own_calls_are_direct() {
        for (body, want) in [
            ("recover();", "__direct () ;"),
            ("goro::recover();", "__direct () ;"),
            ("let p = ::goro::recover();", "let p = __direct () ;"),
            ("goro::prelude::recover()", "__direct ()"),
            (
                "if let Some(p) = recover() { }",
                "if let Some (p) = __direct () { }",
            ),
            ("loop { f(recover()) }", "loop { f (__direct ()) }"),
            (
                "assert!(recover().is_some());",
                "assert ! (__direct () . is_some ()) ;",
            ),
            (
                "println!(\"{:?}\", goro::recover());",
                "println ! (\"{:?}\" , __direct ()) ;",
            ),
            ("m! { let p = recover(); }", "m ! { let p = __direct () ; }"),
            ("m!(=> ::goro::recover())", "m ! (=> __direct ())"),
            (
                "m!(=> x.recover() recover())",
                "m ! (=> x . recover () __direct ())",
            ),
            // A closure's own `recover` param does not hide goro's from the block.
            (
                "let f = |recover: u8| recover; recover()",
                "let f = | recover : u8 | recover ; __direct ()",
            ),
        ] {
            assert_eq!(rewritten(body), want, "{body}");
        }
    }

    #[test]
    fn functions_in_the_block_are_not_looked_into() {
        for body in [
            "let f = || goro::recover().is_some(); f()",
            "let f = move || { recover() }; f()",
            "fn f() -> bool { goro::recover().is_some() } f()",
            "let f = async { recover() };",
            "assert!([1].iter().all(|_| recover().is_none()));",
            "m! { let f = || goro::recover(); }",
        ] {
            assert_eq!(rewritten(body), same(body), "{body}");
        }
    }

    #[test]
    fn other_recovers_are_left_alone() {
        for body in [
            "my::recover();",
            "x.recover();",
            "recover(1);",
            "goro::recover::<u8>();",
            "a::goro::recover();",
            "let recover = || 1; recover();",
            "fn recover() {} recover();",
            "use my::*; recover();",
            "m!(x.recover() my::recover() fn recover() a::goro::recover())",
        ] {
            assert_eq!(rewritten(body), same(body), "{body}");
        }
        // A `recover` of the block's own does not hide goro's path.
        assert_eq!(
            rewritten("let recover = 1; goro::recover();"),
            "let recover = 1 ; __direct () ;"
        );
    }
}
