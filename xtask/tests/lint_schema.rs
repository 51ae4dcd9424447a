//! `cargo xtask lint` and `cargo xtask schema`.

mod common;

use common::{project, xtask};

fn corpus(file: &str) -> String {
    project(&format!("qmp-spec/corpus/{file}"))
}

#[test]
fn lint_reports_with_positions_and_exits_0() {
    let out = xtask(&["lint", &corpus("patchew-project_c1f8f284.txt")]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        ":106:34: example-missing-member: the example lacks member \"id\", which the section requires",
        "example-not-json",
        "underline-length",
        "data-none-with-fields",
    ] {
        assert!(stdout.contains(expected), "{expected} not in\n{stdout}");
    }
    let history = xtask(&["lint", "--history"]);
    assert!(history.status.success());
    assert!(String::from_utf8_lossy(&history.stdout).contains("revision pre-resume:"));
}

#[test]
fn lint_exits_1_only_when_a_file_cannot_be_parsed() {
    let bad = std::env::temp_dir().join(format!("lint-bad-{}.txt", std::process::id()));
    std::fs::write(&bad, "not a spec\n").unwrap();
    let out = xtask(&["lint", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a title underline"));
}

#[test]
fn schema_writes_a_bundle_and_a_file_per_event() {
    let out_dir = std::env::temp_dir().join(format!("schema-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = xtask(&[
        "schema",
        &corpus("Pating_c258c933.txt"),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 38, "37 events and the bundle: {names:?}");
    assert!(
        names.contains(&"events.json".to_string()) && names.contains(&"COLO_EXIT.json".to_string())
    );
    let bundle_text = std::fs::read_to_string(out_dir.join("events.json")).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&bundle_text).unwrap();
    let bundle_id = bundle["$id"].as_str().unwrap().to_string();
    // The bundle stands alone; each event's file refers into it.
    assert!(!bundle_text.contains("\"$ref\": \"http") && !bundle_text.contains("\"$ref\": \"urn"));
    for name in names {
        let text = std::fs::read_to_string(out_dir.join(&name)).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        if name != "events.json" {
            let reference = schema["$ref"].as_str().unwrap_or_default();
            assert!(
                reference.starts_with(&format!("{bundle_id}#/$defs/")),
                "{name}: {reference}"
            );
            let def = reference.rsplit('/').next().unwrap();
            assert!(bundle["$defs"][def].is_object(), "{name}: {def}");
        }
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}
