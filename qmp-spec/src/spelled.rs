//! Types spelled out where they are used: the drafts the text and
//! introspection readers build (a field holds its members, elements and
//! branches in place), and the way from them into a revision's table of
//! types ([`Tabulate`]) and back ([`spell`]).
//!
//! A draft is a reader's working form, never the model: what a reader
//! returns is a [`Types`] table.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{Condition, EnumValue, Feature, Span, TypeSource};
use crate::types::{Branch, Member, Scalar, TypeDef, TypeId, TypeKind, Types};

/// A member of an event's data, or of an object member, its type spelled
/// out in place. It serializes without its position: the canonical form
/// (`cargo xtask ir --canonical`, `generated/ir/`) writes it so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: JsonType,
    /// Where the type came from: the field's own text, or its section's examples.
    pub type_source: TypeSource,
    pub optional: bool,
    /// Enumerated string values with their meanings, in source order.
    pub values: Vec<EnumValue>,
    pub description: String,
    /// Members of a `json-object` field; a union's common members.
    pub fields: Vec<Field>,
    #[serde(skip)]
    pub span: Span,
    /// QAPI era: the named type of the member (of its elements, for an
    /// array), whose structure the other fields spell out in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// QAPI era: an array's element type (a field without name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    /// QAPI era: a union's member that says which branch follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<String>,
    /// QAPI era: a union's branches (named by the discriminator's value,
    /// holding the branch's own members) or an alternate's (named by the
    /// branch, holding its type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
}

/// The JSON type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JsonType {
    String,
    Int,
    Number,
    Bool,
    Object,
    Array,
    /// Any JSON value (`json-value`).
    Value,
    /// A type of QEMU's QAPI schema, named but not described in this document.
    External(String),
    /// QAPI era: the sized integers and `size` (a byte count, unsigned).
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Size,
    /// QAPI era: JSON `null`.
    Null,
    /// QAPI era: a union: common members (`fields`), the `discriminator`
    /// among them, and a branch per value (`variants`).
    Union,
    /// QAPI era: one of several types (`variants`), told apart by JSON type.
    Alternate,
}

impl JsonType {
    /// The type as the text writes it: `json-string`, or an external type's name.
    pub fn label(&self) -> String {
        let label = match self {
            JsonType::String => "json-string",
            JsonType::Int => "json-int",
            JsonType::Number => "json-number",
            JsonType::Bool => "json-bool",
            JsonType::Object => "json-object",
            JsonType::Array => "json-array",
            JsonType::Value => "json-value",
            JsonType::External(name) => name,
            // The QAPI era's own words.
            JsonType::Int8 => "int8",
            JsonType::Int16 => "int16",
            JsonType::Int32 => "int32",
            JsonType::Int64 => "int64",
            JsonType::Uint8 => "uint8",
            JsonType::Uint16 => "uint16",
            JsonType::Uint32 => "uint32",
            JsonType::Uint64 => "uint64",
            JsonType::Size => "size",
            JsonType::Null => "null",
            JsonType::Union => "union",
            JsonType::Alternate => "alternate",
        };
        label.to_string()
    }
}

impl JsonType {
    /// Whether the type is one of the integers (`int`, sized, `size`).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            JsonType::Int
                | JsonType::Int8
                | JsonType::Int16
                | JsonType::Int32
                | JsonType::Int64
                | JsonType::Uint8
                | JsonType::Uint16
                | JsonType::Uint32
                | JsonType::Uint64
                | JsonType::Size
        )
    }
}

impl Field {
    /// A required field of type `ty` with nothing else said of it.
    pub fn new(name: String, ty: JsonType, span: Span) -> Field {
        Field {
            name,
            ty,
            type_source: TypeSource::Annotation,
            optional: false,
            values: Vec::new(),
            description: String::new(),
            fields: Vec::new(),
            span,
            type_name: None,
            items: None,
            discriminator: None,
            variants: Vec::new(),
            condition: None,
            features: Vec::new(),
        }
    }
}

/// The table of a revision's spelled-out fields: each named type once (its
/// first spelling), each nameless one where it is spelled, and a reference
/// by name inside a type's own spelling back to it.
#[derive(Default)]
pub struct Tabulate {
    pub types: Types,
    named: HashMap<String, TypeId>,
    scalars: HashMap<Scalar, TypeId>,
}

impl Tabulate {
    /// The id of `field`'s type (the field's own name and description
    /// belong to its member, not to its type).
    pub fn field(&mut self, field: &Field) -> TypeId {
        // A string of listed values is an enumeration; the values a text
        // lists for another scalar say nothing of its type on the wire.
        let listed = field.ty == JsonType::String && !field.values.is_empty();
        if let Some(scalar) = scalar(&field.ty).filter(|_| !listed) {
            return self.scalar(scalar);
        }
        // An array's `type_name` is its elements'.
        let name = match field.ty {
            JsonType::Array => None,
            _ => field.type_name.clone(),
        };
        if let Some(&id) = name.as_ref().and_then(|name| self.named.get(name)) {
            return id;
        }
        if let JsonType::External(reference) = &field.ty {
            // Named, and spelled nowhere before: described nowhere.
            if let Some(&id) = self.named.get(reference) {
                return id;
            }
            let id = self
                .types
                .add(TypeDef::named(Some(reference.clone()), TypeKind::External));
            self.named.insert(reference.clone(), id);
            return id;
        }
        let id = self.types.add(TypeDef::anonymous(TypeKind::Scalar {
            scalar: Scalar::Value,
        }));
        if let Some(name) = &name {
            self.named.insert(name.clone(), id);
        }
        let kind = match &field.ty {
            JsonType::Array => TypeKind::Array {
                items: field.items.as_deref().map(|items| self.field(items)),
            },
            JsonType::Object => TypeKind::Object {
                members: self.members(&field.fields),
                base: None,
            },
            JsonType::Union => TypeKind::Union {
                tag: field.discriminator.clone().unwrap_or_default(),
                members: self.members(&field.fields),
                base: None,
                branches: self.branches(&field.variants),
            },
            JsonType::Alternate => TypeKind::Alternate {
                branches: self.branches(&field.variants),
            },
            _ => TypeKind::Enum {
                values: field.values.clone(),
            },
        };
        self.types.set(id, TypeDef::named(name, kind));
        id
    }

    fn scalar(&mut self, scalar: Scalar) -> TypeId {
        if let Some(&id) = self.scalars.get(&scalar) {
            return id;
        }
        let id = self
            .types
            .add(TypeDef::anonymous(TypeKind::Scalar { scalar }));
        self.scalars.insert(scalar, id);
        id
    }

    pub fn members(&mut self, fields: &[Field]) -> Vec<Member> {
        fields
            .iter()
            .map(|field| Member {
                name: field.name.clone(),
                ty: self.field(field),
                type_source: field.type_source,
                optional: field.optional,
                description: field.description.clone(),
                span: field.span,
                condition: field.condition.clone(),
                features: field.features.clone(),
            })
            .collect()
    }

    fn branches(&mut self, variants: &[Field]) -> Vec<Branch> {
        variants
            .iter()
            .map(|variant| Branch {
                name: variant.name.clone(),
                ty: self.field(variant),
                description: variant.description.clone(),
                span: variant.span,
                condition: variant.condition.clone(),
            })
            .collect()
    }
}

fn scalar(ty: &JsonType) -> Option<Scalar> {
    Some(match ty {
        JsonType::String => Scalar::String,
        JsonType::Int => Scalar::Int,
        JsonType::Number => Scalar::Number,
        JsonType::Bool => Scalar::Bool,
        JsonType::Value => Scalar::Value,
        JsonType::Null => Scalar::Null,
        JsonType::Int8 => Scalar::Int8,
        JsonType::Int16 => Scalar::Int16,
        JsonType::Int32 => Scalar::Int32,
        JsonType::Int64 => Scalar::Int64,
        JsonType::Uint8 => Scalar::Uint8,
        JsonType::Uint16 => Scalar::Uint16,
        JsonType::Uint32 => Scalar::Uint32,
        JsonType::Uint64 => Scalar::Uint64,
        JsonType::Size => Scalar::Size,
        _ => return None,
    })
}

impl Tabulate {
    /// An object of `fields`: an event's data.
    pub fn object(&mut self, fields: &[Field]) -> TypeId {
        let members = self.members(fields);
        self.types.add(TypeDef::anonymous(TypeKind::Object {
            members,
            base: None,
        }))
    }
}

/// Type `ty` of `types` spelled out as a field named `name`; a type within
/// itself is referred to by its name there (`JsonType::External`), so the
/// spelling ends.
pub fn spell(types: &Types, name: &str, ty: TypeId) -> Field {
    Speller {
        types,
        inside: Vec::new(),
    }
    .field(name, ty)
}

struct Speller<'t> {
    types: &'t Types,
    inside: Vec<TypeId>,
}

impl Speller<'_> {
    fn field(&mut self, name: &str, ty: TypeId) -> Field {
        let def = self.types.get(ty);
        let mut field = Field::new(name.to_string(), JsonType::Value, Span::default());
        field.type_name = def.name.clone();
        if self.inside.contains(&ty) {
            field.ty = JsonType::External(def.name.clone().unwrap_or_default());
            return field;
        }
        self.inside.push(ty);
        match &def.kind {
            TypeKind::Scalar { scalar } => field.ty = json_type(*scalar),
            TypeKind::Enum { values } => {
                field.ty = JsonType::String;
                field.values = values.clone();
            }
            TypeKind::Array { items } => {
                field.ty = JsonType::Array;
                field.items = items.map(|items| Box::new(self.field("", items)));
                field.type_name = field.items.as_ref().and_then(|i| i.type_name.clone());
            }
            TypeKind::Object { members, .. } => {
                field.ty = JsonType::Object;
                field.fields = self.members(members);
            }
            TypeKind::Union { tag, members, .. } => {
                field.ty = JsonType::Union;
                field.fields = self.members(members);
                field.discriminator = Some(tag.clone());
            }
            TypeKind::Alternate { .. } => field.ty = JsonType::Alternate,
            TypeKind::External => {
                // Known by its name alone, as the text era writes it.
                field.ty = JsonType::External(def.name.clone().unwrap_or_default());
                field.type_name = None;
            }
        }
        for branch in self.types.branches(ty) {
            let mut variant = self.field(&branch.name, branch.ty);
            variant.description.clone_from(&branch.description);
            variant.span = branch.span;
            variant.condition.clone_from(&branch.condition);
            field.variants.push(variant);
        }
        self.inside.pop();
        field
    }

    fn members(&mut self, members: &[Member]) -> Vec<Field> {
        members
            .iter()
            .map(|member| {
                let mut field = self.field(&member.name, member.ty);
                field.type_source = member.type_source;
                field.optional = member.optional;
                field.description.clone_from(&member.description);
                field.span = member.span;
                field.condition.clone_from(&member.condition);
                field.features.clone_from(&member.features);
                field
            })
            .collect()
    }
}

/// A scalar's type in the spelled vocabulary.
pub fn json_type(scalar: Scalar) -> JsonType {
    match scalar {
        Scalar::String => JsonType::String,
        Scalar::Int => JsonType::Int,
        Scalar::Number => JsonType::Number,
        Scalar::Bool => JsonType::Bool,
        Scalar::Value => JsonType::Value,
        Scalar::Null => JsonType::Null,
        Scalar::Int8 => JsonType::Int8,
        Scalar::Int16 => JsonType::Int16,
        Scalar::Int32 => JsonType::Int32,
        Scalar::Int64 => JsonType::Int64,
        Scalar::Uint8 => JsonType::Uint8,
        Scalar::Uint16 => JsonType::Uint16,
        Scalar::Uint32 => JsonType::Uint32,
        Scalar::Uint64 => JsonType::Uint64,
        Scalar::Size => JsonType::Size,
    }
}

/// The members of a section's data spelled out (none when it has none).
pub fn data_fields(spec: &crate::model::Spec, section: &crate::model::Section) -> Vec<Field> {
    section
        .data
        .ty()
        .map(|data| spell(&spec.types, "", data).fields)
        .unwrap_or_default()
}
