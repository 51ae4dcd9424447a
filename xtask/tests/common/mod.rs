//! What the command-line tests share.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `cargo xtask` (the built binary) with `args`.
pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

/// A path in the workspace, as a string for the command line.
pub fn project(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// A fresh path in a per-process temporary folder.
#[allow(dead_code)] // Not every test file writes files.
pub fn temp_path(test: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
