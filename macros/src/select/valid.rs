//! The rules of `select!` a grammar can't say, each reported at its own token:
//! 1. at most one `default` arm (every extra one is reported);
//! 2. a receive binds `v` (`mut v`, `_`) or `(v, ok)` / `v, ok`, nothing else.
use super::ast::{Head, SelectInput};
use crate::errors::Errors;

/// Reports every broken rule of `input`.
pub(crate) fn check(input: &SelectInput) -> syn::Result<()> {
    let mut errors = Errors::default();
    let defaults = input.arms.iter().filter_map(|arm| match &arm.head {
        Head::Default(kw) => Some(kw),
        _ => None,
    });
    for extra in defaults.skip(1) {
        errors.spanned(
            extra,
            "`select!` takes at most one `default` arm: remove this one or merge the two",
        );
    }
    for arm in &input.arms {
        if let Head::Recv {
            binding: Some(binding),
            ..
        } = &arm.head
            && binding.shape().is_none()
        {
            errors.spanned(
                &binding.pats,
                "a receive arm binds `v` (an `Option<T>`, `None` once the channel is closed) \
                 or `(v, ok)` (a `(T, bool)`, Go's `v, ok := <-ch`): bind one of these and \
                 match on it in the body",
            );
        }
    }
    errors.finish()
}
