//! QEMU 7.2's own account of its schema (`query-qmp-schema`) read by the
//! introspection reader, against release 7.2.0 of the history: no change on
//! the wire (the same events, members, optionality, JSON types, enum values,
//! branches, arrays and features), with names and documentation from 7.2.0.
//!
//! Always checked against the recordings in `tests/fixtures/` (the capture
//! with the greeting and `query-version`, and the bare reply); live too,
//! through `qemu:PROGRAM` and `unix:PATH`, where QEMU is installed
//! (required with `QMP_LIVE=1`). `QMP_RECORD_CAPTURE=PATH` writes a new
//! capture, `QMP_RECORD_SCHEMA=PATH` a new bare reply.

use qmp_spec::changes::{self, ChangeKind, Class, Target};
use qmp_spec::history::Era;
use qmp_tests::introspect::{CAPTURE_7_2, DEBIAN_7_2_X86_64, resolver, wire_changes_from_7_2};
use qmp_tests::live::{Listening, binaries_or_skip};
use serde_json::{Value, json};

fn fixture_path(name: &str) -> String {
    qmp_tests::workspace_root()
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn assert_no_wire_change(loaded: &qmp_spec::input::Loaded) {
    let found = wire_changes_from_7_2(loaded);
    assert!(found.is_empty(), "{} changes:\n{found:#?}", found.len());
    assert_eq!(loaded.era, Era::Build);
    // As many events as the release has for this build.
    let top = qmp_tests::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    let schema = qmp_spec::qapi::read(&top).unwrap_or_else(|err| panic!("{err}"));
    let built = schema
        .events()
        .filter(|e| {
            e.condition
                .as_ref()
                .is_none_or(|c| c.holds(&|s| DEBIAN_7_2_X86_64.contains(&s)))
        })
        .count();
    assert_eq!(loaded.spec.events().count(), built);
    eprintln!(
        "{}: {built} events, no wire change from qemu-7.2.0",
        loaded.name
    );
}

#[test]
fn the_recorded_capture_of_qemu_7_2_has_no_wire_change_from_release_7_2_0() {
    let loaded = resolver()
        .load(&fixture_path(CAPTURE_7_2))
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(
        loaded
            .name
            .ends_with("(QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3))"),
        "{}",
        loaded.name
    );
    let build = loaded.spec.build.as_ref().expect("a build");
    assert_eq!(build.documented_from.as_deref(), Some("qemu-7.2.0"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_no_wire_change(&loaded);
    // Names and documentation from 7.2.0 where the wire matches: all of
    // it, the same model but for the conditions the build decided.
    let history = qmp_tests::history();
    let release = &history.get("qemu-7.2.0").expect("7.2.0").spec;
    fn unconditional(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("condition");
                map.values_mut().for_each(unconditional);
            }
            Value::Array(list) => list.iter_mut().for_each(unconditional),
            _ => {}
        }
    }
    let canonical = |spec: &qmp_spec::Spec| {
        let mut sections = spec.canonical().sections;
        sections.sort_by_key(|s| s.names);
        let mut value = serde_json::to_value(sections).expect("serializes");
        unconditional(&mut value);
        value
    };
    assert!(
        canonical(&loaded.spec) == canonical(release),
        "the models differ"
    );
}

#[test]
fn the_bare_recorded_reply_has_no_wire_change_and_says_what_it_lacks() {
    let loaded = resolver()
        .load(&fixture_path("qemu-7.2-qmp-schema.json"))
        .unwrap_or_else(|err| panic!("{err}"));
    // No version beside it: the newest release lends names, with a warning.
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(loaded.warnings[0].contains("does not say which QEMU"));
    assert_no_wire_change(&loaded);
}

/// The recorded capture, edited by `edit`, read.
fn edited(edit: impl FnOnce(&mut Vec<Value>)) -> qmp_spec::Spec {
    let text = qmp_tests::fixture(CAPTURE_7_2);
    let mut capture: Value = serde_json::from_str(&text).expect("JSON");
    let mut list: Vec<Value> = serde_json::from_value(capture["return"].take()).expect("a list");
    edit(&mut list);
    capture["return"] = Value::Array(list);
    let path = std::env::temp_dir().join(format!(
        "edited-capture-{}-{}.json",
        std::process::id(),
        line!()
    ));
    let bytes = serde_json::to_vec(&capture).expect("JSON");
    std::fs::write(&path, bytes).expect("writes");
    let loaded = resolver().load(&path.to_string_lossy());
    let _ = std::fs::remove_file(&path);
    loaded.unwrap_or_else(|err| panic!("{err}")).spec
}

/// A reply that differs is reported with the path of each difference.
#[test]
fn a_differing_reply_is_reported_with_paths() {
    let spec = edited(|reply| {
        let arg_type = reply
            .iter()
            .find(|i| i["name"] == "SHUTDOWN")
            .and_then(|i| i["arg-type"].as_str())
            .expect("SHUTDOWN")
            .to_string();
        for info in reply.iter_mut() {
            if info["name"] == arg_type.as_str() {
                // `guest` becomes a string, `reason` optional.
                info["members"][0]["type"] = "str".into();
                info["members"][1]["default"] = Value::Null;
            }
            if info["name"] == "STOP" {
                info["features"] = json!(["deprecated"]);
            }
        }
        reply.retain(|i| i["name"] != "POWERDOWN");
    });
    let history = qmp_tests::history();
    let release = &history.get("qemu-7.2.0").expect("7.2.0").spec;
    let all = changes::compare(release, &spec);
    let found: Vec<String> = all
        .iter()
        .filter(|c| c.on == Target::Event)
        .map(|c| format!("{} {} {:?} {:?}", c.event, c.member, c.kind, c.class))
        .collect();
    assert_eq!(
        found,
        [
            "POWERDOWN  EventRemoved PotentiallyBreaking",
            "SHUTDOWN guest TypeChanged Breaking",
            "SHUTDOWN reason MadeOptional Breaking",
            "STOP  FeatureAdded { feature: \"deprecated\" } Notice",
        ]
    );
    // The commands: only what this x86 build lacks by a condition.
    let commands: Vec<&changes::Change> = all.iter().filter(|c| c.on == Target::Command).collect();
    assert!(
        commands
            .iter()
            .all(|c| matches!(c.kind, ChangeKind::AbsentFromBuild { .. })),
        "{commands:#?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.event == "dump-skeys" && c.member.is_empty())
    );
}

/// A build without SPICE lacks what 7.2.0 has behind `CONFIG_SPICE`:
/// absent from this build, compatible, never removed.
#[test]
fn what_a_build_lacks_by_its_conditions_is_absent_not_removed() {
    let spec = edited(|reply| {
        reply.retain(|i| !i["name"].as_str().unwrap_or_default().starts_with("SPICE_"));
    });
    let history = qmp_tests::history();
    let release = &history.get("qemu-7.2.0").expect("7.2.0").spec;
    let mut found = changes::compare(release, &spec);
    found.retain(|c| c.on == Target::Event);
    assert_eq!(found.len(), 4, "{found:#?}");
    for change in &found {
        assert!(change.event.starts_with("SPICE_"), "{change:?}");
        assert_eq!(
            change.kind,
            ChangeKind::AbsentFromBuild {
                condition: "CONFIG_SPICE".into(),
                value: None,
                feature: None
            }
        );
        assert_eq!(change.class, Class::Compatible);
    }
    // The other way round, the same.
    let mut back = changes::compare(&spec, release);
    back.retain(|c| c.on == Target::Event);
    assert_eq!(back.len(), 4);
    assert!(
        back.iter()
            .all(|c| matches!(c.kind, ChangeKind::AbsentFromBuild { .. }))
    );
}

/// The history's revision for the QEMU `loaded` describes, and the wire
/// changes from it but for what the build lacks by a condition.
fn against_its_revision(
    history: &qmp_spec::history::History,
    loaded: &qmp_spec::input::Loaded,
) -> (String, Vec<qmp_spec::changes::Change>) {
    let version = loaded
        .spec
        .build
        .as_ref()
        .and_then(|b| b.version)
        .expect("a version");
    let (revision, notice) =
        qmp_tests::live::revision_for(history, version).unwrap_or_else(|why| panic!("{why}"));
    if let Some(notice) = notice {
        // Newer than the history: nothing to compare with yet.
        eprintln!("{notice}");
        return (revision, Vec::new());
    }
    let found = qmp_tests::introspect::wire_changes_from(history, &revision, loaded, &|_| {});
    (revision, found)
}

#[test]
fn live_qemu_introspection_has_no_wire_change_from_its_release() {
    let Some(binaries) =
        binaries_or_skip("live_qemu_introspection_has_no_wire_change_from_its_release")
    else {
        return;
    };
    let program = format!("qemu:{}", binaries.qemu.display());
    let loaded = resolver()
        .load(&program)
        .unwrap_or_else(|err| panic!("{err}"));
    let capture = loaded
        .answers
        .as_ref()
        .expect("answers")
        .capture()
        .expect("capture");
    // New recordings, where asked for: the capture, and the bare reply.
    for (variable, value) in [
        ("QMP_RECORD_CAPTURE", &capture),
        ("QMP_RECORD_SCHEMA", &capture["return"]),
    ] {
        if let Ok(path) = std::env::var(variable) {
            let mut text = serde_json::to_string(value).expect("encodes");
            text.push('\n');
            std::fs::write(&path, text).expect("writes the recording");
        }
    }
    if loaded.name.starts_with("QEMU 7.2.") {
        assert_no_wire_change(&loaded);
    }
    assert_agrees_with_its_revision(&qmp_tests::history(), &loaded);
}

/// Every recorded or vendored binary against the history's revision for
/// its version: no wire change but what its build lacks by a condition.
#[test]
fn every_recorded_binary_has_no_wire_change_from_its_revision() {
    let history = qmp_tests::history();
    let root = qmp_tests::workspace_root();
    let mut captures: Vec<std::path::PathBuf> = ["tests/fixtures", "qmp-spec/introspection"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("folder"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.to_string_lossy().contains("introspection"))
        .collect();
    captures.sort();
    assert!(captures.len() >= 3, "{captures:?}");
    let mut resolver = resolver();
    let mut backported = Vec::new();
    for capture in &captures {
        let loaded = resolver
            .load(&capture.to_string_lossy())
            .unwrap_or_else(|err| panic!("{err}"));
        for change in assert_agrees_with_its_revision(&history, &loaded) {
            let file = capture.file_name().unwrap_or_default().to_string_lossy();
            backported.push(format!("{file}: {} {}", change.event, change.member));
        }
    }
    // What the recorded point releases add, exactly: a new difference is
    // looked at, not let through.
    assert_eq!(
        backported,
        [
            "qemu-10.0-introspection.json: blockdev-add arguments.blkdebug.inject-error[].delay-ns",
            "qemu-10.0-introspection.json: blockdev-reopen arguments.options[].blkdebug.inject-error[].delay-ns",
        ]
    );
}

/// No wire change from the history's revision for the QEMU `loaded`
/// describes (its events and commands), but for what its build lacks by a
/// condition, and what a later point release of it added: a stable
/// release backports features (Debian's 10.0.13 has `blkdebug`'s
/// `delay-ns`, which 10.0.0 lacks and 11.0 added). Returns those
/// additions.
fn assert_agrees_with_its_revision(
    history: &qmp_spec::history::History,
    loaded: &qmp_spec::input::Loaded,
) -> Vec<changes::Change> {
    let (revision, found) = against_its_revision(history, loaded);
    let version = loaded.spec.build.as_ref().and_then(|b| b.version);
    let point_release = version.is_some_and(|v| v.micro > 0) && revision.ends_with(".0");
    let (added, other): (Vec<_>, Vec<_>) = found.into_iter().partition(|c| {
        point_release
            && matches!(
                c.kind,
                ChangeKind::MemberAdded { optional: true }
                    | ChangeKind::ValueAdded { .. }
                    | ChangeKind::BranchAdded
                    | ChangeKind::CommandAdded
                    | ChangeKind::EventAdded
            )
    });
    assert!(
        other.is_empty(),
        "{} against {revision}: {other:#?}",
        loaded.name
    );
    for change in &added {
        eprintln!(
            "{}: {} {} added after {revision} (a stable release's backport)",
            loaded.name, change.event, change.member
        );
    }
    eprintln!("{}: no other wire change from {revision}", loaded.name);
    added
}

/// QEMU 11.1.3 against 10.1.0, the newest release whose schema is at hand:
/// what the history issue found a client of 11.1 missing.
#[test]
fn qemu_11_1_adds_what_a_client_of_10_1_lacks() {
    let history = qmp_tests::history();
    let found: Vec<String> = changes::compare(
        &history.get("qemu-10.1.0").expect("10.1.0").spec,
        &history.get("qemu-11.1.3").expect("11.1.3").spec,
    )
    .iter()
    .filter(|c| c.on == Target::Event)
    .map(|c| format!("{} {} {:?}", c.event, c.member, c.kind))
    .collect();
    assert_eq!(
        found,
        [
            "GUEST_CRASHLOADED info.type ValueAdded { value: \"sev\" }",
            "GUEST_CRASHLOADED info.sev BranchAdded",
            "GUEST_PANICKED info.type ValueAdded { value: \"sev\" }",
            "GUEST_PANICKED info.sev BranchAdded",
            "MIGRATION status ValueAdded { value: \"postcopy-device\" }",
            "MIGRATION status ValueAdded { value: \"failing\" }",
            "SCLP_CPI_INFO_AVAILABLE  EventAdded",
            "VFIO_MIGRATION device-state ValueAdded { value: \"pre-copy-p2p-prepare\" }",
        ]
    );
    // Documented from the nearest release where it has the event; SCLP
    // says when that release has none (10.1.0, the nearest when this was
    // written).
    let build = &history.get("qemu-11.1.3").expect("11.1.3").spec;
    let (_, migration) = build
        .events()
        .find(|(n, _)| *n == "MIGRATION")
        .expect("MIGRATION");
    assert!(!migration.description.is_empty());
    let (_, sclp) = build
        .events()
        .find(|(n, _)| *n == "SCLP_CPI_INFO_AVAILABLE")
        .expect("SCLP_CPI_INFO_AVAILABLE");
    let lender = build
        .build
        .as_ref()
        .and_then(|b| b.documented_from.as_deref())
        .expect("documented from a release");
    let lent = history
        .get(lender)
        .expect("the lender")
        .spec
        .events()
        .any(|(n, _)| n == "SCLP_CPI_INFO_AVAILABLE");
    assert_eq!(sclp.description.is_empty(), !lent, "lent from {lender}");
    if !lent {
        assert!(
            sclp.notes[0]
                .text
                .starts_with("Known only from this build's introspection")
        );
    }
}

#[test]
fn live_qemu_socket_is_asked_and_left_as_it_was() {
    let Some(binaries) = binaries_or_skip("live_qemu_socket_is_asked_and_left_as_it_was") else {
        return;
    };
    let mut qemu = Listening::start(&binaries.qemu);
    let socket = format!("unix:{}", qemu.socket.display());
    let loaded = resolver()
        .load(&socket)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_agrees_with_its_revision(&qmp_tests::history(), &loaded);
    // Still running, still paused: asked again, it answers the same.
    assert!(qemu.running());
    let again = resolver()
        .load(&socket)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(again.spec, loaded.spec);
    let answers = again.answers.expect("answers");
    assert!(answers.greeting["QMP"]["version"]["qemu"]["major"].is_u64());
}

/// The symbol list decides every condition the 7.2.0 events reach.
#[test]
fn the_build_symbols_decide_every_condition_the_events_reach() {
    let top = qmp_tests::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    let schema = qmp_spec::qapi::read(&top).unwrap_or_else(|err| panic!("{err}"));
    let named = qmp_tests::introspect::condition_symbols(&schema.event_view());
    assert_eq!(
        named.into_iter().collect::<Vec<_>>(),
        [
            "CONFIG_LINUX",
            "CONFIG_SPICE",
            "CONFIG_VNC",
            "HAVE_IPPROTO_MPTCP"
        ]
    );
}

/// The capture's commands are read too, named and documented from 7.2.0:
/// each command of the build is one of the release, its arguments' and
/// return's types in the one table, named as the release names them.
#[test]
fn the_recorded_capture_reads_its_commands_named_from_release_7_2_0() {
    use qmp_spec::types::TypeKind;
    let loaded = resolver()
        .load(&fixture_path(CAPTURE_7_2))
        .unwrap_or_else(|err| panic!("{err}"));
    let spec = &loaded.spec;
    let top = qmp_tests::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    let release = qmp_spec::qapi::read(&top)
        .and_then(|schema| schema.to_spec("qemu-7.2.0"))
        .unwrap_or_else(|err| panic!("{err}"));
    let released: std::collections::HashMap<&str, &qmp_spec::model::Command> = release
        .commands
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    for command in &spec.commands {
        assert!(
            released.contains_key(command.name.as_str()),
            "{} is not a command of 7.2.0",
            command.name
        );
    }
    // As many as the reply lists (`"meta-type": "command"`).
    assert_eq!(spec.commands.len(), 216, "the build's commands");
    let command = |name: &str| {
        spec.commands
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let types = &spec.types;
    let status = command("query-status");
    assert_eq!(status.arguments, None);
    let returns = status.returns.expect("a return");
    assert_eq!(types.get(returns).name.as_deref(), Some("StatusInfo"));
    assert_eq!(status.description, released["query-status"].description);
    assert_eq!(status.since.as_deref(), Some("0.14"));
    let add = command("blockdev-add");
    let arguments = add.arguments.expect("arguments");
    assert_eq!(
        types.get(arguments).name.as_deref(),
        Some("BlockdevOptions")
    );
    assert!(matches!(types.get(arguments).kind, TypeKind::Union { .. }));
    // The four that may run out of band, as the reply says.
    let oob: Vec<&str> = spec
        .commands
        .iter()
        .filter(|c| c.allow_oob)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(oob.len(), 4, "{oob:?}");
    assert!(oob.iter().all(|name| released[name].allow_oob), "{oob:?}");
}
