//! What the command-line tests share.

// Each test file uses some of it.
#![allow(dead_code)]

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
pub fn temp_path(test: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// A copy of the project's history and `Cargo.lock` in a temporary root,
/// with `generated/` holding one sentinel file.
pub fn scratch_root(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-regen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../qmp-spec");
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, target).unwrap();
            }
        }
    }
    for folder in ["history", "corpus", "qapi", "introspection"] {
        copy(&source.join(folder), &root.join("qmp-spec").join(folder));
    }
    std::fs::create_dir_all(root.join("generated")).unwrap();
    std::fs::write(root.join("generated/SENTINEL"), "untouched").unwrap();
    std::fs::copy(source.join("../Cargo.lock"), root.join("Cargo.lock")).unwrap();
    root
}
