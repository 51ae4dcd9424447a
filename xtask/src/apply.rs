//! `cargo xtask apply BASE PATCH [--reverse] [--strict] [-o OUT]`: the revised
//! text on stdout (or in OUT), the report on stderr.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;
use qmp_spec::diff::{self, Direction};

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut reverse = false;
    let mut strict = false;
    let mut out: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("reverse") => reverse = true,
            Long("strict") => strict = true,
            Short('o') | Long("output") => out = Some(parser.value()?.into()),
            Value(path) if files.len() < 2 => files.push(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let [base_path, patch_path] = <[PathBuf; 2]>::try_from(files).map_err(|_| {
        Failure::Usage(
            "expected BASE and PATCH: cargo xtask apply BASE PATCH [--reverse] [--strict] [-o OUT]"
                .into(),
        )
    })?;

    let base = crate::read_file(&base_path)?;
    let patch_bytes = crate::read_file(&patch_path)?;
    let base = String::from_utf8(base).map_err(|_| {
        Failure::Failed(format!(
            "error: {}: not a text file (invalid UTF-8)",
            base_path.display()
        ))
    })?;
    let patch = diff::parse_bytes(&patch_path.display().to_string(), &patch_bytes)
        .map_err(|err| Failure::Failed(format!("error: {err}")))?;
    let direction = if reverse {
        Direction::Reverse
    } else {
        Direction::Forward
    };
    let applied = diff::apply(&base, &patch, direction);
    for change in &applied.report {
        eprintln!("{}: {change}", patch_path.display());
    }
    let failed = applied.not_applied().count();
    eprintln!(
        "{}: {:?} patch, {} changes: {} applied, {} already applied, {failed} not applied",
        patch_path.display(),
        patch.dialect,
        applied.report.len(),
        applied
            .report
            .iter()
            .filter(|c| matches!(c.outcome, diff::Outcome::Applied { .. }))
            .count(),
        applied
            .report
            .iter()
            .filter(|c| matches!(c.outcome, diff::Outcome::AlreadyApplied { .. }))
            .count(),
    );
    if strict && failed > 0 {
        return Err(Failure::Failed(format!(
            "error: --strict: {failed} changes not applied; nothing written"
        )));
    }
    match out {
        Some(path) => std::fs::write(&path, &applied.text).map_err(|err| {
            Failure::Failed(format!("error: cannot write {}: {err}", path.display()))
        })?,
        None => print!("{}", applied.text),
    }
    Ok(())
}
