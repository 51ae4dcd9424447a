//! `cargo xtask import`: a release added with one command, from a QAPI tree,
//! `DIR@REV` or a binary's capture, vendored with its provenance, placed in
//! version order, regenerated; and every refusal with nothing written.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{project, scratch_root};

fn import(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("import")
        .args(args)
        .args(["--root", root.to_str().unwrap()])
        .output()
        .expect("xtask runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Release 10.1.0's tree as a new release `version`, in a folder of its own.
fn tree(test: &str, version: Option<&str>) -> PathBuf {
    let dir = common::temp_path(test, "qemu");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("qapi")).unwrap();
    let release = PathBuf::from(project("qmp-spec/qapi/10.1.0/qapi"));
    for entry in std::fs::read_dir(&release).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("qapi").join(path.file_name().unwrap())).unwrap();
    }
    if let Some(version) = version {
        std::fs::write(dir.join("VERSION"), format!("{version}\n")).unwrap();
    }
    dir
}

fn names(root: &Path) -> Vec<String> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("qmp-spec/history/history.json")).unwrap())
            .unwrap();
    manifest["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every file under `root`, with its contents.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_qapi_tree_is_vendored_placed_in_version_order_and_regenerated() {
    let root = scratch_root("import-tree");
    // A point release of 10.1 goes right after 10.1.0, before whatever the
    // history has next.
    let before = names(&root);
    let next = before[before
        .iter()
        .position(|n| n == "qemu-10.1.0")
        .expect("10.1.0")
        + 1]
    .clone();
    let source = tree("import-tree", Some("10.1.9"));
    let out = import(&root, &[source.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("import: qemu-10.1.9"), "{stdout}");
    assert!(
        stdout.contains("cargo xtask diff qemu-10.1.0 qemu-10.1.9"),
        "{stdout}"
    );
    let names = names(&root);
    let at = names
        .iter()
        .position(|n| n == "qemu-10.1.9")
        .expect("in the manifest");
    assert_eq!(names[at - 1], "qemu-10.1.0");
    assert_eq!(names[at + 1], next, "before what came after 10.1.0");
    let vendored = root.join("qmp-spec/qapi/10.1.9");
    assert!(vendored.join("qapi/qapi-schema.json").is_file());
    assert!(vendored.join("VERSION").is_file());
    let provenance = std::fs::read_to_string(vendored.join("PROVENANCE.md")).unwrap();
    assert!(provenance.contains("GPL-2.0-or-later") && provenance.contains("Imported"));
    assert!(
        root.join("generated/schema/qemu-10.1.9/events.json")
            .is_file()
    );
    assert!(root.join("generated/docs/qemu-10.1.9.md").is_file());
    // Cargo.lock names the crate's version, stepped or not: `--locked`
    // builds go on working.
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("a version");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("name = \"qmp-events\"\nversion = {version}\n")),
        "Cargo.lock lacks qmp-events {version}"
    );
    // The vendored releases' table has its row, after 10.1.0's.
    let readme = std::fs::read_to_string(root.join("qmp-spec/qapi/README.md")).unwrap();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| 1")).collect();
    let row = rows
        .iter()
        .position(|r| r.starts_with("| 10.1.9 | "))
        .expect("a row");
    assert!(rows[row - 1].starts_with("| 10.1.0 | "), "{rows:?}");
    // The same again: refused, nothing written.
    let before = snapshot(&root);
    let again = import(&root, &[source.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("qemu-10.1.9 is already in the history"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("import: nothing written"));
    assert!(snapshot(&root) == before, "the tree changed");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_older_release_goes_in_its_place() {
    let root = scratch_root("import-older");
    let source = tree("import-older", Some("8.1.5"));
    // An 8.1 stable release with 10.1.0's schema: what matters is the place.
    let out = import(&root, &[source.to_str().unwrap(), "--name", "qemu-8.1.5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names = names(&root);
    let at = names.iter().position(|n| n == "qemu-8.1.5").unwrap();
    assert_eq!(
        (names[at - 1].as_str(), names[at + 1].as_str()),
        ("qemu-8.1.0", "qemu-8.2.0")
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn refusals_write_nothing() {
    let root = scratch_root("import-refused");
    let before = snapshot(&root);
    // No VERSION, no --name.
    let source = tree("import-refused", None);
    let out = import(&root, &[source.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the version cannot be found"),
        "{}",
        stderr(&out)
    );
    // A schema that does not read.
    std::fs::write(source.join("VERSION"), "10.1.9\n").unwrap();
    std::fs::write(source.join("qapi/run-state.json"), "{ 'event': ").unwrap();
    let out = import(&root, &[source.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("run-state.json:1:"),
        "{}",
        stderr(&out)
    );
    // A bare reply: no version.
    let bare = project("tests/fixtures/qemu-7.2-qmp-schema.json");
    let out = import(&root, &[&bare]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does not say which QEMU"),
        "{}",
        stderr(&out)
    );
    // A text revision is no release.
    let text = project("qmp-spec/corpus/Pating_c258c933.txt");
    assert_eq!(import(&root, &[&text]).status.code(), Some(1));
    assert!(snapshot(&root) == before, "the tree changed");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_capture_and_a_git_revision_are_imported_with_their_provenance() {
    let root = scratch_root("import-capture");
    let capture = project("tests/fixtures/qemu-7.2-introspection.json");
    let out = import(&root, &[&capture]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names = names(&root);
    let at = names.iter().position(|n| n == "qemu-7.2.22").unwrap();
    assert_eq!(
        (names[at - 1].as_str(), names[at + 1].as_str()),
        ("qemu-7.2.0", "qemu-8.0.0")
    );
    let provenance =
        std::fs::read_to_string(root.join("qmp-spec/introspection/qemu-7.2.22.md")).unwrap();
    assert!(
        provenance.contains("Debian 1:7.2+dfsg-7+deb12u18+b3"),
        "{provenance}"
    );
    assert_eq!(
        std::fs::read(root.join("qmp-spec/introspection/qemu-7.2.22.json")).unwrap(),
        std::fs::read(&capture).unwrap()
    );
    // A git revision: its commit in the provenance.
    let repo = tree("import-git", Some("10.1.9"));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v10.1.9"]);
    let commit = git(&["rev-parse", "HEAD"]);
    let out = import(&root, &[&format!("{}@HEAD", repo.display())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let provenance =
        std::fs::read_to_string(root.join("qmp-spec/qapi/10.1.9/PROVENANCE.md")).unwrap();
    assert!(provenance.contains(&commit), "{provenance}");
    let _ = std::fs::remove_dir_all(&root);
}
