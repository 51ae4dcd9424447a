//! `cargo xtask regen [--check]`: rebuilds `generated/` from the history.
//!
//! Everything is generated in memory first, so an error anywhere (a revision
//! that does not parse) leaves `generated/` untouched. The Rust files are
//! formatted by prettyplease in `codegen` alone: the output does not depend
//! on which rustfmt is installed.

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

    let outcome = sync(&root.join("generated"), &files, check)
        .map_err(|err| Failure::Failed(format!("error: writing generated/: {err}")))?;
    if check {
        if outcome.changes.is_empty() {
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
        message.push(
            "regen --check: generated/ is stale; run `cargo xtask regen` and commit the result"
                .into(),
        );
        return Err(Failure::Failed(message.join("\n")));
    }
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
