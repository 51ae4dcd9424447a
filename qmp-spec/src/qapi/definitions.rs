//! Expressions → definitions: every key checked against what its kind of
//! definition takes, every type a member, branch, base or event names
//! checked to exist, names unique, a union's discriminator a member of its
//! base whose type is an enum.

use std::collections::HashMap;
use std::sync::Arc;

use super::doc;
use super::model::*;
use super::{Expr, Item, error_at};
use crate::text::ParseError;

/// The keys each kind of definition takes (QEMU's `scripts/qapi/expr.py`,
/// plus what older releases wrote: `type` for `struct`, `gen`, `base` on an
/// old simple union).
fn allowed(meta: &str) -> &'static [&'static str] {
    match meta {
        "struct" | "type" => &["struct", "type", "data", "base", "if", "features"],
        "enum" => &["enum", "data", "prefix", "if", "features"],
        "union" => &["union", "base", "discriminator", "data", "if", "features"],
        "alternate" => &["alternate", "data", "if", "features"],
        "command" => &[
            "command",
            "data",
            "returns",
            "boxed",
            "if",
            "features",
            "gen",
            "success-response",
            "allow-oob",
            "allow-preconfig",
            "coroutine",
        ],
        "event" => &["event", "data", "boxed", "if", "features"],
        "pragma" => &["pragma"],
        _ => &[],
    }
}

const METAS: &[&str] = &[
    "struct",
    "type",
    "enum",
    "union",
    "alternate",
    "command",
    "event",
    "pragma",
];

struct Builder {
    files: Vec<(String, Arc<str>)>,
}

impl Builder {
    fn line(&self, at: &Location) -> &str {
        self.files
            .iter()
            .find(|(name, _)| **name == *at.file)
            .and_then(|(_, text)| text.lines().nth(at.line.saturating_sub(1) as usize))
            .unwrap_or("")
    }

    fn err(&self, at: &Location, message: impl Into<String>) -> ParseError {
        error_at(at, self.line(at), message)
    }

    fn string(&self, expr: &Expr, what: &str) -> Result<String, ParseError> {
        match expr {
            Expr::Str(s, _) => Ok(s.clone()),
            other => Err(self.err(other.location(), format!("{what} must be a string"))),
        }
    }

    fn condition(&self, expr: &Expr) -> Result<Condition, ParseError> {
        match expr {
            Expr::Str(text, at) => super::c_condition(text)
                .ok_or_else(|| self.err(at, format!("cannot read the condition {text:?}"))),
            // QEMU 3.x–6.0: a list is all of its conditions.
            Expr::List(items, _) => Ok(Condition::All(
                items
                    .iter()
                    .map(|c| self.condition(c))
                    .collect::<Result<_, _>>()?,
            )),
            Expr::Dict(pairs, at) => {
                let [(key, key_at, value)] = pairs.as_slice() else {
                    return Err(self.err(at, "a condition is one of 'all', 'any' or 'not'"));
                };
                let list = |value: &Expr| -> Result<Vec<Condition>, ParseError> {
                    match value {
                        Expr::List(items, _) => items.iter().map(|c| self.condition(c)).collect(),
                        other => Err(self.err(other.location(), format!("'{key}' takes a list"))),
                    }
                };
                match key.as_str() {
                    "all" => Ok(Condition::All(list(value)?)),
                    "any" => Ok(Condition::Any(list(value)?)),
                    "not" => Ok(Condition::Not(Box::new(self.condition(value)?))),
                    other => Err(self.err(key_at, format!("unknown condition operator '{other}'"))),
                }
            }
            Expr::Bool(_, at) => Err(self.err(at, "a condition is a string, a list or a dict")),
        }
    }

    /// The items of a list that are each a name, or a dict of `name`,
    /// `if` and (where `with_features`) `features`: enum values, and
    /// features (which have no features of their own).
    fn named_items(
        &self,
        expr: &Expr,
        what: &str,
        with_features: bool,
    ) -> Result<Vec<EnumValue>, ParseError> {
        let Expr::List(items, _) = expr else {
            return Err(self.err(expr.location(), format!("{what}s are a list")));
        };
        items
            .iter()
            .map(|item| match item {
                Expr::Str(name, at) => Ok(EnumValue {
                    name: name.clone(),
                    condition: None,
                    features: Vec::new(),
                    location: at.clone(),
                }),
                Expr::Dict(pairs, at) => {
                    let (mut name, mut condition, mut features) = (None, None, Vec::new());
                    for (key, key_at, value) in pairs {
                        match key.as_str() {
                            "name" => name = Some(self.string(value, &format!("a {what}'s name"))?),
                            "if" => condition = Some(self.condition(value)?),
                            "features" if with_features => features = self.features(value)?,
                            other => {
                                return Err(
                                    self.err(key_at, format!("unknown key '{other}' in a {what}"))
                                );
                            }
                        }
                    }
                    match name {
                        Some(name) if !name.is_empty() => Ok(EnumValue {
                            name,
                            condition,
                            features,
                            location: at.clone(),
                        }),
                        _ => Err(self.err(at, format!("a {what} needs a 'name'"))),
                    }
                }
                other => Err(self.err(other.location(), format!("a {what} is a string or a dict"))),
            })
            .collect()
    }

    fn features(&self, expr: &Expr) -> Result<Vec<Feature>, ParseError> {
        Ok(self
            .named_items(expr, "feature", false)?
            .into_iter()
            .map(|item| Feature {
                name: item.name,
                condition: item.condition,
            })
            .collect())
    }

    fn type_ref(&self, expr: &Expr) -> Result<TypeRef, ParseError> {
        match expr {
            Expr::Str(name, _) => Ok(TypeRef::Named(name.clone())),
            Expr::List(items, at) => match items.as_slice() {
                [Expr::Str(name, _)] => Ok(TypeRef::Array(name.clone())),
                _ => Err(self.err(at, "an array type is a list of one type name")),
            },
            other => Err(self.err(other.location(), "a type is a name or a list of one name")),
        }
    }

    /// `{ 'name': TYPE, '*optional': TYPE, 'x': { 'type': TYPE, 'if': ..., ... } }`
    fn members(&self, expr: &Expr) -> Result<Vec<Member>, ParseError> {
        let Expr::Dict(pairs, _) = expr else {
            return Err(self.err(expr.location(), "members are a dict"));
        };
        pairs
            .iter()
            .map(|(key, key_at, value)| {
                let (name, optional) = match key.strip_prefix('*') {
                    Some(name) => (name.to_string(), true),
                    None => (key.clone(), false),
                };
                let mut member = Member {
                    name,
                    optional,
                    ty: TypeRef::Named(String::new()),
                    condition: None,
                    features: Vec::new(),
                    default: None,
                    location: key_at.clone(),
                };
                match value {
                    // Options (`type`, `if`, ...), or else an anonymous
                    // struct's members.
                    Expr::Dict(options, at)
                        if options.iter().any(|(k, _, _)| k == "type")
                            && options.iter().all(|(k, _, _)| {
                                ["type", "if", "features", "default"].contains(&k.as_str())
                            }) =>
                    {
                        let mut ty = None;
                        for (option, _, value) in options {
                            match option.as_str() {
                                "type" => ty = Some(self.type_ref(value)?),
                                "if" => member.condition = Some(self.condition(value)?),
                                "features" => member.features = self.features(value)?,
                                // "default": the only other option.
                                _ => member.default = Some(to_json(value)),
                            }
                        }
                        member.ty = ty
                            .ok_or_else(|| self.err(at, format!("member '{key}' has no 'type'")))?;
                    }
                    Expr::Dict(..) => member.ty = TypeRef::Object(self.members(value)?),
                    other => member.ty = self.type_ref(other)?,
                }
                Ok(member)
            })
            .collect()
    }

    fn branches(&self, expr: &Expr) -> Result<Vec<Branch>, ParseError> {
        Ok(self
            .members(expr)?
            .into_iter()
            .map(|m| Branch {
                name: m.name,
                ty: m.ty,
                condition: m.condition,
                location: m.location,
            })
            .collect())
    }

    fn enum_values(&self, expr: &Expr) -> Result<Vec<EnumValue>, ParseError> {
        self.named_items(expr, "enum value", true)
    }

    fn definition(
        &self,
        pairs: &[(String, Location, Expr)],
        at: &Location,
    ) -> Result<Option<Definition>, ParseError> {
        let Some((meta, meta_at, name_expr)) =
            pairs.iter().find(|(k, _, _)| METAS.contains(&k.as_str()))
        else {
            let (key, key_at, _) = pairs
                .first()
                .ok_or_else(|| self.err(at, "an empty expression"))?;
            return Err(self.err(key_at, format!("unknown definition '{key}': expected one of struct, enum, union, alternate, command, event, include, pragma")));
        };
        for (key, key_at, _) in pairs {
            if !allowed(meta).contains(&key.as_str()) {
                return Err(self.err(key_at, format!("unknown key '{key}' in {meta} definition")));
            }
        }
        if meta == "pragma" {
            return Ok(None);
        }
        let name = self.string(name_expr, &format!("the name of a {meta}"))?;
        if name.is_empty() {
            return Err(self.err(meta_at, format!("a {meta} needs a name")));
        }
        let get = |key: &str| pairs.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v);
        let condition = get("if").map(|c| self.condition(c)).transpose()?;
        let features = get("features")
            .map(|f| self.features(f))
            .transpose()?
            .unwrap_or_default();
        // Enums, unions and alternates must have their 'data'.
        let data = || {
            get("data").ok_or_else(|| self.err(meta_at, format!("{meta} '{name}' has no 'data'")))
        };
        let kind = match meta.as_str() {
            "struct" | "type" => DefinitionKind::Struct {
                base: get("base")
                    .map(|b| self.string(b, "a struct's base"))
                    .transpose()?,
                members: match get("data") {
                    Some(data) => self.members(data)?,
                    None => Vec::new(),
                },
            },
            "enum" => DefinitionKind::Enum {
                values: self.enum_values(data()?)?,
                prefix: get("prefix")
                    .map(|p| self.string(p, "an enum's prefix"))
                    .transpose()?,
            },
            // 2.x wrote an alternate as a union with an empty discriminator.
            "union" if matches!(get("discriminator"), Some(Expr::Dict(d, _)) if d.is_empty()) => {
                DefinitionKind::Alternate {
                    branches: self.branches(data()?)?,
                }
            }
            "union" => DefinitionKind::Union {
                base: match get("base") {
                    None => None,
                    Some(Expr::Str(base, _)) => Some(Base::Named(base.clone())),
                    Some(members @ Expr::Dict(..)) => Some(Base::Members(self.members(members)?)),
                    Some(other) => {
                        return Err(
                            self.err(other.location(), "a union's base is a type name or members")
                        );
                    }
                },
                discriminator: get("discriminator")
                    .map(|d| self.string(d, "a discriminator"))
                    .transpose()?,
                branches: self.branches(data()?)?,
            },
            "alternate" => DefinitionKind::Alternate {
                branches: self.branches(data()?)?,
            },
            "command" => DefinitionKind::Command {
                data: self.payload(get("data"), "a command's 'data'")?,
                returns: get("returns").map(|r| self.type_ref(r)).transpose()?,
                boxed: self.flag(get("boxed"), "boxed", false)?,
                flags: CommandFlags {
                    allow_oob: self.flag(get("allow-oob"), "allow-oob", false)?,
                    allow_preconfig: self.flag(get("allow-preconfig"), "allow-preconfig", false)?,
                    success_response: self.flag(
                        get("success-response"),
                        "success-response",
                        true,
                    )?,
                    generated: match get("gen") {
                        // The 2.x schemas wrote `'gen': 'no'`.
                        Some(Expr::Str(no, _)) if no == "no" => false,
                        other => self.flag(other, "gen", true)?,
                    },
                },
            },
            _ => DefinitionKind::Event {
                data: self.payload(get("data"), "an event's 'data'")?,
                boxed: self.flag(get("boxed"), "boxed", false)?,
            },
        };
        Ok(Some(Definition {
            name,
            kind,
            condition,
            features,
            doc: None,
            location: meta_at.clone(),
        }))
    }

    /// An event's data or a command's arguments: none, members, or a type
    /// name.
    fn payload(&self, expr: Option<&Expr>, what: &str) -> Result<EventData, ParseError> {
        Ok(match expr {
            None => EventData::None,
            Some(Expr::Str(type_name, _)) => EventData::Type {
                name: type_name.clone(),
            },
            Some(members @ Expr::Dict(..)) => EventData::Members {
                members: self.members(members)?,
            },
            Some(other) => {
                return Err(self.err(
                    other.location(),
                    format!("{what} is members or a type name"),
                ));
            }
        })
    }

    /// A flag (`'boxed': true`), `default` when absent.
    fn flag(&self, expr: Option<&Expr>, key: &str, default: bool) -> Result<bool, ParseError> {
        match expr {
            Some(Expr::Bool(b, _)) => Ok(*b),
            Some(other) => Err(self.err(other.location(), format!("'{key}' is true or false"))),
            None => Ok(default),
        }
    }

    /// Every type a definition refers to exists; a union's discriminator is
    /// an enum member of its base.
    fn check(&self, definitions: &[Definition]) -> Result<(), ParseError> {
        let refs = References {
            builder: self,
            by_name: Definition::by_name(definitions),
        };
        for definition in definitions {
            let at = &definition.location;
            match &definition.kind {
                DefinitionKind::Struct { base, members } => {
                    if let Some(base) = base
                        && !refs.by_name.contains_key(base.as_str())
                    {
                        return Err(self.err(
                            at,
                            format!(
                                "struct '{}' has base '{base}', which does not exist",
                                definition.name
                            ),
                        ));
                    }
                    refs.members(members)?;
                }
                DefinitionKind::Union {
                    base,
                    discriminator,
                    branches,
                } => refs.union(
                    definition,
                    base.as_ref(),
                    discriminator.as_deref(),
                    branches,
                )?,
                DefinitionKind::Alternate { branches } => refs.branches(branches)?,
                DefinitionKind::Event { data, .. } => refs.payload(definition, "event", data)?,
                DefinitionKind::Command { data, returns, .. } => {
                    refs.payload(definition, "command", data)?;
                    if let Some(returns) = returns.as_ref().filter(|r| !refs.exists(r)) {
                        return Err(self.err(
                            at,
                            format!(
                                "command '{}' returns '{}', which does not exist",
                                definition.name,
                                returns.name().unwrap_or_default()
                            ),
                        ));
                    }
                }
                DefinitionKind::Enum { .. } => {}
            }
        }
        Ok(())
    }
}

/// What the definitions refer to, checked: every type named exists.
struct References<'b, 'd> {
    builder: &'b Builder,
    by_name: HashMap<&'d str, &'d Definition>,
}

impl References<'_, '_> {
    fn exists(&self, ty: &TypeRef) -> bool {
        match ty.name() {
            Some(name) => BUILTINS.contains(&name) || self.by_name.contains_key(name),
            None => true,
        }
    }

    /// Members' types, those of anonymous structs within them too.
    fn members(&self, members: &[Member]) -> Result<(), ParseError> {
        for member in members {
            if let TypeRef::Object(inner) = &member.ty {
                self.members(inner)?;
            } else if !self.exists(&member.ty) {
                return Err(self.builder.err(
                    &member.location,
                    format!(
                        "member '{}' has type '{}', which does not exist",
                        member.name,
                        member.ty.name().unwrap_or_default()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// An event's data or a command's arguments.
    fn payload(
        &self,
        definition: &Definition,
        what: &str,
        data: &EventData,
    ) -> Result<(), ParseError> {
        match data {
            EventData::Members { members } => self.members(members),
            EventData::Type { name } if !self.by_name.contains_key(name.as_str()) => {
                Err(self.builder.err(
                    &definition.location,
                    format!(
                        "{what} '{}' has data '{name}', which does not exist",
                        definition.name
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    fn branches(&self, branches: &[Branch]) -> Result<(), ParseError> {
        match branches.iter().find(|branch| !self.exists(&branch.ty)) {
            Some(branch) => Err(self.builder.err(
                &branch.location,
                format!(
                    "branch '{}' has type '{}', which does not exist",
                    branch.name,
                    branch.ty.name().unwrap_or_default()
                ),
            )),
            None => Ok(()),
        }
    }

    /// A union's branches, its base, and its discriminator: an enum member
    /// of the base.
    fn union(
        &self,
        definition: &Definition,
        base: Option<&Base>,
        discriminator: Option<&str>,
        branches: &[Branch],
    ) -> Result<(), ParseError> {
        let at = &definition.location;
        self.branches(branches)?;
        let base_members: Vec<Member> = match base {
            Some(Base::Named(name)) => {
                let Some(def) = self.by_name.get(name.as_str()) else {
                    return Err(self.builder.err(
                        at,
                        format!(
                            "union '{}' has base '{name}', which does not exist",
                            definition.name
                        ),
                    ));
                };
                def.members_with_bases(&|name| self.by_name.get(name).copied())
            }
            Some(Base::Members(members)) => {
                self.members(members)?;
                members.clone()
            }
            None => Vec::new(),
        };
        let Some(discriminator) = discriminator else {
            return Ok(());
        };
        let member = base_members.iter().find(|m| m.name == discriminator);
        let is_enum = member.is_some_and(|m| {
            matches!(
                m.ty.name().and_then(|n| self.by_name.get(n)),
                Some(Definition {
                    kind: DefinitionKind::Enum { .. },
                    ..
                })
            ) && matches!(m.ty, TypeRef::Named(_))
        });
        if is_enum {
            return Ok(());
        }
        Err(self.builder.err(
            at,
            format!(
                "union '{}' has discriminator '{discriminator}', which is not an enum member of \
                 its base",
                definition.name
            ),
        ))
    }
}

/// An expression as JSON (for member defaults).
fn to_json(expr: &Expr) -> serde_json::Value {
    match expr {
        Expr::Str(s, _) => serde_json::Value::String(s.clone()),
        Expr::Bool(b, _) => serde_json::Value::Bool(*b),
        Expr::List(items, _) => items.iter().map(to_json).collect(),
        Expr::Dict(pairs, _) => pairs
            .iter()
            .map(|(k, _, v)| (k.clone(), to_json(v)))
            .collect(),
    }
}

pub(crate) fn build(
    files: Vec<(String, Arc<str>)>,
    items: Vec<Item>,
) -> Result<Schema, ParseError> {
    let builder = Builder { files };
    let mut definitions: Vec<Definition> = Vec::new();
    let mut seen: HashMap<String, Location> = HashMap::new();
    let mut warnings = Vec::new();
    let mut pending: Option<(usize, std::ops::Range<usize>, Location)> = None;
    for item in items {
        let (pairs, at) = match item {
            Item::Doc {
                file,
                range,
                location,
            } => {
                pending = Some((file, range, location));
                continue;
            }
            Item::Expr(Expr::Dict(pairs, at)) => (pairs, at),
            Item::Expr(other) => {
                return Err(builder.err(other.location(), "a definition is a dict"));
            }
        };
        let Some(mut definition) = builder.definition(&pairs, &at)? else {
            pending = None;
            continue;
        };
        if let Some(first) = seen.get(&definition.name) {
            return Err(builder.err(
                &definition.location,
                format!(
                    "'{}' is defined twice (first at {}:{})",
                    definition.name, first.file, first.line
                ),
            ));
        }
        seen.insert(definition.name.clone(), definition.location.clone());
        if let Some((file, range, location)) = pending.take() {
            let text = builder
                .files
                .get(file)
                .and_then(|(_, text)| text.get(range));
            let lines = super::doc_lines(text.unwrap_or_default());
            match doc::read(&lines, location, &definition.name) {
                Ok(Some(doc)) => definition.doc = Some(doc),
                Ok(None) => {}
                Err(warning) => warnings.push(warning),
            }
        }
        definitions.push(definition);
    }
    builder.check(&definitions)?;
    doc::check(&definitions, &mut warnings);
    Ok(Schema {
        files: builder.files.iter().map(|(name, _)| name.clone()).collect(),
        definitions,
        warnings,
        texts: builder.files,
    })
}
