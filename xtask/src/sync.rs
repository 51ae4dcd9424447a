//! Brings a folder in line with a list of generated files: writes only the
//! files whose contents changed, each replaced atomically (written beside it,
//! then renamed over it), and removes the files nobody generates any more.
//! In check mode it writes nothing and lists what is stale.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use codegen::GeneratedFile;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Created(String),
    Updated(String),
    Removed(String),
}

impl Change {
    pub fn describe(&self, folder: &str) -> String {
        match self {
            Change::Created(path) => format!("{folder}/{path} is missing"),
            Change::Updated(path) => format!("{folder}/{path} differs from what regen makes"),
            Change::Removed(path) => format!("{folder}/{path} is no longer generated"),
        }
    }
}

pub struct Outcome {
    pub changes: Vec<Change>,
    pub unchanged: usize,
}

/// Compares `dir` with `files` and, unless `check`, writes the difference.
pub fn sync(dir: &Path, files: &[GeneratedFile], check: bool) -> io::Result<Outcome> {
    let mut changes = Vec::new();
    let mut unchanged = 0;
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in files {
        let path = dir.join(&file.path);
        match std::fs::read(&path) {
            Ok(existing) if existing == file.contents.as_bytes() => unchanged += 1,
            Ok(_) => changes.push(Change::Updated(file.path.clone())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                changes.push(Change::Created(file.path.clone()))
            }
            Err(err) => return Err(err),
        }
    }
    for existing in list_files(dir)? {
        if !wanted.contains(existing.as_str()) {
            changes.push(Change::Removed(existing));
        }
    }
    if !check {
        for change in &changes {
            match change {
                Change::Created(path) | Change::Updated(path) => {
                    let file = files.iter().find(|f| &f.path == path);
                    if let Some(file) = file {
                        write_atomically(&dir.join(path), file.contents.as_bytes())?;
                    }
                }
                Change::Removed(path) => {
                    std::fs::remove_file(dir.join(path))?;
                    remove_empty_parents(dir, &dir.join(path));
                }
            }
        }
    }
    Ok(Outcome { changes, unchanged })
}

pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(".regen-tmp");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, contents)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == root || std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// Every file under `dir`, as sorted relative paths with `/` separators.
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-sync-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files(list: &[(&str, &str)]) -> Vec<GeneratedFile> {
        list.iter()
            .map(|(p, c)| GeneratedFile::new(*p, *c))
            .collect()
    }

    #[test]
    fn writes_only_what_changed_and_removes_stale_files() {
        let dir = temp_dir("write");
        std::fs::create_dir_all(dir.join("old")).unwrap();
        std::fs::write(dir.join("old/gone.json"), "x").unwrap();
        std::fs::write(dir.join("same.md"), "same").unwrap();
        std::fs::write(dir.join("changed.md"), "before").unwrap();
        let wanted = files(&[
            ("same.md", "same"),
            ("changed.md", "after"),
            ("new/file.rs", "new"),
        ]);

        let outcome = sync(&dir, &wanted, false).unwrap();
        let mut changes = outcome.changes.clone();
        changes.sort();
        assert_eq!(
            changes,
            [
                Change::Created("new/file.rs".into()),
                Change::Updated("changed.md".into()),
                Change::Removed("old/gone.json".into()),
            ]
        );
        assert_eq!(outcome.unchanged, 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("changed.md")).unwrap(),
            "after"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("new/file.rs")).unwrap(),
            "new"
        );
        assert!(
            !dir.join("old").exists(),
            "empty folders go with their files"
        );
        assert_eq!(
            list_files(&dir).unwrap(),
            ["changed.md", "new/file.rs", "same.md"]
        );

        let again = sync(&dir, &wanted, false).unwrap();
        assert!(again.changes.is_empty());
        assert_eq!(again.unchanged, 3);
    }

    #[test]
    fn check_mode_writes_nothing() {
        let dir = temp_dir("check");
        std::fs::write(dir.join("extra.txt"), "x").unwrap();
        std::fs::write(dir.join("a.md"), "old").unwrap();
        let outcome = sync(&dir, &files(&[("a.md", "new"), ("b.md", "b")]), true).unwrap();
        assert_eq!(outcome.changes.len(), 3);
        assert_eq!(std::fs::read_to_string(dir.join("a.md")).unwrap(), "old");
        assert!(!dir.join("b.md").exists());
        assert!(dir.join("extra.txt").exists());
        assert_eq!(
            outcome
                .changes
                .iter()
                .map(|c| c.describe("generated"))
                .collect::<Vec<_>>(),
            [
                "generated/a.md differs from what regen makes",
                "generated/b.md is missing",
                "generated/extra.txt is no longer generated",
            ]
        );
    }
}
