//! Since and until, from the history: for every event, member and
//! enumeration value of the timeline ([`super::History::timeline`]), the
//! first revision that has it and, when a later revision no longer does,
//! the last. Not copied from `Since:` lines: [`super::audit`] compares those
//! with this. The generators (the `codegen` crate) render it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Data, EnumValue, Section, Spec};
use crate::types::{TypeId, TypeKind, Types};

/// The timeline's revisions and each event's section in each of them.
pub struct Timeline<'a> {
    /// The revisions, oldest first.
    pub revisions: Vec<&'a str>,
    /// Each event's section in each revision that documents it, oldest
    /// first, by event name.
    pub sections: BTreeMap<&'a str, Vec<Documented<'a>>>,
    /// The revisions documenting each event without data.
    pub dataless: BTreeMap<&'a str, Vec<&'a str>>,
}

/// An event's section in one revision: the revision's name, the section,
/// and the revision's types, which the section's data refers to.
pub type Documented<'a> = (&'a str, &'a Section, &'a Types);

/// What the history says of one member of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberHistory<'a> {
    /// The first revision in which the event has the member.
    pub introduced: &'a str,
    /// The last revision that has the member, when a later revision that
    /// documents the event no longer does.
    pub dropped_after: Option<&'a str>,
    /// Whether every revision that documents the event (and the member's
    /// parent) has the member and requires it.
    pub required: bool,
    /// Whether every value the history's examples give the member is an
    /// integer (and there is one at least).
    pub integral: bool,
}

impl<'a> Timeline<'a> {
    /// The timeline of `revisions` (name and model, oldest first).
    pub fn new(revisions: impl IntoIterator<Item = (&'a str, &'a Spec)>) -> Timeline<'a> {
        let mut timeline = Timeline {
            revisions: Vec::new(),
            sections: BTreeMap::new(),
            dataless: BTreeMap::new(),
        };
        for (revision, spec) in revisions {
            timeline.revisions.push(revision);
            for (name, section) in spec.events() {
                timeline
                    .sections
                    .entry(name)
                    .or_default()
                    .push((revision, section, &spec.types));
                if matches!(section.data, Data::None | Data::Unspecified) {
                    timeline.dataless.entry(name).or_default().push(revision);
                }
            }
        }
        timeline
    }

    /// Every event, by name, with its sections oldest first.
    pub fn events(&self) -> impl Iterator<Item = (&'a str, &[Documented<'a>])> {
        self.sections
            .iter()
            .map(|(name, list)| (*name, list.as_slice()))
    }

    /// The first revision that documents `event`.
    pub fn introduced(&self, event: &str) -> Option<&'a str> {
        self.sections.get(event)?.first().map(|(r, _, _)| *r)
    }

    /// The newest revision that documents `event`, and its section.
    pub fn latest(&self, event: &str) -> Option<(&'a str, &'a Section)> {
        let (revision, section, _) = self.sections.get(event)?.last()?;
        Some((revision, section))
    }

    /// The newest revision documenting `event`, when the newest revision
    /// of the timeline does not: the event's until.
    pub fn last_documented(&self, event: &str) -> Option<&'a str> {
        let (latest, _) = self.latest(event)?;
        (Some(&latest) != self.revisions.last()).then_some(latest)
    }

    /// The history of the member at `path` of `event`.
    pub fn member(&self, event: &str, path: &[&str]) -> MemberHistory<'a> {
        let sections = self.sections.get(event).map_or(&[][..], Vec::as_slice);
        let introduced = self.introduced(event).unwrap_or_default();
        member_history(sections, path, introduced)
    }

    /// For each of `values`, the first revision that has it where the
    /// enumeration is used (`uses`: each event and member path), and the
    /// last when a later revision that has the member lacks the value; no
    /// first where the enumeration always had the value.
    pub fn values(
        &self,
        values: &[EnumValue],
        uses: &[(&'a str, Vec<&'a str>)],
    ) -> Vec<(Option<&'a str>, Option<&'a str>)> {
        // Per revision, the values its uses of the enumeration list, if any
        // use is there.
        let per_revision: Vec<(&'a str, Option<Vec<&'a str>>)> = self
            .revisions
            .iter()
            .map(|&revision| {
                let mut found: Option<Vec<&'a str>> = None;
                for (event, path) in uses {
                    let Some(&(_, section, types)) = self
                        .sections
                        .get(event)
                        .and_then(|list| list.iter().find(|(r, _, _)| *r == revision))
                    else {
                        continue;
                    };
                    if let Some(found_at) = find_member(types, section.data.ty(), path) {
                        let ty = match types.get(found_at.ty).kind {
                            TypeKind::Array { items: Some(items) } => items,
                            _ => found_at.ty,
                        };
                        found
                            .get_or_insert_with(Vec::new)
                            .extend(types.values(ty).iter().map(|v| v.value.as_str()));
                    }
                }
                (revision, found)
            })
            .collect();
        // Values there since the enumeration itself need no date of their own.
        let first = per_revision
            .iter()
            .find(|(_, values)| values.as_ref().is_some_and(|v| !v.is_empty()))
            .map(|(revision, _)| *revision);
        values
            .iter()
            .map(|value| {
                let (mut since, mut last, mut dropped) = (None, None, false);
                for (revision, values) in &per_revision {
                    let Some(values) = values else { continue };
                    if values.contains(&value.value.as_str()) {
                        since.get_or_insert(*revision);
                        last = Some(*revision);
                        dropped = false;
                    } else if last.is_some() {
                        dropped = true;
                    }
                }
                let until = if dropped { last } else { None };
                (
                    since.filter(|s| Some(*s) != first || until.is_some()),
                    until,
                )
            })
            .collect()
    }
}

/// The history of the member at `path` over `sections` (an event's, oldest
/// first), the event being introduced in `event_introduced`.
pub fn member_history<'a>(
    sections: &[Documented<'a>],
    path: &[&str],
    event_introduced: &'a str,
) -> MemberHistory<'a> {
    let mut introduced = None;
    let mut last_with = None;
    let mut dropped = false;
    let mut required = true;
    let (mut integers, mut others) = (0, 0);
    for &(revision, section, types) in sections {
        if matches!(section.data, Data::External { .. }) {
            continue;
        }
        let data = section.data.ty();
        // Where the member's parent is absent, the revision says nothing
        // of the member.
        if path.len() > 1 && find_member(types, data, &path[..path.len() - 1]).is_none() {
            continue;
        }
        match find_member(types, data, path) {
            Some(found) => {
                introduced.get_or_insert(revision);
                last_with = Some(revision);
                dropped = false;
                // A member behind a condition is missing from some builds
                // (10.0's x86 build has no `deprecated-props`).
                required &= !found.optional && !found.conditional;
            }
            None => {
                required = false;
                dropped |= last_with.is_some();
            }
        }
        for example in &section.examples {
            let value = example.json.as_ref().and_then(|json| {
                path.iter()
                    .try_fold(json.get("data")?, |value, key| value.get(key))
            });
            match value {
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => integers += 1,
                Some(_) => others += 1,
                None => {}
            }
        }
    }
    MemberHistory {
        introduced: introduced.unwrap_or(event_introduced),
        dropped_after: if dropped { last_with } else { None },
        required,
        integral: integers > 0 && others == 0,
    }
}

/// What a path into an event's data leads to: a member or a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub ty: TypeId,
    /// Whether the member is optional (a branch is not).
    pub optional: bool,
    /// Whether it has an `if`: some builds lack it.
    pub conditional: bool,
}

/// What `path` leads to in the data of type `data`, if it has it: each
/// step a member, a union's branch or an alternate's, through an array to
/// its elements. The walk takes a step per segment of the path.
pub fn find_member(types: &Types, data: Option<TypeId>, path: &[&str]) -> Option<Found> {
    let mut at = data?;
    let mut found = None;
    for (i, segment) in path.iter().enumerate() {
        if i > 0 {
            // Into the elements of an array.
            if let TypeKind::Array { items: Some(items) } = types.get(at).kind {
                at = items;
            }
        }
        let member = types.members(at).iter().find(|m| m.name == *segment);
        let step = match member {
            Some(member) => Found {
                ty: member.ty,
                optional: member.optional,
                conditional: member.condition.is_some(),
            },
            None => {
                let branch = types.branches(at).iter().find(|b| b.name == *segment)?;
                Found {
                    ty: branch.ty,
                    optional: false,
                    conditional: branch.condition.is_some(),
                }
            }
        };
        at = step.ty;
        found = Some(step);
    }
    found
}
