//! Where in a QAPI schema's files a member of an event's data is defined,
//! and in which type: what a reviewer of a patch to `qapi/` needs beside a
//! change, since a patch edits types and rarely names the events that use
//! them (a member added to `InetSocketAddress` changes
//! NETDEV_STREAM_CONNECTED's `addr.inet`).
//!
//! A path is the one [`crate::changes::Change`] names: members joined by
//! `.`, a union's or alternate's branch by its name, an array's elements by
//! `[]` after the member (`addr.inet.port`, `devices[].node`). The walk
//! follows the same shapes the conversion into the model spells out (bases
//! first, branches, arrays, an old simple union's `data`), and stops at the
//! deepest part it finds: a path the schema does not have ends at its
//! nearest ancestor that it does.

use std::collections::HashMap;

use super::model::{
    Base, Definition, DefinitionKind, EventData, Location, Member, Schema, TypeRef,
};

/// Where a definition is, and the named type it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'s> {
    /// The type whose definition holds it (`InetSocketAddress` for
    /// `addr.inet.keep-alive-count`, the enumeration for a value); `None`
    /// for the event itself and for members written in the event.
    pub via: Option<&'s str>,
    pub location: &'s Location,
}

/// The scope a path segment is looked up in.
#[derive(Clone, Copy)]
enum Scope<'s> {
    /// A named definition.
    Named(&'s Definition),
    /// Members written in place: an event's or an anonymous struct's, in
    /// the definition `owner` (`None`: the event).
    Members(Option<&'s str>, &'s [Member]),
    /// An old simple union's branch: its only member is `data`, of `ty`.
    SimpleBranch(&'s TypeRef, &'s Location, &'s str),
    None,
}

impl Schema {
    /// Where `path` of event `event`'s data, or of command `event`
    /// (`arguments.…`, `returns.…`), is defined (`value`: the enumerated
    /// value of that member); `None` when the schema has no such event or
    /// command.
    pub fn locate(&self, event: &str, path: &str, value: Option<&str>) -> Option<Found<'_>> {
        let by_name = Definition::by_name(&self.definitions);
        let definition = self.definitions.iter().find(|d| {
            d.name == event
                && matches!(
                    d.kind,
                    DefinitionKind::Event { .. } | DefinitionKind::Command { .. }
                )
        })?;
        let mut found = Found {
            via: None,
            location: &definition.location,
        };
        let mut segments = path.split('.').filter(|s| !s.is_empty());
        let mut scope = match &definition.kind {
            DefinitionKind::Event { data, .. } => payload(&by_name, data),
            DefinitionKind::Command { data, returns, .. } => match segments.next() {
                Some("arguments") => payload(&by_name, data),
                Some(_) => returns
                    .as_ref()
                    .map_or(Scope::None, |ty| scope_of(&by_name, ty, None)),
                None => Scope::None,
            },
            _ => return Some(found),
        };
        let mut last: Option<&TypeRef> = None;
        for segment in segments {
            // `[]` reaches the elements: the element type's scope is the
            // array's already.
            let name = segment.trim_end_matches("[]");
            let Some((owner, location, ty)) = lookup(&by_name, scope, name) else {
                return Some(found);
            };
            found = Found {
                via: owner,
                location,
            };
            scope = match ty {
                Step::Type(ty) => scope_of(&by_name, ty, owner),
                Step::Simple(ty, location, union) => Scope::SimpleBranch(ty, location, union),
            };
            last = match ty {
                Step::Type(ty) | Step::Simple(ty, ..) => Some(ty),
            };
        }
        if let (Some(value), Some(ty)) = (value, last) {
            if let Some(enumeration) = ty.name().and_then(|n| by_name.get(n)) {
                if let DefinitionKind::Enum { values, .. } = &enumeration.kind {
                    if let Some(v) = values.iter().find(|v| v.name == value) {
                        found = Found {
                            via: Some(&enumeration.name),
                            location: &v.location,
                        };
                    }
                }
            }
        }
        Some(found)
    }
}

/// What a segment leads to.
#[derive(Clone, Copy)]
enum Step<'s> {
    Type(&'s TypeRef),
    /// An old simple union's branch of this type, at this location, in this
    /// union.
    Simple(&'s TypeRef, &'s Location, &'s str),
}

/// The scope of an event's data or a command's arguments.
fn payload<'s>(by_name: &HashMap<&str, &'s Definition>, data: &'s EventData) -> Scope<'s> {
    match data {
        EventData::None => Scope::None,
        EventData::Members { members } => Scope::Members(None, members),
        EventData::Type { name } => by_name
            .get(name.as_str())
            .map_or(Scope::None, |d| Scope::Named(d)),
    }
}

fn scope_of<'s>(
    by_name: &HashMap<&str, &'s Definition>,
    ty: &'s TypeRef,
    owner: Option<&'s str>,
) -> Scope<'s> {
    match ty {
        TypeRef::Named(name) | TypeRef::Array(name) => by_name
            .get(name.as_str())
            .map_or(Scope::None, |d| Scope::Named(d)),
        TypeRef::Object(members) => Scope::Members(owner, members),
    }
}

/// The member or branch `name` in `scope`: the type it is defined in, where,
/// and what it leads to.
fn lookup<'s>(
    by_name: &HashMap<&str, &'s Definition>,
    scope: Scope<'s>,
    name: &str,
) -> Option<(Option<&'s str>, &'s Location, Step<'s>)> {
    let find = |owner: Option<&'s str>, members: &'s [Member]| {
        members
            .iter()
            .find(|m| m.name == name)
            .map(|m| (owner, &m.location, Step::Type(&m.ty)))
    };
    let in_struct = |definition: &'s Definition| {
        definition
            .bases(&|n| by_name.get(n).copied())
            .into_iter()
            .find_map(|d| match &d.kind {
                DefinitionKind::Struct { members, .. } => find(Some(&d.name), members),
                _ => None,
            })
    };
    match scope {
        Scope::None => None,
        Scope::Members(owner, members) => find(owner, members),
        Scope::SimpleBranch(ty, location, union) => {
            (name == "data").then_some((Some(union), location, Step::Type(ty)))
        }
        Scope::Named(definition) => match &definition.kind {
            DefinitionKind::Struct { .. } => in_struct(definition),
            DefinitionKind::Union {
                base,
                discriminator,
                branches,
            } => {
                let common = match base {
                    Some(Base::Named(base)) => {
                        by_name.get(base.as_str()).and_then(|b| in_struct(b))
                    }
                    Some(Base::Members(members)) => find(Some(&definition.name), members),
                    None => None,
                };
                common.or_else(|| {
                    branches.iter().find(|b| b.name == name).map(|b| {
                        let step = match discriminator {
                            Some(_) => Step::Type(&b.ty),
                            None => Step::Simple(&b.ty, &b.location, &definition.name),
                        };
                        (Some(definition.name.as_str()), &b.location, step)
                    })
                })
            }
            DefinitionKind::Alternate { branches } => {
                branches.iter().find(|b| b.name == name).map(|b| {
                    (
                        Some(definition.name.as_str()),
                        &b.location,
                        Step::Type(&b.ty),
                    )
                })
            }
            DefinitionKind::Enum { .. }
            | DefinitionKind::Command { .. }
            | DefinitionKind::Event { .. } => None,
        },
    }
}
