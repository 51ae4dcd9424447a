//! A QAPI schema as read: every definition of every file, in the order the
//! includes give, with its condition, features and documentation.
//!
//! Serialized, the model is its canonical form: locations (and warnings,
//! which carry them) are left out, texts are whitespace-normalized, so a
//! layout-only edit of the schema serializes the same.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

pub use crate::model::{Condition, Feature};

/// Where something is: the file (as the include chain named it), line and
/// column, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// Shared by every location in the file.
    pub file: std::sync::Arc<str>,
    pub line: u32,
    pub column: u32,
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Location", 3)?;
        out.serialize_field("file", &*self.file)?;
        out.serialize_field("line", &self.line)?;
        out.serialize_field("column", &self.column)?;
        out.end()
    }
}

/// A whole schema: the top file and everything it includes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    /// Every file read, in the order first met (the top file first).
    pub files: Vec<String>,
    pub definitions: Vec<Definition>,
    /// Defects that do not stop the reading (documentation that disagrees
    /// with the code), with where they are.
    #[serde(skip)]
    pub warnings: Vec<SchemaWarning>,
    /// Each file's text, by its name, for errors found after the reading
    /// that show the line.
    #[serde(skip)]
    pub(crate) texts: Vec<(String, std::sync::Arc<str>)>,
}

impl Schema {
    /// Line `line` (1-based) of `file`, as read.
    pub(crate) fn line_text(&self, file: &str, line: u32) -> String {
        self.texts
            .iter()
            .find(|(name, _)| name == file)
            .and_then(|(_, text)| text.lines().nth((line as usize).saturating_sub(1)))
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaWarning {
    #[serde(skip)]
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Definition {
    pub name: String,
    pub kind: DefinitionKind,
    /// The `if` that decides whether a build has the definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<Doc>,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "meta", rename_all = "kebab-case")]
pub enum DefinitionKind {
    Struct {
        #[serde(skip_serializing_if = "Option::is_none")]
        base: Option<String>,
        members: Vec<Member>,
    },
    Enum {
        values: Vec<EnumValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
    },
    /// A flat union (`base` and `discriminator`), or an old simple union
    /// (neither: the wire format is `{"type": BRANCH, "data": ...}`).
    Union {
        #[serde(skip_serializing_if = "Option::is_none")]
        base: Option<Base>,
        #[serde(skip_serializing_if = "Option::is_none")]
        discriminator: Option<String>,
        branches: Vec<Branch>,
    },
    Alternate {
        branches: Vec<Branch>,
    },
    /// A command: its arguments, its return, and how QEMU runs it.
    Command {
        /// Its arguments: none, members, or (with `boxed`) a type named
        /// here.
        data: EventData,
        #[serde(skip_serializing_if = "Option::is_none")]
        returns: Option<TypeRef>,
        /// `'boxed': true`: the arguments are the named type's members.
        boxed: bool,
        #[serde(flatten)]
        flags: CommandFlags,
    },
    Event {
        data: EventData,
        /// `'boxed': true`: the data is the named type's members.
        boxed: bool,
    },
}

impl Definition {
    /// The definitions by name: how each reader of a schema's references
    /// looks them up.
    pub(crate) fn by_name(definitions: &[Definition]) -> HashMap<&str, &Definition> {
        definitions.iter().map(|d| (d.name.as_str(), d)).collect()
    }

    /// The struct and its bases, outermost base first, the bases found by
    /// `lookup`. A cycle of bases (which the checks refuse) is cut.
    pub fn bases<'a>(
        &'a self,
        lookup: &dyn Fn(&str) -> Option<&'a Definition>,
    ) -> Vec<&'a Definition> {
        let mut chain: Vec<&Definition> = vec![self];
        while let Some(DefinitionKind::Struct {
            base: Some(base), ..
        }) = chain.last().map(|d| &d.kind)
        {
            match lookup(base) {
                Some(next) if !chain.iter().any(|d| d.name == next.name) => chain.push(next),
                _ => break,
            }
        }
        chain.reverse();
        chain
    }

    /// A struct's members with its bases' first (a base's own base first),
    /// the bases found by `lookup`; no members for other kinds.
    pub fn members_with_bases<'a>(
        &'a self,
        lookup: &dyn Fn(&str) -> Option<&'a Definition>,
    ) -> Vec<Member> {
        self.bases(lookup)
            .iter()
            .flat_map(|d| match &d.kind {
                DefinitionKind::Struct { members, .. } => members.clone(),
                _ => Vec::new(),
            })
            .collect()
    }
}

/// A union's base: a struct's name, or members written in place.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Base {
    Named(String),
    Members(Vec<Member>),
}

/// How QEMU runs a command (QAPI's `allow-oob`, `allow-preconfig`,
/// `success-response`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CommandFlags {
    /// It may run out of band, ahead of the commands queued before it.
    pub allow_oob: bool,
    /// It may run before the machine is configured (`--preconfig`).
    pub allow_preconfig: bool,
    /// QEMU answers it; `false` for a command with no response (QEMU's
    /// guest agent has them).
    pub success_response: bool,
    /// QAPI generates its marshaller (`'gen'`, true unless the schema says
    /// `false` or, before 2.12, `'no'`). A command QAPI does not marshal
    /// takes arguments beyond those listed: `device_add`'s device
    /// properties, and before their arguments were typed, `netdev_add`'s
    /// and `object-add`'s.
    pub generated: bool,
}

/// An event's data, or a command's arguments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EventData {
    None,
    Members {
        members: Vec<Member>,
    },
    /// A struct or union named here.
    Type {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub name: String,
    pub optional: bool,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(skip)]
    pub location: Location,
}

/// A union's or alternate's branch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeRef {
    /// A built-in (`str`, `int`, ..., `any`, `null`) or a definition.
    Named(String),
    /// `['Type']`
    Array(String),
    /// An anonymous struct written in place (`'qemu': { 'major': 'int' }`),
    /// as releases before 2.5 allowed.
    Object(Vec<Member>),
}

impl TypeRef {
    /// The type named, or whose elements are; `None` for an anonymous
    /// struct.
    pub fn name(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) | TypeRef::Array(name) => Some(name),
            TypeRef::Object(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumValue {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    #[serde(skip)]
    pub location: Location,
}

/// A definition's documentation block.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Doc {
    /// The paragraphs before the members, whitespace-normalized.
    pub description: String,
    /// `@member: text`, in order.
    pub members: Vec<DocItem>,
    /// `@feature: text` under `Features:`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<DocItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<DocExample>,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocItem {
    pub name: String,
    pub text: String,
    #[serde(skip)]
    pub location: Location,
}

/// One message of an example (`<- {...}` or `-> {...}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocExample {
    /// `<-` (from QEMU: an event or a reply) or `->` (to QEMU).
    pub direction: String,
    /// The JSON as written, whitespace-normalized.
    pub text: String,
    /// The JSON, when it parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    #[serde(skip)]
    pub location: Location,
}

/// The events of a schema and every type they reach, by name: the part of a
/// release this project reads, in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView<'a> {
    pub events: Vec<&'a Definition>,
    pub types: Vec<&'a Definition>,
}

impl Schema {
    /// The events and the types they reach (through members, bases,
    /// branches and arrays), the types sorted by name.
    pub fn event_view(&self) -> EventView<'_> {
        let by_name: std::collections::BTreeMap<&str, &Definition> = self
            .definitions
            .iter()
            .map(|d| (d.name.as_str(), d))
            .collect();
        let mut reached: std::collections::BTreeMap<&str, &Definition> = Default::default();
        let mut queue: Vec<&str> = Vec::new();
        fn member_types<'m>(members: &'m [Member], out: &mut Vec<&'m str>) {
            for member in members {
                match &member.ty {
                    TypeRef::Object(inner) => member_types(inner, out),
                    other => out.extend(other.name()),
                }
            }
        }
        for event in self.events() {
            if let DefinitionKind::Event { data, .. } = &event.kind {
                match data {
                    EventData::Members { members } => member_types(members, &mut queue),
                    EventData::Type { name } => queue.push(name),
                    EventData::None => {}
                }
            }
        }
        while let Some(name) = queue.pop() {
            let Some(definition) = by_name.get(name) else {
                continue; // A built-in.
            };
            if reached.insert(name, definition).is_some() {
                continue;
            }
            match &definition.kind {
                DefinitionKind::Struct { base, members } => {
                    queue.extend(base.as_deref());
                    member_types(members, &mut queue);
                }
                DefinitionKind::Union { base, branches, .. } => {
                    match base {
                        Some(Base::Named(name)) => queue.push(name),
                        Some(Base::Members(members)) => member_types(members, &mut queue),
                        None => {}
                    }
                    queue.extend(branches.iter().filter_map(|b| b.ty.name()));
                }
                DefinitionKind::Alternate { branches } => {
                    queue.extend(branches.iter().filter_map(|b| b.ty.name()))
                }
                DefinitionKind::Enum { .. }
                | DefinitionKind::Command { .. }
                | DefinitionKind::Event { .. } => {}
            }
        }
        EventView {
            events: self.events().collect(),
            types: reached.into_values().collect(),
        }
    }

    /// The events, in schema order.
    pub fn events(&self) -> impl Iterator<Item = &Definition> {
        self.definitions
            .iter()
            .filter(|d| matches!(d.kind, DefinitionKind::Event { .. }))
    }

    /// The commands, in the schema's order.
    pub fn commands(&self) -> impl Iterator<Item = &Definition> {
        self.definitions
            .iter()
            .filter(|d| matches!(d.kind, DefinitionKind::Command { .. }))
    }

    /// The definition named `name`.
    pub fn get(&self, name: &str) -> Option<&Definition> {
        self.definitions.iter().find(|d| d.name == name)
    }
}

/// The built-in types of the schema language, with what releases before
/// 2.5 wrote for `any` in the commands QEMU marshalled by hand (`visitor`,
/// `**`, `dict`: `qom-get`, `qom-set`, `device_add`, `object-add`).
pub const BUILTINS: &[&str] = &[
    "str", "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size",
    "number", "bool", "any", "null", "QType", "visitor", "**", "dict",
];
