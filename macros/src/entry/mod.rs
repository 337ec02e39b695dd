//! `#[goro::main]` and `#[goro::test]`: run a fn's body as goroutine 1 of a new runtime.
//! Parse (`ast.rs`), check (`valid.rs`), expand (`expand.rs`); on any error the item is
//! emitted next to the errors (`fallback.rs`: the fn, so IDEs still see it; anything else
//! unchanged).
use proc_macro2::TokenStream;

pub(crate) mod ast;
pub(crate) mod expand;
mod fallback;
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
    let (mut out, errors) = match ast::Entry::parse(kind, args, item.clone()) {
        Ok(entry) => match valid::check(&entry) {
            Ok(()) => return expand::expand(&entry),
            Err(errors) => (fallback::fallback(&entry), errors),
        },
        Err(error) => (item, error),
    };
    out.extend(errors.into_compile_error());
    out
}
