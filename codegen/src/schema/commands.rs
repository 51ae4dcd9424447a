//! JSON Schema (Draft 2020-12) of a revision's commands, from its table of
//! types: `commands.json`, whose root accepts any request the revision
//! accepts (`$defs[<command>]` is one command's request), and
//! `returns.json` (`$defs[<command>]` is the schema of one command's
//! `return` value). Each bundle defines the named types it reaches once in
//! `$defs`, by their QAPI names.
//!
//! The two directions differ as QEMU does. A request is checked as QEMU
//! checks it: an argument the command lacks, an enumeration value it lacks
//! or a union branch it lacks is an error (`additionalProperties` and
//! `unevaluatedProperties` are false, enumerations closed). A return is
//! read as a client should read it: a newer QEMU adds members, values and
//! branches, so objects stay open and an enumeration admits any string.
//!
//! A command's request is titled `<command>-request`, its arguments spelled
//! in place `<command>-arguments` and its return `<command>-return`, so
//! that a code generator naming classes by title (`QueryStatusRequest`)
//! never takes a QAPI type's name (`BlockDirtyBitmapAdd` is a struct).
//!
//! What a build may lack is said in QAPI's own terms: `"x-if"` on a
//! conditional command, type, member or branch (a string, or `{"all" |
//! "any" | "not": ...}`), `"x-if-values"` on an enumeration with
//! conditional values, `"x-features"` with every feature, and JSON
//! Schema's `"deprecated": true` where QAPI says `deprecated`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value, json};

use qmp_spec::Spec;
use qmp_spec::model::{Command, Condition, EnumValue, Feature};
use qmp_spec::types::{Branch, Member, Scalar, TypeId, TypeKind, Types};

use super::{DRAFT, id};
use crate::availability::Availability;
use crate::files::json_file;
use crate::{GeneratedFile, Revision};

/// Which way the values a bundle describes travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What a client sends: checked as strictly as QEMU checks it.
    Request,
    /// What QEMU returns: open to what newer QEMUs add.
    Return,
}

/// `DIR/commands.json` and `DIR/returns.json` of a revision with commands.
pub fn revision_files(folder: &str, revision: &Revision<'_>) -> Vec<GeneratedFile> {
    let spec = revision.spec;
    if spec.commands.is_empty() {
        return Vec::new();
    }
    let name = revision.name();
    [Direction::Request, Direction::Return]
        .into_iter()
        .map(|direction| {
            let file = match direction {
                Direction::Request => "commands",
                Direction::Return => "returns",
            };
            GeneratedFile::new(
                format!("{folder}/{file}.json"),
                json_file(bundle_members(name, spec, direction)),
            )
        })
        .collect()
}

/// One bundle of revision `name`, for tools that want it in memory.
pub fn bundle(name: &str, spec: &Spec, direction: Direction) -> Value {
    Value::Object(
        bundle_members(name, spec, direction)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The `$defs` of `commands` of `spec`: each command's request or return,
/// and every named type they reach.
fn command_defs(spec: &Spec, commands: &[&Command], direction: Direction) -> Map<String, Value> {
    let mut bundle = Bundle::new(spec, direction);
    let schemas: Vec<(&Command, Value)> = commands
        .iter()
        .map(|command| {
            let schema = match direction {
                Direction::Request => bundle.request(command),
                Direction::Return => bundle.returned(command),
            };
            (*command, schema)
        })
        .collect();
    let mut defs = bundle.finish();
    for (command, schema) in schemas {
        defs.insert(command.name.clone(), schema);
    }
    defs
}

fn bundle_members(name: &str, spec: &Spec, direction: Direction) -> Vec<(&'static str, Value)> {
    let commands: Vec<&Command> = spec.commands.iter().collect();
    let defs = command_defs(spec, &commands, direction);
    let what = match &spec.build {
        Some(_) => format!("the QEMU build `{name}` (its query-qmp-schema)"),
        None => format!("QEMU's QAPI schema as of `{name}`"),
    };
    bundle_of(name, &commands, defs, direction, &what)
}

/// A bundle's members: its root over `commands`, and `defs`.
fn bundle_of(
    name: &str,
    commands: &[&Command],
    defs: Map<String, Value>,
    direction: Direction,
    what: &str,
) -> Vec<(&'static str, Value)> {
    let refs: Vec<Value> = commands
        .iter()
        .map(|c| json!({ "$ref": format!("#/$defs/{}", pointer_escape(&c.name)) }))
        .collect();
    match direction {
        Direction::Request => vec![
            ("$schema", json!(DRAFT)),
            ("$id", json!(id(name, "commands"))),
            ("title", json!("QmpRequest")),
            (
                "description",
                json!(format!(
                    "Any request {what} accepts: `$defs[<command>]` is that command's request, \
                     checked as QEMU checks it (no argument, value or branch the command lacks)."
                )),
            ),
            ("oneOf", Value::Array(refs)),
            ("$defs", Value::Object(defs)),
        ],
        Direction::Return => vec![
            ("$schema", json!(DRAFT)),
            ("$id", json!(id(name, "returns"))),
            ("title", json!("QmpResponse")),
            (
                "description",
                json!(format!(
                    "Any response of {what}: a return or an error. The value of a command's \
                     `return` is `$defs[<command>]`, open to members, values and branches a \
                     newer QEMU adds."
                )),
            ),
            ("oneOf", response_envelopes()),
            ("$defs", Value::Object(defs)),
        ],
    }
}

/// `schema/latest/commands.json` and `returns.json`: every command of the
/// timeline's revisions, each as the newest revision that has it defines
/// it (a removed command, `query-cpus`, as its last release did), with
/// `x-since` and, for a command the newest revisions lack, `x-until`. The
/// newest QAPI release comes first (its conditions and documentation),
/// then the builds newer than it, then the older releases; a type is
/// defined once, as the first of them that has it defines it.
pub fn latest_files(availability: &Availability<'_>) -> Vec<GeneratedFile> {
    let timeline = &availability.revisions;
    let Some(newest) = timeline.iter().rposition(|r| r.spec.build.is_none()) else {
        return Vec::new();
    };
    let mut order = vec![timeline[newest]];
    order.extend(timeline[newest + 1..].iter().rev());
    order.extend(timeline[..newest].iter().rev());
    [Direction::Request, Direction::Return]
        .into_iter()
        .map(|direction| {
            let mut defs = Map::new();
            let mut all: Vec<&Command> = Vec::new();
            for revision in &order {
                let new: Vec<&Command> = revision
                    .spec
                    .commands
                    .iter()
                    .filter(|c| !all.iter().any(|a| a.name == c.name))
                    .collect();
                if new.is_empty() {
                    continue;
                }
                let theirs = command_defs(revision.spec, &new, direction);
                for command in &new {
                    copy_reached(&theirs, &command.name, &mut defs);
                    if let (Some(Value::Object(def)), Some((since, until))) = (
                        defs.get_mut(&command.name),
                        availability.span(&command.name),
                    ) {
                        def.insert("x-since".into(), json!(since));
                        if let Some(until) = until {
                            def.insert("x-until".into(), json!(until));
                        }
                    }
                }
                all.extend(new);
            }
            all.sort_by(|a, b| a.name.cmp(&b.name));
            let file = match direction {
                Direction::Request => "commands",
                Direction::Return => "returns",
            };
            let what = format!(
                "some QEMU of the history (each command as the newest revision that has it \
                 defines it, from `{}`; `x-since` and `x-until` say which have it)",
                timeline[newest].name()
            );
            GeneratedFile::new(
                format!("schema/latest/{file}.json"),
                json_file(bundle_of("latest", &all, defs, direction, &what)),
            )
        })
        .collect()
}

/// Copies definition `name` of `from` into `into`, and every definition it
/// refers to, unless `into` has one of that name already.
fn copy_reached(from: &Map<String, Value>, name: &str, into: &mut Map<String, Value>) {
    let mut stack = vec![name.to_string()];
    while let Some(name) = stack.pop() {
        if into.contains_key(&name) {
            continue;
        }
        let Some(def) = from.get(&name) else { continue };
        references(def, &mut stack);
        into.insert(name, def.clone());
    }
}

/// The `$defs` names `value` refers to.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && let Some(name) = target.strip_prefix("#/$defs/")
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// A response's two envelopes: a return, whose value the command decides,
/// and an error.
fn response_envelopes() -> Value {
    json!([
        {
            "title": "QmpReturn",
            "type": "object",
            "required": ["return"],
            "properties": {
                "return": { "description": "The command's return value: `$defs[<command>]`." },
                "id": { "description": "The request's `id`, when it had one." },
            },
        },
        {
            "title": "QmpError",
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["class", "desc"],
                    "properties": {
                        "class": { "type": "string" },
                        "desc": { "type": "string" },
                    },
                },
                "id": { "description": "The request's `id`, when it had one." },
            },
        },
    ])
}

/// A JSON Pointer token: `~` and `/` escaped.
fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A bundle being built: the `$defs` name of each named type it reaches,
/// and the types still to define.
struct Bundle<'s> {
    types: &'s Types,
    direction: Direction,
    /// The `$defs` name of each named type, unique within the bundle.
    names: HashMap<TypeId, String>,
    /// Named types reached and not yet defined.
    pending: Vec<TypeId>,
    defined: HashSet<TypeId>,
    /// Every `$defs` name given, the commands' among them.
    taken: HashSet<String>,
    /// Definitions the bundle adds of its own: each request union's
    /// common members (`<union>-base`).
    own: BTreeMap<String, Value>,
}

impl<'s> Bundle<'s> {
    fn new(spec: &'s Spec, direction: Direction) -> Self {
        // Command names are `$defs` names: a type never takes one, nor
        // another type's (a build's table may name two types alike).
        let mut bundle = Bundle {
            types: &spec.types,
            direction,
            names: HashMap::new(),
            pending: Vec::new(),
            defined: HashSet::new(),
            taken: HashSet::new(),
            own: BTreeMap::new(),
        };
        // QAPI gives types and commands names from one namespace, but a
        // build's wire may not: a type named as a command is numbered.
        let commands: HashSet<&str> = spec.commands.iter().map(|c| c.name.as_str()).collect();
        for (id, def) in spec.types.iter() {
            let Some(name) = &def.name else { continue };
            if is_defined(&def.kind) {
                let mut name = bundle.claim(name.clone());
                while commands.contains(name.as_str()) {
                    name = bundle.claim(format!("{name}-type"));
                }
                bundle.names.insert(id, name);
            }
        }
        bundle
    }

    /// A `$defs` name or a title that no other one takes, even as the
    /// class a code generator makes of it (`block-dirty-bitmap-add` and
    /// `BlockDirtyBitmapAdd` are one class name): `candidate`, or with a
    /// number.
    fn claim(&mut self, candidate: String) -> String {
        let mut name = candidate.clone();
        let mut n = 1;
        while !self.taken.insert(class_key(&name)) {
            n += 1;
            name = format!("{candidate}-{n}");
        }
        name
    }

    /// Every named type reached, defined.
    fn finish(&mut self) -> Map<String, Value> {
        let mut defs = BTreeMap::new();
        while let Some(id) = self.pending.pop() {
            let mut schema = self.definition(id);
            let def = self.types.get(id);
            annotate(
                &mut schema,
                &def.description,
                def.condition.as_ref(),
                &def.features,
            );
            defs.insert(self.names[&id].clone(), schema);
        }
        defs.extend(std::mem::take(&mut self.own));
        defs.into_iter().collect()
    }

    /// A command's request: `execute` (or `exec-oob`), its arguments, an
    /// `id`.
    fn request(&mut self, command: &Command) -> Value {
        let name = &command.name;
        let mut properties = Map::new();
        properties.insert("execute".into(), json!({ "const": name }));
        if command.allow_oob {
            properties.insert("exec-oob".into(), json!({ "const": name }));
        }
        let mut required = Vec::new();
        let arguments = match command.arguments {
            Some(ty) => {
                if self.has_required(ty) {
                    required.push(json!("arguments"));
                }
                let mut schema = self.type_schema(ty);
                if let Value::Object(map) = &mut schema
                    && !map.contains_key("$ref")
                {
                    // Arguments spelled in place are titled after the
                    // command, as QAPI names them (`q_obj_<command>-arg`),
                    // so that a code generator names their class.
                    let title = self.claim(format!("{name}-arguments"));
                    map.insert("title".into(), json!(title));
                    if command.extra_arguments {
                        // Arguments QAPI does not list (`device_add`'s
                        // device properties) pass unchecked.
                        map.remove("additionalProperties");
                        map.insert("x-extra-arguments".into(), json!(true));
                    }
                }
                schema
            }
            None => json!({ "type": "object", "properties": {}, "additionalProperties": false }),
        };
        properties.insert("arguments".into(), arguments);
        properties.insert(
            "id".into(),
            json!({ "description": "Any JSON value: QEMU copies it into the response." }),
        );
        let mut schema = Map::new();
        let title = self.claim(format!("{name}-request"));
        schema.insert("title".into(), json!(title));
        schema.insert("type".into(), json!("object"));
        if command.allow_oob {
            // `execute` or `exec-oob`, not both: said without `oneOf`,
            // which code generators turn into a class per case.
            schema.insert("if".into(), json!({ "not": { "required": ["execute"] } }));
            schema.insert("then".into(), json!({ "required": ["exec-oob"] }));
            schema.insert(
                "dependentSchemas".into(),
                json!({ "execute": { "not": { "required": ["exec-oob"] } } }),
            );
            schema.insert("x-allow-oob".into(), json!(true));
        } else {
            required.insert(0, json!("execute"));
        }
        schema.insert("required".into(), Value::Array(required));
        schema.insert("properties".into(), Value::Object(properties));
        schema.insert("additionalProperties".into(), json!(false));
        if command.allow_preconfig {
            schema.insert("x-allow-preconfig".into(), json!(true));
        }
        let mut schema = Value::Object(schema);
        annotate(
            &mut schema,
            &command.description,
            command.condition.as_ref(),
            &command.features,
        );
        schema
    }

    /// A command's `return` value.
    fn returned(&mut self, command: &Command) -> Value {
        let mut schema = match command.returns {
            Some(ty) => self.type_schema(ty),
            None => json!({ "type": "object" }),
        };
        if let Value::Object(map) = &mut schema {
            if map.len() == 1 && map.contains_key("$ref") {
                schema = json!({ "allOf": [schema] });
            }
        }
        if let Value::Object(map) = &mut schema {
            let title = self.claim(format!("{}-return", command.name));
            map.insert("title".into(), json!(title));
            if !command.success_response {
                map.insert("x-success-response".into(), json!(false));
            }
        }
        let description = format!(
            "What command `{}` returns.{}",
            command.name,
            if command.success_response {
                ""
            } else {
                " QEMU sends no response to it."
            }
        );
        annotate(
            &mut schema,
            &description,
            command.condition.as_ref(),
            &command.features,
        );
        schema
    }

    /// Whether an object of type `ty` must have a member.
    fn has_required(&self, ty: TypeId) -> bool {
        match &self.types.get(ty).kind {
            TypeKind::Object { members, .. } | TypeKind::Union { members, .. } => {
                members.iter().any(required_everywhere)
            }
            TypeKind::Alternate { .. } => true,
            _ => false,
        }
    }

    /// The schema of a use of type `ty`: a reference to a named type (to
    /// be defined), or the type spelled in place.
    fn type_schema(&mut self, ty: TypeId) -> Value {
        if let Some(name) = self.names.get(&ty) {
            if self.defined.insert(ty) {
                self.pending.push(ty);
            }
            return json!({ "$ref": format!("#/$defs/{}", pointer_escape(name)) });
        }
        self.definition(ty)
    }

    /// Type `ty` spelled out, its inner named types referred to.
    fn definition(&mut self, ty: TypeId) -> Value {
        let types = self.types;
        let def = types.get(ty);
        match &def.kind {
            TypeKind::Scalar { scalar } => scalar_schema(*scalar),
            TypeKind::Enum { values } => {
                let name = self.names.get(&ty).cloned();
                self.enumeration(name.as_deref(), values)
            }
            TypeKind::Array { items: None } => json!({ "type": "array" }),
            TypeKind::Array { items: Some(items) } => {
                json!({ "type": "array", "items": self.type_schema(*items) })
            }
            TypeKind::Object { members, .. } => {
                let mut schema = self.object(members);
                if self.direction == Direction::Request {
                    schema.insert("additionalProperties".into(), json!(false));
                }
                Value::Object(schema)
            }
            TypeKind::Union {
                tag,
                members,
                branches,
                ..
            } => match self.direction {
                Direction::Request => self.request_union(ty, tag, members, branches),
                Direction::Return => Value::Object(self.union_shape(tag, members, branches)),
            },
            TypeKind::Alternate { branches } => {
                let cases: Vec<Value> = branches
                    .iter()
                    .map(|b| {
                        let mut schema = self.type_schema(b.ty);
                        annotate(&mut schema, "", b.condition.as_ref(), &[]);
                        schema
                    })
                    .collect();
                json!({ "anyOf": cases })
            }
            TypeKind::External => json!({
                "$comment": format!(
                    "QEMU's QAPI type `{}`, not described here",
                    def.name.as_deref().unwrap_or_default()
                )
            }),
        }
    }

    /// An enumeration: closed in a request, open in a return (its known
    /// values titled `<name>-known`, for a code generator to name).
    fn enumeration(&mut self, name: Option<&str>, values: &[EnumValue]) -> Value {
        let known: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        let mut schema = match self.direction {
            Direction::Request => json!({ "type": "string", "enum": known }),
            Direction::Return => {
                let mut known = json!({ "type": "string", "enum": known });
                if let Some(name) = name {
                    known["title"] = json!(self.claim(format!("{name}-known")));
                }
                json!({
                    "anyOf": [
                        known,
                        { "type": "string", "description": "A value newer than this revision." },
                    ],
                })
            }
        };
        if let Some(conditions) = conditions(values.iter().map(|v| (&v.value, &v.condition))) {
            schema["x-if-values"] = conditions;
        }
        let featured: Map<String, Value> = values
            .iter()
            .filter(|v| !v.features.is_empty())
            .map(|v| (v.value.clone(), feature_names(&v.features)))
            .collect();
        if !featured.is_empty() {
            schema["x-features-values"] = Value::Object(featured);
        }
        schema
    }

    /// `type`, `required` and `properties` of an object of `members`.
    fn object(&mut self, members: &[Member]) -> Map<String, Value> {
        let mut properties = Map::new();
        for member in members {
            let schema = self.member(member);
            properties.insert(member.name.clone(), schema);
        }
        let required = members
            .iter()
            .filter(|m| required_everywhere(m))
            .map(|m| m.name.as_str());
        super::object_schema(properties, required)
    }

    /// A member: its type, described.
    fn member(&mut self, member: &Member) -> Value {
        let mut schema = self.type_schema(member.ty);
        // A reference with siblings is written as `allOf` of the
        // reference, as the event bundles do (code generators take a
        // `$ref` with siblings for a new type).
        if let Value::Object(map) = &schema
            && map.len() == 1
            && map.contains_key("$ref")
        {
            schema = json!({ "allOf": [schema] });
        }
        annotate_member(&mut schema, &member.description, member);
        schema
    }

    /// A union in a request: one closed variant per value of its tag (a
    /// value without a branch has the common members only), each the
    /// common members (`<union>-base`, defined once) with the tag's value
    /// and the branch's own members, titled `<union>-<value>`. Code
    /// generators read such a `oneOf` as a tagged union (pydantic's
    /// discriminated unions); a validator refuses a member outside the
    /// common ones and the branch's, and a tag value the union lacks.
    fn request_union(
        &mut self,
        ty: TypeId,
        tag: &str,
        members: &[Member],
        branches: &[Branch],
    ) -> Value {
        let types = self.types;
        let union = self
            .names
            .get(&ty)
            .cloned()
            .unwrap_or_else(|| "union".to_string());
        let base_name = self.claim(format!("{union}-base"));
        let base = Value::Object(self.object(members));
        self.own.insert(base_name.clone(), base);
        // Every value of the tag, in its enumeration's order; a branch
        // whose value the tag lacks (a build's wire may say so) after.
        let tag_type = members.iter().find(|m| m.name == tag).map(|m| m.ty);
        let mut values: Vec<(&str, Option<&Condition>)> = tag_type
            .map(|t| types.values(t))
            .unwrap_or_default()
            .iter()
            .map(|v| (v.value.as_str(), v.condition.as_ref()))
            .collect();
        for branch in branches {
            if !values.iter().any(|(v, _)| *v == branch.name) {
                values.push((branch.name.as_str(), branch.condition.as_ref()));
            }
        }
        let variants: Vec<Value> = values
            .into_iter()
            .map(|(value, condition)| {
                let branch = branches.iter().find(|b| b.name == value);
                let mut variant = match branch.map(|b| (b, &types.get(b.ty).kind)) {
                    // A branch may itself be a union (QAPI allows it since
                    // 9.1: `MigrationAddress`'s `socket` is `SocketAddress`).
                    Some((_, TypeKind::Union { tag, members, branches, .. })) => {
                        let inner = Value::Object(self.union_shape(tag, members, branches));
                        let mut variant = Map::new();
                        variant.insert("allOf".into(), json!([{ "$ref": format!("#/$defs/{}", pointer_escape(&base_name)) }, inner]));
                        variant
                    }
                    Some((b, _)) => {
                        let mut variant = self.object(types.members(b.ty));
                        variant.insert("allOf".into(), json!([{ "$ref": format!("#/$defs/{}", pointer_escape(&base_name)) }]));
                        variant
                    }
                    None => {
                        let mut variant = Map::new();
                        variant.insert("type".into(), json!("object"));
                        variant.insert("allOf".into(), json!([{ "$ref": format!("#/$defs/{}", pointer_escape(&base_name)) }]));
                        variant
                    }
                };
                let properties = variant
                    .entry("properties")
                    .or_insert_with(|| json!({}));
                properties[tag] = json!({ "const": value });
                variant.insert("required".into(), {
                    let mut required = variant.get("required").cloned().unwrap_or_else(|| json!([]));
                    if let Value::Array(list) = &mut required
                        && !list.contains(&json!(tag))
                    {
                        list.insert(0, json!(tag));
                    }
                    required
                });
                variant.insert("unevaluatedProperties".into(), json!(false));
                let title = self.claim(format!("{union}-{value}-branch"));
                variant.insert("title".into(), json!(title));
                let mut variant = Value::Object(variant);
                let condition = branch.and_then(|b| b.condition.as_ref()).or(condition);
                annotate(&mut variant, "", condition, &[]);
                variant
            })
            .collect();
        json!({ "type": "object", "oneOf": variants })
    }

    /// A union's members and branches, open (a return's union, or a
    /// request union's branch that is itself a union): the common members,
    /// and for each branch the branch's own members when the tag says so.
    fn union_shape(
        &mut self,
        tag: &str,
        members: &[Member],
        branches: &[Branch],
    ) -> Map<String, Value> {
        let mut schema = self.object(members);
        let cases: Vec<Value> = branches
            .iter()
            .map(|branch| {
                let types = self.types;
                let then = match &types.get(branch.ty).kind {
                    // A branch may itself be a union (QAPI allows it since
                    // 9.1: `MigrationAddress`'s `socket` is `SocketAddress`).
                    TypeKind::Union {
                        tag,
                        members,
                        branches,
                        ..
                    } => self.union_shape(tag, members, branches),
                    _ => self.object(types.members(branch.ty)),
                };
                let then = Value::Object(then);
                let mut case = json!({
                    "if": { "properties": { tag: { "const": branch.name } }, "required": [tag] },
                    "then": then,
                });
                annotate(&mut case, "", branch.condition.as_ref(), &[]);
                case
            })
            .collect();
        schema.insert("allOf".into(), Value::Array(cases));
        schema
    }
}

/// Whether every build requires the member: it is not optional, and no
/// condition leaves it out of some builds (10.0's x86 build returns
/// `CpuModelExpansionInfo` without `deprecated-props`, required behind
/// `TARGET_S390X`). A required member with a condition is written
/// optional, with `x-required: true` beside its `x-if`.
fn required_everywhere(member: &Member) -> bool {
    !member.optional && member.condition.is_none()
}

/// A name as a class name compares: letters and digits, lower case.
fn class_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a named type of this kind gets a `$defs` entry (a scalar is
/// always spelled in place).
fn is_defined(kind: &TypeKind) -> bool {
    !matches!(kind, TypeKind::Scalar { .. } | TypeKind::Array { .. })
}

fn scalar_schema(scalar: Scalar) -> Value {
    let bounded =
        |min: i128, max: i128| json!({ "type": "integer", "minimum": min, "maximum": max });
    match scalar {
        Scalar::String => json!({ "type": "string" }),
        Scalar::Int => json!({ "type": "integer" }),
        Scalar::Number => json!({ "type": "number" }),
        Scalar::Bool => json!({ "type": "boolean" }),
        Scalar::Value => json!({}),
        Scalar::Null => json!({ "type": "null" }),
        Scalar::Int8 => bounded(i8::MIN.into(), i8::MAX.into()),
        Scalar::Int16 => bounded(i16::MIN.into(), i16::MAX.into()),
        Scalar::Int32 => bounded(i32::MIN.into(), i32::MAX.into()),
        Scalar::Int64 => bounded(i64::MIN.into(), i64::MAX.into()),
        Scalar::Uint8 => bounded(0, u8::MAX.into()),
        Scalar::Uint16 => bounded(0, u16::MAX.into()),
        Scalar::Uint32 => bounded(0, u32::MAX.into()),
        Scalar::Uint64 | Scalar::Size => bounded(0, u64::MAX.into()),
    }
}

/// The features' names, in order.
fn feature_names(features: &[Feature]) -> Value {
    features.iter().map(|f| json!(f.name)).collect()
}

/// Adds what the schema says of a definition, member or branch: its
/// description, its condition (`x-if`), its features (`x-features`, and
/// `deprecated`), and each conditional feature's condition.
pub(super) fn annotate(
    schema: &mut Value,
    description: &str,
    condition: Option<&Condition>,
    features: &[Feature],
) {
    let Value::Object(map) = schema else { return };
    if !description.is_empty() {
        map.insert("description".into(), json!(description));
    }
    if let Some(condition) = condition {
        map.insert("x-if".into(), condition.to_qapi());
    }
    if !features.is_empty() {
        if features.iter().any(|f| f.name == "deprecated") {
            map.insert("deprecated".into(), json!(true));
        }
        map.insert("x-features".into(), feature_names(features));
        if let Some(conditions) = conditions(features.iter().map(|f| (&f.name, &f.condition))) {
            map.insert("x-if-features".into(), conditions);
        }
    }
}

/// A member's annotations: [`annotate`]'s, and `x-required` for a member
/// required only in the builds its `x-if` gives (not in `required`).
pub(super) fn annotate_member(schema: &mut Value, description: &str, member: &Member) {
    annotate(
        schema,
        description,
        member.condition.as_ref(),
        &member.features,
    );
    if !member.optional
        && member.condition.is_some()
        && let Value::Object(map) = schema
    {
        map.insert("x-required".into(), json!(true));
    }
}

/// Name → condition in QAPI's syntax, for the named things that have one
/// (`x-if-values`, `x-if-features`); `None` when none has.
pub(super) fn conditions<'a>(
    named: impl Iterator<Item = (&'a String, &'a Option<Condition>)>,
) -> Option<Value> {
    let map: Map<String, Value> = named
        .filter_map(|(name, condition)| Some((name.clone(), condition.as_ref()?.to_qapi())))
        .collect();
    (!map.is_empty()).then_some(Value::Object(map))
}
