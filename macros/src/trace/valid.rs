//! The rules of `#[derive(Trace)]`: a struct or an enum (a union's live field is unknown),
//! `#[trace(skip)]` on fields only, `#[trace(unsafe_drop)]` on the type only, nothing else.
//! (A field that is not `Trace`, a skipped field that is not `'static` and a `Drop` impl
//! are the type checker's to find: `expand.rs` writes the code it checks.)
use syn::{Attribute, Data, DeriveInput, Fields, Member, Type};

use crate::errors::Errors;

/// The options a user may write, for the error about any other.
const OPTIONS: &str = "the options are `#[trace(skip)]` on a field that holds no GC handle \
                       and `#[trace(unsafe_drop)]` on a type whose `Drop` impl touches no \
                       handle";

/// A checked input.
pub(crate) struct TraceInput<'a> {
    pub(crate) input: &'a DeriveInput,
    /// `#[trace(unsafe_drop)]`: the type may implement `Drop`.
    pub(crate) unsafe_drop: bool,
    pub(crate) shape: Shape<'a>,
}

pub(crate) enum Shape<'a> {
    Struct(Vec<Field<'a>>),
    /// Each variant's name and fields.
    Enum(Vec<(&'a syn::Ident, Vec<Field<'a>>)>),
}

pub(crate) struct Field<'a> {
    /// `name` or `0`, as a struct pattern names it.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    /// `#[trace(skip)]`.
    pub(crate) skip: bool,
}

/// Where an attribute was written: decides which options it may hold.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Type,
    Variant,
    Field,
}

/// The input, if every rule holds; else every broken rule at its own token.
pub(crate) fn check(input: &DeriveInput) -> syn::Result<TraceInput<'_>> {
    let mut errors = Errors::default();
    let unsafe_drop = options(&input.attrs, Place::Type, &mut errors);
    let shape = match &input.data {
        Data::Struct(s) => Shape::Struct(fields(&s.fields, &mut errors)),
        Data::Enum(e) => Shape::Enum(
            e.variants
                .iter()
                .map(|v| {
                    options(&v.attrs, Place::Variant, &mut errors);
                    (&v.ident, fields(&v.fields, &mut errors))
                })
                .collect(),
        ),
        Data::Union(u) => {
            errors.spanned(
                u.union_token,
                "Trace cannot be derived for a union: nothing says which field holds a value, \
                 so the collector could not find its handles; implement `Trace` by hand \
                 (`unsafe impl`) if the union can tell",
            );
            Shape::Struct(Vec::new())
        }
    };
    errors.finish().map(|()| TraceInput {
        input,
        unsafe_drop,
        shape,
    })
}

fn fields<'a>(fields: &'a Fields, errors: &mut Errors) -> Vec<Field<'a>> {
    fields
        .members()
        .zip(fields)
        .map(|(member, f)| Field {
            member,
            ty: &f.ty,
            skip: options(&f.attrs, Place::Field, errors),
        })
        .collect()
}

/// Reads the `#[trace(...)]` attributes at `place`: whether its one valid option (`skip`
/// on a field, `unsafe_drop` on the type) is set. Anything else is recorded in `errors`.
fn options(attrs: &[Attribute], place: Place, errors: &mut Errors) -> bool {
    let mut set = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("trace")) {
        if attr.meta.require_list().is_err() {
            errors.spanned(attr, format!("expected `#[trace(...)]`: {OPTIONS}"));
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            let (word, allowed_at) = if meta.path.is_ident("skip") {
                ("skip", Place::Field)
            } else if meta.path.is_ident("unsafe_drop") {
                ("unsafe_drop", Place::Type)
            } else {
                let name = meta.path.get_ident().map(ToString::to_string);
                let name = name.unwrap_or_else(|| "this".to_owned());
                return Err(meta.error(format!("unknown `trace` option `{name}`: {OPTIONS}")));
            };
            if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                return Err(
                    meta.error(format!("`{word}` takes no value: write `#[trace({word})]`"))
                );
            }
            if place != allowed_at {
                let here = match place {
                    Place::Type => "the type",
                    Place::Variant => "a variant",
                    Place::Field => "a field",
                };
                let there = match allowed_at {
                    Place::Field => "on a field",
                    _ => "on the struct or enum",
                };
                return Err(meta.error(format!(
                    "`#[trace({word})]` goes {there}, not on {here}: {OPTIONS}"
                )));
            }
            set = true;
            Ok(())
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    set
}
