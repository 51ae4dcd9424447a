//! JSON Schema (Draft 2020-12) for one revision: a schema per event message
//! and a bundle that accepts any event message of the revision, discriminated
//! by `event`. Every file is self-contained.
//!
//! The schemas check what the revision promises (required members, JSON
//! types) and allow what QMP adds over time: members they do not list, values
//! their enumerations do not list, and events the revision does not document.

use serde_json::{Map, Value, json};

use qmp_spec::{Data, Field, JsonType, Section, Spec, lint};

use crate::GeneratedFile;
use crate::files::json_file;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `DIR/EVENT_NAME.json` for each event and `DIR/events.json`, where DIR is
/// the `folder` given.
pub fn revision_files(folder: &str, revision: &str, spec: &Spec) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = spec
        .events()
        .map(|(name, section)| {
            let mut members = vec![
                ("$schema", json!(DRAFT)),
                ("$id", json!(id(revision, name))),
            ];
            members.extend(event_schema(name, section));
            GeneratedFile::new(format!("{folder}/{name}.json"), json_file(members))
        })
        .collect();
    files.push(GeneratedFile::new(
        format!("{folder}/events.json"),
        json_file(bundle(revision, spec)),
    ));
    files
}

fn id(revision: &str, file: &str) -> String {
    format!("urn:qmp-events:schema:{revision}:{file}")
}

/// The bundle: any event message; a documented event must fit its schema.
pub fn bundle(revision: &str, spec: &Spec) -> Vec<(&'static str, Value)> {
    let mut defs = Map::new();
    let mut cases = Vec::new();
    for (name, section) in spec.events() {
        defs.insert(
            name.to_string(),
            Value::Object(
                event_schema(name, section)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            ),
        );
        cases.push(json!({
            "if": { "properties": { "event": { "const": name } }, "required": ["event"] },
            "then": { "$ref": format!("#/$defs/{name}") },
        }));
    }
    vec![
        ("$schema", json!(DRAFT)),
        ("$id", json!(id(revision, "events"))),
        (
            "title",
            json!(format!("QMP event message (revision {revision})")),
        ),
        (
            "description",
            json!(format!(
                "Any event message of revision `{revision}` of qmp-events.txt. An event the revision \
                 documents must fit its schema; any other event passes with the envelope alone."
            )),
        ),
        ("type", json!("object")),
        ("required", json!(["event", "timestamp"])),
        (
            "properties",
            json!({ "event": { "type": "string" }, "timestamp": timestamp() }),
        ),
        ("allOf", Value::Array(cases)),
        ("$defs", Value::Object(defs)),
    ]
}

/// One event's message schema, without `$schema` and `$id`.
fn event_schema(name: &str, section: &Section) -> Vec<(&'static str, Value)> {
    let mut required = vec![json!("event"), json!("timestamp")];
    let mut properties = Map::new();
    properties.insert("event".into(), json!({ "const": name }));
    match &section.data {
        Data::Fields { fields } => {
            required.push(json!("data"));
            properties.insert("data".into(), object(fields, "The event's data."));
        }
        Data::External {
            type_name,
            description,
        } => {
            required.push(json!("data"));
            properties.insert(
                "data".into(),
                json!({ "description": format!("{description} (QEMU's QAPI type `{type_name}`, not described here)") }),
            );
        }
        // No data documented: a newer QEMU may still send some.
        Data::None | Data::Unspecified => {}
    }
    properties.insert("timestamp".into(), timestamp());
    let mut description = section.description.clone();
    for note in &section.notes {
        description.push_str("\n\nNote: ");
        description.push_str(&note.text);
    }
    let examples: Vec<Value> = section
        .examples
        .iter()
        .filter(|example| lint::is_valid_example(section, example))
        .filter_map(|example| example.json.clone())
        .filter(|json| json["event"] == name)
        .collect();
    let mut schema = vec![
        ("title", json!(name)),
        ("description", json!(description)),
        ("type", json!("object")),
        ("required", Value::Array(required)),
        ("properties", Value::Object(properties)),
    ];
    if !examples.is_empty() {
        schema.push(("examples", Value::Array(examples)));
    }
    schema
}

fn timestamp() -> Value {
    json!({
        "description": "When QEMU emitted the event.",
        "type": "object",
        "required": ["seconds", "microseconds"],
        "properties": {
            "seconds": { "type": "integer" },
            "microseconds": { "type": "integer" },
        },
    })
}

fn object(fields: &[Field], description: &str) -> Value {
    let properties: Map<String, Value> =
        fields.iter().map(|f| (f.name.clone(), member(f))).collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| !f.optional)
        .map(|f| f.name.as_str())
        .collect();
    json!({
        "description": description,
        "type": "object",
        "required": required,
        "properties": properties,
    })
}

fn member(field: &Field) -> Value {
    let description = if field.description.is_empty() {
        field.name.clone()
    } else {
        field.description.clone()
    };
    let mut schema = match &field.ty {
        JsonType::String => json!({ "type": "string" }),
        JsonType::Int => json!({ "type": "integer" }),
        JsonType::Number => json!({ "type": "number" }),
        JsonType::Bool => json!({ "type": "boolean" }),
        JsonType::Array => json!({ "type": "array" }),
        JsonType::Object if field.fields.is_empty() => json!({ "type": "object" }),
        JsonType::Object => object(&field.fields, &description),
        JsonType::Value => json!({}),
        JsonType::External(name) => {
            json!({ "$comment": format!("QEMU's QAPI type `{name}`, not described here") })
        }
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), json!(description));
        if !field.values.is_empty() {
            let known: Vec<Value> = field.values.iter().map(|v| json!({ "const": v.value, "description": v.meaning.clone().unwrap_or_default() })).collect();
            // The known values, documented; any other string still passes, as
            // newer QEMUs send values this revision does not know.
            map.insert(
                "anyOf".into(),
                json!([
                    { "oneOf": known },
                    { "description": "A value newer than this revision.", "type": "string" },
                ]),
            );
        }
    }
    schema
}
