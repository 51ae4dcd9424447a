//! Every vendored QAPI release (`qmp-spec/qapi/`) reads without error; the
//! events per release are what an independent count finds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use qmp_spec::qapi;

/// Every vendored release, oldest first, with its top file.
fn releases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi");
    let mut releases: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("qmp-spec/qapi")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            let top = [
                path.join("qapi/qapi-schema.json"),
                path.join("qapi-schema.json"),
            ]
            .into_iter()
            .find(|p| p.is_file())?;
            Some((name, top))
        })
        .collect();
    releases.sort_by_key(|(name, _)| version(name));
    releases
}

fn version(name: &str) -> Vec<u32> {
    name.split(['.', '-'])
        .map(|part| part.trim_start_matches("rc").parse().unwrap_or(0))
        .collect()
}

/// Every release read once: its name and schema.
fn schemas() -> &'static [(String, qapi::Schema)] {
    static SCHEMAS: std::sync::OnceLock<Vec<(String, qapi::Schema)>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| {
        releases()
            .into_iter()
            .map(|(name, top)| {
                let schema = qapi::read(&top).unwrap_or_else(|err| panic!("{name}:\n{err}"));
                (name, schema)
            })
            .collect()
    })
}

/// Events per release, as `qapi/README.md` tabulates them.
fn counts() -> Vec<(String, usize, usize)> {
    schemas()
        .iter()
        .map(|(name, schema)| {
            (
                name.clone(),
                schema.events().count(),
                schema.definitions.len(),
            )
        })
        .collect()
}

#[test]
fn every_release_reads_with_the_events_an_independent_count_finds() {
    // Every vendored release is one of the history's: `cargo xtask import`
    // adds both.
    let manifest = qmp_spec::history::manifest::Manifest::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("history"),
    )
    .expect("history.json");
    let in_history: Vec<String> = manifest
        .revisions
        .iter()
        .filter(|e| matches!(e.source, qmp_spec::history::manifest::Source::Qapi { .. }))
        .filter_map(|e| e.name().strip_prefix("qemu-").map(str::to_string))
        .collect();
    let vendored: Vec<&str> = schemas().iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(vendored, in_history);
    assert!(vendored.len() >= 34, "{vendored:?}");
    let mut all = BTreeSet::new();
    for (_, schema) in schemas() {
        all.extend(schema.events().map(|e| e.name.clone()));
    }
    let counts = counts();
    let count = |release: &str| counts.iter().find(|(n, _, _)| n == release).map(|c| c.1);
    assert_eq!(count("2.1.0"), Some(32));
    assert_eq!(count("7.2.0"), Some(52));
    assert_eq!(count("9.2.0"), Some(54));
    assert_eq!(count("10.0.0"), Some(56));
    assert_eq!(count("10.1.0"), Some(56));
    // The distinct events over all releases (59 up to 10.1.0), as a plain
    // search of the vendored files for lines `{ 'event': 'NAME'` finds them.
    let mut found = BTreeSet::new();
    for (name, top) in releases() {
        let dir = top.parent().expect("a folder").to_path_buf();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{name}: {err}")) {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("UTF-8");
                // A definition's first key, opening its line: not a member
                // named `event`.
                for (at, _) in text.match_indices("'event':") {
                    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
                    let opens = text[line_start..at].trim() == "{";
                    let rest = text[at + "'event':".len()..].trim_start();
                    if let (true, Some(name)) = (opens, rest.strip_prefix('\'')) {
                        found.extend(name.split('\'').next().map(str::to_string));
                    }
                }
            }
        }
    }
    assert_eq!(all, found);
    assert!(all.len() >= 59);
}

/// The README's table is the reader's count.
#[test]
fn the_readme_table_is_current() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi/README.md"))
            .expect("README");
    for (name, events, definitions) in counts() {
        let row = format!("| {name} | {events} | {definitions} |");
        assert!(readme.contains(&row), "qapi/README.md lacks the row {row}");
    }
}

/// Each release's events, with the types they reach, in canonical form
/// (`tests/snapshots/qapi__events__RELEASE.snap`): a new release shows up
/// as a new snapshot, and its diff against the one before is what changed.
#[test]
fn event_snapshots() {
    for (name, schema) in schemas() {
        let view = serde_json::to_string_pretty(&schema.event_view()).expect("serializes");
        insta::assert_snapshot!(format!("events__{name}"), view);
    }
}

/// Layout-only edits (expressions spread over more lines, other
/// indentation, documentation re-wrapped) give the same canonical form.
#[test]
fn layout_does_not_change_the_canonical_form() {
    let (_, top) = releases()
        .into_iter()
        .find(|(name, _)| name == "7.2.0")
        .expect("7.2.0");
    let relayout = |text: &str| -> String {
        text.lines()
            .map(|line| {
                if line.trim_start().starts_with('#') {
                    // Documentation: a word per line, the paragraph kept.
                    match line.trim_start().strip_prefix("# ") {
                        Some(words)
                            if !words.trim().is_empty()
                                && !words.starts_with(['@', ' ', '.'])
                                && !words.contains(':') =>
                        {
                            words
                                .split_whitespace()
                                .map(|w| format!("# {w}"))
                                .collect::<Vec<_>>()
                                .join("\n")
                        }
                        _ => line.to_string(),
                    }
                } else {
                    // Between tokens only: a string holds no `'`.
                    line.replace("', '", "',\n      '")
                        .replace("{ '", "{\n   '")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let original = qapi::read(&top).expect("reads");
    let edited = qapi::read_with(&top, &mut |path| {
        std::fs::read_to_string(path).map(|text| relayout(&text).into_bytes())
    })
    .expect("reads after the edit");
    assert_ne!(
        original.definitions[0].location, edited.definitions[0].location,
        "the edit moved things"
    );
    assert_eq!(
        serde_json::to_value(original.event_view()).unwrap(),
        serde_json::to_value(edited.event_view()).unwrap()
    );
    // The one model of both eras too: positions move, the canonical form
    // does not.
    let (before, after) = (
        original.to_spec("t").expect("converts"),
        edited.to_spec("t").expect("converts"),
    );
    assert_ne!(before.sections[0].span, after.sections[0].span);
    assert_eq!(before.canonical(), after.canonical());
}

/// Every release converts into the model of both eras, its events and its
/// commands, spelling out far fewer members than the conversion's budget
/// allows (16 per member the schema declares): the budget never decides
/// whether a real release converts. The events spell out under a quarter
/// of a member per struct and enum member; the commands, each with its
/// arguments and return, under 3 per declared member (`blockdev-create`,
/// the largest, about 4,600 members in 10.1.0).
#[test]
fn every_release_converts_well_within_the_budget() {
    fn spelled(
        spec: &qmp_spec::Spec,
        types: impl Iterator<Item = qmp_spec::types::TypeId>,
    ) -> usize {
        let mut left = usize::MAX;
        for ty in types {
            spec.types
                .check_spelling(ty, &mut left, qapi::MAX_NESTING)
                .expect("within the bounds");
        }
        usize::MAX - left
    }
    let mut counts = Vec::new();
    for (name, schema) in schemas() {
        let spec = schema
            .to_spec(name)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(spec.sections.len(), schema.events().count());
        assert_eq!(spec.commands.len(), schema.commands().count(), "{name}");
        let (mut struct_members, mut declared) = (0, 0);
        for definition in &schema.definitions {
            match &definition.kind {
                qapi::DefinitionKind::Struct { members, .. } => struct_members += members.len(),
                qapi::DefinitionKind::Enum { values, .. } => struct_members += values.len(),
                qapi::DefinitionKind::Union { branches, .. }
                | qapi::DefinitionKind::Alternate { branches } => declared += branches.len(),
                qapi::DefinitionKind::Event {
                    data: qapi::EventData::Members { members },
                    ..
                }
                | qapi::DefinitionKind::Command {
                    data: qapi::EventData::Members { members },
                    ..
                } => declared += members.len(),
                _ => {}
            }
        }
        declared += struct_members;
        let events = spelled(&spec, spec.sections.iter().filter_map(|s| s.data.ty()));
        assert!(
            events * 4 < struct_members,
            "{name}: {events} members of events spelled out for {struct_members} members"
        );
        let commands = spelled(
            &spec,
            spec.commands
                .iter()
                .flat_map(|c| c.arguments.iter().chain(&c.returns).copied()),
        );
        assert!(
            commands < 3 * declared,
            "{name}: {commands} members of commands spelled out for {declared} declared"
        );
        counts.push((name.as_str(), spec.commands.len()));
    }
    let count = |release: &str| counts.iter().find(|(n, _)| *n == release).map(|(_, c)| *c);
    assert_eq!(count("2.1.0"), Some(107));
    assert_eq!(count("9.2.0"), Some(239));
    assert_eq!(count("10.1.0"), Some(241));
}
