//! The catalog of types the generators share: every event any revision of the
//! history documents, typed from the newest revision that documents it, with
//! nested objects and enumerations named once and shared where their shapes
//! are equal. A member is required only where every revision documenting
//! its event requires it, so the types decode what any QEMU of the history
//! sends. It stands between the spec models and the outputs, so the Rust
//! and JSON Schema generators name things the same way.

use std::collections::BTreeMap;

use qmp_spec::{Data, EnumValue, Field, JsonType, Section};

use crate::Revision;

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
    /// Whether every revision that documents the event has the member and
    /// requires it. A member added by a later revision, or optional in any,
    /// is not: a QEMU of the earlier revisions does not send it.
    pub required: bool,
}

/// What the history says of one member of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberHistory<'a> {
    introduced: &'a str,
    required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    Int,
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
        for revision in revisions {
            for (name, section) in revision.spec.events() {
                latest.insert(name, (revision, section));
                first.entry(name).or_insert(revision.name);
            }
        }

        let mut shapes = Shapes::default();
        let mut events = Vec::with_capacity(latest.len());
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
            events.push(EventType {
                name,
                type_name: pascal_case(name),
                section,
                revision: revision.name,
                introduced,
                last_documented: (Some(revision.name) != newest).then_some(revision.name),
                data,
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

/// The first revision in which `event` has the member at `path` (the
/// event's own first revision if none says otherwise), and whether every
/// revision documenting the event requires it.
fn member_history<'a>(
    revisions: &'a [Revision<'a>],
    event: &str,
    path: &[&str],
    event_introduced: &'a str,
) -> MemberHistory<'a> {
    let mut introduced = None;
    let mut required = true;
    for revision in revisions {
        let Some((_, section)) = revision.spec.events().find(|(name, _)| *name == event) else {
            continue;
        };
        match find_member(section.data.fields(), path) {
            Some(field) => {
                introduced.get_or_insert(revision.name);
                required &= !field.optional;
            }
            None => required = false,
        }
    }
    MemberHistory {
        introduced: introduced.unwrap_or(event_introduced),
        required,
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
    enums: Vec<Shape<'a, &'a [EnumValue]>>,
}

/// A shape before it is named: its key, what it holds, the events that use
/// it, the member name it was first met under and that member's description.
struct Shape<'a, T> {
    key: String,
    content: T,
    users: Vec<&'a str>,
    field: &'a str,
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
                let member = Member {
                    field,
                    ty,
                    introduced: history.introduced,
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
                let key = shape_of_enum(&field.values);
                TypeRef::Enum(Self::add(&mut self.enums, key, &field.values, field, event))
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
                let key = shape_of_object(&members);
                TypeRef::Object(Self::add(&mut self.objects, key, members, field, event))
            }
        }
    }

    /// The index of the shape with `key`, added if new, with `event` as a user.
    fn add<T>(
        shapes: &mut Vec<Shape<'a, T>>,
        key: String,
        content: T,
        field: &'a Field,
        event: &'a str,
    ) -> usize {
        let index = match shapes.iter().position(|shape| shape.key == key) {
            Some(index) => index,
            None => {
                shapes.push(Shape {
                    key,
                    content,
                    users: Vec::new(),
                    field: &field.name,
                    description: &field.description,
                });
                shapes.len() - 1
            }
        };
        shapes[index].users.push(event);
        index
    }

    /// Names every shape after what its users have in common, and resolves
    /// the rare clash by the first user's full name.
    fn finish(self, events: &[EventType<'a>]) -> (Vec<ObjectType<'a>>, Vec<EnumType<'a>>) {
        let mut taken: Vec<String> = events
            .iter()
            .flat_map(|e| [e.type_name.clone(), data_type_name(e)])
            .collect();
        let mut name = |users: &mut Vec<&'a str>, field: &str| {
            users.sort_unstable();
            users.dedup();
            // One user: named after it; several: after what they share.
            let prefix = if users.len() == 1 {
                users[0].to_string()
            } else {
                common_prefix(users)
            };
            let candidate = pascal_case(&format!("{prefix}_{field}"));
            let name = if taken.contains(&candidate) {
                pascal_case(&format!("{}_{field}", users[0]))
            } else {
                candidate
            };
            taken.push(name.clone());
            name
        };
        let objects = self
            .objects
            .into_iter()
            .map(|mut shape| ObjectType {
                name: name(&mut shape.users, shape.field),
                members: shape.content,
                users: shape.users,
                description: shape.description,
            })
            .collect();
        let enums = self
            .enums
            .into_iter()
            .map(|mut shape| EnumType {
                name: name(&mut shape.users, shape.field),
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

fn shape_of_enum(values: &[EnumValue]) -> String {
    values
        .iter()
        .map(|v| format!("{}={}", v.value, v.meaning.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shape_of_object(members: &[Member<'_>]) -> String {
    members
        .iter()
        .map(|m| format!("{}:{:?}:{}", m.field.name, m.ty, m.required))
        .collect::<Vec<_>>()
        .join("\n")
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

/// `BLOCK_IO_ERROR` → `BlockIoError`, `tray-open` → `TrayOpen`,
/// `__com.redhat_reason` → `ComRedhatReason`.
pub fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `tray-open` → `tray_open`, `__com.redhat_reason` → `com_redhat_reason`.
pub fn snake_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}
