//! `cargo xtask regen [--check]`: rebuilds `generated/` from the history.
//!
//! Everything is generated in memory first, so an error anywhere (a revision
//! that does not parse) leaves `generated/` untouched.

use std::ffi::OsString;
use std::process::ExitCode;

use lexopt::prelude::*;

use crate::sync::{Change, sync};

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
    let mut check = false;
    let mut parser = lexopt::Parser::from_args(args);
    if let Some(arg) = parser.next()? {
        match arg {
            Long("check") => check = true,
            _ => return Err(arg.unexpected()),
        }
    }
    if let Some(arg) = parser.next()? {
        return Err(arg.unexpected());
    }

    let root = crate::project_root();
    let history = root.join("qmp-spec/history");
    let mut revisions = Vec::new();
    let mut paths: Vec<_> = match std::fs::read_dir(&history) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", history.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    paths.retain(|path| path.extension().is_some_and(|ext| ext == "txt"));
    paths.sort();
    for path in &paths {
        let Some(spec) = crate::read_spec(path) else {
            eprintln!("regen: nothing written");
            return Ok(ExitCode::FAILURE);
        };
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        revisions.push((name, spec));
    }
    let views: Vec<codegen::Revision<'_>> = revisions
        .iter()
        .map(|(name, spec)| codegen::Revision { name, spec })
        .collect();
    let files = codegen::generate(&views);

    let outcome = match sync(&root.join("generated"), &files, check) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: writing generated/: {err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if check {
        if outcome.changes.is_empty() {
            println!(
                "regen --check: generated/ is up to date ({} files)",
                files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for change in &outcome.changes {
            eprintln!("stale: {}", change.describe("generated"));
        }
        eprintln!(
            "regen --check: generated/ is stale; run `cargo xtask regen` and commit the result"
        );
        return Ok(ExitCode::FAILURE);
    }
    let count = |f: fn(&Change) -> bool| outcome.changes.iter().filter(|c| f(c)).count();
    println!(
        "regen: {} revisions, {} files: {} created, {} updated, {} removed, {} unchanged",
        revisions.len(),
        files.len(),
        count(|c| matches!(c, Change::Created(_))),
        count(|c| matches!(c, Change::Updated(_))),
        count(|c| matches!(c, Change::Removed(_))),
        outcome.unchanged,
    );
    Ok(ExitCode::SUCCESS)
}
