//! The canonical form of a model: only what does not depend on layout.
//!
//! No source positions, no warnings (they carry positions), no raw example
//! text: an example is its parsed JSON, or, when it does not parse, its
//! whitespace-normalized text. Two revisions that differ only in layout have
//! equal canonical forms; the history tests compare models this way.

use serde_json::{Map, Value, json};

use crate::model::{Data, Example, Field, Section, Spec, normalize_whitespace};

impl Spec {
    pub fn canonical(&self) -> Value {
        json!({
            "title": self.title,
            "sections": self.sections.iter().map(section).collect::<Vec<_>>(),
        })
    }
}

/// One section's canonical form.
pub fn section(section: &Section) -> Value {
    json!({
        "names": section.names,
        "description": section.description,
        "data": canonical_data(&section.data),
        "examples": section.examples.iter().map(canonical_example).collect::<Vec<_>>(),
        "notes": section.notes.iter().map(|note| note.text.as_str()).collect::<Vec<_>>(),
    })
}

fn canonical_data(data: &Data) -> Value {
    match data {
        Data::Unspecified => json!({ "kind": "unspecified" }),
        Data::None => json!({ "kind": "none" }),
        Data::Fields { fields } => json!({
            "kind": "fields",
            "fields": fields.iter().map(canonical_field).collect::<Vec<_>>(),
        }),
        Data::External {
            type_name,
            description,
        } => json!({
            "kind": "external",
            "type_name": type_name,
            "description": description,
        }),
    }
}

fn canonical_field(field: &Field) -> Value {
    json!({
        "name": field.name,
        "type": field.ty,
        "type_source": field.type_source,
        "optional": field.optional,
        "values": field.values,
        "description": field.description,
        "fields": field.fields.iter().map(canonical_field).collect::<Vec<_>>(),
    })
}

fn canonical_example(example: &Example) -> Value {
    let mut out = Map::new();
    out.insert("label".into(), json!(example.label));
    match &example.json {
        Some(value) => out.insert("json".into(), value.clone()),
        None => out.insert("text".into(), json!(normalize_whitespace(&example.raw))),
    };
    Value::Object(out)
}
