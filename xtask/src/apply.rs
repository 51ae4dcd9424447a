//! `cargo xtask apply BASE PATCH [--reverse] [--strict] [-o OUT]`: the revised
//! text on stdout (or in OUT), the report on stderr.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;
use qmp_spec::diff::{self, Direction};

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
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
            _ => return Err(arg.unexpected()),
        }
    }
    let [base_path, patch_path] = <[PathBuf; 2]>::try_from(files).map_err(
        |_| "expected BASE and PATCH: cargo xtask apply BASE PATCH [--reverse] [--strict] [-o OUT]",
    )?;

    let Some(base) = crate::read_file(&base_path) else {
        return Ok(ExitCode::FAILURE);
    };
    let Some(patch_bytes) = crate::read_file(&patch_path) else {
        return Ok(ExitCode::FAILURE);
    };
    let base = match std::str::from_utf8(&base) {
        Ok(text) => text.to_string(),
        Err(_) => {
            eprintln!(
                "error: {}: not a text file (invalid UTF-8)",
                base_path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let patch = match diff::parse_bytes(&patch_path.display().to_string(), &patch_bytes) {
        Ok(patch) => patch,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::FAILURE);
        }
    };
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
        eprintln!("error: --strict: {failed} changes not applied; nothing written");
        return Ok(ExitCode::FAILURE);
    }
    match out {
        Some(path) => {
            if let Err(err) = std::fs::write(&path, &applied.text) {
                eprintln!("error: cannot write {}: {err}", path.display());
                return Ok(ExitCode::FAILURE);
            }
        }
        None => print!("{}", applied.text),
    }
    Ok(ExitCode::SUCCESS)
}
