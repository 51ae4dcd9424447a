//! `cargo xtask lint FILE` / `cargo xtask lint --history`: spec defects with
//! their positions. Exit 0 with findings; exit 1 only when a file cannot be
//! parsed (or the history cannot be built).

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;
use qmp_spec::{Spec, lint};

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut history = false;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("history") => history = true,
            Value(path) => files.push(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if !history && files.is_empty() {
        return Err(Failure::Usage(
            "give FILE or --history: cargo xtask lint FILE... | --history".into(),
        ));
    }
    // Every file is linted; those that cannot be read or parsed are
    // reported at the end, and fail the command.
    let mut errors = Vec::new();
    let mut total = 0;
    for path in &files {
        match crate::parse_quietly(path) {
            Ok(spec) => total += report(&path.display().to_string(), &spec),
            Err(failure) => errors.push(failure),
        }
    }
    if history {
        match crate::load_history(&crate::project_root()) {
            Ok(history) => {
                for revision in &history.revisions {
                    total += report(&format!("revision {}", revision.name), &revision.spec);
                }
            }
            Err(failure) => errors.push(failure),
        }
    }
    eprintln!("lint: {total} findings");
    if errors.is_empty() {
        return Ok(());
    }
    let messages: Vec<&str> = errors.iter().map(Failure::message).collect();
    Err(Failure::Failed(messages.join("\n")))
}

fn report(name: &str, spec: &Spec) -> usize {
    let findings = lint::check(spec);
    for finding in &findings {
        let kind = finding.kind.name();
        println!(
            "{name}:{}:{}: {kind}: {}",
            finding.span.line, finding.span.column, finding.message
        );
    }
    findings.len()
}
