//! `cargo xtask diff`: Markdown or JSON on stdout, exit codes.

mod common;

use std::process::Output;

use common::{project, xtask};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn revision_names_give_a_markdown_report() {
    let out = xtask(&["diff", "block-job-completion", "device-tray-moved"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("## QMP events: `block-job-completion` → `device-tray-moved`\n\n**0 breaking, 0 potentially breaking, 1 compatible, 1 documentation only**"), "{text}");
    assert!(text.contains("- `DEVICE_TRAY_MOVED` (compatible)"));
    assert!(
        text.contains("Emitted when the conection is closed.")
            && text.contains("Emitted when the connection is closed.")
    );
    // Deterministic.
    assert_eq!(
        stdout(&xtask(&[
            "diff",
            "block-job-completion",
            "device-tray-moved"
        ])),
        text
    );
}

#[test]
fn identical_sides_say_so_and_exit_0() {
    let file = project("qmp-spec/corpus/qemu_586fc27e.txt");
    let out = xtask(&["diff", &file, &file, "--fail-on-breaking"]);
    assert!(out.status.success());
    assert!(
        stdout(&out)
            .contains("No changes: both revisions document the same events in the same way.")
    );
}

#[test]
fn a_file_against_a_revision_as_json() {
    let file = project("qmp-spec/corpus/vivier_488fe275.txt");
    let out = xtask(&["diff", "migration-and-colo-exit", &file, "--format", "json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["old"], "migration-and-colo-exit");
    let changes = report["changes"].as_array().unwrap();
    // The RHEL fork adds its own member to BLOCK_IO_ERROR.
    assert!(changes.iter().any(|c| c["event"] == "BLOCK_IO_ERROR"
        && c["member"] == "__com.redhat_reason"
        && c["kind"] == "member-added"
        && c["class"] == "compatible"));
    let total: u64 = report["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, changes.len());
}

#[test]
fn fail_on_breaking_exits_2() {
    let out = xtask(&[
        "diff",
        "quorum-and-acpi",
        "mem-unplug-error",
        "--fail-on-breaking",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("`MEM_HOT_UNPLUG_ERROR` → `MEM_UNPLUG_ERROR`"));
    assert!(
        xtask(&["diff", "quorum-and-acpi", "mem-unplug-error"])
            .status
            .success()
    );
}

#[test]
fn an_unknown_side_is_an_error() {
    let out = xtask(&["diff", "no-such-revision", "device-tray-moved"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "neither a file, a folder, DIR@REV, unix:PATH, qemu:PROGRAM nor a revision of the history"
    ));
}
