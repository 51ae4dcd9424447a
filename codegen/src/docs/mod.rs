//! Markdown: a reference of each revision's events, and the index of
//! revisions (`generated/INDEX.md`); [`commands`]: the commands'.

pub mod commands;

use std::fmt::Write;

use qmp_spec::history::Era;
use qmp_spec::types::{TypeId, TypeKind, Types};
use qmp_spec::{Data, Section};

use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

/// `docs/NAME.md`: the revision's events, their members, values, examples
/// and notes.
pub fn revision_file(revision: &Revision<'_>) -> GeneratedFile {
    let spec = revision.spec;
    let mut out = markdown_preamble();
    let _ = writeln!(out, "\n# {} — revision `{}`\n", spec.title, revision.name());
    if !revision.about.is_empty() {
        let _ = writeln!(out, "{}\n", revision.about);
    }
    if let Some(build) = &spec.build {
        let _ = writeln!(out, "{}\n", build_note(build));
    }
    let _ = writeln!(
        out,
        "{} events. Schemas: [`schema/{}/`](../schema/{}/events.json).\n",
        spec.events().count(),
        revision.name(),
        revision.name()
    );
    for (name, _) in spec.events() {
        let _ = writeln!(out, "- [`{name}`](#{})", name.to_ascii_lowercase());
    }
    for section in &spec.sections {
        for name in &section.names {
            section_markdown(&mut out, name, section, &spec.types);
        }
    }
    GeneratedFile::new(format!("docs/{}.md", revision.name()), out)
}

/// What a revision read from a binary's introspection is, and where its
/// documentation comes from.
pub fn build_note(build: &qmp_spec::Build) -> String {
    let mut note = String::from(
        "The wire schema of one QEMU build, as its `query-qmp-schema` gives it: its `if` \
         conditions decided, no documentation of its own.",
    );
    match &build.documented_from {
        Some(release) => {
            let _ = write!(
                note,
                " Type names and documentation come from QAPI release `{release}` wherever the \
                 wire shape matches; types it does not name are named by their first path, and \
                 what it does not document has no documentation."
            );
        }
        None => note.push_str(" Types are named by their first path."),
    }
    note
}

fn section_markdown(out: &mut String, name: &str, section: &Section, types: &Types) {
    let _ = writeln!(out, "\n## {name}\n");
    if !section.description.is_empty() {
        let _ = writeln!(out, "{}\n", text(&section.description));
    }
    let mut facts = Vec::new();
    if let Some(since) = &section.since {
        facts.push(format!("Since {since} (its documentation says)."));
    }
    if let Some(condition) = &section.condition {
        facts.push(format!("Only in builds where `{condition}` holds."));
    }
    for feature in &section.features {
        facts.push(format!("Feature `{}`.", feature.name));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{}\n", facts.join(" "));
    }
    match &section.data {
        Data::None => out.push_str("Data: none.\n"),
        Data::Unspecified => out.push_str("Data: not documented.\n"),
        Data::External { type_name, .. } => {
            let _ = writeln!(out, "Data: QEMU's QAPI type `{type_name}`.");
        }
        Data::Members { .. } => {
            out.push_str("| member | type | required | description |\n|---|---|---|---|\n");
            if let Some(data) = section.data.ty() {
                Members {
                    out,
                    types,
                    inside: Vec::new(),
                }
                .rows(data, "");
            }
        }
    }
    for example in &section.examples {
        match &example.label {
            Some(label) => {
                let _ = writeln!(out, "\n{label}:\n");
            }
            None => out.push_str("\nExample:\n\n"),
        }
        let _ = writeln!(out, "```json\n{}\n```", example.raw);
        if let Some(error) = &example.error {
            let _ = writeln!(out, "\n(Not valid JSON: {error}.)");
        }
    }
    for note in &section.notes {
        let _ = writeln!(out, "\nNote: {}", text(&note.text));
    }
}

/// The rows of a member table: each member of a type, then its own
/// members, elements and branches under its path; a type within itself is
/// not spelled out again.
struct Members<'o, 't> {
    out: &'o mut String,
    types: &'t Types,
    /// The types whose rows are being written.
    inside: Vec<TypeId>,
}

impl Members<'_, '_> {
    fn rows(&mut self, ty: TypeId, prefix: &str) {
        if self.inside.contains(&ty) {
            return;
        }
        self.inside.push(ty);
        let types = self.types;
        for member in types.members(ty) {
            let mut description = text(&member.description);
            let values = types.values(member.ty);
            if !values.is_empty() {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| match &v.meaning {
                        Some(meaning) => format!("`\"{}\"`: {}", v.value, text(meaning)),
                        None => format!("`\"{}\"`", v.value),
                    })
                    .collect();
                if !description.is_empty() && !description.ends_with(['.', ':', ';', '!', '?']) {
                    description.push('.');
                }
                description.push_str(&format!(" Values: {}.", values.join("; ")));
            }
            if let Some(condition) = &member.condition {
                description.push_str(&format!(" Only in builds where `{condition}` holds."));
            }
            for feature in &member.features {
                description.push_str(&format!(" Feature `{}`.", feature.name));
            }
            let _ = writeln!(
                self.out,
                "| `{prefix}{}` | {} | {} | {} |",
                member.name,
                type_label(types, member.ty),
                if member.optional { "no" } else { "yes" },
                description.trim()
            );
            let path = format!("{prefix}{}", member.name);
            let (inner, element) = match types.get(member.ty).kind {
                TypeKind::Array { items: Some(items) } => (items, "[]"),
                _ => (member.ty, ""),
            };
            self.branches(inner, &format!("{path}{element}"));
        }
        self.inside.pop();
    }

    /// The members of the type of `path`, then its branches: a union's,
    /// each under the tag's value, an alternate's, each under its name.
    fn branches(&mut self, ty: TypeId, path: &str) {
        let types = self.types;
        if self.inside.contains(&ty) {
            return;
        }
        self.rows(ty, &format!("{path}."));
        self.inside.push(ty);
        for branch in types.branches(ty) {
            let when = match &types.get(ty).kind {
                TypeKind::Union { tag, .. } => format!("when `{tag}` is `\"{}\"`", branch.name),
                _ => "one of the alternatives".to_string(),
            };
            let _ = writeln!(
                self.out,
                "| `{path}` ({when}) | {} | | |",
                type_label(types, branch.ty)
            );
            self.rows(branch.ty, &format!("{path}."));
        }
        self.inside.pop();
    }
}

/// A member's type: the JSON type, with the QAPI type's name when it has
/// one (`union SocketAddress`, `array of BlockDeviceInfo`).
fn type_label(types: &Types, ty: TypeId) -> String {
    let def = types.get(ty);
    let kind = match &def.kind {
        TypeKind::Array { items: Some(items) } => {
            return format!("array of {}", type_label(types, *items));
        }
        TypeKind::External => return def.name.clone().unwrap_or_default(),
        kind => kind.label(),
    };
    match &def.name {
        Some(name) => format!("{kind} `{name}`"),
        None => kind.to_string(),
    }
}

/// Spec text in Markdown: table pipes and HTML angle brackets escaped.
pub(crate) fn text(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `INDEX.md` of `generated/`: what is there, and the index of revisions
/// (`README.md` is the crate's).
pub fn index(revisions: &[Revision<'_>], events: usize) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# Generated from the history of QEMU's QMP events\n\n");
    out.push_str(
        "Everything in this folder is written by `cargo xtask regen` from the revisions in\n\
         `qmp-spec/history/`; `cargo xtask regen --check` fails when it is stale.\n\n",
    );
    let _ = writeln!(
        out,
        "- `Cargo.toml`, `README.md`, `src/`, `examples/`: the `qmp-events` crate, Rust types for all {events} events the history documents (the package holds these and `COPYING`);\n\
         - `schema/REVISION/`: JSON Schema (Draft 2020-12) of each revision: `events.json` for any event message (named QAPI types in `$defs`), `EVENT.json` per event (for a QAPI release, a reference into `events.json`); for a revision with commands, `commands.json` (any request) and `returns.json` (each command's return);\n\
         - `docs/REVISION.md`: a reference of each revision's events; `docs/commands/REVISION.md` of its commands, and `docs/COMMANDS.md` of every command across the history;\n\
         - `ir/REVISION.json`: each text revision's model, in the canonical form of `cargo xtask ir --canonical` (a release's is `cargo xtask ir` of its vendored schema);\n\
         - `CHANGELOG.md`: the changes along the timeline for clients, newest first (`cargo xtask diff`);\n\
         - `HISTORY-LINT.md`: where the text and the QAPI schema disagree, and `Since:` lines the history contradicts.\n\n\
         The revisions are the text revisions of `qmp-events.txt`, then (from 2.1.0) the QAPI schema of every release; a text revision of the QAPI era names the release that shipped it, and the release is authoritative.\n"
    );
    out.push_str("## Revisions, oldest first\n\n| revision | source | events | reference | schema | model |\n|---|---|---|---|---|---|\n");
    for revision in revisions {
        let name = revision.name();
        let source = match (revision.era(), revision.release) {
            (Era::Schema, _) => "QAPI schema".to_string(),
            (Era::Build, _) => "a binary's introspection".to_string(),
            (Era::Text, Some(release)) => format!("text, shipped in `{release}`"),
            (Era::Text, None) => "text".to_string(),
        };
        let model = if revision.is_release() {
            "`cargo xtask ir`".to_string()
        } else {
            format!("[ir/{name}.json](ir/{name}.json)")
        };
        let _ = writeln!(
            out,
            "| `{name}` | {source} | {} | [docs/{name}.md](docs/{name}.md) | [schema/{name}/events.json](schema/{name}/events.json) | {model} |",
            revision.spec.events().count()
        );
    }
    GeneratedFile::new("INDEX.md", out)
}
