//! The rules of `#[derive(Trace)]`: a struct or an enum (a union's live field is unknown),
//! `#[trace(skip)]` on fields only, `#[trace(unsafe_drop)]` on the type only, nothing else.
//! A skipped field's type names none of the type's lifetimes, nor a type parameter not
//! bounded by `'static`: it could borrow a handle the collector would never see. (That is
//! only what the tokens show; behind an alias the type checker finds it, from code
//! `expand.rs` writes. A field that is not `Trace` and a `Drop` impl are its too.)
use std::collections::HashSet;

use syn::visit::Visit;
use syn::{
    Attribute, Data, DeriveInput, Fields, GenericParam, Generics, Lifetime, Member, Type,
    TypeParamBound, TypePath, WherePredicate,
};

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
    if let Some(packed) = packed(&input.attrs) {
        errors.spanned(
            packed,
            "Trace cannot be derived for a `#[repr(packed)]` type: `trace` borrows each field, \
             and a packed field may be unaligned; remove `packed`, or implement `Trace` by hand \
             (`unsafe impl`) copying the fields out",
        );
    }
    let borrowed = Borrowed::of(&input.generics);
    let shape = match &input.data {
        Data::Struct(s) => Shape::Struct(fields(&s.fields, &borrowed, &mut errors)),
        Data::Enum(e) => Shape::Enum(
            e.variants
                .iter()
                .map(|v| {
                    options(&v.attrs, Place::Variant, &mut errors);
                    (&v.ident, fields(&v.fields, &borrowed, &mut errors))
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

/// The `packed` of a `#[repr(..., packed, ...)]` (or `packed(N)`), if any.
fn packed(attrs: &[Attribute]) -> Option<syn::Path> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        // A malformed `repr` is rustc's to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("packed") {
                found = Some(meta.path.clone());
            }
            if meta.input.peek(syn::token::Paren) {
                let _: proc_macro2::Group = meta.input.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// The fields, with their options; a skipped one must not borrow (see [`Borrowed`]).
fn fields<'a>(fields: &'a Fields, borrowed: &Borrowed, errors: &mut Errors) -> Vec<Field<'a>> {
    fields
        .members()
        .zip(fields)
        .map(|(member, f)| {
            let skip = options(&f.attrs, Place::Field, errors);
            if skip {
                borrowed.check(&f.ty, errors);
            }
            Field {
                member,
                ty: &f.ty,
                skip,
            }
        })
        .collect()
}

/// The generics a skipped field must not name: the type's lifetimes and its type parameters,
/// except those bounded by `'static`.
struct Borrowed {
    lifetimes: HashSet<syn::Ident>,
    params: HashSet<syn::Ident>,
}

impl Borrowed {
    fn of(generics: &Generics) -> Self {
        let is_static =
            |b: &TypeParamBound| matches!(b, TypeParamBound::Lifetime(l) if l.ident == "static");
        let mut statics: HashSet<syn::Ident> = HashSet::new();
        for p in generics.where_clause.iter().flat_map(|w| &w.predicates) {
            match p {
                WherePredicate::Type(t) if t.bounds.iter().any(is_static) => {
                    if let Type::Path(TypePath { qself: None, path }) = &t.bounded_ty
                        && let Some(id) = path.get_ident()
                    {
                        statics.insert(id.clone());
                    }
                }
                WherePredicate::Lifetime(l) if l.bounds.iter().any(|b| b.ident == "static") => {
                    statics.insert(l.lifetime.ident.clone());
                }
                _ => {}
            }
        }
        let mut lifetimes = HashSet::new();
        let mut params = HashSet::new();
        for p in &generics.params {
            match p {
                GenericParam::Lifetime(l)
                    if !l.bounds.iter().any(|b| b.ident == "static")
                        && !statics.contains(&l.lifetime.ident) =>
                {
                    lifetimes.insert(l.lifetime.ident.clone());
                }
                GenericParam::Type(t)
                    if !t.bounds.iter().any(is_static) && !statics.contains(&t.ident) =>
                {
                    params.insert(t.ident.clone());
                }
                _ => {}
            }
        }
        Borrowed { lifetimes, params }
    }

    /// Records an error at each of the type's borrowing generics that `ty` names.
    fn check(&self, ty: &Type, errors: &mut Errors) {
        struct Finder<'a> {
            borrowed: &'a Borrowed,
            errors: &'a mut Errors,
        }
        impl<'ast> Visit<'ast> for Finder<'_> {
            fn visit_lifetime(&mut self, l: &'ast Lifetime) {
                if self.borrowed.lifetimes.contains(&l.ident) {
                    self.errors.spanned(
                        l,
                        format!(
                            "a `#[trace(skip)]` field must be `'static`, and this one borrows \
                             for `{l}`: what it borrows could hold a GC handle the collector \
                             would never see; trace the field (remove `#[trace(skip)]`) or \
                             make it own its data"
                        ),
                    );
                }
            }
            fn visit_type_path(&mut self, t: &'ast TypePath) {
                if t.qself.is_none()
                    && let Some(id) = t.path.get_ident()
                    && self.borrowed.params.contains(id)
                {
                    self.errors.spanned(
                        t,
                        format!(
                            "a `#[trace(skip)]` field must be `'static`, and `{id}` may borrow: \
                             what it borrows could hold a GC handle the collector would never \
                             see; bound it with `{id}: 'static`, or trace the field (remove \
                             `#[trace(skip)]`)"
                        ),
                    );
                }
                syn::visit::visit_type_path(self, t);
            }
        }
        Finder {
            borrowed: self,
            errors,
        }
        .visit_type(ty);
    }
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
