//! JSON Schema (Draft 2020-12): for each revision, a bundle that accepts
//! any event message of the revision, and a file per event that refers into
//! it; `schema/latest/`, which accepts what the Rust crate accepts.
//!
//! A bundle is a union a code generator understands: its root is a `oneOf`
//! over a `$ref` per event and one for `UnknownEvent` (an event the revision
//! does not document). Every shape is defined once in `$defs`, titled with
//! its PascalCase name, the one the Rust crate gives it (QEMU's QAPI names
//! where there are any): the timestamp, each event's message and data, each
//! struct, enumeration, union and alternate. The schemas are built from the
//! catalog, as the Rust types are, so the two agree.
//!
//! The schemas check what a revision promises (required members, JSON
//! types, bounds of sized integers and of the timestamp, `data` an object)
//! and allow what QMP adds over time: members they do not list, values their
//! enumerations do not list, union branches they do not list, and events the
//! revision does not document. An event documented without data may come
//! with none or with an object (a newer QEMU may add data: SHUTDOWN did in
//! 2.10), never with anything else.

pub mod commands;

use serde_json::{Map, Value, json};

use qmp_spec::history::{Era, RevisionId};
use qmp_spec::{Spec, defects};

use crate::catalog::{
    AlternateType, Catalog, EnumType, EventData, EventType, Member, TypeRef, UnionType,
    data_type_name,
};
use crate::files::json_file;
use crate::idents::{Case, Scope};
use crate::{GeneratedFile, Revision};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

fn id(folder: &str, file: &str) -> String {
    format!("urn:qmp-events:schema:{folder}:{file}")
}

/// `DIR/events.json` and `DIR/EVENT_NAME.json` for each event of one
/// revision, DIR being `folder`.
pub fn revision_files(folder: &str, revision: &Revision<'_>) -> Vec<GeneratedFile> {
    let one = [Revision {
        timeline: true,
        release: None,
        ..*revision
    }];
    let catalog = Catalog::new(&one);
    let what = if let Some(build) = &revision.spec.build {
        format!(
            "the wire schema of `{}`, as its query-qmp-schema gives it{}",
            revision.name(),
            build
                .documented_from
                .as_ref()
                .map(|r| format!(" (names and documentation from `{r}` where the wire matches)"))
                .unwrap_or_default()
        )
    } else if revision.is_release() {
        format!("QEMU's QAPI schema as of `{}`", revision.name())
    } else {
        format!("revision `{}` of qmp-events.txt", revision.name())
    };
    files(
        folder,
        &catalog,
        revision.name(),
        &format!(
            "Any event message of {what}. An event it documents must fit its schema; any other \
             event passes as an `UnknownEvent`."
        ),
    )
}

/// `schema/latest/`: every event of the history, typed as the Rust crate
/// types it (from the newest revision documenting it, a member required
/// only where every revision requires it).
pub fn latest_files(catalog: &Catalog<'_>) -> Vec<GeneratedFile> {
    files(
        "schema/latest",
        catalog,
        "latest",
        "Any event message of any QEMU of the history, from the 2010 text revisions to the newest \
         release: what the `qmp-events` crate decodes. Each event is typed from the newest \
         revision that documents it; a member is required only where every revision requires \
         it, so an older QEMU's messages pass too.",
    )
}

/// The bundle of one revision, for tools that want it in memory.
pub fn bundle(name: &str, spec: &Spec) -> Value {
    let id = RevisionId::alone(name, Era::Text);
    let one = [Revision::alone(&id, spec)];
    let catalog = Catalog::new(&one);
    let members = Bundle::new(&catalog, name).build(&format!("Any event message of `{name}`."));
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn files(folder: &str, catalog: &Catalog<'_>, name: &str, description: &str) -> Vec<GeneratedFile> {
    let bundle = Bundle::new(catalog, name);
    let bundle_id = id(name, "events");
    let mut out: Vec<GeneratedFile> = catalog
        .events
        .iter()
        .zip(&bundle.message_names)
        .map(|(event, def)| {
            GeneratedFile::new(
                format!("{folder}/{}.json", event.name),
                json_file(vec![
                    ("$schema", json!(DRAFT)),
                    ("$id", json!(id(name, event.name))),
                    ("title", json!(def)),
                    (
                        "description",
                        json!(format!(
                            "The message of event {} ({name}): `$defs/{def}` of `events.json` \
                             in the same folder, which a validator must have loaded.",
                            event.name
                        )),
                    ),
                    ("$ref", json!(format!("{bundle_id}#/$defs/{def}"))),
                ]),
            )
        })
        .collect();
    out.push(GeneratedFile::new(
        format!("{folder}/events.json"),
        json_file(bundle.build(description)),
    ));
    out
}

/// A bundle being built: its `$defs` and the names it gives.
struct Bundle<'c, 'a> {
    catalog: &'c Catalog<'a>,
    name: String,
    /// `$defs` name of each event's message, in catalog order.
    message_names: Vec<String>,
    unknown: String,
    /// `$defs` name of each enumeration's known values, by its name.
    known_names: std::collections::BTreeMap<String, String>,
}

impl<'c, 'a> Bundle<'c, 'a> {
    fn new(catalog: &'c Catalog<'a>, name: &str) -> Self {
        // Message names never take a type's name.
        let types: Vec<String> = catalog
            .event_objects()
            .iter()
            .map(|o| o.name.clone())
            .chain(catalog.event_enums().iter().map(|e| e.name.clone()))
            .chain(catalog.event_unions().iter().map(|u| u.name.clone()))
            .chain(catalog.event_alternates().iter().map(|a| a.name.clone()))
            .chain(catalog.events.iter().map(data_type_name))
            .chain(["Timestamp".to_string()])
            .collect();
        let mut scope = Scope::with_reserved(&types.iter().map(String::as_str).collect::<Vec<_>>());
        let mut claim = |candidate: String| scope.claim_exact(candidate, Case::Pascal);
        let message_names = catalog
            .events
            .iter()
            .map(|e| claim(format!("{}Event", e.type_name)))
            .collect();
        let unknown = claim("UnknownEvent".into());
        let known_names = catalog
            .event_enums()
            .iter()
            .map(|e| (e.name.clone(), claim(format!("{}Known", e.name))))
            .collect();
        Bundle {
            catalog,
            name: name.to_string(),
            message_names,
            unknown,
            known_names,
        }
    }

    /// The bundle's members, in the order they are written.
    fn build(&self, description: &str) -> Vec<(&'static str, Value)> {
        let catalog = self.catalog;
        let mut defs = Map::new();
        defs.insert("Timestamp".into(), timestamp());
        for (event, def) in catalog.events.iter().zip(&self.message_names) {
            defs.insert(def.clone(), self.message(event, def));
            if let EventData::Fields(members) = &event.data {
                let name = data_type_name(event);
                let mut schema = self.object(members);
                schema.insert("title".into(), json!(name));
                schema.insert(
                    "description".into(),
                    json!(format!("The data of event {}.", event.name)),
                );
                defs.insert(name, Value::Object(schema));
            }
        }
        for object in catalog.event_objects() {
            let mut schema = self.object(&object.members);
            schema.insert("title".into(), json!(object.name));
            if !object.description.is_empty() {
                schema.insert("description".into(), json!(object.description));
            }
            defs.insert(object.name.clone(), Value::Object(schema));
        }
        for enum_type in catalog.event_enums() {
            self.enumeration(enum_type, &mut defs);
        }
        for union in catalog.event_unions() {
            defs.insert(union.name.clone(), self.union(union));
        }
        for alternate in catalog.event_alternates() {
            defs.insert(alternate.name.clone(), self.alternate(alternate));
        }
        defs.insert(self.unknown.clone(), self.unknown_event());
        let mut cases: Vec<Value> = self
            .message_names
            .iter()
            .map(|def| json!({ "$ref": format!("#/$defs/{def}") }))
            .collect();
        cases.push(json!({ "$ref": format!("#/$defs/{}", self.unknown) }));
        vec![
            ("$schema", json!(DRAFT)),
            ("$id", json!(id(&self.name, "events"))),
            ("title", json!("QmpEventMessage")),
            ("description", json!(description)),
            ("oneOf", Value::Array(cases)),
            ("$defs", Value::Object(defs)),
        ]
    }

    /// An enumeration's two definitions: its known values, documented,
    /// on their own (a code generator names them), and the enumeration:
    /// one of them, or any other string, as newer QEMUs send values a
    /// revision does not know.
    fn enumeration(&self, enum_type: &EnumType<'_>, defs: &mut Map<String, Value>) {
        let known: Vec<Value> = enum_type
            .values
            .iter()
            .map(|v| {
                json!({ "const": v.value, "description": v.meaning.clone().unwrap_or_default() })
            })
            .collect();
        // The known values, documented, defined on their own (a code
        // generator names them); any other string still passes, as newer
        // QEMUs send values a revision does not know.
        let known_name = self.known_names[&enum_type.name].clone();
        defs.insert(
            known_name.clone(),
            json!({ "title": known_name, "oneOf": known }),
        );
        let mut schema = json!({
            "title": enum_type.name,
            "anyOf": [
                { "$ref": format!("#/$defs/{known_name}") },
                { "description": "A value newer than this revision.", "type": "string" },
            ],
        });
        let values = enum_type.values.iter();
        if let Some(conditions) = commands::conditions(values.map(|v| (&v.value, &v.condition))) {
            schema["x-if-values"] = conditions;
        }
        defs.insert(enum_type.name.clone(), schema);
    }

    /// A union: the tag, and a branch per value it lists.
    fn union(&self, union: &UnionType<'_>) -> Value {
        let discriminator = union.discriminator;
        let branches: Vec<Value> = union
            .variants
            .iter()
            .map(|(value, ty)| {
                json!({
                    "if": { "properties": { discriminator: { "const": value } }, "required": [discriminator] },
                    "then": self.type_schema(ty),
                })
            })
            .collect();
        json!({
            "title": union.name,
            "description": format!(
                "{} A union: member `{discriminator}` says which branch the object is; \
                 a value this revision does not list passes with the object unchecked.",
                union.description
            ).trim_start(),
            "type": "object",
            "required": [discriminator],
            "properties": { discriminator: { "type": "string" } },
            "allOf": branches,
        })
    }

    /// An alternate: any of its branches.
    fn alternate(&self, alternate: &AlternateType<'_>) -> Value {
        let branches: Vec<Value> = alternate
            .variants
            .iter()
            .map(|(_, ty)| self.type_schema(ty))
            .collect();
        json!({ "title": alternate.name, "anyOf": branches })
    }

    /// Any event this revision does not document: its envelope.
    fn unknown_event(&self) -> Value {
        let names: Vec<&str> = self.catalog.events.iter().map(|e| e.name).collect();
        json!({
            "title": self.unknown,
            "description": "An event this revision does not document: newer QEMUs add events. Only the envelope is checked.",
            "type": "object",
            "required": ["event", "timestamp"],
            "properties": {
                "event": { "type": "string", "not": { "enum": names } },
                "data": { "type": "object" },
                "timestamp": { "$ref": "#/$defs/Timestamp" },
            },
        })
    }

    /// An event's message: its name, its data, the timestamp.
    fn message(&self, event: &EventType<'_>, def: &str) -> Value {
        let section = event.section;
        let mut required = vec![json!("event"), json!("timestamp")];
        let mut properties = Map::new();
        properties.insert("event".into(), json!({ "const": event.name }));
        match &event.data {
            EventData::Fields(_) => {
                if event.dataless_in.is_empty() {
                    required.push(json!("data"));
                }
                properties.insert(
                    "data".into(),
                    json!({ "$ref": format!("#/$defs/{}", data_type_name(event)) }),
                );
            }
            EventData::External { type_name } => {
                required.push(json!("data"));
                properties.insert(
                    "data".into(),
                    json!({ "type": "object", "$comment": format!("QEMU's QAPI type `{type_name}`, not described here") }),
                );
            }
            EventData::None => {
                properties.insert(
                    "data".into(),
                    json!({ "type": "object", "description": "Documented without data: none, or an object a newer QEMU added." }),
                );
            }
        }
        properties.insert("timestamp".into(), json!({ "$ref": "#/$defs/Timestamp" }));
        let mut description = section.description.clone();
        for note in &section.notes {
            description.push_str("\n\nNote: ");
            description.push_str(&note.text);
        }
        let examples: Vec<Value> = section
            .examples
            .iter()
            .filter(|example| defects::is_valid_example(event.types, section, example))
            .filter_map(|example| example.json.clone())
            .filter(|json| json["event"] == event.name)
            .collect();
        let mut schema = Map::new();
        schema.insert("title".into(), json!(def));
        schema.insert("type".into(), json!("object"));
        schema.insert("required".into(), Value::Array(required));
        schema.insert("properties".into(), Value::Object(properties));
        if !examples.is_empty() {
            schema.insert("examples".into(), Value::Array(examples));
        }
        let mut schema = Value::Object(schema);
        commands::annotate(
            &mut schema,
            &description,
            section.condition.as_ref(),
            &section.features,
        );
        schema
    }

    /// `type`, `required` and `properties` of an object of `members`.
    fn object(&self, members: &[Member<'_>]) -> Map<String, Value> {
        let properties: Map<String, Value> = members
            .iter()
            .map(|m| (m.declared.name.clone(), self.member(m)))
            .collect();
        let required = members
            .iter()
            .filter(|m| m.required && m.declared.condition.is_none())
            .map(|m| m.declared.name.as_str());
        object_schema(properties, required)
    }

    /// A member: its type, described.
    fn member(&self, member: &Member<'_>) -> Value {
        let field = member.declared;
        let mut schema = self.type_schema(&member.ty);
        // A reference with a description beside it is written as `allOf`
        // of the reference: code generators (json-schema-to-typescript)
        // take a `$ref` with siblings for a new type and number it
        // (`JobType1`); through `allOf` they use the named type.
        if let Value::Object(map) = &schema
            && map.len() == 1
            && map.contains_key("$ref")
        {
            schema = json!({ "allOf": [schema] });
        }
        if let Value::Object(map) = &mut schema {
            let description = if field.description.is_empty() {
                field.name.clone()
            } else {
                field.description.clone()
            };
            map.insert("description".into(), json!(description));
        }
        commands::annotate_member(&mut schema, "", field);
        schema
    }

    fn type_schema(&self, ty: &TypeRef) -> Value {
        let catalog = self.catalog;
        let reference = |name: &str| json!({ "$ref": format!("#/$defs/{name}") });
        match ty {
            TypeRef::String => json!({ "type": "string" }),
            TypeRef::Int | TypeRef::IntegralNumber => json!({ "type": "integer" }),
            TypeRef::Number => json!({ "type": "number" }),
            TypeRef::Bool => json!({ "type": "boolean" }),
            TypeRef::Null => json!({ "type": "null" }),
            TypeRef::Sized(sized) => {
                let (min, max) = sized.bounds();
                json!({ "type": "integer", "minimum": min, "maximum": max })
            }
            TypeRef::Array(None) => json!({ "type": "array" }),
            TypeRef::Array(Some(items)) => {
                json!({ "type": "array", "items": self.type_schema(items) })
            }
            TypeRef::Value => json!({}),
            TypeRef::External(name) => {
                json!({ "$comment": format!("QEMU's QAPI type `{name}`, not described here") })
            }
            TypeRef::Object(index) => reference(&catalog.objects[*index].name),
            TypeRef::Enum(index) => reference(&catalog.enums[*index].name),
            TypeRef::Union(index) => reference(&catalog.unions[*index].name),
            TypeRef::Alternate(index) => reference(&catalog.alternates[*index].name),
        }
    }
}

/// `type`, `required` and `properties` of an object.
pub(crate) fn object_schema<'n>(
    properties: Map<String, Value>,
    required: impl Iterator<Item = &'n str>,
) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("required".into(), json!(required.collect::<Vec<_>>()));
    schema.insert("properties".into(), Value::Object(properties));
    schema
}

/// When QEMU emitted the event: seconds since the epoch, microseconds
/// within the second.
fn timestamp() -> Value {
    json!({
        "title": "Timestamp",
        "description": "When QEMU emitted the event.",
        "type": "object",
        "required": ["seconds", "microseconds"],
        "properties": {
            "seconds": { "type": "integer", "minimum": 0 },
            "microseconds": { "type": "integer", "minimum": 0, "maximum": 999_999 },
        },
    })
}
