//! The rules of `#[goro::main]` / `#[goro::test]`, each reported at its own token.
use syn::Meta;

use super::Kind;
use super::ast::{Entry, OPTION_NAMES, OPTIONS, int_literal};
use crate::errors::Errors;
use crate::recover;

/// Reports every broken rule of `entry`.
pub(crate) fn check(entry: &Entry) -> syn::Result<()> {
    let mut errors = Errors::default();
    let attr = entry.kind.attr();
    let sig = &entry.func.sig;
    check_options(entry, &mut errors);
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
    for call in recover::outside_defer(&entry.func.block.stmts) {
        errors.push(recover::error(call));
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

/// The options: known names, each once, each a positive integer literal.
fn check_options(entry: &Entry, errors: &mut Errors) {
    let attr = entry.kind.attr();
    let mut seen: Vec<String> = Vec::new();
    for meta in &entry.options {
        let path = meta.path();
        let name = path.get_ident().map(ToString::to_string);
        let Some(name) = name.filter(|n| OPTION_NAMES.contains(&n.as_str())) else {
            errors.spanned(
                path,
                format!("unknown option of {attr}: the options are {OPTIONS}"),
            );
            continue;
        };
        if seen.contains(&name) {
            errors.spanned(
                path,
                format!("`{name}` is given twice: remove one (the options are {OPTIONS})"),
            );
            continue;
        }
        seen.push(name.clone());
        let Meta::NameValue(nv) = meta else {
            errors.spanned(
                meta,
                format!("write `{name} = N` with N a positive integer (the options are {OPTIONS})"),
            );
            continue;
        };
        let positive = int_literal(&nv.value)
            .and_then(|int| int.base10_parse::<usize>().ok())
            .is_some_and(|n| n > 0);
        if !positive {
            let example = if name == "stack_size" {
                "stack_size = 65536` (bytes)"
            } else {
                "gomaxprocs = 4`"
            };
            errors.spanned(
                &nv.value,
                format!("`{name}` takes a positive integer literal, as `{example}"),
            );
        }
    }
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[goro::test]`, …: any attribute named `test`.
pub(crate) fn is_test_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "test")
}
