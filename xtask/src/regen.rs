//! `cargo xtask regen [--check]`: rebuilds `generated/` from the history.
//!
//! Everything is generated in memory first, so an error anywhere (a revision
//! that does not parse) leaves `generated/` untouched.

use std::ffi::OsString;
use std::process::ExitCode;

use lexopt::prelude::*;

use qmp_spec::history::History;

use crate::sync::{Change, sync};

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
    let mut check = false;
    let mut root = crate::project_root();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("check") => check = true,
            // Another checkout (or a copy of one) to regenerate.
            Long("root") => root = parser.value()?.into(),
            _ => return Err(arg.unexpected()),
        }
    }

    let history = match History::load(&root.join("qmp-spec/history")) {
        Ok(history) => history,
        Err(err) => {
            eprintln!("error: {err}");
            eprintln!("regen: nothing written");
            return Ok(ExitCode::FAILURE);
        }
    };
    let views = codegen::Revision::all(&history);
    let mut files = codegen::generate(&views);
    // `cargo fmt --all` formats the generated crate too; its files are
    // written as rustfmt would leave them, so the two never disagree.
    for file in files.iter_mut().filter(|f| f.path.ends_with(".rs")) {
        match rustfmt(&file.contents, &root) {
            Ok(formatted) => file.contents = formatted,
            Err(err) => {
                eprintln!("error: rustfmt on generated/{}: {err}", file.path);
                eprintln!("regen: nothing written");
                return Ok(ExitCode::FAILURE);
            }
        }
    }

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
        history.revisions.len(),
        files.len(),
        count(|c| matches!(c, Change::Created(_))),
        count(|c| matches!(c, Change::Updated(_))),
        count(|c| matches!(c, Change::Removed(_))),
        outcome.unchanged,
    );
    Ok(ExitCode::SUCCESS)
}

/// Formats Rust source with the toolchain's rustfmt, as `cargo fmt` does.
fn rustfmt(source: &str, root: &std::path::Path) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| {
            format!("cannot run rustfmt ({err}); install it with `rustup component add rustfmt`")
        })?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(source.as_bytes())
        .map_err(|err| err.to_string())?;
    let output = child.wait_with_output().map_err(|err| err.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    String::from_utf8(output.stdout).map_err(|err| err.to_string())
}
