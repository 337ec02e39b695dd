//! The syntax `#[goro::main]` / `#[goro::test]` accept: any fn item (rules a grammar can't
//! say, such as "no parameters", live in `valid.rs`).
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::{Item, ItemFn};

use super::Kind;

/// An attribute and the fn it is on.
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    /// The attribute's arguments: `#[goro::main(these)]`; must be empty.
    pub(crate) args: TokenStream,
    pub(crate) func: ItemFn,
}

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
        match syn::parse2::<Item>(item.clone()) {
            Ok(Item::Fn(func)) => Ok(Entry { kind, args, func }),
            _ => Err(not_fn(item)),
        }
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
