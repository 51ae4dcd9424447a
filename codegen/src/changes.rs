//! The spec diff as a reviewer reads it (Markdown, for a pull request
//! comment) or a machine does (JSON), and the history's changelog.

use std::fmt::Write;

use qmp_spec::changes::{self, Change, Class, Kind};
use serde_json::json;

use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

/// What an event leaving the document means; said wherever one does.
const REMOVAL: &str = "An event *removed from the document* is one the later revision no longer \
documents: QEMU moved the documentation of its events into its QAPI schema, and it still sends \
them. The generated types keep such an event, typed from the last revision that documented it.";

/// The Markdown report: a heading, a summary line, then the changes by kind.
pub fn markdown(old: &str, new: &str, changes: &[Change]) -> String {
    format!(
        "## QMP events: `{old}` → `{new}`\n\n{}",
        markdown_body(changes)
    )
}

fn markdown_body(changes: &[Change]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str("No changes: both revisions document the same events in the same way.\n");
        return out;
    }
    let _ = writeln!(out, "**{}**\n", summary_line(changes));
    let events = |kind: fn(&Kind) -> bool| -> Vec<&Change> {
        changes.iter().filter(|c| kind(&c.kind)).collect()
    };
    let added = events(|k| matches!(k, Kind::EventAdded));
    if !added.is_empty() {
        out.push_str("### Events added\n\n");
        for change in added {
            let _ = writeln!(out, "- `{}` ({})", change.event, change.class.label());
        }
        out.push('\n');
    }
    let renamed = events(|k| matches!(k, Kind::EventRenamed { .. }));
    if !renamed.is_empty() {
        out.push_str("### Events likely renamed\n\n");
        for change in renamed {
            if let Kind::EventRenamed { from } = &change.kind {
                let _ = writeln!(
                    out,
                    "- `{from}` → `{}`: same description and data ({})",
                    change.event,
                    change.class.label()
                );
            }
        }
        out.push('\n');
    }
    let removed = events(|k| matches!(k, Kind::EventRemoved));
    if !removed.is_empty() {
        out.push_str("### Events removed from the document\n\n");
        for change in removed {
            let _ = writeln!(out, "- `{}` ({})", change.event, change.class.label());
        }
        let _ = writeln!(out, "\n{REMOVAL}\n");
    }
    let interface: Vec<&Change> = changes
        .iter()
        .filter(|c| {
            !matches!(
                c.kind,
                Kind::EventAdded | Kind::EventRemoved | Kind::EventRenamed { .. }
            )
        })
        .filter(|c| c.class != Class::Documentation)
        .collect();
    if !interface.is_empty() {
        out.push_str(
            "### Changed events\n\n| event | member | change | class |\n|---|---|---|---|\n",
        );
        for change in interface {
            let member = if change.member.is_empty()
                && matches!(change.kind, Kind::AbsentFromBuild { .. })
            {
                "the event".to_string()
            } else if change.member.is_empty() {
                "data".to_string()
            } else {
                format!("`{}`", change.member)
            };
            let _ = writeln!(
                out,
                "| `{}` | {member} | {} | {} |",
                change.event,
                describe(change),
                change.class.label()
            );
        }
        out.push('\n');
    }
    let docs: Vec<&Change> = changes
        .iter()
        .filter(|c| c.class == Class::Documentation)
        .collect();
    if !docs.is_empty() {
        out.push_str("### Documentation only\n\n");
        for change in docs {
            let what = match change.kind {
                Kind::NotesChanged => "notes",
                Kind::ExamplesChanged => "examples",
                Kind::TitleChanged => "title",
                _ => "description",
            };
            let subject = match (change.event.as_str(), change.member.as_str()) {
                ("", _) => "The document".to_string(),
                (event, "") => format!("`{event}`"),
                (event, member) => format!("`{event}` member `{member}`"),
            };
            let _ = writeln!(out, "{subject}: {what} changed.\n");
            let fence = if matches!(change.kind, Kind::ExamplesChanged) {
                "json"
            } else {
                "text"
            };
            let _ = writeln!(
                out,
                "Old:\n\n```{fence}\n{}\n```\n",
                change.old.as_deref().unwrap_or("")
            );
            let _ = writeln!(
                out,
                "New:\n\n```{fence}\n{}\n```\n",
                change.new.as_deref().unwrap_or("")
            );
        }
    }
    out
}

fn summary_line(changes: &[Change]) -> String {
    changes::summary(changes)
        .iter()
        .map(|(class, count)| format!("{count} {}", class.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(change: &Change) -> String {
    let detail = |what: &str| match (&change.old, &change.new) {
        (Some(old), Some(new)) => format!("{what}: `{old}` → `{new}`"),
        (None, Some(new)) => format!("{what}: `{new}`"),
        (Some(old), None) => format!("{what} (was `{old}`)"),
        (None, None) => what.to_string(),
    };
    match &change.kind {
        Kind::DataAdded => "data added".into(),
        Kind::DataRemoved => "data removed".into(),
        Kind::MemberAdded { optional: true } => detail("optional member added"),
        Kind::MemberAdded { optional: false } => detail("member added"),
        Kind::MemberRemoved => detail("member removed"),
        Kind::MadeOptional => "made optional".into(),
        Kind::MadeRequired => "made required".into(),
        Kind::TypeChanged => detail("type changed"),
        Kind::ValueAdded { value } => format!("value `\"{value}\"` added"),
        Kind::ValueRemoved { value } => format!("value `\"{value}\"` removed"),
        Kind::ValuesEnumerated => detail("values enumerated"),
        Kind::ValuesNoLongerEnumerated => detail("values no longer enumerated"),
        Kind::ConditionChanged => detail("condition changed"),
        Kind::FeatureAdded { feature } if feature == "deprecated" => "deprecated".into(),
        Kind::FeatureAdded { feature } => format!("feature `{feature}` added"),
        Kind::FeatureRemoved { feature } => format!("feature `{feature}` removed"),
        Kind::AbsentFromBuild {
            condition,
            value,
            feature,
        } => {
            let what = match (value, feature) {
                (Some(value), _) => format!("value `\"{value}\"` "),
                (_, Some(feature)) => format!("feature `{feature}` "),
                _ => String::new(),
            };
            format!("{what}absent from this build (only where `{condition}` holds)")
        }
        other => format!("{other:?}"),
    }
}

/// The same as JSON, for machines.
pub fn json(old: &str, new: &str, changes: &[Change]) -> Result<String, crate::Error> {
    let mut summary = serde_json::Map::new();
    for (class, count) in changes::summary(changes) {
        let serde_json::Value::String(class) = serde_json::to_value(class)? else {
            return Err(crate::Error::Json(serde::ser::Error::custom(
                "a class is not a string",
            )));
        };
        summary.insert(class, json!(count));
    }
    let changes = serde_json::to_value(changes)?;
    let value = json!({ "old": old, "new": new, "summary": summary, "changes": changes });
    crate::files::pretty_json(&value)
}

/// `CHANGELOG.md`: the history's changes, revision by revision, newest first.
pub fn changelog(revisions: &[Revision<'_>]) -> GeneratedFile {
    // The timeline only: a text revision of the QAPI era is compared with
    // its release in HISTORY-LINT.md instead.
    let revisions: Vec<&Revision<'_>> = revisions.iter().filter(|r| r.timeline).collect();
    let mut out = markdown_preamble();
    out.push_str("\n# Changelog of the QMP events, revision by revision\n\n");
    let _ = writeln!(
        out,
        "Newest first. Each change is classified for a client that consumes the events with the \
         generated types or schemas (the rule is in the project's README).\n\n{REMOVAL}\n"
    );
    for pair in revisions.windows(2).rev() {
        let (old, new) = (&pair[0], &pair[1]);
        let changes = changes::compare(old.spec, new.spec);
        let _ = writeln!(out, "## `{}` (from `{}`)\n", new.name, old.name);
        out.push_str(&markdown_body(&changes));
        out.push('\n');
    }
    if let Some(first) = revisions.first() {
        let _ = writeln!(
            out,
            "## Revision `{}`\n\nThe oldest revision of the history: {} events.",
            first.name,
            first.spec.events().count()
        );
    }
    GeneratedFile::new("CHANGELOG.md", out)
}
