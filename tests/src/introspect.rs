//! The model of a QAPI release against what a QEMU built from it says of
//! itself: `query-qmp-schema` returns the schema the binary was built with
//! (type names are opaque numbers; only definitions whose `if` holds for the
//! build are there).
//!
//! Both sides are brought to one shape per event: its members (name,
//! optional, JSON type, recursively through structs, unions, alternates and
//! arrays, enum values) and features. Every difference is reported with its
//! path.

use std::collections::{BTreeMap, BTreeSet};

use qmp_spec::qapi::{self, Base, Condition, Definition, EventData, Kind, Member, TypeRef};
use serde_json::Value;

/// The configuration symbols of Debian bookworm's `qemu-system-x86` 7.2
/// build (an x86_64 system emulator on Linux, with SPICE and VNC) that
/// decide the 7.2.0 schema's events and the types they reach: those
/// conditions name these four symbols and no other
/// ([`condition_symbols`]), and the build defines all four. The target's
/// own symbols are listed for the conditions of other parts.
pub const DEBIAN_7_2_X86_64: &[&str] = &[
    "CONFIG_LINUX",
    "CONFIG_SPICE",
    "CONFIG_VNC",
    "HAVE_IPPROTO_MPTCP",
    "TARGET_I386",
    "TARGET_X86_64",
];

/// Every configuration symbol the conditions of a view name.
pub fn condition_symbols(view: &qapi::EventView<'_>) -> BTreeSet<String> {
    fn walk(condition: &Condition, out: &mut BTreeSet<String>) {
        match condition {
            Condition::Name(name) => {
                out.insert(name.clone());
            }
            Condition::All(all) | Condition::Any(all) => all.iter().for_each(|c| walk(c, out)),
            Condition::Not(not) => walk(not, out),
        }
    }
    fn members(list: &[Member], out: &mut BTreeSet<String>) {
        for member in list {
            member.condition.iter().for_each(|c| walk(c, out));
            member
                .features
                .iter()
                .flat_map(|f| &f.condition)
                .for_each(|c| walk(c, out));
            if let TypeRef::Object(inner) = &member.ty {
                members(inner, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    for definition in view.events.iter().chain(&view.types) {
        definition.condition.iter().for_each(|c| walk(c, &mut out));
        definition
            .features
            .iter()
            .flat_map(|f| &f.condition)
            .for_each(|c| walk(c, &mut out));
        match &definition.kind {
            Kind::Struct { members: m, .. } => members(m, &mut out),
            Kind::Enum { values, .. } => {
                for value in values {
                    value.condition.iter().for_each(|c| walk(c, &mut out));
                }
            }
            Kind::Union { base, branches, .. } => {
                if let Some(Base::Members(m)) = base {
                    members(m, &mut out);
                }
                branches
                    .iter()
                    .flat_map(|b| &b.condition)
                    .for_each(|c| walk(c, &mut out));
            }
            Kind::Alternate { branches } => branches
                .iter()
                .flat_map(|b| &b.condition)
                .for_each(|c| walk(c, &mut out)),
            Kind::Event {
                data: EventData::Members { members: m },
                ..
            } => members(m, &mut out),
            Kind::Event { .. } | Kind::Command => {}
        }
    }
    out
}

/// A type's shape, as both sides can state it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// A JSON type: `string`, `int`, `number`, `boolean`, `null`, `value`.
    Json(String),
    Enum(BTreeSet<String>),
    Array(Box<Shape>),
    Object {
        members: BTreeMap<String, (bool, Shape, BTreeSet<String>)>,
        /// The tag member and the members each of its values adds.
        variants: Option<(String, BTreeMap<String, Shape>)>,
    },
    Alternate(BTreeSet<Shape>),
    /// A type met again inside itself: compared by name no further.
    Recursive(String),
}

/// An event as both sides can state it: its data's shape and features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventShape {
    pub data: Option<Shape>,
    pub features: BTreeSet<String>,
}

/// The events of a model, with the conditions evaluated for `defined`.
pub fn model_events(
    schema: &qapi::Schema,
    defined: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, EventShape> {
    let model = Model {
        by_name: schema
            .definitions
            .iter()
            .map(|d| (d.name.as_str(), d))
            .collect(),
        defined,
    };
    schema
        .events()
        .filter(|event| model.holds(&event.condition))
        .map(|event| {
            let Kind::Event { data, .. } = &event.kind else {
                unreachable!("events() gives events")
            };
            let data = match data {
                EventData::None => None,
                EventData::Members { members } => {
                    Some(model.object(members, None, &mut Vec::new()))
                }
                EventData::Type { name } => Some(model.named(name, &mut Vec::new())),
            };
            (
                event.name.clone(),
                EventShape {
                    data,
                    features: model.features(&event.features),
                },
            )
        })
        .collect()
}

struct Model<'a> {
    by_name: BTreeMap<&'a str, &'a Definition>,
    defined: &'a dyn Fn(&str) -> bool,
}

impl Model<'_> {
    fn holds(&self, condition: &Option<Condition>) -> bool {
        condition.as_ref().is_none_or(|c| c.holds(self.defined))
    }

    fn features(&self, features: &[qapi::Feature]) -> BTreeSet<String> {
        features
            .iter()
            .filter(|f| self.holds(&f.condition))
            .map(|f| f.name.clone())
            .collect()
    }

    fn type_ref(&self, ty: &TypeRef, seen: &mut Vec<String>) -> Shape {
        match ty {
            TypeRef::Named(name) => self.named(name, seen),
            TypeRef::Array(name) => Shape::Array(Box::new(self.named(name, seen))),
            TypeRef::Object(members) => self.object(members, None, seen),
        }
    }

    fn named(&self, name: &str, seen: &mut Vec<String>) -> Shape {
        if let Some(json) = builtin(name) {
            return Shape::Json(json.into());
        }
        if seen.iter().any(|s| s == name) {
            return Shape::Recursive(name.into());
        }
        let Some(definition) = self.by_name.get(name) else {
            return Shape::Json(format!("missing type {name}"));
        };
        seen.push(name.into());
        let shape = match &definition.kind {
            Kind::Enum { values, .. } => Shape::Enum(
                values
                    .iter()
                    .filter(|v| self.holds(&v.condition))
                    .map(|v| v.name.clone())
                    .collect(),
            ),
            Kind::Struct { .. } => self.object(&[], Some(definition), seen),
            Kind::Union {
                base,
                discriminator,
                branches,
            } => {
                let base_members: Vec<Member> = match base {
                    Some(Base::Named(base)) => self
                        .by_name
                        .get(base.as_str())
                        .map(|d| self.struct_members(d))
                        .unwrap_or_default(),
                    Some(Base::Members(members)) => members.clone(),
                    None => Vec::new(),
                };
                let Shape::Object { members, .. } = self.object(&base_members, None, seen) else {
                    unreachable!()
                };
                let variants = branches
                    .iter()
                    .filter(|b| self.holds(&b.condition))
                    .map(|b| (b.name.clone(), self.type_ref(&b.ty, seen)))
                    .collect();
                Shape::Object {
                    members,
                    variants: Some((
                        discriminator.clone().unwrap_or_else(|| "type".into()),
                        variants,
                    )),
                }
            }
            Kind::Alternate { branches } => Shape::Alternate(
                branches
                    .iter()
                    .filter(|b| self.holds(&b.condition))
                    .map(|b| self.type_ref(&b.ty, seen))
                    .collect(),
            ),
            Kind::Command | Kind::Event { .. } => Shape::Json(format!("not a type: {name}")),
        };
        seen.pop();
        shape
    }

    /// A struct's members, its bases' first.
    fn struct_members(&self, definition: &Definition) -> Vec<Member> {
        definition.members_with_bases(&|name| self.by_name.get(name).copied())
    }

    fn object(
        &self,
        members: &[Member],
        definition: Option<&Definition>,
        seen: &mut Vec<String>,
    ) -> Shape {
        let all: Vec<Member> = match definition {
            Some(d) => self.struct_members(d),
            None => members.to_vec(),
        };
        Shape::Object {
            members: all
                .iter()
                .filter(|m| self.holds(&m.condition))
                .map(|m| {
                    (
                        m.name.clone(),
                        (
                            m.optional,
                            self.type_ref(&m.ty, seen),
                            self.features(&m.features),
                        ),
                    )
                })
                .collect(),
            variants: None,
        }
    }
}

fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "str" => "string",
        "int" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
        | "size" => "int",
        "number" => "number",
        "bool" => "boolean",
        "null" => "null",
        "any" => "value",
        _ => return None,
    })
}

/// The events of a `query-qmp-schema` reply.
pub fn introspected_events(reply: &[Value]) -> BTreeMap<String, EventShape> {
    let by_name: BTreeMap<&str, &Value> = reply
        .iter()
        .filter_map(|info| Some((info["name"].as_str()?, info)))
        .collect();
    let introspected = Introspected { by_name };
    reply
        .iter()
        .filter(|info| info["meta-type"] == "event")
        .filter_map(|info| {
            let name = info["name"].as_str()?.to_string();
            let data = info["arg-type"]
                .as_str()
                .map(|t| introspected.shape(t, &mut Vec::new()))
                // QEMU introspects an event without data with an empty object.
                .filter(|shape| !matches!(shape, Shape::Object { members, variants: None } if members.is_empty()));
            Some((
                name,
                EventShape {
                    data,
                    features: strings(&info["features"]),
                },
            ))
        })
        .collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

struct Introspected<'a> {
    by_name: BTreeMap<&'a str, &'a Value>,
}

impl Introspected<'_> {
    fn shape(&self, name: &str, seen: &mut Vec<String>) -> Shape {
        let Some(info) = self.by_name.get(name) else {
            return Shape::Json(format!("missing type {name}"));
        };
        if seen.iter().any(|s| s == name) {
            return Shape::Recursive(name.into());
        }
        seen.push(name.into());
        let shape = match info["meta-type"].as_str().unwrap_or_default() {
            "builtin" => Shape::Json(info["json-type"].as_str().unwrap_or_default().into()),
            "enum" => Shape::Enum(strings(&info["values"])),
            "array" => Shape::Array(Box::new(
                self.shape(info["element-type"].as_str().unwrap_or_default(), seen),
            )),
            "alternate" => Shape::Alternate(
                info["members"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|m| self.shape(m["type"].as_str().unwrap_or_default(), seen))
                    .collect(),
            ),
            "object" => {
                let members = info["members"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|m| {
                        (
                            m["name"].as_str().unwrap_or_default().to_string(),
                            (
                                m.get("default").is_some(),
                                self.shape(m["type"].as_str().unwrap_or_default(), seen),
                                strings(&m["features"]),
                            ),
                        )
                    })
                    .collect();
                let variants = info["tag"].as_str().map(|tag| {
                    let cases = info["variants"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|v| {
                            (
                                v["case"].as_str().unwrap_or_default().to_string(),
                                self.shape(v["type"].as_str().unwrap_or_default(), seen),
                            )
                        })
                        .collect();
                    (tag.to_string(), cases)
                });
                Shape::Object { members, variants }
            }
            other => Shape::Json(format!("unknown meta-type {other}")),
        };
        seen.pop();
        shape
    }
}

/// Every difference between the two, with its path.
pub fn differences(
    model: &BTreeMap<String, EventShape>,
    live: &BTreeMap<String, EventShape>,
) -> Vec<String> {
    let mut out = Vec::new();
    for name in model.keys().filter(|n| !live.contains_key(*n)) {
        out.push(format!("{name}: in the model, not in QEMU"));
    }
    for name in live.keys().filter(|n| !model.contains_key(*n)) {
        out.push(format!("{name}: in QEMU, not in the model"));
    }
    for (name, ours) in model {
        let Some(theirs) = live.get(name) else {
            continue;
        };
        if ours.features != theirs.features {
            out.push(format!(
                "{name}: features {:?} in the model, {:?} in QEMU",
                ours.features, theirs.features
            ));
        }
        match (&ours.data, &theirs.data) {
            (Some(a), Some(b)) => compare(&format!("{name}.data"), a, b, &mut out),
            (None, None) => {}
            (a, b) => out.push(format!("{name}.data: {a:?} in the model, {b:?} in QEMU")),
        }
    }
    out
}

fn compare(path: &str, a: &Shape, b: &Shape, out: &mut Vec<String>) {
    match (a, b) {
        // Recursion ends on either side by name: opaque on QEMU's.
        (Shape::Recursive(_), _) | (_, Shape::Recursive(_)) => {}
        (Shape::Array(a), Shape::Array(b)) => compare(&format!("{path}[]"), a, b, out),
        (
            Shape::Object {
                members: a,
                variants: va,
            },
            Shape::Object {
                members: b,
                variants: vb,
            },
        ) => {
            for (name, (optional, shape, features)) in a {
                let member = format!("{path}.{name}");
                let Some((their_optional, their_shape, their_features)) = b.get(name) else {
                    out.push(format!("{member}: in the model, not in QEMU"));
                    continue;
                };
                if optional != their_optional {
                    out.push(format!(
                        "{member}: optional {optional} in the model, {their_optional} in QEMU"
                    ));
                }
                if features != their_features {
                    out.push(format!(
                        "{member}: features {features:?} in the model, {their_features:?} in QEMU"
                    ));
                }
                compare(&member, shape, their_shape, out);
            }
            for name in b.keys().filter(|n| !a.contains_key(*n)) {
                out.push(format!("{path}.{name}: in QEMU, not in the model"));
            }
            match (va, vb) {
                (None, None) => {}
                (Some((tag_a, cases_a)), Some((tag_b, cases_b))) => {
                    if tag_a != tag_b {
                        out.push(format!("{path}: tag {tag_a} in the model, {tag_b} in QEMU"));
                    }
                    for (case, shape) in cases_a {
                        match cases_b.get(case) {
                            Some(theirs) => compare(&format!("{path}({case})"), shape, theirs, out),
                            None => out.push(format!("{path}({case}): in the model, not in QEMU")),
                        }
                    }
                    for case in cases_b.keys().filter(|c| !cases_a.contains_key(*c)) {
                        out.push(format!("{path}({case}): in QEMU, not in the model"));
                    }
                }
                (a, b) => out.push(format!(
                    "{path}: variants {a:?} in the model, {b:?} in QEMU"
                )),
            }
        }
        (Shape::Alternate(a), Shape::Alternate(b)) if a.len() == b.len() => {
            for (a, b) in a.iter().zip(b) {
                compare(&format!("{path}|"), a, b, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a:?} in the model, {b:?} in QEMU")),
    }
}
