//! A QAPI schema as one revision of the model both eras share: a section per
//! event, each member typed in place through the QAPI type system.
//!
//! Named types are spelled out where they are used (a struct's members with
//! its bases', an enum's values, a union's common members and branches, an
//! alternate's branches, an array's elements), each keeping its QAPI name in
//! `type_name`. So two releases compare by structure, whatever QEMU named
//! the types (`BlockJobType` became `JobType` in 3.0), and the generators
//! find the names where they want them. A type that contains itself is
//! spelled out once and referred to by name (`JsonType::External`) inside.
//!
//! Spelling types out could cost more than the schema's size: a chain of
//! types each using the next twice doubles at every step. So the work is
//! bounded: types nest at most [`MAX_NESTING`] deep, and the fields spelled
//! out number at most [`FIELDS_PER_MEMBER`] per member the schema declares
//! (real releases spell out under a quarter of a field per member, and a
//! test keeps it so): past either, an error at the event.

use std::cell::Cell;
use std::collections::HashMap;

use super::model::{
    Base, Branch, Definition, Doc, EventData, Kind, Location, Member, Schema, TypeRef,
};
use crate::model::{
    Data, EnumValue, Example, Field, JsonType, Note, Section, Span, Spec, Warning, WarningKind,
    normalize_whitespace,
};
use crate::source::ParseError;

/// How deep named types may nest in an event's data (QEMU's go 4 deep).
pub const MAX_NESTING: usize = 32;

/// How many fields may be spelled out per member the schema declares.
pub const FIELDS_PER_MEMBER: usize = 16;

impl Schema {
    /// The events as a revision of the model, titled `title`; an error when
    /// spelling the types out would nest deeper than [`MAX_NESTING`] or
    /// exceed its budget.
    pub fn to_spec(&self, title: &str) -> Result<Spec, ParseError> {
        let members: usize = self
            .definitions
            .iter()
            .map(|d| match &d.kind {
                Kind::Struct { members, .. } => members.len(),
                Kind::Enum { values, .. } => values.len(),
                Kind::Union { branches, .. } | Kind::Alternate { branches } => branches.len(),
                Kind::Event {
                    data: EventData::Members { members },
                    ..
                } => members.len(),
                _ => 0,
            })
            .sum();
        let converter = Converter {
            by_name: Definition::by_name(&self.definitions),
            budget: Cell::new(members.saturating_add(64).saturating_mul(FIELDS_PER_MEMBER)),
            failed: Cell::new(false),
        };
        let mut sections = Vec::new();
        for event in self.events() {
            let section = converter.event(event);
            if converter.failed.get() {
                return Err(ParseError {
                    file: event.location.file.to_string(),
                    line: event.location.line,
                    column: event.location.column,
                    line_text: self.line_text(&event.location.file, event.location.line),
                    message: format!(
                        "the types of event '{}' nest deeper than {MAX_NESTING} or spell out \
                         more than {FIELDS_PER_MEMBER} fields per member of the schema",
                        event.name
                    ),
                });
            }
            sections.push(section);
        }
        let mut spec = Spec {
            title: title.to_string(),
            sections,
            build: None,
            types: Default::default(),
        };
        spec.tabulate();
        Ok(spec)
    }
}

struct Converter<'a> {
    by_name: HashMap<&'a str, &'a Definition>,
    /// Fields that may still be spelled out.
    budget: Cell<usize>,
    /// Set when the nesting or the budget ran out: the conversion stops
    /// spelling out and the event is an error.
    failed: Cell<bool>,
}

fn span(location: &Location) -> Span {
    Span {
        line: location.line,
        column: location.column,
    }
}

/// The text `doc` gives member (or value, or branch) `name`.
fn doc_text(doc: Option<&Doc>, name: &str) -> String {
    doc.and_then(|doc| doc.members.iter().find(|item| item.name == name))
        .map(|item| normalize_whitespace(&item.text))
        .unwrap_or_default()
}

impl<'a> Converter<'a> {
    fn event(&self, event: &'a Definition) -> Section {
        let doc = event.doc.as_ref();
        let data = match &event.kind {
            Kind::Event { data, .. } => data,
            _ => &EventData::None,
        };
        let data = match data {
            EventData::None => Data::None,
            EventData::Members { members } => Data::Fields {
                fields: self.members(members, doc, &mut Vec::new()),
            },
            EventData::Type { name } => match self.by_name.get(name.as_str()) {
                Some(definition) if matches!(definition.kind, Kind::Struct { .. }) => {
                    Data::Fields {
                        fields: self.struct_members(definition, &mut vec![name.as_str()]),
                    }
                }
                _ => Data::External {
                    type_name: name.clone(),
                    description: String::new(),
                },
            },
        };
        let examples: Vec<Example> = doc
            .map(|doc| {
                doc.examples
                    .iter()
                    .filter(|example| {
                        example.direction == "<-"
                            && example
                                .json
                                .as_ref()
                                .is_some_and(|json| json.get("event").is_some())
                    })
                    .map(|example| Example {
                        label: None,
                        raw: example.text.clone(),
                        json: example.json.clone(),
                        error: None,
                        span: span(&example.location),
                    })
                    .collect()
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
            data_type: None,
        }
    }

    /// Members documented by `doc`, typed; `stack` holds the named types
    /// being spelled out around them.
    fn members(
        &self,
        members: &'a [Member],
        doc: Option<&Doc>,
        stack: &mut Vec<&'a str>,
    ) -> Vec<Field> {
        members
            .iter()
            .map(|member| {
                let mut field = self.field(&member.name, &member.ty, stack);
                field.optional = member.optional;
                field.description = doc_text(doc, &member.name);
                field.span = span(&member.location);
                field.condition = member.condition.clone();
                field.features = member.features.clone();
                field
            })
            .collect()
    }

    /// A struct's members, its bases' first, each documented by the
    /// definition that declares it.
    fn struct_members(&self, definition: &'a Definition, stack: &mut Vec<&'a str>) -> Vec<Field> {
        definition
            .bases(&|name| self.by_name.get(name).copied())
            .iter()
            .flat_map(|d| match &d.kind {
                Kind::Struct { members, .. } => self.members(members, d.doc.as_ref(), stack),
                _ => Vec::new(),
            })
            .collect()
    }

    /// A field named `name` of type `ty`.
    fn field(&self, name: &str, ty: &'a TypeRef, stack: &mut Vec<&'a str>) -> Field {
        let mut field = Field::new(name.to_string(), JsonType::Value, Span::default());
        if !self.spend(stack) {
            return field;
        }
        match ty {
            TypeRef::Object(members) => {
                field.ty = JsonType::Object;
                field.fields = self.members(members, None, stack);
            }
            TypeRef::Array(element) => {
                field.ty = JsonType::Array;
                let mut items = Field::new(String::new(), JsonType::Value, Span::default());
                if self.spend(stack) {
                    self.named(element, &mut items, stack);
                }
                field.type_name = items.type_name.clone();
                field.items = Some(Box::new(items));
            }
            TypeRef::Named(type_name) => self.named(type_name, &mut field, stack),
        }
        field
    }

    /// Takes one field from the budget, for each field spelled out, at a
    /// nesting of `stack`; false (and the conversion failed) when either
    /// runs out.
    fn spend(&self, stack: &[&str]) -> bool {
        match self.budget.get().checked_sub(1) {
            Some(left) if stack.len() <= MAX_NESTING && !self.failed.get() => {
                self.budget.set(left);
                true
            }
            _ => {
                self.failed.set(true);
                false
            }
        }
    }

    /// Spells out the type named `name` in `field` (paid for by its
    /// caller).
    fn named(&self, name: &'a str, field: &mut Field, stack: &mut Vec<&'a str>) {
        if let Some(builtin) = builtin(name) {
            field.ty = builtin;
            return;
        }
        field.type_name = Some(name.to_string());
        let Some(definition) = self.by_name.get(name).copied() else {
            field.ty = JsonType::External(name.to_string());
            return;
        };
        if stack.contains(&name) {
            // A type within itself: referred to by name.
            field.ty = JsonType::External(name.to_string());
            return;
        }
        stack.push(name);
        let doc = definition.doc.as_ref();
        match &definition.kind {
            Kind::Struct { .. } => {
                field.ty = JsonType::Object;
                field.fields = self.struct_members(definition, stack);
            }
            Kind::Enum { values, .. } => {
                field.ty = JsonType::String;
                field.values = values
                    .iter()
                    .map(|value| EnumValue {
                        value: value.name.clone(),
                        meaning: Some(doc_text(doc, &value.name)).filter(|m| !m.is_empty()),
                        condition: value.condition.clone(),
                        features: value.features.clone(),
                    })
                    .collect();
            }
            Kind::Union {
                base,
                discriminator,
                branches,
            } => {
                field.ty = JsonType::Union;
                match discriminator {
                    Some(discriminator) => {
                        field.fields = match base {
                            Some(Base::Named(base)) => match self.by_name.get(base.as_str()) {
                                Some(base) => self.struct_members(base, stack),
                                None => Vec::new(),
                            },
                            Some(Base::Members(members)) => self.members(members, doc, stack),
                            None => Vec::new(),
                        };
                        field.discriminator = Some(discriminator.clone());
                        field.variants = self.branches(branches, stack, |this, branch, stack| {
                            this.field(&branch.name, &branch.ty, stack)
                        });
                    }
                    None => {
                        // An old simple union: `{"type": BRANCH, "data": ...}`.
                        let mut tag = Field::new("type".into(), JsonType::String, Span::default());
                        tag.values = branches
                            .iter()
                            .map(|b| EnumValue::new(b.name.clone(), None))
                            .collect();
                        field.fields = vec![tag];
                        field.discriminator = Some("type".into());
                        field.variants = self.branches(branches, stack, |this, branch, stack| {
                            let mut variant =
                                Field::new(branch.name.clone(), JsonType::Object, Span::default());
                            variant.fields = vec![this.field("data", &branch.ty, stack)];
                            variant
                        });
                    }
                }
            }
            Kind::Alternate { branches } => {
                field.ty = JsonType::Alternate;
                field.variants = self.branches(branches, stack, |this, branch, stack| {
                    this.field(&branch.name, &branch.ty, stack)
                });
            }
            Kind::Command | Kind::Event { .. } => field.ty = JsonType::External(name.to_string()),
        }
        stack.pop();
    }

    fn branches(
        &self,
        branches: &'a [Branch],
        stack: &mut Vec<&'a str>,
        convert: impl Fn(&Self, &'a Branch, &mut Vec<&'a str>) -> Field,
    ) -> Vec<Field> {
        branches
            .iter()
            .map(|branch| {
                let mut variant = convert(self, branch, stack);
                variant.span = span(&branch.location);
                variant.condition = branch.condition.clone();
                variant
            })
            .collect()
    }
}

/// The model's type of a built-in (QEMU's introspection names them the
/// same).
pub(crate) fn builtin(name: &str) -> Option<JsonType> {
    Some(match name {
        "str" | "QType" => JsonType::String,
        "int" => JsonType::Int,
        "int8" => JsonType::Int8,
        "int16" => JsonType::Int16,
        "int32" => JsonType::Int32,
        "int64" => JsonType::Int64,
        "uint8" => JsonType::Uint8,
        "uint16" => JsonType::Uint16,
        "uint32" => JsonType::Uint32,
        "uint64" => JsonType::Uint64,
        "size" => JsonType::Size,
        "number" => JsonType::Number,
        "bool" => JsonType::Bool,
        "any" => JsonType::Value,
        "null" => JsonType::Null,
        _ => return None,
    })
}
