//! Where the history disagrees with itself (rendered as
//! `generated/HISTORY-LINT.md`; a report for a reviewer, never a failure):
//!
//! - where the eras overlap, each text revision of the QAPI era against the
//!   release that shipped it ([`overlap`]): events and members one documents
//!   and the other lacks, types, optionality and values that differ;
//! - each event's `Since:` and each member's "(since X.Y)" against the first
//!   revision of the timeline that has it ([`since`]).
//!
//! Not to be confused with [`crate::defects`], the defects of one document.

use std::collections::HashMap;

use crate::changes::{self, ChangeKind};
use crate::history::timeline::Timeline;
use crate::model::Spec;

/// One difference between a text revision and its release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub event: String,
    /// The member's path; empty for the event itself.
    pub member: String,
    /// What differs, in words.
    pub what: String,
}

/// Every difference between `text` and `release` a client would notice.
pub fn overlap(text: &Spec, release: &Spec) -> Vec<Difference> {
    changes::compare(text, release)
        .into_iter()
        .filter_map(|change| {
            let what = match &change.kind {
                ChangeKind::EventAdded => "only the release documents the event".to_string(),
                ChangeKind::EventRemoved => "only the text documents the event".to_string(),
                ChangeKind::DataAdded => "only the release gives it data".to_string(),
                ChangeKind::DataRemoved => "only the text gives it data".to_string(),
                ChangeKind::MemberAdded { .. } => "only the release has the member".to_string(),
                ChangeKind::MemberRemoved => "only the text has the member".to_string(),
                ChangeKind::MadeOptional => {
                    "required in the text, optional in the release".to_string()
                }
                ChangeKind::MadeRequired => {
                    "optional in the text, required in the release".to_string()
                }
                ChangeKind::TypeChanged => format!(
                    "the text says `{}`, the release `{}`",
                    change.old.clone().unwrap_or_default(),
                    change.new.clone().unwrap_or_default()
                ),
                ChangeKind::ValueAdded { value } => format!("only the release lists `\"{value}\"`"),
                ChangeKind::ValueRemoved { value } => format!("only the text lists `\"{value}\"`"),
                ChangeKind::ValuesEnumerated => "only the release lists the values".to_string(),
                ChangeKind::ValuesNoLongerEnumerated => {
                    "only the text lists the values".to_string()
                }
                _ => return None,
            };
            Some(Difference {
                event: change.event,
                member: change.member,
                what,
            })
        })
        .collect()
}

/// A `Since:` the history contradicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceDisagreement {
    pub event: String,
    /// The member, for a member's "(since X.Y)".
    pub member: Option<String>,
    /// What the documentation says (`2.12`).
    pub documented: String,
    /// What the history says, in words.
    pub history: String,
}

/// Each event's `Since:` (of its newest section) and each of its members'
/// "(since X.Y)" against the first revision of `timeline` that has it; a
/// text revision counts as the release that shipped it (`shipped`).
pub fn since(timeline: &Timeline<'_>, shipped: &HashMap<&str, &str>) -> Vec<SinceDisagreement> {
    let first = |revision: &str| {
        shipped
            .get(revision)
            .copied()
            .unwrap_or(revision)
            .to_string()
    };
    let mut out = Vec::new();
    for (event, history) in timeline.events() {
        let Some(&(_, section, types)) = history.last() else {
            continue;
        };
        let introduced = timeline.introduced(event).unwrap_or_default();
        if let Some(documented) = &section.since
            && let Some(why) = disagreement(documented, &first(introduced))
        {
            out.push(SinceDisagreement {
                event: event.to_string(),
                member: None,
                documented: documented.clone(),
                history: why,
            });
        }
        for field in section
            .data
            .ty()
            .map_or(&[][..], |data| types.members(data))
        {
            let text = &field.description;
            let Some(at) = text.find("(since ") else {
                continue;
            };
            let documented: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let member = timeline.member(event, &[field.name.as_str()]);
            if let Some(why) = disagreement(&documented, &first(member.introduced)) {
                out.push(SinceDisagreement {
                    event: event.to_string(),
                    member: Some(field.name.clone()),
                    documented,
                    history: why,
                });
            }
        }
    }
    out
}

/// `X.Y` of a version or a release's name (`qemu-2.12.0`, `0.13.0`,
/// `2.12`), for comparing.
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let version = version
        .trim()
        .strip_prefix("qemu-")
        .unwrap_or(version.trim());
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// What the history says against what the documentation says, when they
/// disagree.
fn disagreement(documented: &str, first: &str) -> Option<String> {
    let doc = major_minor(documented)?;
    match major_minor(first).filter(|_| first.starts_with("qemu-")) {
        Some(release) if release == doc => None,
        Some(release) if doc < (2, 1) => Some(format!(
            "first in {}.{}: no earlier revision of the history has it",
            release.0, release.1
        )),
        Some(release) => Some(format!("first in release {}.{}", release.0, release.1)),
        None if doc >= (2, 1) => Some(format!("already in text revision `{first}`")),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_lines_compare_by_major_and_minor() {
        assert_eq!(disagreement("2.12", "qemu-2.12.0"), None);
        assert_eq!(disagreement("0.13.0", "block-job-error"), None);
        assert_eq!(
            disagreement("3.0", "qemu-2.12.0").as_deref(),
            Some("first in release 2.12")
        );
        assert_eq!(
            disagreement("0.12", "qemu-2.1.0").as_deref(),
            Some("first in 2.1: no earlier revision of the history has it")
        );
        assert_eq!(
            disagreement("2.4", "guest-panicked").as_deref(),
            Some("already in text revision `guest-panicked`")
        );
        assert_eq!(major_minor("9.2.0-rc2"), Some((9, 2)));
        assert_eq!(disagreement("not a version", "qemu-2.1.0"), None);
    }
}
