//! `#[goro::main]` and `#[goro::test]`: run a fn's body as goroutine 1 of a new runtime.
//! Parse (`ast.rs`), check (`valid.rs`), expand (`expand.rs`); on any error the item is
//! emitted unchanged next to the errors, so IDEs still see the fn.
use proc_macro2::TokenStream;

pub(crate) mod ast;
pub(crate) mod expand;
pub(crate) mod valid;

/// Which attribute is expanding.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `#[goro::main]`.
    Main,
    /// `#[goro::test]`.
    Test,
}

impl Kind {
    /// The attribute as the user writes it, for messages.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Kind::Main => "#[goro::main]",
            Kind::Test => "#[goro::test]",
        }
    }
}

/// The whole attribute: `args` are the attribute's arguments, `item` what it is on.
pub(crate) fn entry(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = ast::Entry::parse(kind, args, item.clone())
        .and_then(|entry| valid::check(&entry).map(|()| entry));
    match checked {
        Ok(entry) => expand::expand(&entry),
        Err(errors) => {
            let mut out = item;
            out.extend(errors.into_compile_error());
            out
        }
    }
}
