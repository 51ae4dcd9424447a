//! The catalog of types the generators share: every event any revision of the
//! history documents, typed from the newest revision that documents it, with
//! nested objects and enumerations named once and shared where their shapes
//! are equal. A member is required only where every revision documenting
//! its event requires it, so the types decode what any QEMU of the history
//! sends. It stands between the spec models and the outputs, so the Rust
//! and JSON Schema generators name things the same way.

use std::collections::BTreeMap;

use qmp_spec::{Data, EnumValue, Field, JsonType, Section};
use serde_json::Value;

use crate::Revision;
use crate::names::{Case, RESERVED_TYPES, Scope, sanitize};

pub struct Catalog<'a> {
    /// Every event, by name.
    pub events: Vec<EventType<'a>>,
    pub objects: Vec<ObjectType<'a>>,
    pub enums: Vec<EnumType<'a>>,
}

pub struct EventType<'a> {
    /// The event's name on the wire, e.g. `BLOCK_IO_ERROR`.
    pub name: &'a str,
    /// `BlockIoError`
    pub type_name: String,
    /// The section of the newest revision that documents the event.
    pub section: &'a Section,
    /// That revision.
    pub revision: &'a str,
    /// The first revision that documents the event.
    pub introduced: &'a str,
    /// The newest revision documenting it, when the history's newest does not.
    pub last_documented: Option<&'a str>,
    pub data: EventData<'a>,
    /// The revisions documenting the event without data, when some do and
    /// the newest has data: a QEMU of theirs sends none, so the data is
    /// optional in the types.
    pub dataless_in: Vec<&'a str>,
}

pub enum EventData<'a> {
    /// The event carries no data (`Data: None.`), or the text says nothing.
    None,
    /// A struct of members.
    Fields(Vec<Member<'a>>),
    /// A type of QEMU's QAPI schema, which this history does not describe.
    External { type_name: &'a str },
}

/// A member of an event's data or of an object.
pub struct Member<'a> {
    pub field: &'a Field,
    pub ty: TypeRef,
    /// The first revision in which the event has this member.
    pub introduced: &'a str,
    /// The last revision that has the member, when a later revision that
    /// documents the event no longer does.
    pub dropped_after: Option<&'a str>,
    /// Whether every revision that documents the event has the member and
    /// requires it. A member added by a later revision, or optional in any,
    /// is not: a QEMU of the earlier revisions does not send it.
    pub required: bool,
}

/// What the history says of one member of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberHistory<'a> {
    introduced: &'a str,
    dropped_after: Option<&'a str>,
    required: bool,
    /// Whether every value the history's examples give the member is an
    /// integer (and there is one at least).
    integral: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Int,
    /// A `json-number` whose every example in the history is an integer:
    /// QEMU sends integers (its QAPI schema says `int`).
    IntegralNumber,
    Number,
    Bool,
    Array,
    /// Any JSON value: `json-value`, or an object whose members are not listed.
    Value,
    /// A QAPI type, kept as a JSON value.
    External(String),
    Object(usize),
    Enum(usize),
}

pub struct ObjectType<'a> {
    pub name: String,
    pub members: Vec<Member<'a>>,
    /// The events whose data holds the object, sorted.
    pub users: Vec<&'a str>,
    /// The description of the first member that has this shape.
    pub description: &'a str,
}

pub struct EnumType<'a> {
    pub name: String,
    pub values: &'a [EnumValue],
    pub users: Vec<&'a str>,
}

impl<'a> Catalog<'a> {
    pub fn new(revisions: &'a [Revision<'a>]) -> Catalog<'a> {
        let newest = revisions.last().map(|r| r.name);
        // The newest and the first revision documenting each event.
        let mut latest: BTreeMap<&'a str, (&'a Revision<'a>, &'a Section)> = BTreeMap::new();
        let mut first: BTreeMap<&'a str, &'a str> = BTreeMap::new();
        let mut dataless: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for revision in revisions {
            for (name, section) in revision.spec.events() {
                latest.insert(name, (revision, section));
                first.entry(name).or_insert(revision.name);
                if matches!(section.data, Data::None | Data::Unspecified) {
                    dataless.entry(name).or_default().push(revision.name);
                }
            }
        }

        let mut shapes = Shapes::default();
        let mut events = Vec::with_capacity(latest.len());
        // Variants of `Event` and `EventKind`; `Unknown` is the catch-all.
        let mut variants = Scope::with_reserved(&["Unknown"]);
        for (&name, &(revision, section)) in &latest {
            let introduced = first[name];
            let data = match &section.data {
                Data::None | Data::Unspecified => EventData::None,
                Data::External { type_name, .. } => EventData::External { type_name },
                Data::Fields { fields } => {
                    EventData::Fields(shapes.members(fields, name, &mut Vec::new(), &|path| {
                        member_history(revisions, name, path, introduced)
                    }))
                }
            };
            let dataless_in = match data {
                EventData::None => Vec::new(),
                _ => dataless.remove(name).unwrap_or_default(),
            };
            events.push(EventType {
                name,
                type_name: variants.claim(name, Case::Pascal),
                section,
                revision: revision.name,
                introduced,
                last_documented: (Some(revision.name) != newest).then_some(revision.name),
                data,
                dataless_in,
            });
        }
        let (objects, enums) = shapes.finish(&events);
        Catalog {
            events,
            objects,
            enums,
        }
    }
}

impl Catalog<'_> {
    /// Whether data of this kind can derive `Eq`: no floating-point number
    /// anywhere in it.
    pub fn is_eq(&self, data: &EventData<'_>) -> bool {
        match data {
            EventData::Fields(members) => self.members_eq(members),
            EventData::None | EventData::External { .. } => true,
        }
    }

    /// Whether an object of these members can derive `Eq`.
    pub fn members_eq(&self, members: &[Member<'_>]) -> bool {
        members.iter().all(|m| match &m.ty {
            TypeRef::Number => false,
            TypeRef::Object(index) => self.members_eq(&self.objects[*index].members),
            _ => true,
        })
    }
}

/// What the history says of the member at `path` of `event`: the first
/// revision that has it (the event's own first revision if none says
/// otherwise) and the last, when a later one drops it; whether every
/// revision documenting the event requires it; whether its examples are
/// all integers.
fn member_history<'a>(
    revisions: &'a [Revision<'a>],
    event: &str,
    path: &[&str],
    event_introduced: &'a str,
) -> MemberHistory<'a> {
    let mut introduced = None;
    let mut last_with = None;
    let mut dropped = false;
    let mut required = true;
    let (mut integers, mut others) = (0, 0);
    for revision in revisions {
        let Some((_, section)) = revision.spec.events().find(|(name, _)| *name == event) else {
            continue;
        };
        match find_member(section.data.fields(), path) {
            Some(field) => {
                introduced.get_or_insert(revision.name);
                last_with = Some(revision.name);
                dropped = false;
                required &= !field.optional;
            }
            None => {
                required = false;
                dropped |= last_with.is_some();
            }
        }
        for example in &section.examples {
            let value = example.json.as_ref().and_then(|json| {
                path.iter()
                    .try_fold(json.get("data")?, |value, key| value.get(key))
            });
            match value {
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => integers += 1,
                Some(_) => others += 1,
                None => {}
            }
        }
    }
    MemberHistory {
        introduced: introduced.unwrap_or(event_introduced),
        dropped_after: if dropped { last_with } else { None },
        required,
        integral: integers > 0 && others == 0,
    }
}

/// The member at `path`, if the fields have it; each member on the way must
/// be required for the last to be sent whenever its parent is.
fn find_member<'f>(fields: &'f [Field], path: &[&str]) -> Option<&'f Field> {
    let (head, rest) = path.split_first()?;
    let field = fields.iter().find(|f| f.name == *head)?;
    if rest.is_empty() {
        Some(field)
    } else {
        find_member(&field.fields, rest)
    }
}

/// Nested objects and enumerations met so far, by shape.
#[derive(Default)]
struct Shapes<'a> {
    objects: Vec<Shape<'a, Vec<Member<'a>>>>,
    object_index: BTreeMap<ObjectKey<'a>, usize>,
    enums: Vec<Shape<'a, &'a [EnumValue]>>,
    enum_index: BTreeMap<EnumKey<'a>, usize>,
}

/// What makes two objects the same type: their members' names, types and
/// whether they are required, in order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ObjectKey<'a>(Vec<(&'a str, TypeRef, bool)>);

/// What makes two enumerations the same type: their values and meanings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct EnumKey<'a>(Vec<(&'a str, Option<&'a str>)>);

/// A shape before it is named: what it holds, the events that use it, the
/// member names it is met under (first first) and the first one's
/// description.
struct Shape<'a, T> {
    content: T,
    users: Vec<&'a str>,
    fields: Vec<&'a str>,
    description: &'a str,
}

impl<'a> Shapes<'a> {
    fn members(
        &mut self,
        fields: &'a [Field],
        event: &'a str,
        path: &mut Vec<&'a str>,
        introduced: &dyn Fn(&[&str]) -> MemberHistory<'a>,
    ) -> Vec<Member<'a>> {
        fields
            .iter()
            .map(|field| {
                path.push(&field.name);
                let ty = self.type_of(field, event, path, introduced);
                let history = introduced(path);
                let ty = match ty {
                    TypeRef::Number if history.integral => TypeRef::IntegralNumber,
                    ty => ty,
                };
                let member = Member {
                    field,
                    ty,
                    introduced: history.introduced,
                    dropped_after: history.dropped_after,
                    required: history.required,
                };
                path.pop();
                member
            })
            .collect()
    }

    fn type_of(
        &mut self,
        field: &'a Field,
        event: &'a str,
        path: &mut Vec<&'a str>,
        introduced: &dyn Fn(&[&str]) -> MemberHistory<'a>,
    ) -> TypeRef {
        match &field.ty {
            JsonType::String if !field.values.is_empty() => {
                let key = EnumKey(
                    field
                        .values
                        .iter()
                        .map(|v| (v.value.as_str(), v.meaning.as_deref()))
                        .collect(),
                );
                TypeRef::Enum(Self::add(
                    &mut self.enums,
                    &mut self.enum_index,
                    key,
                    &field.values,
                    field,
                    event,
                ))
            }
            JsonType::String => TypeRef::String,
            JsonType::Int => TypeRef::Int,
            JsonType::Number => TypeRef::Number,
            JsonType::Bool => TypeRef::Bool,
            JsonType::Array => TypeRef::Array,
            JsonType::Value => TypeRef::Value,
            JsonType::External(name) => TypeRef::External(name.clone()),
            JsonType::Object if field.fields.is_empty() => TypeRef::Value,
            JsonType::Object => {
                let members = self.members(&field.fields, event, path, introduced);
                let key = ObjectKey(
                    members
                        .iter()
                        .map(|m| (m.field.name.as_str(), m.ty.clone(), m.required))
                        .collect(),
                );
                TypeRef::Object(Self::add(
                    &mut self.objects,
                    &mut self.object_index,
                    key,
                    members,
                    field,
                    event,
                ))
            }
        }
    }

    /// The index of the shape with `key`, added if new, with `event` as a user.
    fn add<K: Ord, T>(
        shapes: &mut Vec<Shape<'a, T>>,
        index: &mut BTreeMap<K, usize>,
        key: K,
        content: T,
        field: &'a Field,
        event: &'a str,
    ) -> usize {
        let at = *index.entry(key).or_insert_with(|| {
            shapes.push(Shape {
                content,
                users: Vec::new(),
                fields: Vec::new(),
                description: &field.description,
            });
            shapes.len() - 1
        });
        let shape = &mut shapes[at];
        shape.users.push(event);
        if !shape.fields.contains(&field.name.as_str()) {
            shape.fields.push(&field.name);
        }
        at
    }

    /// Names every shape after what its users have in common and the
    /// members it is met under (`VncServer`; `SpiceServerOrClient` for the
    /// shape both SPICE members share), unique among the crate's types.
    fn finish(self, events: &[EventType<'a>]) -> (Vec<ObjectType<'a>>, Vec<EnumType<'a>>) {
        let mut types = Scope::with_reserved(RESERVED_TYPES);
        for event in events {
            types.claim_exact(data_type_name(event), Case::Pascal);
        }
        let mut name = |users: &mut Vec<&'a str>, fields: &[&str]| {
            users.sort_unstable();
            users.dedup();
            // One user: named after it; several: after what they share.
            let prefix = if users.len() == 1 {
                users[0].to_string()
            } else {
                common_prefix(users)
            };
            let what = fields
                .iter()
                .map(|f| sanitize(f, Case::Pascal))
                .collect::<Vec<_>>()
                .join("Or");
            let candidate = match prefix.as_str() {
                "" => what.clone(),
                prefix => sanitize(prefix, Case::Pascal) + &what,
            };
            if types.contains(&candidate) {
                // Another shape under the same members: named after its
                // first user's full name.
                let full = sanitize(users[0], Case::Pascal) + &what;
                types.claim_exact(full, Case::Pascal)
            } else {
                types.claim_exact(candidate, Case::Pascal)
            }
        };
        let objects = self
            .objects
            .into_iter()
            .map(|mut shape| ObjectType {
                name: name(&mut shape.users, &shape.fields),
                members: shape.content,
                users: shape.users,
                description: shape.description,
            })
            .collect();
        let enums = self
            .enums
            .into_iter()
            .map(|mut shape| EnumType {
                name: name(&mut shape.users, &shape.fields),
                values: shape.content,
                users: shape.users,
            })
            .collect();
        (objects, enums)
    }
}

/// The name of an event's data struct: `BlockIoErrorData`.
pub fn data_type_name(event: &EventType<'_>) -> String {
    format!("{}Data", event.type_name)
}

/// The words (split at '_') that all names start with: `VNC` for
/// `VNC_CONNECTED` and `VNC_INITIALIZED`.
fn common_prefix(names: &[&str]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| n.split('_').collect()).collect();
    let mut prefix = Vec::new();
    if let Some(first) = split.first() {
        for (i, word) in first.iter().enumerate() {
            // A prefix never takes a whole name: that would name the shape
            // after one event's data.
            if split
                .iter()
                .all(|words| words.len() > i + 1 && words[i] == *word)
            {
                prefix.push(*word);
            } else {
                break;
            }
        }
    }
    prefix.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec text of one section per `(name, fields, example data)`.
    fn spec(sections: &[(&str, &str, &str)]) -> qmp_spec::Spec {
        let mut text = String::from("QEMU Monitor Protocol Events\n============================\n");
        for (name, fields, data) in sections {
            text.push_str(&format!(
                "\n{name}\n{}\n\nAn event.\n\nData:\n\n{fields}\n\nExample:\n\n\
                 {{ \"event\": \"{name}\", \"data\": {data},\n  \
                 \"timestamp\": {{ \"seconds\": 1, \"microseconds\": 2 }} }}\n",
                "-".repeat(name.len())
            ));
        }
        qmp_spec::parse("test", &text).unwrap_or_else(|err| panic!("{err}\n{text}"))
    }

    fn catalog_of<'a>(specs: &'a [(&'a str, qmp_spec::Spec)]) -> Vec<Revision<'a>> {
        specs
            .iter()
            .map(|(name, spec)| Revision {
                name,
                about: "",
                spec,
            })
            .collect()
    }

    #[test]
    fn a_member_is_required_only_where_every_revision_requires_it() {
        let specs = [
            (
                "a",
                spec(&[("EVENT", "- \"x\": x (json-string)", "{ \"x\": \"1\" }")]),
            ),
            (
                "b",
                spec(&[(
                    "EVENT",
                    "- \"x\": x (json-string)\n- \"y\": y (json-int)",
                    "{ \"x\": \"1\", \"y\": 2 }",
                )]),
            ),
            (
                "c",
                spec(&[("EVENT", "- \"y\": y (json-int)", "{ \"y\": 2 }")]),
            ),
        ];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let EventData::Fields(members) = &catalog.events[0].data else {
            panic!("fields")
        };
        // The newest revision's members: `y` only, sent since `b`.
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].introduced, "b");
        assert!(!members[0].required, "a revision without it");
        let x = member_history(&revisions, "EVENT", &["x"], "a");
        assert_eq!(
            (x.introduced, x.dropped_after, x.required),
            ("a", Some("b"), false)
        );
        let y = member_history(&revisions, "EVENT", &["y"], "a");
        assert_eq!((y.introduced, y.dropped_after), ("b", None));
        assert!(y.integral);
    }

    #[test]
    fn data_absent_in_some_revision_is_optional() {
        let none = "QEMU Monitor Protocol Events\n============================\n\n\
                    EVENT\n-----\n\nAn event.\n\nData: None.\n";
        let specs = [
            ("a", qmp_spec::parse("a", none).unwrap()),
            (
                "b",
                spec(&[("EVENT", "- \"x\": x (json-int)", "{ \"x\": 1 }")]),
            ),
        ];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        assert_eq!(catalog.events[0].dataless_in, ["a"]);
        let rust = crate::rust::generate(&catalog, &revisions).unwrap();
        let events = rust.iter().find(|f| f.path == "src/events.rs").unwrap();
        assert!(
            events.contents.contains("Event(Option<Box<EventData>>)"),
            "{}",
            events.contents
        );
        assert!(
            events
                .contents
                .contains("EventKind::Event => Some(Self::Event(None))")
        );
    }

    #[test]
    fn numbers_whose_examples_are_integers_are_integers() {
        let specs = [(
            "a",
            spec(&[
                ("INT", "- \"n\": n (json-number)", "{ \"n\": 3 }"),
                ("FLOAT", "- \"n\": n (json-number)", "{ \"n\": 0.5 }"),
            ]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let types: Vec<(&str, TypeRef)> = catalog
            .events
            .iter()
            .map(|e| match &e.data {
                EventData::Fields(members) => (e.name, members[0].ty.clone()),
                _ => panic!("fields"),
            })
            .collect();
        assert_eq!(
            types,
            [("FLOAT", TypeRef::Number), ("INT", TypeRef::IntegralNumber)]
        );
        assert!(!catalog.is_eq(&catalog.events[0].data));
        assert!(catalog.is_eq(&catalog.events[1].data));
    }

    #[test]
    fn shapes_are_shared_and_named_for_the_members_they_are_met_under() {
        let object = "- \"server\": server (json-object)\n  - \"host\": host (json-string)\n\
                      - \"client\": client (json-object)\n  - \"host\": host (json-string)";
        let data = "{ \"server\": { \"host\": \"a\" }, \"client\": { \"host\": \"b\" } }";
        let specs = [(
            "a",
            spec(&[("NET_UP", object, data), ("NET_DOWN", object, data)]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let names: Vec<&str> = catalog.objects.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["NetServerOrClient"]);
        assert_eq!(catalog.objects[0].users, ["NET_DOWN", "NET_UP"]);
    }

    #[test]
    fn names_never_clash_with_the_crates_own() {
        let specs = [(
            "a",
            spec(&[
                (
                    "MESSAGE",
                    "- \"type\": t (json-string, \"a\" or \"b\")",
                    "{ \"type\": \"a\" }",
                ),
                ("EVENT_KIND", "- \"x\": x (json-int)", "{ \"x\": 1 }"),
            ]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let variants: Vec<&str> = catalog
            .events
            .iter()
            .map(|e| e.type_name.as_str())
            .collect();
        // Variants live in `Event`'s namespace; data structs are `...Data`.
        assert_eq!(variants, ["EventKind", "Message"]);
        assert_eq!(data_type_name(&catalog.events[1]), "MessageData");
        assert_eq!(catalog.enums[0].name, "MessageType");
    }
}
