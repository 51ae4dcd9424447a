//! Markdown: a reference of each revision's events, and the index of
//! revisions (`generated/README.md`).

use std::fmt::Write;

use qmp_spec::{Data, Field, Section};

use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

/// `docs/NAME.md`: the revision's events, their members, values, examples
/// and notes.
pub fn revision_file(revision: &Revision<'_>) -> GeneratedFile {
    let spec = revision.spec;
    let mut out = markdown_preamble();
    let _ = writeln!(out, "\n# {} — revision `{}`\n", spec.title, revision.name);
    if !revision.about.is_empty() {
        let _ = writeln!(out, "{}\n", revision.about);
    }
    let _ = writeln!(
        out,
        "{} events. Schemas: [`schema/{}/`](../schema/{}/events.json).\n",
        spec.events().count(),
        revision.name,
        revision.name
    );
    for (name, _) in spec.events() {
        let _ = writeln!(out, "- [`{name}`](#{})", name.to_ascii_lowercase());
    }
    for section in &spec.sections {
        for name in &section.names {
            section_markdown(&mut out, name, section);
        }
    }
    GeneratedFile::new(format!("docs/{}.md", revision.name), out)
}

fn section_markdown(out: &mut String, name: &str, section: &Section) {
    let _ = writeln!(out, "\n## {name}\n");
    if !section.description.is_empty() {
        let _ = writeln!(out, "{}\n", text(&section.description));
    }
    match &section.data {
        Data::None => out.push_str("Data: none.\n"),
        Data::Unspecified => out.push_str("Data: not documented.\n"),
        Data::External { type_name, .. } => {
            let _ = writeln!(out, "Data: QEMU's QAPI type `{type_name}`.");
        }
        Data::Fields { fields } => {
            out.push_str("| member | type | required | description |\n|---|---|---|---|\n");
            members(out, fields, "");
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

fn members(out: &mut String, fields: &[Field], prefix: &str) {
    for field in fields {
        let mut description = text(&field.description);
        if !field.values.is_empty() {
            let values: Vec<String> = field
                .values
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
        let _ = writeln!(
            out,
            "| `{prefix}{}` | {} | {} | {} |",
            field.name,
            field.ty.label(),
            if field.optional { "no" } else { "yes" },
            description.trim()
        );
        members(out, &field.fields, &format!("{prefix}{}.", field.name));
    }
}

/// Spec text in Markdown: table pipes and HTML angle brackets escaped.
fn text(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `README.md` of `generated/`: what is there, and the index of revisions.
pub fn index(revisions: &[Revision<'_>], events: usize) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# Generated from the history of `qmp-events.txt`\n\n");
    out.push_str(
        "Everything in this folder is written by `cargo xtask regen` from the revisions in\n\
         `qmp-spec/history/`; `cargo xtask regen --check` fails when it is stale.\n\n",
    );
    let _ = writeln!(
        out,
        "- `src/`: the `qmp-events` crate, Rust types for all {events} events the history documents;\n\
         - `schema/REVISION/`: JSON Schema (Draft 2020-12) of each revision: `EVENT.json` per event, `events.json` for any event message;\n\
         - `docs/REVISION.md`: a reference of each revision's events;\n\
         - `ir/REVISION.json`: each revision's model, in the canonical form of `cargo xtask ir --canonical`;\n\
         - `CHANGELOG.md`: the changes of each revision for clients, newest first (`cargo xtask diff`).\n"
    );
    out.push_str("## Revisions, oldest first\n\n| revision | events | reference | schema | model |\n|---|---|---|---|---|\n");
    for revision in revisions {
        let name = revision.name;
        let _ = writeln!(
            out,
            "| `{name}` | {} | [docs/{name}.md](docs/{name}.md) | [schema/{name}/events.json](schema/{name}/events.json) | [ir/{name}.json](ir/{name}.json) |",
            revision.spec.events().count()
        );
    }
    GeneratedFile::new("README.md", out)
}
