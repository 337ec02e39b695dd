//! The syntax of `select!` (syntax only; rules a grammar can't say live in `valid.rs`).
//!
//! ```text
//! select    := arm*
//! arm       := "case"? head "=>" body ","?        (the "," may be left out after a block body,
//!                                                 as in `match`, and after the last arm)
//! head      := "default"
//!            | "<-" operand                       receive, discard the value
//!            | pats ":=" "<-" operand           receive into new variables
//!            | places "=" "<-" operand          receive into existing places
//!            | operand "<-" value                 send
//! pats      := pat | pat "," pat                  (`v`, `(v, ok)`, Go's `v, ok`)
//! places    := expr | expr "," expr               (`x`, `s.f`, `(a[i], ok)`, `*p, ok`)
//! ```
//! Rust's tokenizer reads `<-` as `<` `-`, and `tx <- value` as `tx < -value`, so a head is
//! first taken as raw tokens up to its `=>` and split at its first top-level `<` `-` pair;
//! the pieces are then parsed as patterns and expressions. An operand or value is parsed
//! without eager braces (as an `if` condition), so a forgotten `=>` before a block body is
//! reported at the block. `case` is Go's keyword here, never a variable (`r#case` is one).
use proc_macro2::{Ident, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

use crate::errors::{cut_short, leading_expr};

/// One `select!` input: its arms in source order.
pub(crate) struct SelectInput {
    pub(crate) arms: Vec<Arm>,
}

/// One arm: `case`? head `=>` body.
pub(crate) struct Arm {
    pub(crate) head: Head,
    pub(crate) body: Expr,
}

/// What an arm waits for.
pub(crate) enum Head {
    /// `default`.
    Default(Ident),
    /// `<-rx`, `v = <-rx`, `(v, ok) := <-rx`.
    Recv {
        binding: Option<Binding>,
        chan: Expr,
    },
    /// `tx <- value`.
    Send { chan: Expr, value: Expr },
}

/// What is left of `:=` / `=` in a receive arm (`valid.rs` decides which shapes are allowed).
pub(crate) enum Binding {
    /// `:=`: patterns declaring new variables.
    Declare(Punctuated<Pat, Token![,]>),
    /// `=`: existing places assigned to, as Go's `x = <-ch`.
    Assign(Punctuated<Expr, Token![,]>),
}

/// The two shapes a receive binding can take (see `Binding::declared`, `Binding::assigned`).
pub(crate) enum Shape<'a, T> {
    /// `v`, `mut v`, `_` (parentheses taken off): `:=` binds `Option<T>`, `=` assigns `T`.
    Value(&'a T),
    /// `(v, ok)` or `v, ok`: a `(T, bool)`, Go's `v, ok := <-ch`.
    Ok(&'a T, &'a T),
}

impl Binding {
    /// The shape of a `:=` binding: `None` if this is `=` or a shape of neither kind (an error
    /// in `valid.rs`).
    pub(crate) fn declared(&self) -> Option<Shape<'_, Pat>> {
        let Binding::Declare(pats) = self else {
            return None;
        };
        let pats: Vec<&Pat> = pats.iter().collect();
        match pats[..] {
            [Pat::Tuple(tuple)] if tuple.elems.len() == 2 => {
                Some(Shape::Ok(&tuple.elems[0], &tuple.elems[1]))
            }
            [pat] => is_plain(pat).then_some(Shape::Value(unparen(pat))),
            [v, ok] => Some(Shape::Ok(v, ok)),
            _ => None,
        }
    }

    /// The shape of an `=` binding (parentheses taken off each place): `None` if this is `:=`
    /// or a shape of neither kind. Whether each is a place is `valid.rs`'s business.
    pub(crate) fn assigned(&self) -> Option<Shape<'_, Expr>> {
        let Binding::Assign(places) = self else {
            return None;
        };
        let places: Vec<&Expr> = places.iter().collect();
        match places[..] {
            [Expr::Tuple(tuple)] if tuple.elems.len() == 2 => Some(Shape::Ok(
                unparen_expr(&tuple.elems[0]),
                unparen_expr(&tuple.elems[1]),
            )),
            [Expr::Tuple(_)] => None,
            [place] => Some(Shape::Value(unparen_expr(place))),
            [x, ok] => Some(Shape::Ok(unparen_expr(x), unparen_expr(ok))),
            _ => None,
        }
    }

    /// The tokens of the whole binding, where a wrong shape is reported.
    pub(crate) fn tokens(&self) -> TokenStream {
        match self {
            Binding::Declare(pats) => pats.to_token_stream(),
            Binding::Assign(places) => places.to_token_stream(),
        }
    }
}

/// `expr` without the parentheses around it (`(x) = v` would be `unused_parens`).
pub(crate) fn unparen_expr(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => unparen_expr(&paren.expr),
        _ => expr,
    }
}

/// `pat` without the parentheses around it (`let (v) = ..` would be `unused_parens`).
fn unparen(pat: &Pat) -> &Pat {
    match pat {
        Pat::Paren(paren) => unparen(&paren.pat),
        _ => pat,
    }
}

/// `v`, `mut v`, `ref v`, `_`, or one of them in parentheses.
fn is_plain(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(ident) => ident.subpat.is_none(),
        Pat::Wild(_) => true,
        Pat::Paren(paren) => is_plain(&paren.pat),
        _ => false,
    }
}

impl Parse for SelectInput {
    fn parse(input: ParseStream) -> syn::Result<SelectInput> {
        let mut arms = Vec::new();
        while !input.is_empty() {
            arms.push(input.parse()?);
        }
        Ok(SelectInput { arms })
    }
}

impl Parse for Arm {
    fn parse(input: ParseStream) -> syn::Result<Arm> {
        let case = if input.peek(syn::Ident) && input.fork().parse::<Ident>()? == "case" {
            Some(input.parse::<Ident>()?)
        } else {
            None
        };
        let head_tokens = input.step(|cursor| {
            let mut head = Vec::new();
            let mut rest = *cursor;
            while let Some((tt, next)) = rest.token_tree() {
                if is_fat_arrow(&tt, next.punct().map(|(p, _)| p)) {
                    break;
                }
                head.push(tt);
                rest = next;
            }
            Ok((head, rest))
        })?;
        let head = Head::from_tokens(head_tokens, case.as_ref(), input)?;
        if !input.peek(Token![=>]) {
            // The head parsed completely and nothing follows it.
            return Err(syn::Error::new_spanned(
                head.last_tokens(),
                "expected `=>` and the arm's body after this",
            ));
        }
        let fat_arrow = input.parse::<Token![=>]>()?;
        if input.is_empty() || input.peek(Token![,]) {
            return Err(syn::Error::new_spanned(
                fat_arrow,
                "expected the arm's body after `=>`",
            ));
        }
        let rest = input.fork().parse::<TokenStream>()?;
        let body =
            Expr::parse_with_earlier_boundary_rule(input).map_err(|error| {
                match cut_short(leading_expr, &rest) {
                    Some(last) => ends_early(last, "the arm's body"),
                    None => error,
                }
            })?;
        if input.parse::<Option<Token![,]>>()?.is_none() && !input.is_empty() && !ends_arm(&body) {
            return Err(input.error(
                "expected `,` after this arm's body (or write the body as a block `{ ... }`)",
            ));
        }
        Ok(Arm { head, body })
    }
}

/// Whether `tt` and the punct after it are `=>`.
fn is_fat_arrow(tt: &TokenTree, next: Option<proc_macro2::Punct>) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Joint)
        && next.is_some_and(|q| q.as_char() == '>')
}

/// Whether `tt` is the punct `c`.
fn is_punct(tt: &TokenTree, c: char) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether `body` may be followed by the next arm without a comma, as in `match`.
fn ends_arm(body: &Expr) -> bool {
    matches!(
        body,
        Expr::Block(_)
            | Expr::Const(_)
            | Expr::ForLoop(_)
            | Expr::If(_)
            | Expr::Loop(_)
            | Expr::Match(_)
            | Expr::TryBlock(_)
            | Expr::Unsafe(_)
            | Expr::While(_)
    )
}

const RECV_FROM: &str = "expected the channel to receive from after `<-`";

const RECV_CHAN: &str = "the channel to receive from";

const ARM_SHAPES: &str = "a select arm is a receive `v := <-rx`, `(v, ok) := <-rx`, \
                          `x = <-rx` or `<-rx`, a send `tx <- value`, or `default`";

impl Head {
    /// Splits the raw tokens before `=>` into a head. `case`: the keyword, if written;
    /// `input`: where the `=>` should be, for errors on an empty head.
    fn from_tokens(
        head: Vec<TokenTree>,
        case: Option<&Ident>,
        input: ParseStream,
    ) -> syn::Result<Head> {
        if head.is_empty() {
            let message = format!("expected a select arm here: {ARM_SHAPES}");
            return Err(match case {
                Some(case) => syn::Error::new_spanned(case, message),
                None => input.error(message),
            });
        }
        if let [TokenTree::Ident(kw)] = &head[..]
            && kw == "default"
        {
            return Ok(Head::Default(kw.clone()));
        }
        let Some(at) = head
            .windows(2)
            .position(|w| is_punct(&w[0], '<') && is_punct(&w[1], '-'))
        else {
            return Err(no_arrow(&head));
        };
        let arrow: TokenStream = head[at..at + 2].iter().cloned().collect();
        let after = &head[at + 2..];
        let before = &head[..at];
        match before.last() {
            None => Ok(Head::Recv {
                binding: None,
                chan: operand(after, &arrow, RECV_FROM, RECV_CHAN)?,
            }),
            Some(eq) if is_punct(eq, '=') => {
                let mut end = at - 1;
                let declare = end > 0 && is_punct(&head[end - 1], ':');
                if declare {
                    end -= 1; // `:=`
                }
                if end == 0 {
                    return Err(syn::Error::new_spanned(
                        tokens(&head[..at]),
                        "expected the variable to receive into before this: `v := <-rx` \
                         declares it, `x = <-rx` assigns to an existing one",
                    ));
                }
                let left = tokens(&head[..end]);
                let binding = if declare {
                    Binding::Declare(parse_declared(left)?)
                } else {
                    Binding::Assign(parse_assigned(left)?)
                };
                Ok(Head::Recv {
                    binding: Some(binding),
                    chan: operand(after, &arrow, RECV_FROM, RECV_CHAN)?,
                })
            }
            Some(_) => {
                let chan = operand(before, &arrow, "", "the channel to send on")?;
                let value = operand(
                    after,
                    &arrow,
                    "expected the value to send after `<-`",
                    "the value to send",
                )?;
                Ok(Head::Send { chan, value })
            }
        }
    }

    /// The last tokens of the head, where a missing `=>` is reported.
    fn last_tokens(&self) -> TokenStream {
        match self {
            Head::Default(kw) => kw.to_token_stream(),
            Head::Recv { chan, .. } => chan.to_token_stream(),
            Head::Send { value, .. } => value.to_token_stream(),
        }
    }
}

fn tokens(tts: &[TokenTree]) -> TokenStream {
    tts.iter().cloned().collect()
}

/// The error for a head without `<-`.
fn no_arrow(head: &[TokenTree]) -> syn::Error {
    // `v = rx`: a receive without its arrow.
    if let Some(eq) = head.iter().position(|tt| is_punct(tt, '='))
        && eq + 1 < head.len()
    {
        return syn::Error::new_spanned(
            tokens(&head[eq + 1..]),
            "expected `<-` before the channel: a receive arm reads `v = <-rx`",
        );
    }
    syn::Error::new_spanned(tokens(head), format!("expected `<-`: {ARM_SHAPES}"))
}

/// Parses the channel or value expression `tts` (empty: `missing` at the arrow; cut short:
/// `what` ends early, at its last token). Anything left after the expression means the `=>`
/// is missing (or is Go's `:`).
fn operand(tts: &[TokenTree], arrow: &TokenStream, missing: &str, what: &str) -> syn::Result<Expr> {
    if tts.is_empty() {
        return Err(syn::Error::new_spanned(arrow, missing));
    }
    let parse = |input: ParseStream| {
        let expr = Expr::parse_without_eager_brace(input)?;
        if input.peek(Token![:]) && !input.peek(Token![::]) {
            return Err(input.error("`select!` arms use `=>` where Go writes `:`"));
        }
        if !input.is_empty() {
            return Err(input.error("expected `=>` before the arm's body"));
        }
        Ok(expr)
    };
    let struct_literal = |input: ParseStream| {
        let expr = input.parse::<Expr>()?;
        input
            .is_empty()
            .then_some(expr)
            .ok_or_else(|| input.error(""))
    };
    if names_struct_literal(tts)
        && let Ok(expr) = struct_literal.parse2(tokens(tts))
    {
        return Ok(expr);
    }
    let tts = tokens(tts);
    parse
        .parse2(tts.clone())
        .map_err(|error| match cut_short(leading_expr, &tts) {
            Some(last) => ends_early(last, what),
            None => error,
        })
}

/// Whether the first top-level `{ .. }` of `tts` follows a type's name (`Point {`,
/// `Wrapper::<T> {`): a struct literal, parsed as such, where `rx {` stays a forgotten `=>`
/// before a block body.
fn names_struct_literal(tts: &[TokenTree]) -> bool {
    let brace = tts.iter().position(
        |tt| matches!(tt, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace),
    );
    match brace.and_then(|at| at.checked_sub(1)).map(|at| &tts[at]) {
        Some(TokenTree::Ident(name)) => name.to_string().starts_with(char::is_uppercase),
        Some(tt) => is_punct(tt, '>'),
        None => false,
    }
}

/// The error for an expression that stops at `last`.
fn ends_early(last: TokenTree, what: &str) -> syn::Error {
    let message = format!("{what} stops in the middle of an expression: complete it after this");
    syn::Error::new_spanned(last, message)
}

/// `v`, `(v, ok)`, `v, ok` before `:=`. A place that is no pattern (`s.f := <-rx`) is
/// reported at itself, with `=` as the fix.
fn parse_declared(left: TokenStream) -> syn::Result<Punctuated<Pat, Token![,]>> {
    let pats = |input: ParseStream| {
        let pats = Punctuated::parse_separated_nonempty_with(input, Pat::parse_single)?;
        if !input.is_empty() {
            return Err(input.error("expected `=` or `:=` and `<-` after the variable"));
        }
        Ok(pats)
    };
    pats.parse2(left.clone()).map_err(|error| {
        let Ok(places) = parse_places.parse2(left) else {
            return error;
        };
        let text = places.to_token_stream().to_string();
        syn::Error::new_spanned(
            places,
            format!(
                "`:=` declares new variables, and `{text}` is not a variable name: to assign \
                 the received value to it, write `{text} = <-rx`"
            ),
        )
    })
}

/// `x`, `(x, ok)`, `x, ok` before `=`, each an expression (`valid.rs` checks it is a place).
/// A pattern that is no expression (`mut v = <-rx`) is reported with `:=` as the fix.
fn parse_assigned(left: TokenStream) -> syn::Result<Punctuated<Expr, Token![,]>> {
    parse_places.parse2(left.clone()).map_err(|error| {
        let pats = |input: ParseStream| {
            let pats = Punctuated::<Pat, Token![,]>::parse_separated_nonempty_with(
                input,
                Pat::parse_single,
            )?;
            input
                .is_empty()
                .then_some(pats)
                .ok_or_else(|| input.error(""))
        };
        let Ok(pats) = pats.parse2(left) else {
            return error;
        };
        let text = pats.to_token_stream().to_string();
        syn::Error::new_spanned(
            pats,
            format!(
                "`=` assigns to an existing variable, field or index: to declare `{text}`, \
                 write `{text} := <-rx`"
            ),
        )
    })
}

/// Comma-separated expressions filling the whole input.
fn parse_places(input: ParseStream) -> syn::Result<Punctuated<Expr, Token![,]>> {
    let places = Punctuated::parse_separated_nonempty(input)?;
    if !input.is_empty() {
        return Err(input.error("expected `=` or `:=` and `<-` after the variable"));
    }
    Ok(places)
}

#[cfg(test)]
mod tests {
    use super::{Head, SelectInput, Shape};
    use quote::ToTokens;

    /// Each arm of `src` as `kind binding | operand | value`, in tokens.
    fn arms(src: &str) -> Vec<String> {
        let input: SelectInput = syn::parse_str(src).expect("test input parses");
        let text = |t: &dyn ToTokens| t.to_token_stream().to_string();
        input
            .arms
            .iter()
            .map(|arm| match &arm.head {
                Head::Default(_) => "default".to_owned(),
                Head::Recv { binding, chan } => {
                    let bound = match binding {
                        None => "-".to_owned(),
                        Some(b) => match (b.declared(), b.assigned()) {
                            (Some(Shape::Value(v)), _) => format!("{} :=", text(v)),
                            (Some(Shape::Ok(v, ok)), _) => {
                                format!("({}, {}) :=", text(v), text(ok))
                            }
                            (_, Some(Shape::Value(x))) => format!("{} =", text(x)),
                            (_, Some(Shape::Ok(x, ok))) => {
                                format!("({}, {}) =", text(x), text(ok))
                            }
                            (None, None) => "?".to_owned(),
                        },
                    };
                    format!("recv {bound} | {}", text(chan))
                }
                Head::Send { chan, value } => format!("send {} | {}", text(chan), text(value)),
            })
            .collect()
    }

    #[test]
    fn heads_split_at_their_first_top_level_arrow() {
        let src = "case v := <-rx => a, (v, ok) := <-rx => {} <-done => b,
                   case w, ok := <-self.ch => c, mut x := <-chans[i] => d,
                   tx <- v + 1 => {} tx <- -1 => {} out[f(a <- b)] <- x < -y => e,
                   (y) := <-rx => f, default => g";
        assert_eq!(
            arms(src),
            [
                "recv v := | rx",
                "recv (v, ok) := | rx",
                "recv - | done",
                "recv (w, ok) := | self . ch",
                "recv mut x := | chans [i]",
                "send tx | v + 1",
                "send tx | - 1",
                "send out [f (a < - b)] | x < - y",
                "recv y := | rx",
                "default",
            ]
        );
    }

    #[test]
    fn equals_assigns_to_places() {
        let src = "x = <-rx => {} s.f = <-rx => {} (a[i], ok) = <-rx => {}
                   *p, ok = <-rx => {} (x) = <-rx => {} _ = <-rx => {}";
        assert_eq!(
            arms(src),
            [
                "recv x = | rx",
                "recv s . f = | rx",
                "recv (a [i], ok) = | rx",
                "recv (* p, ok) = | rx",
                "recv x = | rx",
                "recv _ = | rx",
            ]
        );
    }

    #[test]
    fn a_send_value_may_be_a_struct_literal() {
        assert_eq!(
            arms("c <- Point { x: 1, y: 2 } => {} c <- W::<u8> { v: 1 }.v => {}"),
            [
                "send c | Point { x : 1 , y : 2 }",
                "send c | W :: < u8 > { v : 1 } . v",
            ]
        );
    }

    #[test]
    fn case_is_a_keyword_but_raw_case_is_a_variable() {
        assert_eq!(arms("r#case := <-rx => {}"), ["recv r#case := | rx"]);
        assert!(syn::parse_str::<SelectInput>("case := <-rx => {}").is_err());
    }

    #[test]
    fn other_patterns_have_no_shape() {
        assert_eq!(
            arms("Some(v) := <-a => {} (a, b, c) := <-b => {} x @ _ := <-c => {}"),
            ["recv ? | a", "recv ? | b", "recv ? | c"]
        );
    }

    #[test]
    fn malformed_input_is_an_error_never_a_panic() {
        for src in [
            "=>",
            "case",
            "<-",
            "<- =>",
            "v = <- => {}",
            "tx <- => {}",
            "= <-rx => {}",
            ":= <-rx => {}",
            "v = rx => {}",
            "rx -> v => {}",
            "<-rx",
            "<-rx =>",
            "<-rx: {}",
            "<-rx { }",
            "<-a => 1 <-b => 2",
            "default",
            "default =>",
            "v w = <-rx => {}",
            "a.b := <-rx => {}",
            "mut v = <-rx => {}",
            "<-rx => {} ,,",
            "< - < - => {}",
            "v = <-rx. => {}",
            "tx. <- 1 => {}",
            "tx <- 2 * => {}",
            "<-rx => ,",
            "<-rx => a +",
        ] {
            assert!(syn::parse_str::<SelectInput>(src).is_err(), "{src}");
        }
    }
}
