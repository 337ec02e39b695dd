//! The syntax `#[goro::main]` / `#[goro::test]` accept: any fn item (rules a grammar can't
//! say, such as "no parameters", live in `valid.rs`).
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Item, ItemFn, Lit, LitInt, Meta, Token};

use super::Kind;

/// An attribute and the fn it is on.
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    /// The attribute's options, `#[goro::main(gomaxprocs = 4, stack_size = 65536)]`, as
    /// written (`valid.rs` checks names and values).
    pub(crate) options: Vec<Meta>,
    pub(crate) func: ItemFn,
}

/// The options an entry attribute takes, with what their value means, for messages.
pub(crate) const OPTIONS: &str = "`gomaxprocs = N` (Ps to start with, N ≥ 1) and \
                                  `stack_size = BYTES` (per goroutine stack, whole process)";

/// The names in [`OPTIONS`].
pub(crate) const OPTION_NAMES: [&str; 2] = ["gomaxprocs", "stack_size"];

impl Entry {
    /// Parses the item as a fn; any other item is an error at its first token after its
    /// attributes (`struct`, `pub`, …).
    pub(crate) fn parse(kind: Kind, args: TokenStream, item: TokenStream) -> syn::Result<Entry> {
        let not_fn = |tokens: TokenStream| {
            let attr = kind.attr();
            let name = match kind {
                Kind::Main => "main",
                Kind::Test => "it_works",
            };
            syn::Error::new_spanned(
                first_after_attrs(tokens),
                format!("{attr} goes on a function, as in `{attr} fn {name}() {{ ... }}`"),
            )
        };
        let options = Punctuated::<Meta, Token![,]>::parse_terminated
            .parse2(args)
            .map_err(|error| {
                let attr = kind.attr();
                syn::Error::new(
                    error.span(),
                    format!("{error}: {attr} takes options `name = value`, of {OPTIONS}"),
                )
            })?;
        match syn::parse2::<Item>(item.clone()) {
            Ok(Item::Fn(func)) => Ok(Entry {
                kind,
                options: options.into_iter().collect(),
                func,
            }),
            _ => Err(not_fn(item)),
        }
    }

    /// The value of option `name` if it is given as an integer literal (the first, if given
    /// twice: an error in `valid.rs`).
    pub(crate) fn option(&self, name: &str) -> Option<&LitInt> {
        self.options.iter().find_map(|meta| match meta {
            Meta::NameValue(nv) if nv.path.is_ident(name) => int_literal(&nv.value),
            _ => None,
        })
    }
}

/// `expr` as an integer literal without a suffix other than `usize`.
pub(crate) fn int_literal(expr: &Expr) -> Option<&LitInt> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) if matches!(int.suffix(), "" | "usize") => Some(int),
        _ => None,
    }
}

/// The first token of an item after its outer attributes (`#[...]` pairs).
fn first_after_attrs(tokens: TokenStream) -> Option<TokenTree> {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(TokenTree::Punct(p)) = tokens.peek()
        && p.as_char() == '#'
    {
        tokens.next();
        match tokens.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {}
            other => return other,
        }
    }
    tokens.next()
}
