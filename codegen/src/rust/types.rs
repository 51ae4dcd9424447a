//! Structs for event data and shared objects; open enumerations that keep
//! values newer than the spec.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::{doc, escape};
use crate::catalog::{
    AlternateType, Catalog, EnumType, EventData, Member, ObjectType, TypeRef, UnionType, Ways,
    data_type_name,
};
use crate::idents::{Case, Scope};

/// The structs of event data, in event order.
pub fn data_structs(catalog: &Catalog<'_>) -> TokenStream {
    let structs = catalog.events.iter().filter_map(|event| {
        let EventData::Fields(members) = &event.data else {
            return None;
        };
        let name = format_ident!("{}", data_type_name(event));
        let summary = format!(
            "The data of [`Event::{}`] (`{}`).",
            event.type_name, event.name
        );
        let kind = format_ident!("{}", event.type_name);
        let object = object(&name, &[&summary], members, catalog, Ways::BOTH);
        Some(quote! {
            #object
            impl #name {
                /// The event whose data this is.
                pub const KIND: EventKind = EventKind::#kind;
            }
        })
    });
    quote! { #(#structs)* }
}

/// The objects that event data nests, and the enumerations.
pub fn shared_types(catalog: &Catalog<'_>) -> TokenStream {
    let objects = catalog
        .event_objects()
        .iter()
        .map(|o| shared_object(o, catalog));
    let enums = catalog.event_enums().iter().map(open_enum);
    let unions = catalog
        .event_unions()
        .iter()
        .map(|u| union(u, catalog, false));
    let alternates = catalog
        .event_alternates()
        .iter()
        .map(|a| alternate(a, catalog, false));
    quote! { #(#objects)* #(#enums)* #(#unions)* #(#alternates)* }
}

/// The types only commands reach, for the `commands` module.
pub fn command_types(catalog: &Catalog<'_>) -> TokenStream {
    let first = catalog.command_types;
    let objects = catalog.objects[first.objects..]
        .iter()
        .map(|o| shared_object(o, catalog));
    let enums = catalog.enums[first.enums..].iter().map(open_enum);
    let unions = catalog.unions[first.unions..]
        .iter()
        .map(|u| union(u, catalog, true));
    let alternates = catalog.alternates[first.alternates..]
        .iter()
        .map(|a| alternate(a, catalog, true));
    quote! { #(#objects)* #(#enums)* #(#unions)* #(#alternates)* }
}

/// What a shared type is, in a sentence: its QAPI name and where it is used.
fn type_summary(description: &str, qapi_name: Option<&str>, users: &[&str]) -> String {
    let mut summary = if description.is_empty() {
        format!("A type of {}.", self::users(users))
    } else {
        format!(
            "{} (in {}).",
            escape(description.trim_end_matches('.')),
            self::users(users)
        )
    };
    if let Some(qapi) = qapi_name {
        summary.push_str(&format!(" QAPI type `{qapi}`."));
    }
    summary
}

/// A QAPI union: an enum over the discriminator's values, each holding its
/// branch, and `Unknown` holding the object of a branch newer than the
/// spec; with `untagged`, an object without the discriminator too (a
/// command's union, which older QEMUs may return as a plain struct).
fn union(union_type: &UnionType<'_>, catalog: &Catalog<'_>, untagged: bool) -> TokenStream {
    let name = format_ident!("{}", union_type.name);
    let docs = doc(&[
        &type_summary(
            union_type.description,
            union_type.qapi_name,
            &union_type.users,
        ),
        &format!(
            "A union: member `{}` says which branch the object is. Open: an object of a branch \
             this crate does not know decodes into `Unknown`, which keeps it whole.",
            union_type.discriminator
        ),
    ]);
    let discriminator = union_type.discriminator;
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let variants: Vec<(Ident, &str, TokenStream)> = union_type
        .variants
        .iter()
        .map(|(value, ty)| {
            let ident = Ident::new(&scope.claim(value, Case::Pascal), Span::call_site());
            (ident, *value, rust_type(ty, catalog))
        })
        .collect();
    let declarations = variants.iter().map(|(ident, value, ty)| {
        let docs = doc(&[&format!("`{discriminator}` is `\"{value}\"`.")]);
        quote! { #docs #ident(#ty), }
    });
    let encode = variants.iter().map(|(ident, value, _)| {
        quote! { Self::#ident(branch) => super::runtime::encode_union(serializer, #discriminator, #value, branch), }
    });
    let derives = super::derives(catalog.variants_eq(&union_type.variants), false, false);
    let ways = union_type.ways;
    // A command's union may hold large branches beside small ones (the
    // objects `object-add` makes): boxing them would burden every user.
    let large = untagged.then(|| quote! { #[allow(clippy::large_enum_variant)] });
    // Both kinds decode from the union's JSON text, the tag found by a scan
    // of its bytes, then the branch in one pass, with code compiled once
    // here whatever deserializer a client decodes with. A command's union
    // may come without its tag (the struct an older QEMU sent before the
    // type became a union): `Unknown`; an event's must have it.
    let missing = (!untagged).then(|| {
        quote! { None => return Err(serde::de::Error::missing_field(#discriminator)), }
    });
    let decode = variants.iter().map(|(ident, value, _)| {
        quote! { Some(#value) => Self::#ident(serde_json::from_str(text)?), }
    });
    let decoder = ways.received.then(|| {
        quote! {
            impl #name {
                /// The branch `tag` names, from the union's object as JSON
                /// text. Not generic: compiled once, here, whatever
                /// deserializer a client decodes with.
                fn from_text(tag: Option<&str>, text: &str) -> Result<Self, serde_json::Error> {
                    Ok(match tag {
                        #(#decode)*
                        #missing
                        _ => Self::Unknown(serde_json::from_str(text)?),
                    })
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let union = super::runtime::union_text(deserializer, #discriminator)?;
                    Self::from_text(union.tag(), union.text()).map_err(serde::de::Error::custom)
                }
            }
        }
    });
    let encoder = ways.sent.then(|| {
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#encode)*
                        Self::Unknown(object) => serde::Serialize::serialize(object, serializer),
                    }
                }
            }
        }
    });
    quote! {
        #docs
        #derives
        #large
        #[non_exhaustive]
        pub enum #name {
            #(#declarations)*
            /// A branch newer than the spec: the object as received.
            Unknown(serde_json::Value),
        }

        #decoder
        #encoder
    }
}

/// A QAPI alternate: the first branch whose type fits the value, or
/// `Unknown` with the value.
fn alternate(
    alternate_type: &AlternateType<'_>,
    catalog: &Catalog<'_>,
    command: bool,
) -> TokenStream {
    let name = format_ident!("{}", alternate_type.name);
    let docs = doc(&[
        &type_summary(
            alternate_type.description,
            alternate_type.qapi_name,
            &alternate_type.users,
        ),
        "An alternate: one of several types, told apart by their JSON type; a value of none of \
         them decodes into `Unknown`.",
    ]);
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let declarations = alternate_type.variants.iter().map(|(branch, ty)| {
        let ident = Ident::new(&scope.claim(branch, Case::Pascal), Span::call_site());
        let ty = rust_type(ty, catalog);
        let docs = doc(&[&format!("Branch `{branch}`.")]);
        quote! { #docs #ident(#ty), }
    });
    let large = command.then(|| quote! { #[allow(clippy::large_enum_variant)] });
    let ways = alternate_type.ways;
    let derives = super::derives(
        catalog.variants_eq(&alternate_type.variants),
        ways.sent,
        ways.received,
    );
    quote! {
        #docs
        #derives
        #large
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#declarations)*
            /// A value of none of the branches' types.
            Unknown(serde_json::Value),
        }
    }
}

fn shared_object(object_type: &ObjectType<'_>, catalog: &Catalog<'_>) -> TokenStream {
    let name = format_ident!("{}", object_type.name);
    let summary = type_summary(
        object_type.description,
        object_type.qapi_name,
        &object_type.users,
    );
    object(
        &name,
        &[&summary],
        &object_type.members,
        catalog,
        object_type.ways,
    )
}

fn users(users: &[&str]) -> String {
    users
        .iter()
        .map(|u| format!("`{u}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A struct whose members decode by name; members it does not know are
/// ignored, as QMP asks of clients.
pub(super) fn object(
    name: &Ident,
    summary: &[&str],
    members: &[Member<'_>],
    catalog: &Catalog<'_>,
    ways: Ways,
) -> TokenStream {
    let docs = doc(summary);
    let mut scope = Scope::default();
    let mut decoded = Vec::new();
    let fields = members.iter().map(|member| {
        let field = member.declared;
        let ident = scope.claim(&field.name, Case::Snake);
        let mut ty = rust_type(&member.ty, catalog);
        let mut attrs = Vec::new();
        // serde's attributes serve its derived encoder, where there is one.
        if ident != field.name && ways.sent {
            let wire = &field.name;
            attrs.push(quote! { #[serde(rename = #wire)] });
        }
        let ident = Ident::new(&ident, Span::call_site());
        if !member.required {
            ty = quote! { Option<#ty> };
            if ways.sent {
                attrs.push(quote! { #[serde(skip_serializing_if = "Option::is_none")] });
            }
        }
        decoded.push((ident.clone(), field.name.as_str(), member.required));
        let docs = doc(&member_doc(member)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>());
        quote! { #docs #(#attrs)* pub #ident: #ty, }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let derives = super::derives(catalog.members_eq(members), ways.sent, false);
    let deserialize = ways.received.then(|| object_deserialize(name, &decoded));
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
        #deserialize
    }
}

/// An object's decoder: the runtime's `decode_object!` with its members.
fn object_deserialize(name: &Ident, members: &[(Ident, &str, bool)]) -> TokenStream {
    let expecting = format!("an object ({name})");
    let list = |required: bool| {
        let members = members
            .iter()
            .filter(|(_, _, r)| *r == required)
            .map(|(ident, wire, _)| quote! { #ident: #wire });
        quote! { #(#members),* }
    };
    let (required, optional) = (list(true), list(false));
    quote! {
        decode_object!(#name, #expecting, required { #required }, optional { #optional });
    }
}

/// A member's documentation: its description, why it is optional, and the
/// revisions that send it.
fn member_doc(member: &Member<'_>) -> Vec<String> {
    let field = member.declared;
    let mut paragraphs = vec![if field.description.is_empty() {
        format!("`{}`", field.name)
    } else {
        escape(&field.description)
    }];
    // Why a member is an `Option`: the spec says so, or a revision of the
    // event does not send it.
    if field.optional {
        paragraphs.push("Optional.".to_string());
    } else if !member.required {
        paragraphs
            .push("Optional in this type: not every revision of the event sends it.".to_string());
    }
    if let Some(condition) = &field.condition {
        paragraphs.push(format!(
            "Only in builds where `{condition}` holds (a QAPI condition)."
        ));
    }
    paragraphs.extend(features(&field.features));
    if let TypeRef::Sized(sized) = member.ty {
        let (rust, qapi) = sized.names();
        paragraphs.push(format!("QAPI type `{qapi}`: `{rust}`."));
    }
    if member.ty == TypeRef::IntegralNumber {
        paragraphs.push(
            "An integer: the spec says `json-number`, and every example of the history is an \
             integer."
                .to_string(),
        );
    }
    paragraphs.push(match member.dropped_after {
        Some(last) => format!(
            "Sent from revision `{}` to revision `{last}`: later revisions drop it.",
            member.introduced
        ),
        None => format!("Since revision `{}`.", member.introduced),
    });
    paragraphs
}

/// What a member's, event's or value's QAPI features tell a user.
pub fn features(features: &[qmp_spec::Feature]) -> Vec<String> {
    features
        .iter()
        .map(|feature| {
            let what = match feature.name.as_str() {
                "deprecated" => {
                    "Deprecated (QAPI feature `deprecated`): QEMU still sends it, and will stop in \
                     a later release."
                        .to_string()
                }
                "unstable" => "Unstable (QAPI feature `unstable`): it may change or go without \
                               notice."
                    .to_string(),
                other => format!("QAPI feature `{other}`."),
            };
            match &feature.condition {
                Some(condition) => format!("{what} In builds where `{condition}` holds."),
                None => what,
            }
        })
        .collect()
}

pub fn rust_type(ty: &TypeRef, catalog: &Catalog<'_>) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Int | TypeRef::IntegralNumber => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Bool => quote! { bool },
        TypeRef::Sized(sized) => {
            let rust = format_ident!("{}", sized.names().0);
            quote! { #rust }
        }
        TypeRef::Null => quote! { () },
        TypeRef::Array(None) => quote! { Vec<serde_json::Value> },
        TypeRef::Array(Some(items)) => {
            let items = rust_type(items, catalog);
            quote! { Vec<#items> }
        }
        TypeRef::Union(index) => {
            let name = format_ident!("{}", catalog.unions[*index].name);
            quote! { #name }
        }
        TypeRef::Alternate(index) => {
            let name = format_ident!("{}", catalog.alternates[*index].name);
            quote! { #name }
        }
        TypeRef::Value | TypeRef::External(_) => quote! { serde_json::Value },
        TypeRef::Object(index) => {
            let name = format_ident!("{}", catalog.objects[*index].name);
            quote! { #name }
        }
        TypeRef::Enum(index) => {
            let name = format_ident!("{}", catalog.enums[*index].name);
            quote! { #name }
        }
    }
}

/// An enumeration with a catch-all that keeps any value newer than the spec.
fn open_enum(enum_type: &EnumType<'_>) -> TokenStream {
    let name = format_ident!("{}", enum_type.name);
    let mut summary = format!("The values of a member of {}.", users(&enum_type.users));
    if let Some(qapi) = enum_type.qapi_name {
        summary.push_str(&format!(" QAPI enum `{qapi}`."));
    }
    let docs = doc(&[
        &summary,
        "Open: a value this crate does not know decodes into `Unknown`, which keeps it; a later \
         revision that documents the value gives it a variant of its own. `From<&str>` and \
         `FromStr` never fail, and never give `Unknown` for a value with a variant.",
    ]);
    let variants = variant_names(enum_type);
    let declarations = enum_type
        .values
        .iter()
        .zip(&variants)
        .zip(&enum_type.value_history)
        .map(|((value, variant), history)| {
            let mut paragraphs = vec![match &value.meaning {
                Some(meaning) => format!("`\"{}\"`: {}", value.value, escape(meaning)),
                None => format!("`\"{}\"`", value.value),
            }];
            if let Some(condition) = &value.condition {
                paragraphs.push(format!("Only in builds where `{condition}` holds."));
            }
            paragraphs.extend(features(&value.features));
            match history {
                (Some(since), Some(until)) => paragraphs.push(format!(
                    "Sent from revision `{since}` to revision `{until}`: later revisions drop it."
                )),
                (Some(since), None) => paragraphs.push(format!("Since revision `{since}`.")),
                _ => {}
            }
            let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
            let docs = doc(&refs);
            quote! { #docs #variant, }
        });
    let to_str = enum_type
        .values
        .iter()
        .zip(&variants)
        .map(|(value, variant)| {
            let wire = &value.value;
            quote! { Self::#variant => #wire, }
        });
    let from_str = enum_type
        .values
        .iter()
        .zip(&variants)
        .map(|(value, variant)| {
            let wire = &value.value;
            quote! { #wire => Self::#variant, }
        });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#declarations)*
            /// A value newer than the spec, as received.
            Unknown(UnknownValue),
        }

        impl #name {
            /// The value as QMP writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(UnknownValue::new(other)),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::decode_str(deserializer)
            }
        }
    }
}

/// Variant names for an enumeration's values, unique and never `Unknown`.
fn variant_names(enum_type: &EnumType<'_>) -> Vec<Ident> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    enum_type
        .values
        .iter()
        .map(|value| Ident::new(&scope.claim(&value.value, Case::Pascal), Span::call_site()))
        .collect()
}
