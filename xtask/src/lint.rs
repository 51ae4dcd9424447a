//! `cargo xtask lint FILE` / `cargo xtask lint --history`: spec defects with
//! their positions. Exit 0 with findings; exit 1 only when a file cannot be
//! parsed (or the history cannot be built).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;
use qmp_spec::history::History;
use qmp_spec::{Spec, lint};

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
    let mut history = false;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("history") => history = true,
            Value(path) => files.push(path.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    if !history && files.is_empty() {
        return Err("give FILE or --history: cargo xtask lint FILE... | --history".into());
    }
    let mut failed = false;
    let mut total = 0;
    for path in &files {
        match crate::parse_quietly(path) {
            Some(spec) => total += report(&path.display().to_string(), &spec),
            None => failed = true,
        }
    }
    if history {
        match History::load(&crate::project_root().join("qmp-spec/history")) {
            Ok(history) => {
                for revision in &history.revisions {
                    total += report(&format!("revision {}", revision.name), &revision.spec);
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed = true;
            }
        }
    }
    eprintln!("lint: {total} findings");
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn report(name: &str, spec: &Spec) -> usize {
    let findings = lint::check(spec);
    for finding in &findings {
        let kind = serde_json::to_value(finding.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        println!(
            "{name}:{}:{}: {kind}: {}",
            finding.span.line, finding.span.column, finding.message
        );
    }
    findings.len()
}
