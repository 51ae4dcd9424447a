//! Markdown of the commands: for each revision with commands,
//! `docs/commands/REVISION.md` (each command with its history, conditions,
//! features, arguments, return and examples, then each named type they
//! reach, once; a member that came after its type or command, or went
//! before it, says when), and `docs/COMMANDS.md`, the availability of every
//! command across the history's releases.

use std::collections::HashSet;
use std::fmt::Write;

use qmp_spec::model::{Command, Condition, Feature};
use qmp_spec::types::{TypeId, TypeKind, Types};

use super::text;
use crate::availability::Availability;
use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

/// `docs/commands/NAME.md` of a revision with commands.
pub fn revision_file(
    revision: &Revision<'_>,
    availability: &Availability<'_>,
) -> Option<GeneratedFile> {
    let spec = revision.spec;
    if spec.commands.is_empty() {
        return None;
    }
    let name = revision.name();
    let mut out = markdown_preamble();
    let _ = writeln!(out, "\n# QMP commands — revision `{name}`\n");
    if !revision.about.is_empty() {
        let _ = writeln!(out, "{}\n", revision.about);
    }
    if let Some(build) = &spec.build {
        let _ = writeln!(out, "{}\n", super::build_note(build));
    }
    let _ = writeln!(
        out,
        "{} commands. Schemas: [`commands.json`](../../schema/{name}/commands.json) (requests), \
         [`returns.json`](../../schema/{name}/returns.json). Events: [{name}.md](../{name}.md). \
         Each command across the history: [COMMANDS.md](../COMMANDS.md).\n",
        spec.commands.len()
    );
    for command in &spec.commands {
        let _ = writeln!(out, "- [`{0}`](#{0})", command.name);
    }
    let mut reached = Reached::new(&spec.types, availability);
    for command in &spec.commands {
        command_markdown(&mut out, command, &mut reached, availability);
    }
    out.push_str("\n# Types\n\nEach named type the commands reach, once.\n");
    while let Some(ty) = reached.next() {
        type_markdown(&mut out, ty, &mut reached);
    }
    Some(GeneratedFile::new(format!("docs/commands/{name}.md"), out))
}

/// The named types the pages refer to, each documented once, in the
/// order first met.
struct Reached<'t> {
    types: &'t Types,
    availability: &'t Availability<'t>,
    seen: HashSet<TypeId>,
    queue: std::collections::VecDeque<TypeId>,
}

impl<'t> Reached<'t> {
    fn new(types: &'t Types, availability: &'t Availability<'t>) -> Self {
        Reached {
            types,
            availability,
            seen: HashSet::new(),
            queue: Default::default(),
        }
    }

    fn next(&mut self) -> Option<TypeId> {
        self.queue.pop_front()
    }

    /// A use of type `ty`: its label, linking to the named type's section
    /// (which is then due).
    fn label(&mut self, ty: TypeId) -> String {
        let types = self.types;
        let def = types.get(ty);
        match (&def.kind, &def.name) {
            (TypeKind::Array { items: Some(items) }, _) => {
                format!("array of {}", self.label(*items))
            }
            (TypeKind::Scalar { scalar }, _) => scalar.label().to_string(),
            (TypeKind::External, name) => format!("`{}`", name.as_deref().unwrap_or_default()),
            (kind, Some(name)) => {
                if self.seen.insert(ty) {
                    self.queue.push_back(ty);
                }
                format!("{} [`{name}`](#type-{})", kind.label(), anchor(name))
            }
            (kind, None) => kind.label().to_string(),
        }
    }
}

/// GitHub's anchor of a heading `Type \`NAME\``, less its `type-` prefix.
fn anchor(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn facts(condition: Option<&Condition>, features: &[Feature]) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(condition) = condition {
        facts.push(format!("Only in builds where `{condition}` holds."));
    }
    for feature in features {
        facts.push(match feature.name.as_str() {
            "deprecated" => "**Deprecated.**".to_string(),
            "unstable" => "Unstable: no compatibility promise.".to_string(),
            other => format!("Feature `{other}`."),
        });
    }
    facts
}

fn command_markdown(
    out: &mut String,
    command: &Command,
    reached: &mut Reached<'_>,
    availability: &Availability<'_>,
) {
    let _ = writeln!(out, "\n## {}\n", command.name);
    if !command.description.is_empty() {
        let _ = writeln!(out, "{}\n", text(&command.description));
    }
    let mut facts = Vec::new();
    if let Some(found) = availability.of(&command.name) {
        facts.push(format!("In the history: {found}."));
    }
    if let Some(since) = &command.since {
        facts.push(format!("Since {since} (its documentation says)."));
    }
    facts.extend(self::facts(command.condition.as_ref(), &command.features));
    if command.allow_oob {
        facts.push("May run out of band (`exec-oob`).".into());
    }
    if command.allow_preconfig {
        facts.push("Allowed before the machine is configured (`--preconfig`).".into());
    }
    if !command.success_response {
        facts.push("QEMU sends no response.".into());
    }
    if command.extra_arguments {
        facts.push("Takes arguments the schema does not list (device properties).".into());
    }
    let _ = writeln!(out, "{}\n", facts.join(" "));
    match command.arguments {
        None => out.push_str("Arguments: none.\n"),
        Some(ty) if reached.types.get(ty).name.is_some() => {
            let _ = writeln!(out, "Arguments: {}.", reached.label(ty));
        }
        Some(ty) => {
            out.push_str("| argument | type | required | description |\n|---|---|---|---|\n");
            member_rows(out, &format!("{}.arguments", command.name), ty, reached);
        }
    }
    match command.returns {
        None => out.push_str("\nReturns: nothing (`{}`).\n"),
        Some(ty) => {
            let _ = writeln!(out, "\nReturns: {}.", reached.label(ty));
        }
    }
    for example in &command.examples {
        let arrow = if example
            .json
            .as_ref()
            .is_some_and(|j| j.get("execute").is_some())
        {
            "->"
        } else {
            "<-"
        };
        let _ = writeln!(out, "\n```json\n{arrow} {}\n```", example.raw);
    }
}

/// A row per member of an object or union (its common members), each
/// with when it came or went where not with `owner`.
fn member_rows(out: &mut String, owner: &str, ty: TypeId, reached: &mut Reached<'_>) {
    let types = reached.types;
    for member in types.members(ty) {
        let mut description = text(&member.description);
        description.push_str(&reached.availability.member_note(owner, &member.name));
        for fact in facts(member.condition.as_ref(), &member.features) {
            description.push(' ');
            description.push_str(&fact);
        }
        let label = reached.label(member.ty);
        let _ = writeln!(
            out,
            "| `{}` | {label} | {} | {} |",
            member.name,
            if member.optional { "no" } else { "yes" },
            description.trim()
        );
    }
}

/// A named type's section: its description, facts, and members, values or
/// branches (a branch's type linked, not spelled again).
fn type_markdown(out: &mut String, ty: TypeId, reached: &mut Reached<'_>) {
    let types = reached.types;
    let def = types.get(ty);
    let name = def.name.as_deref().unwrap_or_default();
    let _ = writeln!(out, "\n### Type `{name}`\n");
    if !def.description.is_empty() {
        let _ = writeln!(out, "{}\n", text(&def.description));
    }
    let mut facts = facts(def.condition.as_ref(), &def.features);
    if let Some(since) = &def.since {
        facts.insert(0, format!("Since {since} (its documentation says)."));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{}\n", facts.join(" "));
    }
    match &def.kind {
        TypeKind::Enum { values } => {
            out.push_str("| value | description |\n|---|---|\n");
            for value in values {
                let mut description = text(value.meaning.as_deref().unwrap_or_default());
                for fact in self::facts(value.condition.as_ref(), &value.features) {
                    description.push(' ');
                    description.push_str(&fact);
                }
                let _ = writeln!(out, "| `\"{}\"` | {} |", value.value, description.trim());
            }
        }
        TypeKind::Object { .. } => {
            out.push_str("| member | type | required | description |\n|---|---|---|---|\n");
            member_rows(out, name, ty, reached);
        }
        TypeKind::Union { tag, branches, .. } => {
            out.push_str("| member | type | required | description |\n|---|---|---|---|\n");
            member_rows(out, name, ty, reached);
            let _ = writeln!(out, "\nBy `{tag}`:\n");
            for branch in branches {
                let mut line = format!("- `\"{}\"`: {}", branch.name, reached.label(branch.ty));
                if let Some(condition) = &branch.condition {
                    let _ = write!(line, " (only in builds where `{condition}` holds)");
                }
                let _ = writeln!(out, "{line}");
            }
        }
        TypeKind::Alternate { branches } => {
            out.push_str("One of:\n\n");
            for branch in branches {
                let _ = writeln!(out, "- {}", reached.label(branch.ty));
            }
        }
        TypeKind::Scalar { .. } | TypeKind::Array { .. } | TypeKind::External => {}
    }
}

/// `docs/COMMANDS.md`: each command of the history's releases, with the
/// first and last release that has it, and what the newest says of it.
pub fn index(availability: &Availability<'_>) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# QMP commands across the history\n\n");
    let revisions = &availability.revisions;
    let _ = writeln!(
        out,
        "Every command of the {} revisions with commands (QAPI releases from `{}`, and builds' \
         introspection), oldest first: when it came, when it went, and what the newest \
         revision that has it says. `cargo xtask since COMMAND[.arguments.MEMBER[=VALUE]]` \
         answers the same for any member or value. The text era's `qmp-commands.txt` is not \
         read: commands start with the QAPI era.\n",
        revisions.len(),
        revisions.first().map_or("", |r| r.name())
    );
    out.push_str("| command | available | in the newest that has it |\n|---|---|---|\n");
    for (name, found) in &availability.present {
        // A schema's account, with its conditions, before a build's.
        let newest = found
            .iter()
            .rev()
            .map(|&i| revisions[i])
            .find(|r| r.spec.build.is_none())
            .unwrap_or(revisions[found[found.len() - 1]]);
        let command = newest.spec.commands.iter().find(|c| c.name == *name);
        let facts = command
            .map(|c| facts(c.condition.as_ref(), &c.features).join(" "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| [`{name}`](commands/{}.md#{name}) | {} | {} |",
            newest.name(),
            availability.of(name).unwrap_or_default(),
            facts
        );
    }
    GeneratedFile::new("docs/COMMANDS.md", out)
}
