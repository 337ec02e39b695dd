//! `recover()` where it can never stop a panic: called in the body of a function that may
//! recover (`#[goro::func]`, a `go!` block, `#[goro::main]`, `#[goro::test]`) but not in one
//! of its deferred blocks. While the body runs nothing is panicking, so such a call always
//! returns `None`, and a port that meant Go's `defer func() { recover() }()` silently lets
//! the panic through. (Go accepts the call and returns nil.)
//!
//! Only what is certain is reported: a call `recover()`, `goro::recover()`,
//! `::goro::recover()` or `goro::prelude::recover()` written in the body itself. Not looked
//! into: macro invocations (`defer!` among them, and `assert!(recover().is_none())`, which
//! is a fine thing to write), closures and nested fns (a `defer!(handler())` may run them as
//! the deferred call, where `recover()` works), async blocks. A body that binds a name
//! `recover` of its own (`let`, `fn`, `use`) has its plain `recover()` calls left alone.
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, Path, Stmt};

/// Whether a reported call was written `recover()` (maybe the user's own function, of the
/// same name in scope outside the body) or by a path to goro's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Form {
    /// `recover()`.
    Plain,
    /// `goro::recover()` and the like.
    Goro,
}

/// Every `recover()` call in `stmts` outside a deferred block: its tokens, for the error's
/// span, and its form.
pub(crate) fn outside_defer(stmts: &[Stmt]) -> Vec<(TokenStream, Form)> {
    let mut calls = Calls {
        plain_is_ours: !binds_own(stmts, true),
        found: Vec::new(),
    };
    for s in stmts {
        calls.visit_stmt(s);
    }
    calls.found
}

/// The error for one call found by [`outside_defer`].
pub(crate) fn error((call, form): (TokenStream, Form)) -> syn::Error {
    let mut message = "recover() only stops a panic when called directly in a deferred \
                       block: move it into defer!{ ... }; outside one it always returns None"
        .to_owned();
    if form == Form::Plain {
        message.push_str(
            " (if this `recover` is a function of your own, call it by its path: \
             `self::recover()`)",
        );
    }
    syn::Error::new_spanned(call, message)
}

/// Whether `stmts` bind a `recover` of their own (a `let`, a pattern, a nested `fn`, a
/// `use`): then a plain `recover()` in them may be that one. With `in_closures` false the
/// names closures and async blocks bind are left out (they are seen only inside those).
pub(crate) fn binds_own(stmts: &[Stmt], in_closures: bool) -> bool {
    let mut names = OwnRecover {
        found: false,
        in_closures,
    };
    for s in stmts {
        names.visit_stmt(s);
    }
    names.found
}

/// Which form `path` names goro's `recover` in, if it does.
pub(crate) fn goro_recover(path: &Path) -> Option<Form> {
    let names: Vec<String> = path
        .segments
        .iter()
        .map(|s| {
            if s.arguments.is_none() {
                s.ident.to_string()
            } else {
                String::new() // `recover::<T>()` is not goro's
            }
        })
        .collect();
    match (path.leading_colon.is_some(), names.as_slice()) {
        (false, [r]) if r == "recover" => Some(Form::Plain),
        (_, [g, r]) if g == "goro" && r == "recover" => Some(Form::Goro),
        (_, [g, p, r]) if g == "goro" && p == "prelude" && r == "recover" => Some(Form::Goro),
        _ => None,
    }
}

/// Finds the calls; stops at closures, items, async blocks and macros.
struct Calls {
    /// `recover()` means goro's: the body binds no `recover` of its own.
    plain_is_ours: bool,
    found: Vec<(TokenStream, Form)>,
}

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        if let Expr::Path(p) = &*call.func
            && p.qself.is_none()
            && call.args.is_empty()
            && let Some(form) = goro_recover(&p.path)
            && (form == Form::Goro || self.plain_is_ours)
        {
            self.found.push((call.to_token_stream(), form));
        }
        visit::visit_expr_call(self, call);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
}

/// Finds a `recover` the statements bind ([`binds_own`]).
struct OwnRecover {
    found: bool,
    /// Look into closures and async blocks too.
    in_closures: bool,
}

impl<'ast> Visit<'ast> for OwnRecover {
    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.found |= p.ident == "recover";
        visit::visit_pat_ident(self, p);
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.found |= f.sig.ident == "recover";
    }
    fn visit_use_name(&mut self, u: &'ast syn::UseName) {
        self.found |= u.ident == "recover";
    }
    fn visit_use_rename(&mut self, u: &'ast syn::UseRename) {
        self.found |= u.rename == "recover";
    }
    fn visit_use_glob(&mut self, _: &'ast syn::UseGlob) {
        self.found = true; // `use my::*;` may bring a `recover`
    }
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        if self.in_closures {
            visit::visit_expr_closure(self, c);
        }
    }
    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        if self.in_closures {
            visit::visit_expr_async(self, a);
        }
    }
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<Form> {
        let block: syn::Block = syn::parse_str(&format!("{{ {body} }}")).unwrap();
        outside_defer(&block.stmts)
            .into_iter()
            .map(|(_, f)| f)
            .collect()
    }

    #[test]
    fn direct_calls_in_the_body_are_found() {
        assert_eq!(found("let p = recover();"), [Form::Plain]);
        assert_eq!(found("if let Some(p) = goro::recover() { }"), [Form::Goro]);
        assert_eq!(found("::goro::recover();"), [Form::Goro]);
        assert_eq!(
            found("match goro::prelude::recover() { _ => {} }"),
            [Form::Goro]
        );
        assert_eq!(found("{ loop { let _ = recover(); } }"), [Form::Plain]);
    }

    #[test]
    fn deferred_blocks_closures_items_and_macros_are_not_looked_into() {
        for body in [
            "defer!({ recover(); });",
            "goro::defer! { let _ = recover(); }",
            "assert!(goro::recover().is_none());",
            "let h = || goro::recover(); defer!(h());",
            "fn h() { goro::recover(); } defer!(h());",
            "let f = async { recover() };",
        ] {
            assert_eq!(found(body), [], "{body}");
        }
    }

    #[test]
    fn other_recovers_are_not_goros() {
        for body in [
            "my::recover();",
            "Self::recover();",
            "x.recover();",
            "recover(1);",
            "recover::<u8>();",
            "goro::recover::<u8>();",
            "let recover = || 1; recover();",
            "fn recover() {} recover();",
            "use my::recover; recover();",
            "use my::other as recover; recover();",
            "use my::*; recover();",
        ] {
            assert_eq!(found(body), [], "{body}");
        }
        // A local `recover` does not shadow goro's path.
        assert_eq!(found("let recover = 1; goro::recover();"), [Form::Goro]);
    }
}
