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

use crate::model::{Condition, Data, Example, Feature, Section, Spec, normalize_whitespace};
use crate::spelled::{Field, spell};
use crate::types::Types;

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
        fields: Vec<Field>,
    },
    External {
        type_name: &'a str,
        description: &'a str,
    },
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
        Data::Members { ty } => {
            let mut fields = spell(types, "", *ty).fields;
            fields.iter_mut().for_each(without_position);
            CanonicalData::Fields { fields }
        }
        Data::External {
            type_name,
            description,
        } => CanonicalData::External {
            type_name,
            description,
        },
    }
}

/// A field without its position and its members', elements' and
/// branches'.
fn without_position(field: &mut Field) {
    field.span = Default::default();
    field
        .fields
        .iter_mut()
        .chain(field.variants.iter_mut())
        .chain(field.items.as_deref_mut())
        .for_each(without_position);
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
