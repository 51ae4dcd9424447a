//! What QEMU has which: a path to an event, a command, a member or an
//! enumeration value ([`Path`]), found in one revision ([`find`]: with the
//! conditions a build must meet to have it, and its features), and across
//! a history's timeline ([`across`]: the first and last revision that has
//! it, and the ranges between). This is what libvirt probes with strings
//! such as `blockdev-add/arg-type/+file/aio/^io_uring`, written here
//! `blockdev-add.arguments.aio=io_uring`.
//!
//! A path is the event's or command's name; then, for an event, `data`,
//! and for a command, `arguments` or `returns`; then member names, each
//! looked up among an object's members, a union's common members and then
//! its branches' (the branch is reported), through arrays and alternates;
//! then, after `=`, a value of the enumeration (or a union's tag) the last
//! member has. `query-cpus`, `MIGRATION.data.status=postcopy-device`,
//! `blockdev-add.arguments.driver=file`.

use serde::Serialize;

use crate::model::{Condition, Feature, Spec};
use crate::types::{TypeId, TypeKind, Types};

/// A path into a revision's events and commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The event's or command's name.
    pub root: String,
    /// `data`, `arguments` or `returns`, then member names.
    pub steps: Vec<String>,
    /// A value of the last member's enumeration.
    pub value: Option<String>,
}

/// Why a path cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("path {path:?}: {message}")]
pub struct PathError {
    pub path: String,
    pub message: String,
}

impl std::str::FromStr for Path {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Path, PathError> {
        let error = |message: &str| PathError {
            path: text.to_string(),
            message: message.to_string(),
        };
        let (names, value) = match text.split_once('=') {
            Some((names, value)) if !value.is_empty() => (names, Some(value.to_string())),
            Some(_) => return Err(error("nothing after `=`")),
            None => (text, None),
        };
        let mut parts = names.split('.').map(str::to_string);
        let root = parts
            .next()
            .filter(|r| !r.is_empty())
            .ok_or_else(|| error("no event or command name"))?;
        let steps: Vec<String> = parts.collect();
        if steps.iter().any(String::is_empty) {
            return Err(error("an empty step between dots"));
        }
        if let Some(first) = steps.first()
            && !["data", "arguments", "returns"].contains(&first.as_str())
        {
            return Err(error(&format!(
                "after the name comes `data` (an event's), `arguments` or `returns` (a command's), not `{first}`"
            )));
        }
        if value.is_some() && steps.len() < 2 {
            return Err(error(
                "a value (`=VALUE`) belongs to a member: NAME.arguments.MEMBER=VALUE",
            ));
        }
        Ok(Path { root, steps, value })
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.root)?;
        for step in &self.steps {
            write!(f, ".{step}")?;
        }
        if let Some(value) = &self.value {
            write!(f, "={value}")?;
        }
        Ok(())
    }
}

/// What a path reaches in one revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// `event`, `command`, `member` or `value`.
    pub kind: &'static str,
    /// Each condition on the way (the command's, a type's, a member's, a
    /// branch's, the value's), with what it is on: a build has the part
    /// only when all hold.
    pub conditions: Vec<Conditioned>,
    /// The features of what the path reaches.
    pub features: Vec<String>,
    /// `deprecated` or `unstable` on the way (the command, a member it
    /// is within), with what it is on.
    pub inherited: Vec<String>,
    /// The union branches the path goes through (`file` for a member of
    /// `blockdev-add`'s `file` branch); several where branches share the
    /// member.
    pub branches: Vec<String>,
    /// Whether the last member is optional (a member path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// A condition and what it is on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conditioned {
    pub on: String,
    /// In QAPI's own syntax, as the schemas' `x-if`.
    #[serde(rename = "if", serialize_with = "qapi_syntax")]
    pub condition: Condition,
}

fn qapi_syntax<S: serde::Serializer>(
    condition: &Condition,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    condition.to_qapi().serialize(serializer)
}

/// Where a path reaches in one revision, or `None` where it has no such
/// part.
pub fn find(spec: &Spec, path: &Path) -> Option<Found> {
    let mut found = Found {
        kind: "command",
        conditions: Vec::new(),
        features: Vec::new(),
        inherited: Vec::new(),
        branches: Vec::new(),
        optional: None,
    };
    let (features, top) = root(spec, path, &mut found)?;
    let members = path.steps.get(1..).unwrap_or_default();
    let Some(mut current) = top.filter(|_| !members.is_empty() || path.value.is_some()) else {
        // The event or command, or its `data`, `arguments` or `returns`.
        found.features = names(features);
        return Some(found);
    };
    inherit(&mut found, &path.root, features);
    let types = &spec.types;
    let mut at = format!("{}.{}", path.root, path.steps[0]);
    for (i, step) in members.iter().enumerate() {
        let (member, branch) = member_of(types, current, step)?;
        if let Some(branch) = branch {
            push_condition(
                &mut found,
                &format!("{at} branch {}", branch.name),
                branch.condition.as_ref(),
            );
            // Every branch that has the member (`aio` is in `file`,
            // `host_device` and `host_cdrom`).
            found.branches = types
                .branches(types.element(current))
                .iter()
                .filter(|b| member_of(types, b.ty, step).is_some())
                .map(|b| b.name.clone())
                .collect();
        }
        at = format!("{at}.{step}");
        push_condition(&mut found, &at, member.condition.as_ref());
        current = types.element(member.ty);
        let def = types.get(current);
        if let Some(name) = &def.name {
            push_condition(&mut found, name, def.condition.as_ref());
        }
        if i + 1 == members.len() && path.value.is_none() {
            found.kind = "member";
            found.optional = Some(member.optional);
            found.features = names(&member.features);
        } else {
            inherit(&mut found, &at, &member.features);
        }
    }
    if let Some(value) = &path.value {
        let value = types.values(current).iter().find(|v| &v.value == value)?;
        found.kind = "value";
        push_condition(
            &mut found,
            &format!("{at}={}", value.value),
            value.condition.as_ref(),
        );
        found.features = names(&value.features);
    }
    Some(found)
}

/// The event or command a path starts at, its condition noted in `found`:
/// its features, and the type of the `data`, `arguments` or `returns` the
/// path names (`None` for the event or command itself). `None` when the
/// revision lacks it, or the part the path names.
fn root<'s>(
    spec: &'s Spec,
    path: &Path,
    found: &mut Found,
) -> Option<(&'s [Feature], Option<TypeId>)> {
    let step = path.steps.first().map(String::as_str);
    if let Some(command) = spec.commands.iter().find(|c| c.name == path.root) {
        push_condition(found, &command.name, command.condition.as_ref());
        let ty = match step {
            None => None,
            Some("arguments") => Some(command.arguments?),
            Some("returns") => Some(command.returns?),
            Some(_) => return None,
        };
        return Some((&command.features, ty));
    }
    let (_, section) = spec.events().find(|(name, _)| *name == path.root)?;
    found.kind = "event";
    push_condition(found, &path.root, section.condition.as_ref());
    let ty = match step {
        None => None,
        Some("data") => Some(section.data.ty()?),
        Some(_) => return None,
    };
    Some((&section.features, ty))
}

/// Member `name` of type `ty`: among its members, then its branches'
/// (with the branch), then an alternate's object branches'.
fn member_of<'t>(
    types: &'t Types,
    ty: TypeId,
    name: &str,
) -> Option<(&'t crate::types::Member, Option<&'t crate::types::Branch>)> {
    let ty = types.element(ty);
    if let Some(member) = types.members(ty).iter().find(|m| m.name == name) {
        return Some((member, None));
    }
    match &types.get(ty).kind {
        TypeKind::Union { branches, .. } => branches.iter().find_map(|branch| {
            let (member, _) = member_of(types, branch.ty, name)?;
            Some((member, Some(branch)))
        }),
        TypeKind::Alternate { branches } => branches
            .iter()
            .find_map(|branch| types.members(branch.ty).iter().find(|m| m.name == name))
            .map(|member| (member, None)),
        _ => None,
    }
}

fn push_condition(found: &mut Found, on: &str, condition: Option<&Condition>) {
    if let Some(condition) = condition {
        found.conditions.push(Conditioned {
            on: on.to_string(),
            condition: condition.clone(),
        });
    }
}

fn inherit(found: &mut Found, on: &str, features: &[Feature]) {
    for feature in features {
        if feature.name == "deprecated" || feature.name == "unstable" {
            found.inherited.push(format!("{} ({on})", feature.name));
        }
    }
}

fn names(features: &[Feature]) -> Vec<String> {
    features.iter().map(|f| f.name.clone()).collect()
}

/// A path across a timeline: where it is found, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    pub path: String,
    /// The first revision that has it.
    pub since: Option<String>,
    /// The last revision that has it, when the newest does not.
    pub until: Option<String>,
    /// The runs of consecutive revisions that have it: (first, last).
    pub ranges: Vec<(String, String)>,
    /// What the newest revision that has it says of it.
    pub newest: Option<Found>,
    /// The name of the newest revision that has it.
    pub newest_in: Option<String>,
    /// How many revisions were asked.
    pub revisions: usize,
}

/// Where `path` is found among `revisions` (name and model, oldest first).
pub fn across<'a>(
    revisions: impl IntoIterator<Item = (&'a str, &'a Spec)>,
    path: &Path,
) -> Availability {
    let mut availability = Availability {
        path: path.to_string(),
        since: None,
        until: None,
        ranges: Vec::new(),
        newest: None,
        newest_in: None,
        revisions: 0,
    };
    let mut open = false;
    let mut newest_is_schema = false;
    let mut last_name = String::new();
    for (name, spec) in revisions {
        availability.revisions += 1;
        last_name = name.to_string();
        match find(spec, path) {
            Some(found) => {
                if availability.since.is_none() {
                    availability.since = Some(name.to_string());
                }
                match (availability.ranges.last_mut(), open) {
                    (Some(range), true) => range.1 = name.to_string(),
                    _ => availability
                        .ranges
                        .push((name.to_string(), name.to_string())),
                }
                open = true;
                // A schema's conditions say which builds have it; a
                // build's are decided, so a schema is preferred.
                if spec.build.is_none() || !newest_is_schema {
                    newest_is_schema = spec.build.is_none();
                    availability.newest = Some(found);
                    availability.newest_in = Some(name.to_string());
                }
            }
            None => open = false,
        }
    }
    if let Some((_, last)) = availability.ranges.last()
        && *last != last_name
    {
        availability.until = Some(last.clone());
    }
    availability
}

/// Where the last name of `path` (a member's, or the value) occurs within
/// its event or command in `spec`, as paths: what a path that is not
/// found may have meant (`blockdev-add.arguments.driver=io_uring` →
/// `blockdev-add.arguments.aio=io_uring`). At most `limit`; each type is
/// visited once, so the walk is linear in the table.
pub fn suggest(spec: &Spec, path: &Path, limit: usize) -> Vec<String> {
    let wanted = match (&path.value, path.steps.last()) {
        (Some(value), _) => value.as_str(),
        (None, Some(step)) if path.steps.len() > 1 => step.as_str(),
        _ => return Vec::new(),
    };
    let mut queue = std::collections::VecDeque::new();
    if let Some(command) = spec.commands.iter().find(|c| c.name == path.root) {
        for (step, ty) in [
            ("arguments", command.arguments),
            ("returns", command.returns),
        ] {
            queue.extend(ty.map(|ty| (format!("{}.{step}", command.name), ty)));
        }
    } else if let Some((_, section)) = spec.events().find(|(name, _)| *name == path.root) {
        queue.extend(
            section
                .data
                .ty()
                .map(|ty| (format!("{}.data", path.root), ty)),
        );
    }
    let types = &spec.types;
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = Vec::new();
    while let Some((at, ty)) = queue.pop_front() {
        let ty = types.element(ty);
        if out.len() >= limit || !seen.insert(ty) {
            continue;
        }
        if path.value.is_some() && types.values(ty).iter().any(|v| v.value == wanted) {
            out.push(format!("{at}={wanted}"));
        }
        for member in types.members(ty) {
            let next = format!("{at}.{}", member.name);
            if path.value.is_none() && member.name == wanted && !out.contains(&next) {
                out.push(next.clone());
            }
            queue.push_back((next, member.ty));
        }
        // A branch's members are written as the union's.
        for branch in types.branches(ty) {
            queue.push_back((at.clone(), branch.ty));
        }
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small schema: a command with a union argument whose branches
    /// share a member with a conditional value, and an event.
    fn spec(extra_value: bool) -> Spec {
        let aio = if extra_value {
            "[ 'threads', { 'name': 'io_uring', 'if': 'CONFIG_LINUX_IO_URING' } ]"
        } else {
            "[ 'threads' ]"
        };
        let text = format!(
            "{{ 'enum': 'Aio', 'data': {aio} }}
{{ 'enum': 'Driver', 'data': [ 'file', 'host_device', 'null-co' ] }}
{{ 'struct': 'File', 'data': {{ 'filename': 'str', '*aio': 'Aio' }} }}
{{ 'union': 'Options', 'base': {{ 'driver': 'Driver', '*node-name': 'str' }},
  'discriminator': 'driver',
  'data': {{ 'file': 'File', 'host_device': {{ 'type': 'File', 'if': 'CONFIG_LINUX' }} }} }}
{{ 'command': 'blockdev-add', 'data': 'Options', 'boxed': true,
  'features': [ 'unstable' ] }}
{{ 'command': 'query-old', 'features': [ 'deprecated' ], 'if': 'CONFIG_OLD' }}
{{ 'event': 'STOP' }}
{{ 'event': 'MOVED', 'data': {{ 'to': 'Driver' }} }}
"
        );
        crate::qapi::read_with(std::path::Path::new("s.json"), &mut |_| {
            Ok(text.clone().into_bytes())
        })
        .unwrap()
        .to_spec("t")
        .unwrap()
    }

    fn path(text: &str) -> Path {
        text.parse().unwrap()
    }

    #[test]
    fn paths_read_and_print_back() {
        for text in [
            "query-cpus",
            "blockdev-add.arguments.aio=io_uring",
            "STOP.data.x",
        ] {
            assert_eq!(path(text).to_string(), text);
        }
        for bad in ["", ".x", "a..b", "x=", "a.b", "a=1", "a.data=1"] {
            assert!(bad.parse::<Path>().is_err(), "{bad:?} reads");
        }
    }

    #[test]
    fn a_value_within_a_branch_has_every_condition_on_the_way() {
        let spec = spec(true);
        let found = find(&spec, &path("blockdev-add.arguments.aio=io_uring")).expect("found");
        assert_eq!(found.kind, "value");
        assert_eq!(found.branches, ["file", "host_device"]);
        let conditions: Vec<String> = found
            .conditions
            .iter()
            .map(|c| format!("{} on {}", c.condition, c.on))
            .collect();
        assert_eq!(
            conditions,
            ["CONFIG_LINUX_IO_URING on blockdev-add.arguments.aio=io_uring"]
        );
        assert_eq!(found.inherited, ["unstable (blockdev-add)"]);
        let member = find(&spec, &path("blockdev-add.arguments.filename")).expect("found");
        assert_eq!((member.kind, member.optional), ("member", Some(false)));
        let old = find(&spec, &path("query-old")).expect("found");
        assert_eq!(old.features, ["deprecated"]);
        assert_eq!(old.conditions[0].condition.to_string(), "CONFIG_OLD");
        assert!(find(&spec, &path("MOVED.data.to=null-co")).is_some());
        assert!(find(&spec, &path("STOP")).is_some());
        for absent in [
            "blockdev-add.arguments.aio=native",
            "blockdev-add.returns",
            "blockdev-add.data",
            "STOP.data.x",
            "MOVED.arguments",
            "query-new",
        ] {
            assert_eq!(find(&spec, &path(absent)), None, "{absent}");
        }
    }

    #[test]
    fn across_revisions_gives_since_until_and_ranges() {
        let (without, with) = (spec(false), spec(true));
        let value = path("blockdev-add.arguments.aio=io_uring");
        let found = across(
            [("a", &without), ("b", &with), ("c", &without), ("d", &with)],
            &value,
        );
        assert_eq!(found.since.as_deref(), Some("b"));
        assert_eq!(found.until, None);
        assert_eq!(
            found.ranges,
            [("b".to_string(), "b".to_string()), ("d".into(), "d".into())]
        );
        let gone = across([("a", &with), ("b", &with), ("c", &without)], &value);
        assert_eq!(gone.until.as_deref(), Some("b"));
        assert_eq!(gone.revisions, 3);
    }

    #[test]
    fn a_name_found_elsewhere_is_suggested() {
        let spec = spec(true);
        assert_eq!(
            suggest(&spec, &path("blockdev-add.arguments.driver=io_uring"), 10),
            ["blockdev-add.arguments.aio=io_uring"]
        );
        assert_eq!(
            suggest(&spec, &path("MOVED.data.where.to"), 10),
            ["MOVED.data.to"]
        );
    }
}
