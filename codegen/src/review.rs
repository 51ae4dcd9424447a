//! The spec diff as a reviewer reads it (Markdown, for a pull request
//! comment), as a GitHub workflow shows it on a patch's lines (workflow
//! annotations), or as a machine does (JSON); and the history's changelog.

use std::collections::BTreeMap;
use std::fmt::Write;

use qmp_spec::changes::{self, Change, ChangeKind, Class, Target};
use serde_json::json;

use crate::GeneratedFile;
use crate::files::markdown_preamble;
use crate::version;

/// What an event leaving the document means; said wherever one does.
const REMOVAL: &str = "An event *removed from the document* is one the later revision no longer \
documents: QEMU moved the documentation of its events into its QAPI schema, and it still sends \
them. The generated types keep such an event, typed from the last revision that documented it.";

/// How much of the documentation changes a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Docs {
    /// One line per event, naming what changed.
    Collapsed,
    /// Every change with its old and new text.
    Full,
}

/// The Markdown report: a heading, a summary line, then the changes by
/// event or command, the one with the most severe change first.
pub fn markdown(old: &str, new: &str, changes: &[Change], docs: Docs) -> String {
    format!(
        "## QMP events and commands: `{old}` → `{new}`\n\n{}",
        markdown_body(changes, docs)
    )
}

/// `3 breaking, 0 potentially breaking, ...; qmp-events: a major version`.
pub fn summary_line(changes: &[Change]) -> String {
    // The two classes the review added later are counted only when there
    // are some.
    let counts = changes::summary(changes)
        .iter()
        .filter(|(class, count)| *count > 0 || !matches!(class, Class::Notice | Class::Unstable))
        .map(|(class, count)| format!("{count} {}", class.label()))
        .collect::<Vec<_>>()
        .join(", ");
    match version::step(changes) {
        Some(step) => format!("{counts}; `qmp-events` asks a {} version", step.label()),
        None => counts,
    }
}

/// The changes of each event and command, most severe first (then events
/// before commands, then by name), and within one most severe first (then
/// in the order found). A command's name is followed by `(command)`.
fn by_event(changes: &[Change]) -> Vec<(String, Vec<&Change>)> {
    let mut events: BTreeMap<(Target, &str), Vec<&Change>> = BTreeMap::new();
    for change in changes {
        events
            .entry((change.on, &change.event))
            .or_default()
            .push(change);
    }
    let mut events: Vec<((Target, &str), Vec<&Change>)> = events.into_iter().collect();
    for (_, list) in &mut events {
        list.sort_by_key(|c| c.class);
    }
    events.sort_by_key(|(key, list)| (list[0].class, *key));
    events
        .into_iter()
        .map(|((on, name), list)| match on {
            Target::Event => (format!("`{name}`"), list),
            Target::Command => (format!("`{name}` (command)"), list),
        })
        .collect()
}

fn markdown_body(changes: &[Change], docs: Docs) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str(
            "No changes: both sides have the same events and commands, in the same way.\n",
        );
        return out;
    }
    let _ = writeln!(out, "**{}.**\n", summary_line(changes));
    for (event, list) in by_event(changes) {
        let _ = writeln!(out, "### {event}: {}\n", list[0].class.label());
        let (documentation, interface): (Vec<&Change>, Vec<&Change>) = list
            .into_iter()
            .partition(|c| c.class == Class::Documentation);
        for change in interface {
            let _ = writeln!(out, "- {}", bullet(change));
        }
        match docs {
            Docs::Collapsed if !documentation.is_empty() => {
                let _ = writeln!(
                    out,
                    "- documentation only (patch): {} changed",
                    documentation_summary(&documentation)
                );
            }
            Docs::Collapsed => {}
            Docs::Full => {
                for change in documentation {
                    let _ = writeln!(out, "- {}", bullet(change));
                    let fence = if matches!(change.kind, ChangeKind::ExamplesChanged) {
                        "json"
                    } else {
                        "text"
                    };
                    for (label, text) in [("Old", &change.old), ("New", &change.new)] {
                        let _ = writeln!(
                            out,
                            "\n  {label}:\n\n  ```{fence}\n{}\n  ```",
                            indent(text.as_deref().unwrap_or(""))
                        );
                    }
                }
            }
        }
        out.push('\n');
    }
    if changes
        .iter()
        .any(|c| matches!(c.kind, ChangeKind::EventRemoved))
    {
        let _ = writeln!(out, "{REMOVAL}\n");
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `**breaking** (major): `addr.port`: made optional; via `InetSocketAddress`, qapi/sockets.json:12`.
fn bullet(change: &Change) -> String {
    let mut out = format!(
        "**{}**{}: {}{}",
        change.class.label(),
        semver_note(change),
        subject(change),
        describe(change)
    );
    if let Some(via) = &change.via {
        let _ = write!(out, "; via `{via}`");
    }
    if let Some(location) = &change.location {
        let _ = write!(out, "; `{}:{}`", location.file, location.line);
    }
    out
}

/// ` (major)`: the step a change asks of the crate; nothing for a
/// command's, which the crate does not type yet.
fn semver_note(change: &Change) -> String {
    match change.on {
        Target::Event => format!(" ({})", version::semver(change).label()),
        Target::Command => String::new(),
    }
}

/// What changed in an event: `` `addr.port`: ``, or nothing for the event.
fn subject(change: &Change) -> String {
    if change.member.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", change.member)
    }
}

/// `the description, `addr`'s description and the examples`.
fn documentation_summary(changes: &[&Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            let what = match c.kind {
                ChangeKind::NotesChanged => "notes",
                ChangeKind::ExamplesChanged => "examples",
                _ => "description",
            };
            if c.member.is_empty() {
                format!("the {what}")
            } else {
                format!("`{}`'s {what}", c.member)
            }
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn describe(change: &Change) -> String {
    let detail = |what: &str| match (&change.old, &change.new) {
        (Some(old), Some(new)) => format!("{what}: `{old}` → `{new}`"),
        (None, Some(new)) => format!("{what}: `{new}`"),
        (Some(old), None) => format!("{what} (was `{old}`)"),
        (None, None) => what.to_string(),
    };
    match &change.kind {
        ChangeKind::EventAdded => "event added".into(),
        ChangeKind::EventRemoved => "event removed from the document".into(),
        ChangeKind::EventRenamed { from } => {
            format!("likely renamed from `{from}` (same description and data)")
        }
        ChangeKind::DataAdded => "data added".into(),
        ChangeKind::DataRemoved => "data removed".into(),
        ChangeKind::MemberAdded { optional: true } => detail("optional member added"),
        ChangeKind::MemberAdded { optional: false } => detail("member added"),
        ChangeKind::MemberRemoved => detail("member removed"),
        ChangeKind::BranchAdded => detail("union branch added"),
        ChangeKind::BranchRemoved => detail("union branch removed"),
        ChangeKind::MadeOptional => "made optional".into(),
        ChangeKind::MadeRequired => "made required".into(),
        ChangeKind::TypeChanged => detail("type changed"),
        ChangeKind::ValueAdded { value } => format!("value `\"{value}\"` added"),
        ChangeKind::ValueRemoved { value } => format!("value `\"{value}\"` removed"),
        ChangeKind::ValuesEnumerated => detail("values enumerated"),
        ChangeKind::ValuesNoLongerEnumerated => detail("values no longer enumerated"),
        ChangeKind::ConditionChanged { widened: true } => detail("condition widened"),
        ChangeKind::ConditionChanged { widened: false } => detail("condition narrowed or changed"),
        ChangeKind::CommandAdded => "command added".into(),
        ChangeKind::CommandRemoved => "command removed".into(),
        ChangeKind::FeatureAdded { feature } if feature == "deprecated" => "deprecated".into(),
        ChangeKind::FeatureAdded { feature } => format!("feature `{feature}` added"),
        ChangeKind::FeatureRemoved { feature } => format!("feature `{feature}` removed"),
        ChangeKind::AbsentFromBuild {
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
        ChangeKind::DescriptionChanged => "description changed".into(),
        ChangeKind::NotesChanged => "notes changed".into(),
        ChangeKind::ExamplesChanged => "examples changed".into(),
    }
}

/// One GitHub Actions workflow command per change, so that a workflow shows
/// each on the line of the definition that changed: `::error` for breaking,
/// `::warning` for potentially breaking, `::notice` for the rest. An event's
/// documentation changes are one notice, unless `docs` is [`Docs::Full`].
pub fn github(changes: &[Change], docs: Docs) -> String {
    let mut out = String::new();
    for (event, list) in by_event(changes) {
        let (documentation, interface): (Vec<&Change>, Vec<&Change>) = list
            .into_iter()
            .partition(|c| c.class == Class::Documentation);
        let mut lines: Vec<(&Change, String)> = interface
            .into_iter()
            .map(|c| (c, format!("{}{}", subject(c), describe(c))))
            .collect();
        match docs {
            Docs::Full => lines.extend(
                documentation
                    .into_iter()
                    .map(|c| (c, format!("{}{}", subject(c), describe(c)))),
            ),
            Docs::Collapsed => {
                if let Some(first) = documentation.first() {
                    let text = format!("{} changed", documentation_summary(&documentation));
                    lines.push((first, text));
                }
            }
        }
        for (change, text) in lines {
            let command = match change.class {
                Class::Breaking => "error",
                Class::PotentiallyBreaking => "warning",
                Class::Notice | Class::Compatible | Class::Unstable | Class::Documentation => {
                    "notice"
                }
            };
            let mut properties = Vec::new();
            if let Some(location) = &change.location {
                properties.push(format!("file={}", property(&location.file)));
                properties.push(format!("line={}", location.line));
            }
            properties.push(format!(
                "title={}",
                property(&format!(
                    "{event}: {}{}",
                    change.class.label(),
                    semver_note(change)
                ))
            ));
            let mut message = text;
            if let Some(via) = &change.via {
                let _ = write!(message, " (via {via})");
            }
            let _ = writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                data(&message)
            );
        }
    }
    out
}

/// A workflow command's message, escaped as GitHub's toolkit does.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped as GitHub's toolkit does.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The same as JSON, for machines: every change in full.
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
    let value = json!({
        "old": old,
        "new": new,
        "summary": summary,
        "semver": version::step(changes),
        "changes": changes
            .iter()
            .map(|change| {
                let mut value = serde_json::to_value(change)?;
                if let serde_json::Value::Object(fields) = &mut value {
                    fields.insert("semver".into(), serde_json::to_value(version::semver(change))?);
                }
                Ok(value)
            })
            .collect::<Result<Vec<_>, serde_json::Error>>()?,
    });
    crate::files::pretty_json(&value)
}

/// `CHANGELOG.md`: the history's changes, revision by revision, newest
/// first, each with the version of `qmp-events` it makes.
pub fn changelog(steps: &[version::RevisionStep<'_>]) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# Changelog of the QMP events, revision by revision\n\n");
    let _ = writeln!(
        out,
        "Newest first. Each change is classified for a client that consumes the events with the \
         generated types or schemas, and says which step of semantic versioning it asks of the \
         `qmp-events` crate (the rules are in the project's README). Each revision's heading \
         gives the crate's version once it is in the history. Documentation changes are one \
         line per event; `cargo xtask diff OLD NEW --docs full` shows them in full.\n\n\
         {REMOVAL}\n"
    );
    // The generator's steps come after the newest revision: first.
    if let Some(generator) = version::generator_note(steps) {
        let _ = writeln!(out, "## The generator\n\n{generator}");
    }
    for step in steps.iter().rev() {
        match &step.from {
            Some(from) => {
                let _ = writeln!(
                    out,
                    "## `{}` (from `{from}`): `qmp-events` {}\n",
                    step.name, step.version
                );
                out.push_str(&markdown_body(&step.changes, Docs::Collapsed));
            }
            None => {
                let _ = writeln!(
                    out,
                    "## Revision `{}`: `qmp-events` {}\n\nThe oldest revision of the history: {} \
                     events.",
                    step.name, step.version, step.events
                );
            }
        }
    }
    GeneratedFile::new("CHANGELOG.md", out)
}
