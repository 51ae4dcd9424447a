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
    let names: Vec<&str> = built.revisions.iter().map(|r| r.name.as_str()).collect();
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
        (
            r#"{"revisions": [{"name": "a", "provenance": ""}]}"#,
            "give exactly one of \"text\" and \"patch\"",
        ),
    ];
    for (json, expected) in cases {
        let err = history::build(&manifest(json), files).unwrap_err();
        assert_eq!(err.to_string(), format!("revision a: {expected}"), "{json}");
    }
    let missing = history::build(
        &manifest(r#"{"revisions": [{"name": "a", "text": "nope.txt", "provenance": ""}]}"#),
        files,
    )
    .unwrap_err();
    assert!(matches!(missing, HistoryError::Io { .. }), "{missing}");
}
