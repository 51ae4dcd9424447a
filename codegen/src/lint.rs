//! `HISTORY-LINT.md`: where the history disagrees with itself, as a report
//! for a reviewer, never a failure.
//!
//! - Where the eras overlap, each text revision of the QAPI era against the
//!   release that shipped it: events and members one documents and the
//!   other lacks, types, optionality and values that differ.
//! - Each event's and member's `Since:` against the first revision of the
//!   timeline that has it (the history's own answer).

use std::fmt::Write as _;

use qmp_spec::changes::{self, Kind};

use crate::catalog::{Catalog, EventData};
use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

pub fn report(revisions: &[Revision<'_>], catalog: &Catalog<'_>) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# Where the history disagrees with itself\n\n");
    out.push_str(
        "A report, not a failure: `qmp-events.txt` and the QAPI schema were written by hand \
         beside each other, and QEMU's documentation lags its code. Where they disagree the \
         QAPI release is authoritative (QEMU generates the code that sends its events from it); \
         the generated types follow it.\n",
    );
    overlap(revisions, &mut out);
    // A text revision shipped in a release counts as that release.
    let shipped: std::collections::HashMap<&str, &str> = revisions
        .iter()
        .filter_map(|r| Some((r.name, r.release?)))
        .collect();
    since(catalog, &shipped, &mut out);
    GeneratedFile::new("HISTORY-LINT.md", out)
}

/// The differences between each text revision of the QAPI era and its
/// release.
fn overlap(revisions: &[Revision<'_>], out: &mut String) {
    out.push_str("\n## The text against its release, where the eras overlap\n");
    for text in revisions {
        let Some(release) = text
            .release
            .and_then(|name| revisions.iter().find(|r| r.name == name))
        else {
            continue;
        };
        let differences: Vec<(String, String, String)> = changes::compare(text.spec, release.spec)
            .into_iter()
            .filter_map(|change| {
                let what = match &change.kind {
                    Kind::EventAdded => "only the release documents the event".to_string(),
                    Kind::EventRemoved => "only the text documents the event".to_string(),
                    Kind::DataAdded => "only the release gives it data".to_string(),
                    Kind::DataRemoved => "only the text gives it data".to_string(),
                    Kind::MemberAdded { .. } => "only the release has the member".to_string(),
                    Kind::MemberRemoved => "only the text has the member".to_string(),
                    Kind::MadeOptional => {
                        "required in the text, optional in the release".to_string()
                    }
                    Kind::MadeRequired => {
                        "optional in the text, required in the release".to_string()
                    }
                    Kind::TypeChanged => format!(
                        "the text says `{}`, the release `{}`",
                        change.old.clone().unwrap_or_default(),
                        change.new.clone().unwrap_or_default()
                    ),
                    Kind::ValueAdded { value } => format!("only the release lists `\"{value}\"`"),
                    Kind::ValueRemoved { value } => format!("only the text lists `\"{value}\"`"),
                    Kind::ValuesEnumerated => "only the release lists the values".to_string(),
                    Kind::ValuesNoLongerEnumerated => "only the text lists the values".to_string(),
                    _ => return None,
                };
                let member = if change.member.is_empty() {
                    String::new()
                } else {
                    format!("`{}`", change.member)
                };
                Some((change.event, member, what))
            })
            .collect();
        let _ = writeln!(
            out,
            "\n### `{}` against `{}`: {} differences\n",
            text.name,
            release.name,
            differences.len()
        );
        if differences.is_empty() {
            continue;
        }
        out.push_str("| event | member | difference |\n|---|---|---|\n");
        for (event, member, what) in differences {
            let _ = writeln!(out, "| `{event}` | {member} | {what} |");
        }
    }
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

/// Each `Since:` of an event, and each `(since X.Y)` of a member, against
/// the timeline.
fn since(catalog: &Catalog<'_>, shipped: &std::collections::HashMap<&str, &str>, out: &mut String) {
    let mut rows = Vec::new();
    for event in &catalog.events {
        if let Some(documented) = &event.section.since
            && let Some(why) = disagreement(
                documented,
                shipped
                    .get(event.introduced)
                    .copied()
                    .unwrap_or(event.introduced),
            )
        {
            rows.push((format!("`{}`", event.name), documented.clone(), why));
        }
        let EventData::Fields(members) = &event.data else {
            continue;
        };
        for member in members {
            let text = &member.field.description;
            let Some(at) = text.find("(since ") else {
                continue;
            };
            let documented: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let first = shipped
                .get(member.introduced)
                .copied()
                .unwrap_or(member.introduced);
            if let Some(why) = disagreement(&documented, first) {
                rows.push((
                    format!("`{}` `{}`", event.name, member.field.name),
                    documented,
                    why,
                ));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n## `Since:` against the history: {} disagreements\n\n\
         The history's answer is the first revision of the timeline (the text revisions up to \
         2.1.0, then the releases) that has the event or member.\n",
        rows.len()
    );
    if rows.is_empty() {
        return;
    }
    out.push_str("| event / member | documented since | the history |\n|---|---|---|\n");
    for (what, documented, why) in rows {
        let _ = writeln!(out, "| {what} | {documented} | {why} |");
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
