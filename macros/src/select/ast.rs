//! The syntax of `select!` (syntax only; rules a grammar can't say live in `valid.rs`).
//!
//! ```text
//! select    := arm*
//! arm       := "case"? head "=>" body ","?        (the "," may be left out after a block body,
//!                                                 as in `match`, and after the last arm)
//! head      := "default"
//!            | "<-" operand                       receive, discard the value
//!            | binding ("=" | ":=") "<-" operand  receive into a binding
//!            | operand "<-" value                 send
//! binding   := pat | pat "," pat                  (`v`, `(v, ok)`, Go's `v, ok`)
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

/// The patterns left of `=` / `:=` in a receive arm (`valid.rs` decides which shapes bind).
pub(crate) struct Binding {
    pub(crate) pats: Punctuated<Pat, Token![,]>,
}

/// The two shapes a receive binding can take (see `Binding::shape`).
pub(crate) enum Shape<'a> {
    /// `v`, `mut v`, `_` (parentheses taken off): binds `Option<T>`.
    Value(&'a Pat),
    /// `(v, ok)` or `v, ok`: binds `(T, bool)`, Go's `v, ok := <-ch`.
    Ok(&'a Pat, &'a Pat),
}

impl Binding {
    /// The shape of this binding, or `None` if it has neither (an error in `valid.rs`).
    pub(crate) fn shape(&self) -> Option<Shape<'_>> {
        let pats: Vec<&Pat> = self.pats.iter().collect();
        match pats[..] {
            [Pat::Tuple(tuple)] if tuple.elems.len() == 2 => {
                Some(Shape::Ok(&tuple.elems[0], &tuple.elems[1]))
            }
            [pat] => is_plain(pat).then_some(Shape::Value(unparen(pat))),
            [v, ok] => Some(Shape::Ok(v, ok)),
            _ => None,
        }
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

const ARM_SHAPES: &str = "a select arm is a receive `v = <-rx`, `(v, ok) := <-rx` or `<-rx`, \
                          a send `tx <- value`, or `default`";

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
                if end > 0 && is_punct(&head[end - 1], ':') {
                    end -= 1; // `:=`
                }
                if end == 0 {
                    return Err(syn::Error::new_spanned(
                        tokens(&head[..at]),
                        "expected the variable to receive into before this: `v = <-rx`",
                    ));
                }
                let pats = parse_binding.parse2(tokens(&head[..end]))?;
                Ok(Head::Recv {
                    binding: Some(Binding { pats }),
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
    let tts = tokens(tts);
    parse
        .parse2(tts.clone())
        .map_err(|error| match cut_short(leading_expr, &tts) {
            Some(last) => ends_early(last, what),
            None => error,
        })
}

/// The error for an expression that stops at `last`.
fn ends_early(last: TokenTree, what: &str) -> syn::Error {
    let message = format!("{what} stops in the middle of an expression: complete it after this");
    syn::Error::new_spanned(last, message)
}

/// `v`, `(v, ok)`, `v, ok`.
fn parse_binding(input: ParseStream) -> syn::Result<Punctuated<Pat, Token![,]>> {
    let pats = Punctuated::parse_separated_nonempty_with(input, Pat::parse_single)?;
    if !input.is_empty() {
        return Err(input.error("expected `=` or `:=` and `<-` after the variable"));
    }
    Ok(pats)
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
                    let bound = match binding.as_ref().map(|b| b.shape()) {
                        None => "-".to_owned(),
                        Some(Some(Shape::Value(v))) => text(v),
                        Some(Some(Shape::Ok(v, ok))) => format!("({}, {})", text(v), text(ok)),
                        Some(None) => "?".to_owned(),
                    };
                    format!("recv {bound} | {}", text(chan))
                }
                Head::Send { chan, value } => format!("send {} | {}", text(chan), text(value)),
            })
            .collect()
    }

    #[test]
    fn heads_split_at_their_first_top_level_arrow() {
        let src = "case v = <-rx => a, (v, ok) := <-rx => {} <-done => b,
                   case w, ok = <-self.ch => c, mut x = <-chans[i] => d,
                   tx <- v + 1 => {} tx <- -1 => {} out[f(a <- b)] <- x < -y => e,
                   (y) = <-rx => f, default => g";
        assert_eq!(
            arms(src),
            [
                "recv v | rx",
                "recv (v, ok) | rx",
                "recv - | done",
                "recv (w, ok) | self . ch",
                "recv mut x | chans [i]",
                "send tx | v + 1",
                "send tx | - 1",
                "send out [f (a < - b)] | x < - y",
                "recv y | rx",
                "default",
            ]
        );
    }

    #[test]
    fn case_is_a_keyword_but_raw_case_is_a_variable() {
        assert_eq!(arms("r#case = <-rx => {}"), ["recv r#case | rx"]);
        assert!(syn::parse_str::<SelectInput>("case = <-rx => {}").is_err());
    }

    #[test]
    fn other_patterns_have_no_shape() {
        assert_eq!(
            arms("Some(v) = <-a => {} (a, b, c) = <-b => {} x @ _ = <-c => {}"),
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
