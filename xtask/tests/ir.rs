//! `cargo xtask ir`: the model on stdout, warnings on stderr, exit codes.

mod common;

use common::{project, temp_path, xtask};

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = temp_path("ir", name);
    std::fs::write(&path, contents).expect("temp file");
    path
}

#[test]
fn prints_the_model_and_warnings_apart() {
    let file = std::path::PathBuf::from(project("qmp-spec/corpus/qemu_586fc27e.txt"));
    let out = xtask(&["ir", file.to_str().unwrap()]);
    assert!(out.status.success());
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(model["title"], "QEMU Machine Protocol Events");
    assert_eq!(model["sections"].as_array().map(Vec::len), Some(36));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .all(|line| line.contains("corpus/qemu_586fc27e.txt:") && line.contains(": warning: ")),
        "{stderr}"
    );
    assert!(stderr.contains("example is not valid JSON"), "{stderr}");
}

#[test]
fn canonical_output_ignores_layout() {
    let file = std::path::PathBuf::from(project("qmp-spec/history/qemu_1bf9c315.txt"));
    let text = std::fs::read_to_string(&file).expect("seed");
    let lossy = temp_file("lossy.txt", qmp_tests_lossy(&text).as_bytes());
    let a = xtask(&["ir", "--canonical", file.to_str().unwrap()]);
    let b = xtask(&["ir", "--canonical", lossy.to_str().unwrap()]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    let full_a = xtask(&["ir", file.to_str().unwrap()]);
    let full_b = xtask(&["ir", lossy.to_str().unwrap()]);
    assert_ne!(
        full_a.stdout, full_b.stdout,
        "the full model keeps source positions"
    );
}

/// Strips indentation, as a web page does (nested bullets keep one space).
fn qmp_tests_lossy(text: &str) -> String {
    text.lines()
        .map(|line| {
            let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if line.starts_with(' ') && words.starts_with("- \"") {
                format!(" {words}\n")
            } else {
                format!("{words}\n")
            }
        })
        .collect()
}

#[test]
fn unparsable_input_exits_1_with_the_diagnostic() {
    let bad = temp_file("bad.txt", b"Not a spec\nat all\n");
    let out = xtask(&["ir", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.txt:2:1: expected a title underline of '='"),
        "{stderr}"
    );

    let binary = temp_file("bad.bin", &[0x7f, b'E', b'L', b'F', 0, 1, 2]);
    let out = xtask(&["ir", binary.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.bin:1:5: not a text file"));

    let out = xtask(&["ir", "/nonexistent/file.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(xtask(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(xtask(&["ir"]).status.code(), Some(2));
    assert_eq!(xtask(&["ir", "--bogus", "x"]).status.code(), Some(2));
}

#[test]
fn a_qapi_top_file_is_detected_and_read_with_its_includes() {
    let top = project("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    // The one model of both eras: a section per event, types in place.
    let out = xtask(&["ir", "--canonical", &top]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let sections = model["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 52);
    let shutdown = sections
        .iter()
        .find(|s| s["names"][0] == "SHUTDOWN")
        .unwrap();
    assert_eq!(shutdown["data"]["fields"][1]["type_name"], "ShutdownCause");
    assert_eq!(shutdown["since"], "0.12");
    // --schema: every definition as the QAPI reader sees it.
    let out = xtask(&["ir", "--schema", &top]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(schema["files"].as_array().map(Vec::len), Some(38));
    let events = schema["definitions"]
        .as_array()
        .expect("definitions")
        .iter()
        .filter(|d| d["kind"]["meta"] == "event")
        .count();
    assert_eq!(events, 52);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rdma.json:39:13: warning: member 'interface-id' of 'RDMA_GID_STATUS_CHANGED' has no documentation"),
        "{stderr}"
    );
    // A broken schema: an error with its place, exit 1.
    let broken = temp_file(
        "broken.json",
        b"# a schema\n{ 'event': 'X', 'data': { 'a': 'Nope' } }\n",
    );
    let out = xtask(&["ir", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.json:2:27: member 'a' has type 'Nope', which does not exist"),
        "{stderr}"
    );
}
