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
            let mut defs = Defs::default();
            members.extend(event_schema(name, section, &mut defs));
            if !defs.0.is_empty() {
                members.push(("$defs", Value::Object(defs.0)));
            }
            GeneratedFile::new(format!("{folder}/{name}.json"), json_file(members))
        })
        .collect();
    files.push(GeneratedFile::new(
        format!("{folder}/events.json"),
        json_file(bundle(revision, spec)),
    ));
    files
}

/// A QAPI release's files: `DIR/events.json`, the bundle, which holds each
/// event and each named type once, and `DIR/EVENT_NAME.json` for each event,
/// a reference to the event in the bundle (a release has hundreds of
/// kilobytes of descriptions and examples: one copy is enough).
pub fn release_files(folder: &str, revision: &str, spec: &Spec) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = spec
        .events()
        .map(|(name, section)| {
            GeneratedFile::new(
                format!("{folder}/{name}.json"),
                json_file(vec![
                    ("$schema", json!(DRAFT)),
                    ("$id", json!(id(revision, name))),
                    ("title", json!(name)),
                    (
                        "description",
                        json!(format!(
                            "The message of event {name} ({revision}), as the bundle \
                             `events.json` of the same folder defines it.{}",
                            section
                                .since
                                .as_ref()
                                .map(|s| format!(" Since {s}."))
                                .unwrap_or_default()
                        )),
                    ),
                    (
                        "$ref",
                        json!(format!("{}#/$defs/{name}", id(revision, "events"))),
                    ),
                ]),
            )
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
    let mut defs = Defs::default();
    let mut cases = Vec::new();
    for (name, section) in spec.events() {
        let schema = Value::Object(
            event_schema(name, section, &mut defs)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        );
        defs.0.insert(name.to_string(), schema);
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
        ("$defs", Value::Object(defs.0)),
    ]
}

/// One event's message schema, without `$schema` and `$id`.
fn event_schema(name: &str, section: &Section, defs: &mut Defs) -> Vec<(&'static str, Value)> {
    let mut required = vec![json!("event"), json!("timestamp")];
    let mut properties = Map::new();
    properties.insert("event".into(), json!({ "const": name }));
    match &section.data {
        Data::Fields { fields } => {
            required.push(json!("data"));
            properties.insert("data".into(), defs.object(fields, "The event's data."));
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

/// The named QAPI types of a file, by name, as `$defs` holds them.
#[derive(Default)]
struct Defs(Map<String, Value>);

impl Defs {
    fn object(&mut self, fields: &[Field], description: &str) -> Value {
        let mut schema = self.members(fields);
        schema.insert("description".into(), json!(description));
        Value::Object(schema)
    }

    /// `type`, `required` and `properties` of an object of `fields`.
    fn members(&mut self, fields: &[Field]) -> Map<String, Value> {
        let properties: Map<String, Value> = fields
            .iter()
            .map(|f| (f.name.clone(), self.member(f)))
            .collect();
        let required: Vec<&str> = fields
            .iter()
            .filter(|f| !f.optional)
            .map(|f| f.name.as_str())
            .collect();
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("required".into(), json!(required));
        schema.insert("properties".into(), Value::Object(properties));
        schema
    }

    /// A member: its type, described. A named QAPI type is a reference to
    /// its entry in `$defs`.
    fn member(&mut self, field: &Field) -> Value {
        let description = if field.description.is_empty() {
            field.name.clone()
        } else {
            field.description.clone()
        };
        let mut schema = self.type_of(field);
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), json!(description));
            if field.features.iter().any(|f| f.name == "deprecated") {
                map.insert("deprecated".into(), json!(true));
            }
        }
        schema
    }

    /// The schema of `field`'s type, without a description.
    fn type_of(&mut self, field: &Field) -> Value {
        match (&field.type_name, &field.ty) {
            (Some(name), ty) if *ty != JsonType::Array => {
                if !self.0.contains_key(name) {
                    // Taken before it is filled, against a type in itself.
                    self.0.insert(name.clone(), json!({}));
                    let mut def = self.structure(field);
                    if let Value::Object(map) = &mut def {
                        let mut titled = Map::new();
                        titled.insert("title".into(), json!(name));
                        titled.extend(std::mem::take(map));
                        *map = titled;
                    }
                    self.0.insert(name.clone(), def);
                }
                json!({ "$ref": format!("#/$defs/{name}") })
            }
            _ => self.structure(field),
        }
    }

    /// The schema of `field`'s type, spelled out.
    fn structure(&mut self, field: &Field) -> Value {
        let integer =
            |(min, max): (i128, i128)| json!({ "type": "integer", "minimum": min, "maximum": max });
        let mut schema = match &field.ty {
            JsonType::String => json!({ "type": "string" }),
            JsonType::Int => json!({ "type": "integer" }),
            JsonType::Int8 => integer((i8::MIN.into(), i8::MAX.into())),
            JsonType::Int16 => integer((i16::MIN.into(), i16::MAX.into())),
            JsonType::Int32 => integer((i32::MIN.into(), i32::MAX.into())),
            JsonType::Int64 => integer((i64::MIN.into(), i64::MAX.into())),
            JsonType::Uint8 => integer((0, u8::MAX.into())),
            JsonType::Uint16 => integer((0, u16::MAX.into())),
            JsonType::Uint32 => integer((0, u32::MAX.into())),
            JsonType::Uint64 | JsonType::Size => integer((0, u64::MAX.into())),
            JsonType::Number => json!({ "type": "number" }),
            JsonType::Bool => json!({ "type": "boolean" }),
            JsonType::Null => json!({ "type": "null" }),
            JsonType::Array => match &field.items {
                Some(items) => json!({ "type": "array", "items": self.type_of(items) }),
                None => json!({ "type": "array" }),
            },
            JsonType::Object if field.fields.is_empty() => json!({ "type": "object" }),
            JsonType::Object => Value::Object(self.members(&field.fields)),
            JsonType::Value => json!({}),
            JsonType::External(name) => {
                json!({ "$comment": format!("QEMU's QAPI type `{name}`, not described here") })
            }
            JsonType::Union => {
                // The common members, then a branch per value of the
                // discriminator; a value the revision does not know passes
                // with the common members alone.
                let mut schema = self.members(&field.fields);
                let discriminator = field.discriminator.clone().unwrap_or_default();
                let branches: Vec<Value> = field
                    .variants
                    .iter()
                    .map(|variant| {
                        json!({
                            "if": { "properties": { &discriminator: { "const": variant.name } } },
                            "then": self.type_of(variant),
                        })
                    })
                    .collect();
                if !branches.is_empty() {
                    schema.insert("allOf".into(), Value::Array(branches));
                }
                Value::Object(schema)
            }
            JsonType::Alternate => {
                let branches: Vec<Value> = field.variants.iter().map(|v| self.type_of(v)).collect();
                json!({ "anyOf": branches })
            }
        };
        if let Value::Object(map) = &mut schema
            && !field.values.is_empty()
        {
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
        schema
    }
}
