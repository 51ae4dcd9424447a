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
    Condition, Data, EnumValue, Example, Feature, Field, JsonType, Section, Spec, TypeSource,
    normalize_whitespace,
};

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
    pub ty: &'a JsonType,
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
            sections: self.sections.iter().map(section).collect(),
        }
    }
}

/// One section's canonical form.
pub fn section(section: &Section) -> CanonicalSection<'_> {
    CanonicalSection {
        names: &section.names,
        description: &section.description,
        data: data(&section.data),
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

fn data(data: &Data) -> CanonicalData<'_> {
    match data {
        Data::Unspecified => CanonicalData::Unspecified,
        Data::None => CanonicalData::None,
        Data::Fields { fields } => CanonicalData::Fields {
            fields: fields.iter().map(field).collect(),
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

fn field(field: &Field) -> CanonicalField<'_> {
    CanonicalField {
        name: &field.name,
        ty: &field.ty,
        type_source: field.type_source,
        optional: field.optional,
        values: &field.values,
        description: &field.description,
        fields: field.fields.iter().map(self::field).collect(),
        type_name: field.type_name.as_deref(),
        items: field
            .items
            .as_deref()
            .map(|items| Box::new(self::field(items))),
        discriminator: field.discriminator.as_deref(),
        variants: field.variants.iter().map(self::field).collect(),
        condition: field.condition.as_ref(),
        features: &field.features,
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
