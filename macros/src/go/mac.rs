//! Uses of variables inside macro invocations of a `go!` block (`println!("{x}")`,
//! `select! { v := <-rx => .. }`, `vec![x; n]`), for `free.rs`.
//!
//! A macro body is a token tree that only the macro knows how to read, so this parses the
//! shapes it can and skips the rest (a skipped use is moved by the closure, never unsound):
//! - std format macros (`println!`, `format!`, `write!`, `panic!`, `assert!`, `assert_eq!`, …):
//!   their arguments, and the implicit arguments `{x}`, `{x:?}`, `{:w$}`, `{:.p$}` of their
//!   format string (not names given as `x = ..`);
//! - `matches!(e, pat if guard)`: `e` and the guard (which sees the pattern's bindings);
//! - goro's `select!` arms and `chan![T; n]`, read by those macros' own parsers
//!   (`select/ast.rs`, `chan/ast.rs`);
//! - macros that only read tokens (`stringify!`, `concat!`, `env!`, `cfg!`, …): nothing;
//! - any other macro: comma-separated expressions (`name = e` counts `e` only), or
//!   `e; n` (`vec![e; n]`), or statements (`go! { .. }`, `defer! { .. }`); else nothing.
use proc_macro2::Ident;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Block, Expr, ExprLit, Lit, LitStr, Macro, Pat, Token};

use super::free::FreeVars;
use crate::chan::ast::ChanInput;
use crate::select::ast::{Arm, Binding, Head, SelectInput};

/// Macros whose bodies name no variables.
const OPAQUE: &[&str] = &[
    "asm",
    "cfg",
    "column",
    "compile_error",
    "concat",
    "concat_idents",
    "env",
    "file",
    "global_asm",
    "include",
    "include_bytes",
    "include_str",
    "line",
    "module_path",
    "naked_asm",
    "option_env",
    "stringify",
];

/// The index of the format string among the arguments of a std format macro.
fn format_string_index(name: &str) -> Option<usize> {
    match name {
        "print" | "println" | "eprint" | "eprintln" | "format" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" => Some(0),
        "write" | "writeln" | "assert" | "debug_assert" => Some(1),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Some(2),
        _ => None,
    }
}

/// One argument of a macro call: `e` or `name = e`.
struct Arg {
    name: Option<Ident>,
    value: Expr,
}

fn parse_arg(input: ParseStream) -> syn::Result<Arg> {
    let named = input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]);
    let name = if named {
        let name = input.parse()?;
        input.parse::<Token![=]>()?;
        Some(name)
    } else {
        None
    };
    Ok(Arg {
        name,
        value: input.parse()?,
    })
}

fn parse_args(input: ParseStream) -> syn::Result<Vec<Arg>> {
    let args = Punctuated::<Arg, Token![,]>::parse_terminated_with(input, parse_arg)?;
    Ok(args.into_iter().collect())
}

/// `vec![e; n]`.
fn parse_repeat(input: ParseStream) -> syn::Result<(Expr, Expr)> {
    let elem = input.parse()?;
    input.parse::<Token![;]>()?;
    Ok((elem, input.parse()?))
}

/// `matches!(e, pat if guard)`.
struct Matches {
    scrutinee: Expr,
    pat: Pat,
    guard: Option<Expr>,
}

fn parse_matches(input: ParseStream) -> syn::Result<Matches> {
    let scrutinee = input.parse()?;
    input.parse::<Token![,]>()?;
    let pat = Pat::parse_multi_with_leading_vert(input)?;
    let guard = match input.parse::<Option<Token![if]>>()? {
        Some(_) => Some(input.parse()?),
        None => None,
    };
    input.parse::<Option<Token![,]>>()?;
    Ok(Matches {
        scrutinee,
        pat,
        guard,
    })
}

/// The implicit arguments of a format string: `{x}`, `{x:?}`, and `w` in `{:w$}` / `{:.w$}`.
fn format_string_names(format: &str) -> Vec<String> {
    fn ident_end(s: &str) -> usize {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    }
    fn is_ident(s: &str) -> bool {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && ident_end(s) == s.len()
    }
    let mut names = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(escaped) = rest.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let Some(close) = rest.find('}') else { break };
        let (arg, spec) = rest[..close]
            .split_once(':')
            .unwrap_or((&rest[..close], ""));
        if is_ident(arg.trim()) {
            names.push(arg.trim().to_owned());
        }
        // `w$` in the spec: the identifier just before each `$`.
        for (dollar, _) in spec.match_indices('$') {
            let before = &spec[..dollar];
            let start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            if is_ident(&before[start..]) {
                names.push(before[start..].to_owned());
            }
        }
        rest = &rest[close + 1..];
    }
    names
}

impl FreeVars {
    /// Records the uses inside the body of `mac` (see the module docs for which macros).
    pub(crate) fn macro_body(&mut self, mac: &Macro) {
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if OPAQUE.contains(&name.as_str()) {
            return;
        }
        if let Some(index) = format_string_index(&name) {
            if let Ok(args) = mac.parse_body_with(parse_args) {
                self.format_args(&args, index);
            }
            return;
        }
        match name.as_str() {
            "matches" | "assert_matches" | "debug_assert_matches" => {
                if let Ok(m) = mac.parse_body_with(parse_matches) {
                    self.visit_expr(&m.scrutinee);
                    self.push();
                    self.bind_pat(&m.pat);
                    if let Some(guard) = &m.guard {
                        self.visit_expr(guard);
                    }
                    self.pop();
                }
            }
            "select" => {
                if let Ok(select) = mac.parse_body::<SelectInput>() {
                    select.arms.iter().for_each(|arm| self.select_arm(arm));
                }
            }
            "chan" => {
                if let Ok(ChanInput { cap: Some(cap), .. }) = mac.parse_body() {
                    self.visit_expr(&cap);
                }
            }
            _ => self.any_macro(mac),
        }
    }

    /// The arguments of a format macro, and the implicit ones of its format string.
    fn format_args(&mut self, args: &[Arg], index: usize) {
        for arg in args {
            self.visit_expr(&arg.value);
        }
        let Some(Expr::Lit(ExprLit {
            lit: Lit::Str(format),
            ..
        })) = args
            .get(index)
            .filter(|arg| arg.name.is_none())
            .map(|arg| &arg.value)
        else {
            return;
        };
        let named: Vec<String> = args
            .iter()
            .filter_map(|a| a.name.as_ref().map(Ident::to_string))
            .collect();
        for name in format_string_names(&format.value()) {
            if !named.contains(&name) {
                self.format_use(&name, format);
            }
        }
    }

    /// A use of `name` inside the format string `format`, spanned at the string.
    fn format_use(&mut self, name: &str, format: &LitStr) {
        if let Ok(mut ident) = syn::parse_str::<Ident>(name) {
            ident.set_span(format.span());
            self.use_ident(&ident);
        }
    }

    /// A `select!` arm: its operand and value, then its body with the received bindings.
    fn select_arm(&mut self, arm: &Arm) {
        match &arm.head {
            Head::Recv { binding, chan, .. } => {
                self.visit_expr(chan);
                self.push();
                match binding {
                    Some(Binding::Declare(pats)) => pats.iter().for_each(|pat| self.bind_pat(pat)),
                    Some(Binding::Assign(places)) => {
                        for place in places {
                            self.visit_expr(place);
                            // `(x, ok) = <-rx` is one tuple of places.
                            match place {
                                syn::Expr::Tuple(t) => {
                                    t.elems.iter().for_each(|p| self.assignment(p, p));
                                }
                                p => self.assignment(p, p),
                            }
                        }
                    }
                    None => {}
                }
                self.visit_expr(&arm.body);
                self.pop();
            }
            Head::Send { chan, value, .. } => {
                self.visit_expr(chan);
                self.visit_expr(value);
                self.visit_expr(&arm.body);
            }
            Head::Default(_) => self.visit_expr(&arm.body),
        }
    }

    /// A macro we know nothing about: the first of its readings that parses.
    fn any_macro(&mut self, mac: &Macro) {
        if let Ok(args) = mac.parse_body_with(parse_args) {
            args.iter().for_each(|arg| self.visit_expr(&arg.value));
        } else if let Ok((elem, count)) = mac.parse_body_with(parse_repeat) {
            self.visit_expr(&elem);
            self.visit_expr(&count);
        } else if let Ok(stmts) = mac.parse_body_with(Block::parse_within) {
            self.block(&stmts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_string_names;

    #[test]
    fn format_strings_name_their_implicit_arguments() {
        assert_eq!(
            format_string_names("{x} {y:?} {{z}} {0} {} {:>w$.p$}"),
            ["x", "y", "w", "p"]
        );
        assert_eq!(format_string_names("{a:#?}{b:08.3}}}"), ["a", "b"]);
        assert!(format_string_names("{ unclosed").is_empty());
        // Not valid format specs, but any string literal must be read without panicking.
        assert_eq!(format_string_names("{:…w$} {é:€}"), ["w", "é"]);
    }
}
