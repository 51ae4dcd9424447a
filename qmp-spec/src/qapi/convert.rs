//! A QAPI schema as one revision of the model both eras share: a section per
//! event, and the table of types its data refers to.
//!
//! Each definition an event reaches is converted once, by name, into the
//! table ([`crate::types`]): a struct is an object of its bases' members and
//! its own, an enum its values, a union its common members, tag and
//! branches, an alternate its branches, and each use of an array an array
//! of its elements. A type within itself is a cycle of ids. So two
//! releases compare by structure, whatever QEMU named the types
//! (`BlockJobType` became `JobType` in 3.0), and the generators find the
//! names where they want them.
//!
//! The generators spell the types out where they are used, each type within
//! itself named rather than spelled again. That could cost more than the
//! schema's size: a chain of types each using the next twice doubles at
//! every step. So the spelling is checked as the table is built: types nest
//! at most [`MAX_NESTING`] deep, and spell out at most [`FIELDS_PER_MEMBER`]
//! members per member the schema declares (real releases spell out under a
//! quarter of one per member, and a test keeps it so): past either, an
//! error at the event.

use std::collections::HashMap;

use super::model::{
    Base, Branch, Definition, DefinitionKind, Doc, EventData, Location, Member, Schema, TypeRef,
};
use crate::model::{
    Command, Data, EnumValue, Example, Note, Section, Span, Spec, Warning, WarningKind,
    normalize_whitespace,
};
use crate::source::ParseError;
use crate::types::{self, Scalar, TypeDef, TypeId, TypeKind, Types};

/// How deep named types may nest in an event's data (QEMU's go 4 deep).
pub const MAX_NESTING: usize = 32;

/// How many fields may be spelled out per member the schema declares.
pub const FIELDS_PER_MEMBER: usize = 16;

impl Schema {
    /// The events and commands as a revision of the model, titled `title`;
    /// an error when spelling their types out would nest deeper than
    /// [`MAX_NESTING`] or exceed its budget.
    pub fn to_spec(&self, title: &str) -> Result<Spec, ParseError> {
        let members: usize =
            self.definitions
                .iter()
                .map(|d| match &d.kind {
                    DefinitionKind::Struct { members, .. } => members.len(),
                    DefinitionKind::Enum { values, .. } => values.len(),
                    DefinitionKind::Union { branches, .. }
                    | DefinitionKind::Alternate { branches } => branches.len(),
                    DefinitionKind::Event {
                        data: EventData::Members { members },
                        ..
                    }
                    | DefinitionKind::Command {
                        data: EventData::Members { members },
                        ..
                    } => members.len(),
                    _ => 0,
                })
                .sum();
        let mut converter = Converter {
            by_name: Definition::by_name(&self.definitions),
            types: Types::default(),
            named: HashMap::new(),
            scalars: HashMap::new(),
            arrays: HashMap::new(),
            depth: 0,
            too_deep: false,
        };
        let mut budget = members.saturating_add(64).saturating_mul(FIELDS_PER_MEMBER);
        let mut sections = Vec::new();
        for event in self.events() {
            let section = converter.event(event);
            converter
                .within_bounds(section.data.ty(), &mut budget)
                .map_err(|_| self.unbounded(event, "event"))?;
            sections.push(section);
        }
        let mut commands = Vec::new();
        for definition in self.commands() {
            let command = converter.command(definition);
            let types = command.arguments.iter().chain(&command.returns).copied();
            converter
                .within_bounds(types, &mut budget)
                .map_err(|_| self.unbounded(definition, "command"))?;
            commands.push(command);
        }
        Ok(Spec {
            title: title.to_string(),
            sections,
            build: None,
            types: converter.types,
            commands,
        })
    }
}

impl Schema {
    /// The error at `definition` (an event or a command) whose types go
    /// past the bounds.
    fn unbounded(&self, definition: &Definition, what: &str) -> ParseError {
        let at = &definition.location;
        super::error_at(
            at,
            &self.line_text(&at.file, at.line),
            format!(
                "the types of {what} '{}' nest deeper than {MAX_NESTING} or spell out more \
                 than {FIELDS_PER_MEMBER} fields per member of the schema",
                definition.name
            ),
        )
    }
}

struct Converter<'a> {
    by_name: HashMap<&'a str, &'a Definition>,
    types: Types,
    /// The definitions converted (or being converted), by name.
    named: HashMap<&'a str, TypeId>,
    scalars: HashMap<Scalar, TypeId>,
    /// The array of each element type.
    arrays: HashMap<TypeId, TypeId>,
    /// How many definitions are being converted, one inside the other.
    depth: usize,
    /// Set when they nested deeper than [`MAX_NESTING`]: the conversion
    /// stops going deeper and the event is an error.
    too_deep: bool,
}

fn span(location: &Location) -> Span {
    Span {
        line: location.line,
        column: location.column,
    }
}

/// A command's examples that are JSON: the requests it shows sent and the
/// returns received, in order (errors and events left out).
fn command_examples(doc: &Doc) -> Vec<Example> {
    examples(doc, |direction, json| {
        let key = if direction == "->" {
            "execute"
        } else {
            "return"
        };
        json.get(key).is_some()
    })
}

/// `doc`'s examples that are JSON and that `keep` keeps (by direction and
/// message), as the model has them.
fn examples(doc: &Doc, keep: impl Fn(&str, &serde_json::Value) -> bool) -> Vec<Example> {
    doc.examples
        .iter()
        .filter(|example| {
            example
                .json
                .as_ref()
                .is_some_and(|json| keep(&example.direction, json))
        })
        .map(|example| Example {
            label: None,
            raw: example.text.clone(),
            json: example.json.clone(),
            error: None,
            span: span(&example.location),
        })
        .collect()
}

/// The text `doc` gives member (or value, or branch) `name`.
fn doc_text(doc: Option<&Doc>, name: &str) -> String {
    doc.and_then(|doc| doc.members.iter().find(|item| item.name == name))
        .map(|item| normalize_whitespace(&item.text))
        .unwrap_or_default()
}

impl<'a> Converter<'a> {
    fn event(&mut self, event: &'a Definition) -> Section {
        let doc = event.doc.as_ref();
        let data = match &event.kind {
            DefinitionKind::Event { data, .. } => data,
            _ => &EventData::None,
        };
        let data = match data {
            EventData::None => Data::None,
            EventData::Members { members } => {
                let members = self.members(members, doc);
                Data::Members {
                    ty: self.anonymous(TypeKind::Object {
                        members,
                        base: None,
                    }),
                }
            }
            EventData::Type { name } => match self.by_name.get(name.as_str()) {
                Some(definition) if matches!(definition.kind, DefinitionKind::Struct { .. }) => {
                    Data::Members {
                        ty: self.named(name),
                    }
                }
                _ => Data::External {
                    type_name: name.clone(),
                    description: String::new(),
                },
            },
        };
        // The messages it shows QEMU sending.
        let examples: Vec<Example> = doc
            .map(|doc| {
                examples(doc, |direction, json| {
                    direction == "<-" && json.get("event").is_some()
                })
            })
            .unwrap_or_default();
        // What the text reader would say of the examples' envelopes.
        let warnings = examples
            .iter()
            .filter(|example: &&Example| {
                example
                    .json
                    .as_ref()
                    .is_some_and(|json| json.get("timestamp").is_none())
            })
            .map(|example| Warning {
                kind: WarningKind::ExampleWithoutTimestamp,
                span: example.span,
                message: "the example has no \"timestamp\"".to_string(),
            })
            .collect();
        Section {
            names: vec![event.name.clone()],
            span: span(&event.location),
            description: doc.map(|d| d.description.clone()).unwrap_or_default(),
            data,
            examples,
            notes: doc
                .map(|doc| {
                    doc.notes
                        .iter()
                        .map(|text| Note {
                            text: text.clone(),
                            span: span(&doc.location),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            warnings,
            condition: event.condition.clone(),
            features: event.features.clone(),
            since: doc.and_then(|d| d.since.clone()),
        }
    }

    fn command(&mut self, command: &'a Definition) -> Command {
        let doc = command.doc.as_ref();
        let DefinitionKind::Command {
            data,
            returns,
            flags,
            ..
        } = &command.kind
        else {
            unreachable!("only commands are given")
        };
        let arguments = match data {
            EventData::None => None,
            EventData::Members { members } => {
                let members = self.members(members, doc);
                Some(self.anonymous(TypeKind::Object {
                    members,
                    base: None,
                }))
            }
            EventData::Type { name } => Some(self.named(name)),
        };
        Command {
            name: command.name.clone(),
            span: span(&command.location),
            description: doc.map(|d| d.description.clone()).unwrap_or_default(),
            arguments,
            returns: returns.as_ref().map(|r| self.type_ref(r)),
            allow_oob: flags.allow_oob,
            allow_preconfig: flags.allow_preconfig,
            success_response: flags.success_response,
            extra_arguments: !flags.generated,
            condition: command.condition.clone(),
            features: command.features.clone(),
            since: doc.and_then(|d| d.since.clone()),
            examples: doc.map(command_examples).unwrap_or_default(),
        }
    }

    /// Whether the definition just converted, reaching `types`, stays
    /// within the bounds: its named types nested no deeper than
    /// [`MAX_NESTING`], and spelling them out takes no more than the
    /// `budget` left (spent as it goes).
    fn within_bounds(
        &self,
        types: impl IntoIterator<Item = TypeId>,
        budget: &mut usize,
    ) -> Result<(), types::Unbounded> {
        if self.too_deep {
            return Err(types::Unbounded::TooDeep);
        }
        types
            .into_iter()
            .try_for_each(|ty| self.types.check_spelling(ty, budget, MAX_NESTING))
    }

    /// Members documented by `doc`, typed.
    fn members(&mut self, members: &'a [Member], doc: Option<&Doc>) -> Vec<types::Member> {
        members
            .iter()
            .map(|member| types::Member {
                name: member.name.clone(),
                ty: self.type_ref(&member.ty),
                type_source: crate::model::TypeSource::Annotation,
                optional: member.optional,
                description: doc_text(doc, &member.name),
                span: span(&member.location),
                condition: member.condition.clone(),
                features: member.features.clone(),
            })
            .collect()
    }

    /// A struct's members, its bases' first, each documented by the
    /// definition that declares it.
    fn struct_members(&mut self, definition: &'a Definition) -> Vec<types::Member> {
        let by_name = &self.by_name;
        let chain = definition.bases(&|name| by_name.get(name).copied());
        let mut members = Vec::new();
        for d in chain {
            if let DefinitionKind::Struct { members: own, .. } = &d.kind {
                members.extend(self.members(own, d.doc.as_ref()));
            }
        }
        members
    }

    fn anonymous(&mut self, kind: TypeKind) -> TypeId {
        self.types.add(TypeDef::anonymous(kind))
    }

    /// The type a member or branch refers to.
    fn type_ref(&mut self, ty: &'a TypeRef) -> TypeId {
        match ty {
            TypeRef::Object(members) => {
                let members = self.members(members, None);
                self.anonymous(TypeKind::Object {
                    members,
                    base: None,
                })
            }
            TypeRef::Array(element) => {
                let items = self.named(element);
                if let Some(&array) = self.arrays.get(&items) {
                    return array;
                }
                let array = self.anonymous(TypeKind::Array { items: Some(items) });
                self.arrays.insert(items, array);
                array
            }
            TypeRef::Named(name) => self.named(name),
        }
    }

    /// The type named `name`: a built-in, or a definition converted once.
    fn named(&mut self, name: &'a str) -> TypeId {
        if let Some(scalar) = builtin(name) {
            return *self.scalars.entry(scalar).or_insert_with(|| {
                self.types
                    .add(TypeDef::anonymous(TypeKind::Scalar { scalar }))
            });
        }
        if let Some(&id) = self.named.get(name) {
            return id;
        }
        // Described below, once its members (which may refer to it) are.
        let id = self
            .types
            .add(TypeDef::named(Some(name.to_string()), TypeKind::External));
        self.named.insert(name, id);
        let Some(definition) = self.by_name.get(name).copied() else {
            return id;
        };
        if self.depth >= MAX_NESTING {
            self.too_deep = true;
            return id;
        }
        self.depth += 1;
        let kind = self.kind(definition);
        self.depth -= 1;
        let doc = definition.doc.as_ref();
        self.types.set(
            id,
            TypeDef {
                name: Some(name.to_string()),
                kind,
                description: doc.map(|d| d.description.clone()).unwrap_or_default(),
                since: doc.and_then(|d| d.since.clone()),
                condition: definition.condition.clone(),
                features: definition.features.clone(),
            },
        );
        id
    }

    fn kind(&mut self, definition: &'a Definition) -> TypeKind {
        let doc = definition.doc.as_ref();
        match &definition.kind {
            DefinitionKind::Struct { base, .. } => TypeKind::Object {
                members: self.struct_members(definition),
                base: base.as_deref().map(|base| self.named(base)),
            },
            DefinitionKind::Enum { values, .. } => TypeKind::Enum {
                values: values
                    .iter()
                    .map(|value| EnumValue {
                        value: value.name.clone(),
                        meaning: Some(doc_text(doc, &value.name)).filter(|m| !m.is_empty()),
                        condition: value.condition.clone(),
                        features: value.features.clone(),
                    })
                    .collect(),
            },
            DefinitionKind::Union {
                base,
                discriminator: Some(discriminator),
                branches,
            } => TypeKind::Union {
                tag: discriminator.clone(),
                members: match base {
                    Some(Base::Named(base)) => match self.by_name.get(base.as_str()).copied() {
                        Some(base) => self.struct_members(base),
                        None => Vec::new(),
                    },
                    Some(Base::Members(members)) => self.members(members, doc),
                    None => Vec::new(),
                },
                base: match base {
                    Some(Base::Named(base)) => Some(self.named(base)),
                    _ => None,
                },
                branches: self.branches(branches, |this, branch| this.type_ref(&branch.ty)),
            },
            DefinitionKind::Union {
                discriminator: None,
                branches,
                ..
            } => {
                // An old simple union: `{"type": BRANCH, "data": ...}`.
                let values = branches
                    .iter()
                    .map(|b| EnumValue::new(b.name.clone(), None))
                    .collect();
                let tag = self.anonymous(TypeKind::Enum { values });
                TypeKind::Union {
                    tag: "type".into(),
                    members: vec![plain_member("type", tag)],
                    base: None,
                    branches: self.branches(branches, |this, branch| {
                        let data = this.type_ref(&branch.ty);
                        this.anonymous(TypeKind::Object {
                            members: vec![plain_member("data", data)],
                            base: None,
                        })
                    }),
                }
            }
            DefinitionKind::Alternate { branches } => TypeKind::Alternate {
                branches: self.branches(branches, |this, branch| this.type_ref(&branch.ty)),
            },
            DefinitionKind::Command { .. } | DefinitionKind::Event { .. } => TypeKind::External,
        }
    }

    fn branches(
        &mut self,
        branches: &'a [Branch],
        convert: impl Fn(&mut Self, &'a Branch) -> TypeId,
    ) -> Vec<types::Branch> {
        branches
            .iter()
            .map(|branch| types::Branch {
                name: branch.name.clone(),
                ty: convert(self, branch),
                description: String::new(),
                span: span(&branch.location),
                condition: branch.condition.clone(),
            })
            .collect()
    }
}

/// A required member with nothing said of it but its type.
fn plain_member(name: &str, ty: TypeId) -> types::Member {
    types::Member {
        name: name.to_string(),
        ty,
        type_source: crate::model::TypeSource::Annotation,
        optional: false,
        description: String::new(),
        span: Span::default(),
        condition: None,
        features: Vec::new(),
    }
}

/// The scalar of a built-in (QEMU's introspection names them the same).
pub(crate) fn builtin(name: &str) -> Option<Scalar> {
    Some(match name {
        "str" | "QType" => Scalar::String,
        "int" => Scalar::Int,
        "int8" => Scalar::Int8,
        "int16" => Scalar::Int16,
        "int32" => Scalar::Int32,
        "int64" => Scalar::Int64,
        "uint8" => Scalar::Uint8,
        "uint16" => Scalar::Uint16,
        "uint32" => Scalar::Uint32,
        "uint64" => Scalar::Uint64,
        "size" => Scalar::Size,
        "number" => Scalar::Number,
        "bool" => Scalar::Bool,
        "any" | "visitor" | "**" | "dict" => Scalar::Value,
        "null" => Scalar::Null,
        _ => return None,
    })
}
