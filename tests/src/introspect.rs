//! What the introspection tests share: the build they compare with, and a
//! release's model with its conditions decided for that build.

use std::collections::BTreeSet;

use qmp_spec::changes::{self, Change, ChangeKind};
use qmp_spec::input::{Loaded, Resolver};
use qmp_spec::qapi::{self, Base, Condition, DefinitionKind, EventData, Member, TypeRef};

/// The configuration symbols of Debian bookworm's `qemu-system-x86` 7.2
/// build (an x86_64 system emulator on Linux, with SPICE and VNC) that
/// decide the 7.2.0 schema's events and the types they reach: those
/// conditions name these four symbols and no other
/// ([`condition_symbols`]), and the build defines all four. The target's
/// own symbols are listed for the conditions of other parts.
pub const DEBIAN_7_2_X86_64: &[&str] = &[
    "CONFIG_LINUX",
    "CONFIG_SPICE",
    "CONFIG_VNC",
    "HAVE_IPPROTO_MPTCP",
    "TARGET_I386",
    "TARGET_X86_64",
];

/// Every configuration symbol the conditions of a view name.
pub fn condition_symbols(view: &qapi::EventView<'_>) -> BTreeSet<String> {
    fn walk(condition: &Condition, out: &mut BTreeSet<String>) {
        match condition {
            Condition::Name(name) => {
                out.insert(name.clone());
            }
            Condition::All(all) | Condition::Any(all) => all.iter().for_each(|c| walk(c, out)),
            Condition::Not(not) => walk(not, out),
        }
    }
    fn members(list: &[Member], out: &mut BTreeSet<String>) {
        for member in list {
            member.condition.iter().for_each(|c| walk(c, out));
            member
                .features
                .iter()
                .flat_map(|f| &f.condition)
                .for_each(|c| walk(c, out));
            if let TypeRef::Object(inner) = &member.ty {
                members(inner, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    for definition in view.events.iter().chain(&view.types) {
        definition.condition.iter().for_each(|c| walk(c, &mut out));
        definition
            .features
            .iter()
            .flat_map(|f| &f.condition)
            .for_each(|c| walk(c, &mut out));
        match &definition.kind {
            DefinitionKind::Struct { members: m, .. } => members(m, &mut out),
            DefinitionKind::Enum { values, .. } => {
                for value in values {
                    value.condition.iter().for_each(|c| walk(c, &mut out));
                }
            }
            DefinitionKind::Union { base, branches, .. } => {
                if let Some(Base::Members(m)) = base {
                    members(m, &mut out);
                }
                branches
                    .iter()
                    .flat_map(|b| &b.condition)
                    .for_each(|c| walk(c, &mut out));
            }
            DefinitionKind::Alternate { branches } => branches
                .iter()
                .flat_map(|b| &b.condition)
                .for_each(|c| walk(c, &mut out)),
            DefinitionKind::Event {
                data: EventData::Members { members: m },
                ..
            } => members(m, &mut out),
            DefinitionKind::Event { .. } | DefinitionKind::Command { .. } => {}
        }
    }
    out
}

/// The project's resolver of inputs.
pub fn resolver() -> Resolver {
    Resolver::new(crate::workspace_root().join("qmp-spec/history"))
}

/// `tests/fixtures/qemu-7.2-introspection.json`: QEMU 7.2's answers (the
/// greeting, `query-version`, `query-qmp-schema`), as one capture.
pub const CAPTURE_7_2: &str = "qemu-7.2-introspection.json";

/// The changes from `revision` of the history to what `loaded` says of a
/// build of it, but for what the build lacks by a condition: each such
/// change is passed to `absent` to check.
pub fn wire_changes_from(
    history: &qmp_spec::history::History,
    revision: &str,
    loaded: &Loaded,
    absent: &dyn Fn(&Change),
) -> Vec<Change> {
    let release = history
        .get(revision)
        .unwrap_or_else(|| panic!("{revision} in the history"));
    changes::compare(&release.spec, &loaded.spec)
        .into_iter()
        .filter(|change| match &change.kind {
            ChangeKind::AbsentFromBuild { .. } => {
                absent(change);
                false
            }
            _ => true,
        })
        .collect()
}

/// The changes from release 7.2.0 to what `loaded` says of a 7.2 build,
/// but for what the build lacks by a condition it does not define (each
/// such condition is checked to be false for the Debian build).
pub fn wire_changes_from_7_2(loaded: &Loaded) -> Vec<Change> {
    wire_changes_from(&crate::history(), "qemu-7.2.0", loaded, &|change| {
        if let ChangeKind::AbsentFromBuild { condition, .. } = &change.kind {
            // The Debian build defines every symbol the events reach.
            assert!(
                !DEBIAN_7_2_X86_64.iter().any(|s| condition == s),
                "{change:?}: the build defines {condition}"
            );
        }
    })
}
