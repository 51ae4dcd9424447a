//! `cargo xtask regen [--check]`: rebuilds `generated/` from the history.
//!
//! Everything is generated in memory first, so an error anywhere (a revision
//! that does not parse) leaves `generated/` untouched. The Rust files are
//! formatted by prettyplease in `codegen` alone: the output does not depend
//! on which rustfmt is installed.
//!
//! `Cargo.lock` follows the generated crate's version, so that a
//! regeneration that steps the version (a new revision) leaves
//! `cargo test --locked` working; `--check` reports a stale one.

use lexopt::prelude::*;
use std::ffi::OsString;

use crate::Failure;
use crate::sync::{Change, sync};

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut check = false;
    let mut root = crate::project_root();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("check") => check = true,
            // Another checkout (or a copy of one) to regenerate.
            Long("root") => root = parser.value()?.into(),
            _ => return Err(arg.unexpected().into()),
        }
    }

    let nothing_written = |failure: Failure| match failure {
        Failure::Failed(message) => Failure::Failed(format!("{message}\nregen: nothing written")),
        other => other,
    };
    let history = crate::load_history(&root).map_err(nothing_written)?;
    let views = codegen::Revision::all(&history);
    let files = codegen::generate(&views).map_err(|err| nothing_written(err.into()))?;

    let lock = Lock::for_files(&root, &files)
        .map_err(|message| nothing_written(Failure::Failed(format!("error: {message}"))))?;

    let outcome = sync(&root.join("generated"), &files, check)
        .map_err(|err| Failure::Failed(format!("error: writing generated/: {err}")))?;
    if check {
        if outcome.changes.is_empty() && lock.new.is_none() {
            println!(
                "regen --check: generated/ is up to date ({} files)",
                files.len()
            );
            return Ok(());
        }
        let mut message: Vec<String> = outcome
            .changes
            .iter()
            .map(|change| format!("stale: {}", change.describe("generated")))
            .collect();
        if lock.new.is_some() {
            message.push(format!(
                "stale: Cargo.lock does not name qmp-events {}, the crate's version",
                lock.version
            ));
        }
        message.push(
            "regen --check: generated/ is stale; run `cargo xtask regen` and commit the result"
                .into(),
        );
        return Err(Failure::Failed(message.join("\n")));
    }
    lock.write()?;
    let count = |f: fn(&Change) -> bool| outcome.changes.iter().filter(|c| f(c)).count();
    println!(
        "regen: {} revisions, {} files: {} created, {} updated, {} removed, {} unchanged",
        history.revisions.len(),
        files.len(),
        count(|c| matches!(c, Change::Created(_))),
        count(|c| matches!(c, Change::Updated(_))),
        count(|c| matches!(c, Change::Removed(_))),
        outcome.unchanged,
    );
    Ok(())
}

/// `Cargo.lock` as the generated crate's version needs it: the version,
/// and the new text when the lock names another. Worked out before
/// anything is written; `regen` and `import` write it with `generated/`.
pub(crate) struct Lock {
    path: std::path::PathBuf,
    version: String,
    new: Option<String>,
}

impl Lock {
    pub(crate) fn for_files(
        root: &std::path::Path,
        files: &[codegen::GeneratedFile],
    ) -> Result<Lock, String> {
        let path = root.join("Cargo.lock");
        let failed = |message: String| format!("{}: {message}", path.display());
        let version = crate_version(files)
            .ok_or_else(|| failed("the generated Cargo.toml has no version".into()))?
            .to_string();
        let new = match std::fs::read_to_string(&path) {
            Ok(text) => lock_with_version(&text, &version).map_err(failed)?,
            // A root without a lock (a copy of the history) has none to
            // keep in step.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(failed(err.to_string())),
        };
        Ok(Lock { path, version, new })
    }

    /// Writes the new lock, if there is one.
    pub(crate) fn write(&self) -> Result<(), Failure> {
        let Some(new) = &self.new else {
            return Ok(());
        };
        crate::sync::write_atomically(&self.path, new.as_bytes())
            .map_err(|err| Failure::Failed(format!("error: {}: {err}", self.path.display())))?;
        println!("Cargo.lock now names qmp-events {}", self.version);
        Ok(())
    }
}

/// The version the generated `Cargo.toml` gives the crate.
fn crate_version(files: &[codegen::GeneratedFile]) -> Option<&str> {
    let manifest = files.iter().find(|f| f.path == "Cargo.toml")?;
    manifest
        .contents
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
}

/// `lock` with package `qmp-events` at `version`; `None` when it is
/// already.
fn lock_with_version(lock: &str, version: &str) -> Result<Option<String>, String> {
    const PACKAGE: &str = "name = \"qmp-events\"\nversion = \"";
    let at = lock
        .find(PACKAGE)
        .ok_or("no package qmp-events in it (run `cargo generate-lockfile`)")?
        + PACKAGE.len();
    let end = lock[at..]
        .find('"')
        .map(|n| at + n)
        .ok_or("qmp-events's version is not closed")?;
    if &lock[at..end] == version {
        return Ok(None);
    }
    Ok(Some(format!("{}{version}{}", &lock[..at], &lock[end..])))
}

#[cfg(test)]
mod tests {
    use super::lock_with_version;

    const LOCK: &str = "[[package]]\nname = \"memchr\"\nversion = \"2.7.4\"\n\n\
                        [[package]]\nname = \"qmp-events\"\nversion = \"4.19.0\"\n\
                        dependencies = [\n \"memchr\",\n]\n";

    #[test]
    fn the_lock_follows_the_crate_version() {
        assert_eq!(lock_with_version(LOCK, "4.19.0"), Ok(None));
        let stepped = lock_with_version(LOCK, "5.0.0")
            .unwrap()
            .expect("rewritten");
        assert_eq!(stepped, LOCK.replace("\"4.19.0\"", "\"5.0.0\""));
        assert!(stepped.contains("name = \"memchr\"\nversion = \"2.7.4\""));
        assert!(lock_with_version("[[package]]\n", "1.0.0").is_err());
    }
}
