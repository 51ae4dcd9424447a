//! A reply's events as a revision of the model, types spelled out in place
//! as the QAPI reader spells them (`qapi/convert.rs`): an object's members,
//! an enum's values, a union's members, tag and branches, an alternate's
//! branches, an array's elements. Each field keeps the reply's name of its
//! type in `type_name` (a number, as QEMU masks it) until `lend.rs` names
//! it.
//!
//! A union branch whose object is empty is left out: on the wire it is the
//! same as no branch (QEMU lists one for every tag value the schema gives
//! none). An alternate's branches, unnamed on the wire, are named by their
//! kind (`str`, `object`, ...).

use super::{IntrospectError, Meta, Reply};
use crate::model::{Data, EnumValue, Feature, Section, Span};
use crate::spelled::{Field, JsonType};
use crate::types::Scalar;

/// How deep types may nest in an event's data, as for the QAPI reader.
pub const MAX_NESTING: usize = crate::qapi::MAX_NESTING;

/// How many fields may be spelled out per member of the reply.
pub const FIELDS_PER_MEMBER: usize = crate::qapi::FIELDS_PER_MEMBER;

/// How a type was reached from the one around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Required,
    Optional,
    Element,
    /// A union's branch.
    Variant,
    /// An alternate's branch.
    Alternative,
}

struct Converter<'r, 'a> {
    reply: &'r Reply<'a>,
    /// Fields that may still be spelled out.
    budget: usize,
    /// The types being spelled out, outermost first, with how each was
    /// reached.
    stack: Vec<(usize, Link)>,
    /// The member path from the event's data, for errors.
    path: Vec<&'r str>,
    /// Why the conversion stopped, once it did.
    failure: Option<String>,
}

/// An event as the conversion spells it: its section, and its data's
/// members spelled out in place (`None` when the data has none), until the
/// reader names the types and puts them in the table.
pub(super) struct Draft {
    pub section: Section,
    pub fields: Option<Vec<Field>>,
}

/// A command as the conversion spells it: its arguments and its return,
/// each a field whose type is spelled out in place (`None` for no
/// arguments, and for a return of `{}`).
pub(super) struct CommandDraft {
    pub name: String,
    pub arguments: Option<Field>,
    pub returns: Option<Field>,
    pub allow_oob: bool,
    pub features: Vec<Feature>,
    /// Borrowed from a QAPI release, where it has the command.
    pub description: String,
    pub since: Option<String>,
    /// Borrowed too: the wire does not say a command takes arguments
    /// beyond those listed (`device_add`).
    pub extra_arguments: bool,
}

/// The reply's events and commands, types spelled out and named by the
/// reply.
pub(super) fn drafts(
    reply: &Reply<'_>,
) -> Result<(Vec<Draft>, Vec<CommandDraft>), IntrospectError> {
    let declared: usize = reply
        .wire
        .entries
        .iter()
        .map(|e| {
            e.members.as_ref().map_or(0, Vec::len)
                + e.values.as_ref().map_or(0, Vec::len)
                + e.variants.as_ref().map_or(0, Vec::len)
        })
        .fold(0usize, usize::saturating_add);
    let mut converter = Converter {
        reply,
        budget: declared
            .saturating_add(64)
            .saturating_mul(FIELDS_PER_MEMBER),
        stack: Vec::new(),
        path: Vec::new(),
        failure: None,
    };
    let mut sections = Vec::new();
    let mut commands = Vec::new();
    for (index, entry) in reply.wire.entries.iter().enumerate() {
        match reply.meta(index) {
            Meta::Event => {
                let section = converter.event(index);
                if let Some(message) = converter.failure.take() {
                    return Err(reply.error(index, "[\"arg-type\"]", message));
                }
                debug_assert_eq!(section.section.names, [entry.name.as_ref()]);
                sections.push(section);
            }
            Meta::Command => {
                let name = entry.name.as_ref();
                let arg = entry.arg_type.as_deref().unwrap_or_default();
                let arguments = converter.payload(name, "arguments", arg);
                if let Some(message) = converter.failure.take() {
                    return Err(reply.error(index, "[\"arg-type\"]", message));
                }
                let ret = entry.ret_type.as_deref().unwrap_or_default();
                let returns = converter.payload(name, "return", ret);
                if let Some(message) = converter.failure.take() {
                    return Err(reply.error(index, "[\"ret-type\"]", message));
                }
                commands.push(CommandDraft {
                    name: name.to_string(),
                    arguments,
                    returns,
                    allow_oob: entry.allow_oob,
                    features: features(&entry.features),
                    description: String::new(),
                    since: None,
                    extra_arguments: false,
                });
            }
            _ => {}
        }
    }
    Ok((sections, commands))
}

fn features(list: &Option<Vec<super::wire::Str<'_>>>) -> Vec<Feature> {
    list.iter()
        .flatten()
        .map(|name| Feature {
            name: name.to_string(),
            condition: None,
        })
        .collect()
}

impl<'r, 'a> Converter<'r, 'a> {
    fn target(&self, name: &str) -> usize {
        // Every reference was checked by `Reply::check`.
        self.reply.by_name.get(name).copied().unwrap_or(0)
    }

    fn event(&mut self, index: usize) -> Draft {
        let entries = &self.reply.wire.entries;
        let entry = &entries[index];
        let arg = self.target(entry.arg_type.as_deref().unwrap_or_default());
        let arg_entry = &entries[arg];
        let mut fields = None;
        let data = match self.reply.meta(arg) {
            Meta::Object if arg_entry.tag.is_some() => Data::External {
                type_name: arg_entry.name.to_string(),
                description: String::new(),
            },
            Meta::Object if arg_entry.members.as_ref().is_none_or(Vec::is_empty) => Data::None,
            Meta::Object => {
                self.stack.push((arg, Link::Required));
                self.path.push("data");
                fields = Some(self.members(arg));
                self.path.pop();
                self.stack.pop();
                Data::Unspecified
            }
            _ => Data::External {
                type_name: arg_entry.name.to_string(),
                description: String::new(),
            },
        };
        let section = Section {
            names: vec![entry.name.to_string()],
            span: Span::default(),
            description: String::new(),
            data,
            examples: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            condition: None,
            features: features(&entry.features),
            since: None,
        };
        Draft { section, fields }
    }

    /// A command's arguments or return (type `ty`), spelled as a field
    /// named `what`: `None` for an object without members (no arguments, a
    /// return of `{}`).
    fn payload(&mut self, command: &'r str, what: &'r str, ty: &str) -> Option<Field> {
        let target = self.target(ty);
        let entry = &self.reply.wire.entries[target];
        let empty = self.reply.meta(target) == Meta::Object
            && entry.tag.is_none()
            && entry.members.as_ref().is_none_or(Vec::is_empty);
        if empty {
            return None;
        }
        self.path.push(command);
        let field = self.field(what, target, Link::Required);
        self.path.pop();
        Some(field)
    }

    /// An object's members, typed.
    fn members(&mut self, object: usize) -> Vec<Field> {
        let entry = &self.reply.wire.entries[object];
        let mut fields = Vec::new();
        for member in entry.members.iter().flatten() {
            if self.failure.is_some() {
                break;
            }
            let name = member.name.as_deref().unwrap_or_default();
            let ty = self.target(member.ty.as_deref().unwrap_or_default());
            let link = if member.default {
                Link::Optional
            } else {
                Link::Required
            };
            let mut field = self.field(name, ty, link);
            field.optional = member.default;
            field.features = features(&member.features);
            fields.push(field);
        }
        fields
    }

    /// A field named `name` of type `ty`, reached through `link`.
    fn field(&mut self, name: &'r str, ty: usize, link: Link) -> Field {
        let mut field = Field::new(name.to_string(), JsonType::Value, Span::default());
        if !self.spend() {
            return field;
        }
        self.path.push(name);
        self.spell(ty, link, &mut field);
        self.path.pop();
        field
    }

    /// Takes one field from the budget; false (and the conversion failed)
    /// when it or the nesting ran out.
    fn spend(&mut self) -> bool {
        if self.failure.is_some() {
            return false;
        }
        match self.budget.checked_sub(1) {
            Some(left) if self.stack.len() <= MAX_NESTING => {
                self.budget = left;
                true
            }
            _ => {
                self.fail(format!(
                    "the types of its data nest deeper than {MAX_NESTING} or spell out more \
                     than {FIELDS_PER_MEMBER} fields per member of the reply"
                ));
                false
            }
        }
    }

    fn fail(&mut self, message: String) {
        if self.failure.is_none() {
            let path = self.path.join(".").replace(".[]", "[]");
            self.failure = Some(format!("{message}, at {path}"));
        }
    }

    /// Spells out type `ty` in `field` (paid for by its caller).
    fn spell(&mut self, ty: usize, link: Link, field: &mut Field) {
        let reply = self.reply;
        let entry = &reply.wire.entries[ty];
        let meta = reply.meta(ty);
        if meta == Meta::Builtin {
            let scalar = builtin(&entry.name, entry.json_type.as_deref().unwrap_or_default());
            field.ty = crate::spelled::json_type(scalar);
            return;
        }
        field.type_name = Some(entry.name.to_string());
        if let Some(at) = self.stack.iter().position(|(t, _)| *t == ty) {
            self.check_cycle(at, link, &entry.name);
            // A type within itself: referred to by name. An array type's
            // wire name (`[495]`) names no draft: it is an array of its
            // elements, which are on the stack too, by their name
            // (`PciBridgeInfo.devices` within `PciDeviceInfo`).
            if meta == Meta::Array {
                let element = self.target(entry.element_type.as_deref().unwrap_or_default());
                let element = reply.wire.entries[element].name.to_string();
                let mut items = Field::new(
                    String::new(),
                    JsonType::External(element.clone()),
                    Span::default(),
                );
                items.type_name = Some(element.clone());
                field.ty = JsonType::Array;
                field.type_name = Some(element);
                field.items = Some(Box::new(items));
            } else {
                field.ty = JsonType::External(entry.name.to_string());
            }
            return;
        }
        self.stack.push((ty, link));
        match meta {
            Meta::Enum => self.enumeration(entry, field),
            Meta::Array => {
                field.ty = JsonType::Array;
                let element = self.target(entry.element_type.as_deref().unwrap_or_default());
                let mut items = Field::new(String::new(), JsonType::Value, Span::default());
                if self.spend() {
                    self.path.push("[]");
                    self.spell(element, Link::Element, &mut items);
                    self.path.pop();
                }
                field.type_name = items.type_name.clone();
                field.items = Some(Box::new(items));
            }
            Meta::Object => self.object(ty, field),
            Meta::Alternate => self.alternate(entry, field),
            // Refused by `Reply::check`: a command or event is not a type.
            Meta::Builtin | Meta::Command | Meta::Event => {
                field.ty = JsonType::External(entry.name.to_string());
            }
        }
        self.stack.pop();
    }

    /// Type `entry` within itself, reached through `link` from the types
    /// on the stack from `at`: an error when no value could have it.
    fn check_cycle(&mut self, at: usize, link: Link, name: &str) {
        let links: Vec<Link> = self.stack[at + 1..]
            .iter()
            .map(|(_, l)| *l)
            .chain([link])
            .collect();
        let through_object = links
            .iter()
            .any(|l| matches!(l, Link::Required | Link::Optional | Link::Variant));
        if !through_object {
            self.fail(format!(
                "type {name:?} contains itself through arrays or alternates only, with no \
                 object between (QEMU sends no such type)"
            ));
        } else if links.iter().all(|l| *l == Link::Required) {
            self.fail(format!(
                "type {name:?} contains itself through required members only: no finite \
                 value has this type"
            ));
        }
    }

    /// An enumeration's values, with their features.
    fn enumeration(&mut self, entry: &'r super::wire::Entry<'a>, field: &mut Field) {
        field.ty = JsonType::String;
        let value_features: std::collections::HashMap<&str, Vec<Feature>> = entry
            .members
            .iter()
            .flatten()
            .filter(|m| m.features.as_ref().is_some_and(|f| !f.is_empty()))
            .filter_map(|m| Some((m.name.as_deref()?, features(&m.features))))
            .collect();
        field.values = entry
            .values
            .iter()
            .flatten()
            .map(|value| {
                let mut value_ = EnumValue::new(value.to_string(), None);
                if let Some(features) = value_features.get(&**value) {
                    value_.features = features.clone();
                }
                value_
            })
            .collect();
    }

    /// An object's members, and a union's tag and branches (an empty
    /// branch is no branch on the wire).
    fn object(&mut self, ty: usize, field: &mut Field) {
        let reply = self.reply;
        let entry = &reply.wire.entries[ty];
        field.fields = self.members(ty);
        if let Some(tag) = &entry.tag {
            field.ty = JsonType::Union;
            field.discriminator = Some(tag.to_string());
            for variant in entry.variants.iter().flatten() {
                let target = self.target(&variant.ty);
                let object = &reply.wire.entries[target];
                let empty = reply.meta(target) == Meta::Object
                    && object.tag.is_none()
                    && object.members.as_ref().is_none_or(Vec::is_empty);
                if empty || self.failure.is_some() {
                    continue;
                }
                let branch = self.field(&variant.case, target, Link::Variant);
                field.variants.push(branch);
            }
        } else {
            field.ty = JsonType::Object;
        }
    }

    /// An alternate's branches, named by their kind.
    fn alternate(&mut self, entry: &'r super::wire::Entry<'a>, field: &mut Field) {
        let reply = self.reply;
        field.ty = JsonType::Alternate;
        let mut named: Vec<String> = Vec::new();
        for member in entry.members.iter().flatten() {
            if self.failure.is_some() {
                break;
            }
            let target = self.target(member.ty.as_deref().unwrap_or_default());
            let mut name = branch_name(reply, target).to_string();
            if named.contains(&name) {
                name = format!("{name}{}", named.len());
            }
            named.push(name);
            let mut branch = Field::new(
                named[named.len() - 1].clone(),
                JsonType::Value,
                Span::default(),
            );
            if self.spend() {
                self.spell(target, Link::Alternative, &mut branch);
            }
            field.variants.push(branch);
        }
    }
}

/// An alternate's branch, named by its kind: a built-in's name, or the
/// meta-type.
fn branch_name<'r>(reply: &'r Reply<'_>, target: usize) -> &'r str {
    let entry = &reply.wire.entries[target];
    match reply.meta(target) {
        Meta::Builtin => &entry.name,
        Meta::Enum => "enum",
        Meta::Array => "array",
        Meta::Object => "object",
        Meta::Alternate => "alternate",
        Meta::Command | Meta::Event => "value",
    }
}

/// The model's type of a built-in: by its name where it says the size
/// (QEMU names every integer `int`), else by its JSON type.
fn builtin(name: &str, json_type: &str) -> Scalar {
    crate::qapi::builtin(name).unwrap_or(match json_type {
        "string" => Scalar::String,
        "int" => Scalar::Int,
        "number" => Scalar::Number,
        "boolean" => Scalar::Bool,
        "null" => Scalar::Null,
        _ => Scalar::Value,
    })
}
