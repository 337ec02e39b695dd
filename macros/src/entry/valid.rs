//! The rules of `#[goro::main]` / `#[goro::test]`, each reported at its own token.
use super::Kind;
use super::ast::Entry;
use crate::errors::Errors;

/// Reports every broken rule of `entry`.
pub(crate) fn check(entry: &Entry) -> syn::Result<()> {
    let mut errors = Errors::default();
    let attr = entry.kind.attr();
    let sig = &entry.func.sig;
    if !entry.args.is_empty() {
        errors.spanned(
            &entry.args,
            format!(
                "{attr} takes no arguments: remove them (the runtime reads its settings, \
                 such as GOMAXPROCS, from the environment and `goro::runtime`)"
            ),
        );
    }
    if let Some(token) = sig.asyncness {
        errors.spanned(
            token,
            format!(
                "{attr} runs a plain fn as goroutine 1: remove `async` (goroutines block \
                 without `.await`)"
            ),
        );
    }
    if !sig.inputs.is_empty() {
        errors.spanned(
            &sig.inputs,
            format!("{attr} fn takes no parameters: remove them"),
        );
    }
    if !sig.generics.params.is_empty() {
        errors.spanned(
            &sig.generics,
            format!("{attr} fn cannot be generic: remove the generic parameters"),
        );
    } else if let Some(clause) = &sig.generics.where_clause {
        errors.spanned(
            clause,
            format!("{attr} fn cannot be generic: remove the `where` clause"),
        );
    }
    if let Kind::Test = entry.kind {
        for test in entry.func.attrs.iter().filter(|a| is_test_attr(a)) {
            errors.spanned(
                test,
                "#[goro::test] already adds `#[test]`: remove this attribute",
            );
        }
    }
    errors.finish()
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[goro::test]`, …: any attribute named `test`.
pub(crate) fn is_test_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "test")
}
