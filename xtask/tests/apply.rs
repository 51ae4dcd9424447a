//! `cargo xtask apply`: the text on stdout or in OUT, the report on stderr,
//! exit 1 when --strict and anything is not applied, or on a malformed patch.

mod common;

use common::{project, temp_path, xtask};

fn history(file: &str) -> String {
    project(&format!("qmp-spec/history/{file}"))
}

#[test]
fn applies_and_reports_every_change() {
    let out = xtask(&[
        "apply",
        &history("qemu_1bf9c315.txt"),
        &history("device-tray-moved.lossy.txt"),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DEVICE_TRAY_MOVED\n-----------------"));
    assert!(text.contains("Emitted when the connection is closed."));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("patch line 3: applied at line 29: +DEVICE_TRAY_MOVED"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Lossy patch, 3 changes: 3 applied, 0 already applied, 0 not applied"),
        "{stderr}"
    );
}

#[test]
fn writes_to_out_and_applies_backwards() {
    let tray = temp_path("apply", "tray.txt");
    let pre = temp_path("apply", "pre.txt");
    let forward = xtask(&[
        "apply",
        &history("qemu_1bf9c315.txt"),
        &history("device-tray-moved.lossy.txt"),
        "-o",
        tray.to_str().unwrap(),
    ]);
    assert!(forward.status.success() && forward.stdout.is_empty());
    let back = xtask(&[
        "apply",
        tray.to_str().unwrap(),
        &history("pre-resume-to-device-tray-moved.lossy.txt"),
        "--reverse",
        "--strict",
        "-o",
        pre.to_str().unwrap(),
    ]);
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let text = std::fs::read_to_string(&pre).unwrap();
    assert!(!text.contains("RESUME") && !text.contains("SPICE"));
}

#[test]
fn strict_fails_when_a_change_does_not_apply() {
    let out_path = temp_path("apply", "never-written.txt");
    let _ = std::fs::remove_file(&out_path);
    let lenient = xtask(&[
        "apply",
        &history("qemu_1bf9c315.txt"),
        &history("block-node-names.lossy.txt"),
    ]);
    assert!(lenient.status.success());
    assert!(String::from_utf8_lossy(&lenient.stderr).contains("NOT applied"));
    let strict = xtask(&[
        "apply",
        &history("qemu_1bf9c315.txt"),
        &history("block-node-names.lossy.txt"),
        "--strict",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));
    assert!(!out_path.exists(), "nothing is written when strict fails");
}

#[test]
fn malformed_patch_exits_1() {
    let garbage = temp_path("apply", "garbage.diff");
    std::fs::write(&garbage, "just some words\n").unwrap();
    let out = xtask(&[
        "apply",
        &history("qemu_1bf9c315.txt"),
        garbage.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.diff:1:1: not a diff"));
    assert!(out.stdout.is_empty());
    assert_eq!(
        xtask(&["apply", &history("qemu_1bf9c315.txt")])
            .status
            .code(),
        Some(2)
    );
}
