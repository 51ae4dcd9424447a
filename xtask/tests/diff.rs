//! `cargo xtask diff` between revisions and files: Markdown or JSON on
//! stdout, exit codes (`review.rs` has the QEMU patch under review).

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
    assert!(text.starts_with("## QMP events and commands: `block-job-completion` → `device-tray-moved`\n\n**0 breaking, 0 potentially breaking, 1 compatible, 1 documentation only; `qmp-events` asks a minor version.**"), "{text}");
    assert!(
        text.contains(
            "### `DEVICE_TRAY_MOVED`: compatible\n\n- **compatible** (minor): event added\n"
        ),
        "{text}"
    );
    // Documentation collapsed to a line, unless asked for in full.
    assert!(
        text.contains("- documentation only (patch): the description changed")
            && !text.contains("Emitted when the conection is closed."),
        "{text}"
    );
    let full = stdout(&xtask(&[
        "diff",
        "block-job-completion",
        "device-tray-moved",
        "--docs",
        "full",
    ]));
    assert!(
        full.contains("Emitted when the conection is closed.")
            && full.contains("Emitted when the connection is closed."),
        "{full}"
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
            .contains("No changes: both sides have the same events and commands, in the same way.")
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
    assert!(
        stdout(&out).contains("likely renamed from `MEM_HOT_UNPLUG_ERROR`"),
        "{}",
        stdout(&out)
    );
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
