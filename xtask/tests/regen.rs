//! `cargo xtask regen --check` on the committed tree: CI fails when someone
//! forgets to regenerate.

use std::process::Command;

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
