//! The rules of `select!` a grammar can't say, each reported at its own token:
//! 1. at most one `default` arm (every extra one is reported);
//! 2. a `:=` receive declares `v` (`mut v`, `_`) or `(v, ok)` / `v, ok`, nothing else;
//! 3. an `=` receive assigns to one place or to `(place, ok)`: a variable, a field, an index
//!    or a deref (`x`, `s.f`, `a[i]`, `*p`, `_`), as Go's assignable operands;
//! 4. no unlabelled `break` directly in an arm body (inside a loop, closure, async block or
//!    item of the body it is that one's, and allowed): Go's `break` leaves the select, Rust's
//!    would leave the loop around it, so the same text would mean something else.
use syn::visit::Visit;
use syn::{Expr, ExprBreak};

use super::ast::{Binding, Head, SelectInput, Shape};
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
        {
            check_binding(binding, &mut errors);
        }
        let mut breaks = Breaks(Vec::new());
        breaks.visit_expr(&arm.body);
        for brk in breaks.0 {
            errors.spanned(
                brk.break_token,
                "an unlabelled `break` in a `select!` arm would leave the loop around the \
                 select, where Go's `break` leaves only the select: delete it (the select ends \
                 after its arm anyway), or label the loop and write `break 'label` to leave it",
            );
        }
    }
    errors.finish()
}

/// Rules 2 and 3 for one receive arm.
fn check_binding(binding: &Binding, errors: &mut Errors) {
    match binding {
        Binding::Declare(_) => {
            if binding.declared().is_none() {
                errors.spanned(
                    binding.tokens(),
                    "a receive arm declares `v` (an `Option<T>`, `None` once the channel is \
                     closed) or `(v, ok)` (a `(T, bool)`, Go's `v, ok := <-ch`): bind one of \
                     these and match on it in the body",
                );
            }
        }
        Binding::Assign(_) => match binding.assigned() {
            None => errors.spanned(
                binding.tokens(),
                "a receive arm assigns to one place, `x = <-rx`, or to two, \
                 `(x, ok) = <-rx` (Go's `x, ok = <-ch`)",
            ),
            Some(Shape::Value(place)) => check_place(place, errors),
            Some(Shape::Ok(place, ok)) => {
                check_place(place, errors);
                check_place(ok, errors);
            }
        },
    }
}

/// Rule 3: `expr` is a place an assignment can write.
fn check_place(expr: &Expr, errors: &mut Errors) {
    let is_place = match expr {
        Expr::Path(path) => path.qself.is_none(),
        Expr::Field(_) | Expr::Index(_) | Expr::Infer(_) => true,
        Expr::Unary(unary) => matches!(unary.op, syn::UnOp::Deref(_)),
        _ => false,
    };
    if !is_place {
        errors.spanned(
            expr,
            "`=` assigns the received value to an existing place (a variable `x`, a field \
             `s.f`, an index `a[i]` or `*p`), and this is not one: receive into a new \
             variable with `v := <-rx`",
        );
    }
}

/// The unlabelled `break`s of one arm body that would leave a loop around the select.
struct Breaks<'a>(Vec<&'a ExprBreak>);

impl<'a> Visit<'a> for Breaks<'a> {
    fn visit_expr_break(&mut self, brk: &'a ExprBreak) {
        if brk.label.is_none() {
            self.0.push(brk);
        }
        syn::visit::visit_expr_break(self, brk);
    }

    // A `break` in these is theirs: only their heads are the arm's.
    fn visit_expr_for_loop(&mut self, for_loop: &'a syn::ExprForLoop) {
        self.visit_expr(&for_loop.expr);
    }
    fn visit_expr_while(&mut self, while_loop: &'a syn::ExprWhile) {
        self.visit_expr(&while_loop.cond);
    }
    fn visit_expr_loop(&mut self, _: &'a syn::ExprLoop) {}
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'a syn::Item) {}
    // A macro's tokens are its own (a nested `select!` checks its arms itself).
    fn visit_macro(&mut self, _: &'a syn::Macro) {}
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::select::ast::SelectInput;

    fn checks(src: &str) -> bool {
        let input: SelectInput = syn::parse_str(src).expect("test input parses");
        check(&input).is_ok()
    }

    #[test]
    fn only_an_unlabelled_break_of_the_arm_itself_is_rejected() {
        for bad in [
            "<-rx => break",
            "<-rx => { if x { break } }",
            "v := <-rx => match v { None => break, _ => {} }",
            "default => break",
            "<-rx => { let _ = { break 1 }; }",
        ] {
            assert!(!checks(bad), "{bad}");
        }
        for fine in [
            "<-rx => break 'outer",
            "<-rx => 'arm: { break 'arm }",
            "<-rx => loop { break }",
            "<-rx => for x in xs { if x { break } }",
            "<-rx => while go { break }",
            "<-rx => (|| loop { break })()",
            "<-rx => { let f = || { fn g() { loop { break } } }; }",
            "<-rx => async { loop { break } }",
            "<-rx => m!(break)",
            "<-rx => continue",
        ] {
            assert!(checks(fine), "{fine}");
        }
    }

    #[test]
    fn equals_needs_places_and_colon_equals_bindings() {
        for fine in [
            "x = <-rx => {}",
            "s.f = <-rx => {}",
            "a[i] = <-rx => {}",
            "*p = <-rx => {}",
            "(x, ok) = <-rx => {}",
            "self.v, oks[0] = <-rx => {}",
            "_ = <-rx => {}",
            "v := <-rx => {}",
            "mut v := <-rx => {}",
            "(v, ok) := <-rx => {}",
        ] {
            assert!(checks(fine), "{fine}");
        }
        for bad in [
            "1 = <-rx => {}",
            "f() = <-rx => {}",
            "(x, f()) = <-rx => {}",
            "x + 1 = <-rx => {}",
            "(a, b, c) = <-rx => {}",
            "Some(v) := <-rx => {}",
        ] {
            assert!(!checks(bad), "{bad}");
        }
    }
}
