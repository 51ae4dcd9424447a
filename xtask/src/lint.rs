//! `cargo xtask lint INPUT...` / `cargo xtask lint --history`: spec defects
//! with their positions, for any input (see `qmp_spec::input`). Exit 0 with
//! findings; exit 1 only when an input cannot be read (or the history
//! cannot be built).

use std::ffi::OsString;

use lexopt::prelude::*;
use qmp_spec::{Spec, defects};

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut history = false;
    let mut files: Vec<String> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("history") => history = true,
            Value(input) => files.push(input.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if !history && files.is_empty() {
        return Err(Failure::Usage(
            "give INPUT or --history: cargo xtask lint INPUT... | --history".into(),
        ));
    }
    // Every file is linted; those that cannot be read or parsed are
    // reported at the end, and fail the command.
    let mut errors = Vec::new();
    let mut total = 0;
    let mut resolver = crate::resolver();
    for input in &files {
        match crate::load_quietly(&mut resolver, input) {
            Ok(loaded) => total += report(&loaded.name, &loaded.spec),
            Err(failure) => errors.push(failure),
        }
    }
    if history {
        match crate::load_history(&crate::project_root()) {
            Ok(history) => {
                for revision in &history.revisions {
                    total += report(&format!("revision {}", revision.name()), &revision.spec);
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
    let findings = defects::check(spec);
    for finding in &findings {
        let kind = finding.kind.name();
        println!(
            "{name}:{}:{}: {kind}: {}",
            finding.span.line, finding.span.column, finding.message
        );
    }
    findings.len()
}
