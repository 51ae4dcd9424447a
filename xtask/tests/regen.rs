//! `cargo xtask regen --check` on the committed tree: CI fails when someone
//! forgets to regenerate.

mod common;

use std::process::Command;

use common::scratch_root;

#[test]
fn generated_folder_is_up_to_date() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check"])
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "generated/ is stale; run `cargo xtask regen` and commit.\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_error_anywhere_leaves_generated_untouched() {
    let root = scratch_root("broken");
    // A patch for a 2016 revision applied to the 2011 one.
    let manifest = root.join("qmp-spec/history/history.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "\"patch\": \"device-tray-moved.lossy.txt\"",
            "\"patch\": \"block-node-names.lossy.txt\"",
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--root", root.to_str().unwrap()])
        .output()
        .expect("xtask runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("revision device-tray-moved:"), "{stderr}");
    assert!(stderr.contains("NOT applied"), "{stderr}");
    assert!(stderr.contains("regen: nothing written"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(root.join("generated"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["SENTINEL"]);
    assert_eq!(
        std::fs::read_to_string(root.join("generated/SENTINEL")).unwrap(),
        "untouched"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn regen_writes_everything_then_nothing() {
    let root = scratch_root("fresh");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .args(["--root", root.to_str().unwrap()])
            .output()
            .expect("xtask runs")
    };
    let stale = run(&["regen", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&stale.stderr)
            .contains("stale: generated/SENTINEL is no longer generated")
    );
    let first = run(&["regen"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let summary = String::from_utf8_lossy(&first.stdout);
    let revisions = {
        let manifest: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("qmp-spec/history/history.json")).unwrap(),
        )
        .unwrap();
        manifest["revisions"].as_array().map_or(0, Vec::len)
    };
    assert!(
        summary.starts_with(&format!("regen: {revisions} revisions,"))
            && summary.contains("1 removed"),
        "{summary}"
    );
    // Byte-identical to the committed output.
    let committed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/lib.rs");
    assert_eq!(
        std::fs::read(root.join("generated/src/lib.rs")).unwrap(),
        std::fs::read(committed).unwrap()
    );
    let second = run(&["regen"]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 created, 0 updated, 0 removed"));
    assert!(run(&["regen", "--check"]).status.success());
    let _ = std::fs::remove_dir_all(&root);
}
