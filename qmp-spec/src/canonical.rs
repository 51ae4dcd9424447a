//! The canonical form of a model: only what does not depend on layout.
//!
//! No source positions, no warnings (they carry positions), no raw example
//! text: an example is its parsed JSON, or, when it does not parse, its
//! whitespace-normalized text. Two revisions that differ only in layout have
//! equal canonical forms; the history tests compare models this way. The
//! form is typed: it borrows from the model, compares with `==` and
//! serializes as the JSON `cargo xtask ir --canonical` prints.

use serde::Serialize;
use serde_json::Value;

use crate::model::{
    Condition, Data, EnumValue, Example, Feature, Section, Spec, TypeSource, normalize_whitespace,
};
use crate::spelled::{JsonType, json_type};
use crate::types::{Member, TypeId, TypeKind, Types};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalSpec<'a> {
    pub title: &'a str,
    pub sections: Vec<CanonicalSection<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalSection<'a> {
    pub names: &'a [String],
    pub description: &'a str,
    pub data: CanonicalData<'a>,
    pub examples: Vec<CanonicalExample<'a>>,
    pub notes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'a Condition>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub features: &'a [Feature],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum CanonicalData<'a> {
    Unspecified,
    None,
    Fields {
        fields: Vec<CanonicalField<'a>>,
    },
    External {
        type_name: &'a str,
        description: &'a str,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalField<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub ty: JsonType,
    pub type_source: TypeSource,
    pub optional: bool,
    pub values: &'a [EnumValue],
    pub description: &'a str,
    pub fields: Vec<CanonicalField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<CanonicalField<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<CanonicalField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'a Condition>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub features: &'a [Feature],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalExample<'a> {
    pub label: Option<&'a str>,
    #[serde(flatten)]
    pub content: ExampleContent<'a>,
}

/// An example's JSON, or its whitespace-normalized text when it is not JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleContent<'a> {
    Json(&'a Value),
    Text(String),
}

impl Spec {
    pub fn canonical(&self) -> CanonicalSpec<'_> {
        CanonicalSpec {
            title: &self.title,
            sections: self
                .sections
                .iter()
                .map(|s| section(&self.types, s))
                .collect(),
        }
    }
}

/// One section's canonical form, its data's types in `types`.
pub fn section<'a>(types: &'a Types, section: &'a Section) -> CanonicalSection<'a> {
    CanonicalSection {
        names: &section.names,
        description: &section.description,
        data: data(types, section),
        examples: section.examples.iter().map(example).collect(),
        notes: section
            .notes
            .iter()
            .map(|note| note.text.as_str())
            .collect(),
        condition: section.condition.as_ref(),
        features: &section.features,
        since: section.since.as_deref(),
    }
}

fn data<'a>(types: &'a Types, section: &'a Section) -> CanonicalData<'a> {
    match &section.data {
        Data::Unspecified => CanonicalData::Unspecified,
        Data::None => CanonicalData::None,
        Data::Members { .. } => CanonicalData::Fields {
            fields: section
                .data
                .ty()
                .map_or(&[][..], |data| types.members(data))
                .iter()
                .map(|member| Spelling::new(types).member(member))
                .collect(),
        },
        Data::External {
            type_name,
            description,
        } => CanonicalData::External {
            type_name,
            description,
        },
    }
}

/// Types spelled out where they are used; a type within itself is named
/// there (`External`).
struct Spelling<'a> {
    types: &'a Types,
    inside: Vec<TypeId>,
}

impl<'a> Spelling<'a> {
    fn new(types: &'a Types) -> Self {
        Spelling {
            types,
            inside: Vec::new(),
        }
    }

    fn member(&mut self, member: &'a Member) -> CanonicalField<'a> {
        let mut field = self.spell(&member.name, member.ty);
        field.type_source = member.type_source;
        field.optional = member.optional;
        field.description = &member.description;
        field.condition = member.condition.as_ref();
        field.features = &member.features;
        field
    }

    fn spell(&mut self, name: &'a str, ty: TypeId) -> CanonicalField<'a> {
        let def = self.types.get(ty);
        let mut field = CanonicalField {
            name,
            ty: JsonType::Value,
            type_source: TypeSource::Annotation,
            optional: false,
            values: &[],
            description: "",
            fields: Vec::new(),
            type_name: def.name.as_deref(),
            items: None,
            discriminator: None,
            variants: Vec::new(),
            condition: None,
            features: &[],
        };
        if self.inside.contains(&ty) {
            field.ty = JsonType::External(def.name.clone().unwrap_or_default());
            return field;
        }
        self.inside.push(ty);
        match &def.kind {
            TypeKind::Scalar { scalar } => field.ty = json_type(*scalar),
            TypeKind::Enum { values } => {
                field.ty = JsonType::String;
                field.values = values;
            }
            TypeKind::Array { items } => {
                field.ty = JsonType::Array;
                field.items = items.map(|items| Box::new(self.spell("", items)));
                field.type_name = field.items.as_ref().and_then(|items| items.type_name);
            }
            TypeKind::Object { members, .. } => {
                field.ty = JsonType::Object;
                field.fields = members.iter().map(|m| self.member(m)).collect();
            }
            TypeKind::Union { tag, members, .. } => {
                field.ty = JsonType::Union;
                field.fields = members.iter().map(|m| self.member(m)).collect();
                field.discriminator = Some(tag);
            }
            TypeKind::Alternate { .. } => field.ty = JsonType::Alternate,
            TypeKind::External => {
                field.ty = JsonType::External(def.name.clone().unwrap_or_default());
                field.type_name = None;
            }
        }
        for branch in self.types.branches(ty) {
            let mut variant = self.spell(&branch.name, branch.ty);
            variant.description = &branch.description;
            variant.condition = branch.condition.as_ref();
            field.variants.push(variant);
        }
        self.inside.pop();
        field
    }
}

fn example(example: &Example) -> CanonicalExample<'_> {
    CanonicalExample {
        label: example.label.as_deref(),
        content: match &example.json {
            Some(value) => ExampleContent::Json(value),
            None => ExampleContent::Text(normalize_whitespace(&example.raw)),
        },
    }
}
