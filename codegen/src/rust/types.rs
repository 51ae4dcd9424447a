//! Structs for event data and shared objects; open enumerations that keep
//! values newer than the spec.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::{doc, escape};
use crate::catalog::{
    Catalog, EnumType, EventData, Member, ObjectType, TypeRef, data_type_name, pascal_case,
    snake_case,
};

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
        Some(object(&name, &summary, "", members, catalog))
    });
    quote! { #(#structs)* }
}

/// The objects that event data nests, and the enumerations.
pub fn shared_types(catalog: &Catalog<'_>) -> TokenStream {
    let objects = catalog.objects.iter().map(|o| shared_object(o, catalog));
    let enums = catalog.enums.iter().map(open_enum);
    quote! { #(#objects)* #(#enums)* }
}

fn shared_object(object_type: &ObjectType<'_>, catalog: &Catalog<'_>) -> TokenStream {
    let name = format_ident!("{}", object_type.name);
    let summary = if object_type.description.is_empty() {
        format!("An object of {}.", users(&object_type.users))
    } else {
        format!(
            "{} (in {}).",
            escape(object_type.description.trim_end_matches('.')),
            users(&object_type.users)
        )
    };
    object(&name, &summary, "", &object_type.members, catalog)
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
fn object(
    name: &Ident,
    summary: &str,
    extra: &str,
    members: &[Member<'_>],
    catalog: &Catalog<'_>,
) -> TokenStream {
    let docs = doc(&[summary, extra]);
    let fields = members.iter().map(|member| {
        let field = member.field;
        let ident = field_ident(&field.name);
        let mut ty = rust_type(&member.ty, catalog);
        let mut attrs = Vec::new();
        if snake_case(&field.name) != field.name || is_keyword(&field.name) {
            let wire = &field.name;
            attrs.push(quote! { #[serde(rename = #wire)] });
        }
        if !member.required {
            ty = quote! { Option<#ty> };
            attrs.push(quote! { #[serde(default, skip_serializing_if = "Option::is_none")] });
        }
        let since = format!("Since revision `{}`.", member.introduced);
        // Why a member is an `Option`: the spec says so, or an earlier
        // revision of the event does not send it.
        let optional = if field.optional {
            Some("Optional.")
        } else if !member.required {
            Some("Optional in this type: not every revision of the event sends it.")
        } else {
            None
        };
        let description = if field.description.is_empty() {
            format!("`{}`", field.name)
        } else {
            escape(&field.description)
        };
        let docs = doc(&[&description, optional.unwrap_or(""), &since]);
        quote! { #docs #(#attrs)* pub #ident: #ty, }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name { #(#fields)* }
    }
}

pub fn rust_type(ty: &TypeRef, catalog: &Catalog<'_>) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Int => quote! { i64 },
        // Kept as written: an integer stays an integer, a fraction a fraction.
        TypeRef::Number => quote! { serde_json::Number },
        TypeRef::Bool => quote! { bool },
        TypeRef::Array => quote! { Vec<serde_json::Value> },
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
    let summary = format!("The values of a member of {}.", users(&enum_type.users));
    let docs = doc(&[
        &summary,
        "A value this crate does not know decodes into `Unknown`, which keeps it.",
    ]);
    let variants = variant_names(enum_type);
    let declarations = enum_type
        .values
        .iter()
        .zip(&variants)
        .map(|(value, variant)| {
            let meaning = match &value.meaning {
                Some(meaning) => format!("`\"{}\"`: {}", value.value, escape(meaning)),
                None => format!("`\"{}\"`", value.value),
            };
            let docs = doc(&[&meaning]);
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
        pub enum #name {
            #(#declarations)*
            /// A value newer than the spec, as received.
            Unknown(String),
        }

        impl #name {
            /// The value as QMP writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
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
                    other => Self::Unknown(other.to_owned()),
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
                deserializer.deserialize_str(crate::StrVisitor::<Self>::new())
            }
        }
    }
}

/// Variant names for an enumeration's values, unique and never `Unknown`.
fn variant_names(enum_type: &EnumType<'_>) -> Vec<Ident> {
    let mut taken: Vec<String> = vec!["Unknown".to_string()];
    enum_type
        .values
        .iter()
        .map(|value| {
            let mut name = pascal_case(&value.value);
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            while taken.contains(&name) {
                name.push('_');
            }
            taken.push(name.clone());
            Ident::new(&name, Span::call_site())
        })
        .collect()
}

/// A member's identifier: snake case, raw when it is a keyword (`r#type`).
pub fn field_ident(name: &str) -> Ident {
    let snake = snake_case(name);
    if is_keyword(&snake) {
        Ident::new_raw(&snake, Span::call_site())
    } else {
        Ident::new(&snake, Span::call_site())
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}
