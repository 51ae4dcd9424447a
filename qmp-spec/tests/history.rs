//! Building a history: order, bases, and the errors that stop `regen`.

use qmp_spec::history::{self, HistoryError, Manifest, Origin};

fn manifest(json: &str) -> Manifest {
    serde_json::from_str(json).expect("manifest")
}

fn files(name: &str) -> Result<Vec<u8>, HistoryError> {
    let path = format!("{}/history/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).map_err(|source| HistoryError::Io {
        path: path.into(),
        source,
    })
}

#[test]
fn a_patch_applies_to_the_revision_before_it_or_to_its_base() {
    let built = history::build(
        &manifest(
            r#"{"revisions": [
                {"name": "back", "patch": "pre-resume-to-device-tray-moved.lossy.txt", "base": "tray", "reverse": true, "provenance": ""},
                {"name": "base", "text": "qemu_1bf9c315.txt", "provenance": ""},
                {"name": "tray", "patch": "device-tray-moved.lossy.txt", "provenance": ""}
            ]}"#,
        ),
        files,
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let names: Vec<&str> = built.revisions.iter().map(|r| r.name()).collect();
    assert_eq!(names, ["back", "base", "tray"]);
    assert!(matches!(&built.revisions[2].origin, Origin::Patch { base, .. } if base == "base"));
    assert_eq!(built.get("back").unwrap().spec.events().count(), 9);
}

#[test]
fn a_patch_that_does_not_apply_fully_names_the_revision_and_the_change() {
    let err = history::build(
        &manifest(
            r#"{"revisions": [
                {"name": "base", "text": "qemu_1bf9c315.txt", "provenance": ""},
                {"name": "wrong", "patch": "block-node-names.lossy.txt", "provenance": ""}
            ]}"#,
        ),
        files,
    )
    .unwrap_err();
    let HistoryError::NotApplied {
        revision,
        file,
        changes,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (revision.as_str(), file.as_str()),
        ("wrong", "block-node-names.lossy.txt")
    );
    assert!(!changes.is_empty());
    let message = err.to_string();
    assert!(message.starts_with("revision wrong: "), "{message}");
    assert!(message.contains("NOT applied"), "{message}");
}

#[test]
fn manifest_mistakes_are_errors() {
    let cases = [
        (
            r#"{"revisions": [{"name": "a", "patch": "x", "provenance": ""}]}"#,
            "the first revision needs a text or a base",
        ),
        (
            r#"{"revisions": [{"name": "a", "text": "qemu_1bf9c315.txt", "provenance": ""}, {"name": "a", "text": "qemu_1bf9c315.txt", "provenance": ""}]}"#,
            "the name is used twice",
        ),
        (
            r#"{"revisions": [{"name": "a", "patch": "x", "base": "nowhere", "provenance": ""}]}"#,
            "its base \"nowhere\" is not in the history",
        ),
        (
            r#"{"revisions": [{"name": "a", "patch": "x", "base": "a", "provenance": ""}]}"#,
            "its base depends on itself",
        ),
    ];
    for (json, expected) in cases {
        let err = history::build(&manifest(json), files).unwrap_err();
        assert_eq!(err.to_string(), format!("revision a: {expected}"), "{json}");
    }
    // What an entry is, and a release's name, are checked as the manifest
    // is read.
    let unreadable = [
        (
            r#"{"revisions": [{"name": "a", "provenance": ""}]}"#,
            "revision a: give exactly one of \"text\", \"patch\", \"qapi\" and \"introspection\"",
        ),
        (
            r#"{"revisions": [{"name": "a", "text": "t", "qapi": "q", "provenance": ""}]}"#,
            "revision a: give exactly one of \"text\", \"patch\", \"qapi\" and \"introspection\"",
        ),
        (
            r#"{"revisions": [{"name": "a", "text": "t", "base": "b", "provenance": ""}]}"#,
            "revision a: \"base\" and \"reverse\" are for a \"patch\"",
        ),
        (
            r#"{"revisions": [{"name": "qemu-7.2", "qapi": "q", "provenance": ""}]}"#,
            "revision qemu-7.2: \"qemu-7.2\" is not a release name (qemu-X.Y.Z or qemu-X.Y.Z-rcN)",
        ),
    ];
    for (json, expected) in unreadable {
        let err = serde_json::from_str::<Manifest>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{json}: {err}");
    }
    let missing = history::build(
        &manifest(r#"{"revisions": [{"name": "a", "text": "nope.txt", "provenance": ""}]}"#),
        files,
    )
    .unwrap_err();
    assert!(matches!(missing, HistoryError::Io { .. }), "{missing}");
}

/// The rule for a release known from a binary: what the release before it
/// has behind a condition the build lacks is carried in, and since/until do
/// not end it; what that release has unconditionally and the build lacks
/// ends there.
#[test]
fn a_build_does_not_end_what_its_conditions_leave_out() {
    let schema = r#"
{ 'enum': 'Mode', 'data': [ 'on', { 'name': 'turbo', 'if': 'TARGET_S390X' } ] }
{ 'event': 'EVERYWHERE', 'data': { 'mode': 'Mode', 'old': 'str',
  '*kvm': { 'type': 'int', 'if': 'CONFIG_KVM' } } }
{ 'event': 'S390_ONLY', 'if': 'TARGET_S390X' }
{ 'event': 'DROPPED' }
"#;
    // An x86 build without KVM that also dropped `old` and DROPPED.
    let reply = serde_json::json!({
        "query-version": {"return": {"qemu": {"major": 2, "minor": 2, "micro": 0}, "package": ""}},
        "return": [
            {"name": "str", "meta-type": "builtin", "json-type": "string"},
            {"name": "EVERYWHERE", "meta-type": "event", "arg-type": "1"},
            {"name": "1", "meta-type": "object", "members": [{"name": "mode", "type": "2"}]},
            {"name": "2", "meta-type": "enum", "values": ["on"]}
        ]
    });
    let reply = serde_json::to_vec(&reply).unwrap();
    let built = history::build(
        &manifest(
            r#"{"revisions": [
                {"name": "qemu-2.1.0", "qapi": "schema.json", "provenance": ""},
                {"name": "qemu-2.2.0", "introspection": "reply.json", "provenance": ""}
            ]}"#,
        ),
        |file| match file {
            "schema.json" => Ok(schema.as_bytes().to_vec()),
            "reply.json" => Ok(reply.clone()),
            other => files(other),
        },
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let build = built.get("qemu-2.2.0").expect("the build");
    assert_eq!(build.id.era(), history::Era::Build);
    let events: Vec<&str> = build.spec.events().map(|(n, _)| n).collect();
    assert_eq!(
        events,
        ["EVERYWHERE", "S390_ONLY"],
        "S390_ONLY carried, DROPPED not"
    );
    let timeline =
        history::timeline::Timeline::new(built.timeline().into_iter().map(|r| (r.name(), &r.spec)));
    assert_eq!(timeline.last_documented("S390_ONLY"), None);
    assert_eq!(timeline.last_documented("DROPPED"), Some("qemu-2.1.0"));
    let kvm = timeline.member("EVERYWHERE", &["kvm"]);
    assert_eq!(kvm.dropped_after, None, "a conditional member is not ended");
    let old = timeline.member("EVERYWHERE", &["old"]);
    assert_eq!(
        old.dropped_after,
        Some("qemu-2.1.0"),
        "an unconditional one is"
    );
    let (revision, section) = timeline.latest("EVERYWHERE").unwrap();
    let spec = &built
        .timeline()
        .into_iter()
        .find(|r| r.name() == revision)
        .unwrap()
        .spec;
    let mode = &qmp_spec::spelled::data_fields(spec, section)[0];
    let values: Vec<&str> = mode.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["on", "turbo"], "a conditional value carried");
    assert_eq!(
        mode.type_name.as_deref(),
        Some("Mode"),
        "named from the release"
    );
}
