//! Which revisions of the timeline have each command, and each member of
//! a named type or of a command's arguments: computed once per regen, for
//! the commands' references (`docs::commands`) and the `latest` command
//! bundles (`schema::commands`). `qmp_spec::availability` answers the same
//! for one path at a time (`cargo xtask since`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use qmp_spec::types::TypeId;

use crate::Revision;

/// Where each command is found along the timeline: its first and last
/// revision, the runs between, and the newest revision's account of it.
pub struct Availability<'a> {
    /// The timeline's revisions with commands, oldest first.
    pub revisions: Vec<&'a Revision<'a>>,
    /// Per command: the indices (into `revisions`) of the revisions that
    /// have it, ascending.
    pub present: BTreeMap<&'a str, Vec<usize>>,
    /// The same per owner of members (a named type, or a command's
    /// arguments spelled in place: `query-foo.arguments`), and per
    /// (owner, member).
    owners: HashMap<String, Vec<usize>>,
    members: HashMap<(String, String), Vec<usize>>,
}

impl<'a> Availability<'a> {
    pub fn new(revisions: &'a [Revision<'a>]) -> Availability<'a> {
        let revisions: Vec<&Revision<'a>> = revisions
            .iter()
            .filter(|r| r.timeline && !r.spec.commands.is_empty())
            .collect();
        let mut present: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
        let mut members: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, revision) in revisions.iter().enumerate() {
            let types = &revision.spec.types;
            let mut own = |owner: String, ty: TypeId| {
                for member in types.members(ty) {
                    let at = members
                        .entry((owner.clone(), member.name.clone()))
                        .or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
                let at = owners.entry(owner).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            };
            for command in &revision.spec.commands {
                present.entry(command.name.as_str()).or_default().push(i);
                if let Some(ty) = command.arguments.filter(|&ty| types.get(ty).name.is_none()) {
                    own(format!("{}.arguments", command.name), ty);
                }
            }
            for (ty, def) in types.iter() {
                if let Some(name) = &def.name {
                    own(name.clone(), ty);
                }
            }
        }
        Availability {
            revisions,
            present,
            owners,
            members,
        }
    }

    /// When a member came or went, where not with its owner (a named type,
    /// or `command.arguments`): ` (in the history: since \`qemu-5.0.0\`)`;
    /// empty when it came with its owner and is still there.
    pub fn member_note(&self, owner: &str, member: &str) -> String {
        let (Some(own), Some(found)) = (
            self.owners.get(owner),
            self.members.get(&(owner.to_string(), member.to_string())),
        ) else {
            return String::new();
        };
        let name = |i: usize| self.revisions[i].name();
        let mut parts = Vec::new();
        if found[0] > own[0] {
            parts.push(format!("since `{}`", name(found[0])));
        }
        let (last, owner_last) = (found[found.len() - 1], own[own.len() - 1]);
        if last < owner_last {
            parts.push(format!("until `{}`", name(last)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(" (in the history: {})", parts.join(", "))
        }
    }

    /// The first revision that has `command`, and the last when a newer
    /// revision lacks it.
    pub fn span(&self, command: &str) -> Option<(&'a str, Option<&'a str>)> {
        let found = self.present.get(command)?;
        let name = |i: usize| self.revisions[i].name();
        let last = found[found.len() - 1];
        let until = (last + 1 < self.revisions.len()).then(|| name(last));
        Some((name(found[0]), until))
    }

    /// `since qemu-2.1.0`, `since qemu-2.1.0, until qemu-5.2.0`, with the
    /// runs when it came and went.
    pub fn of(&self, command: &str) -> Option<String> {
        let (since, until) = self.span(command)?;
        let found = &self.present[command];
        let name = |i: usize| self.revisions[i].name();
        let mut text = format!("since `{since}`");
        if let Some(until) = until {
            let _ = write!(text, ", until `{until}`");
        }
        let runs = runs(found);
        if runs.len() > 1 {
            let runs: Vec<String> = runs
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        format!("`{}`", name(a))
                    } else {
                        format!("`{}`–`{}`", name(a), name(b))
                    }
                })
                .collect();
            let _ = write!(text, " (in {})", runs.join(", "));
        }
        Some(text)
    }
}

/// Consecutive runs of ascending indices: (first, last) each.
fn runs(found: &[usize]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &i in found {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == i => *last = i,
            _ => out.push((i, i)),
        }
    }
    out
}
