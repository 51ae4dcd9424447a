//! `cargo xtask <command>`: the project's commands. This file only dispatches;
//! each command lives in its own module.

mod apply;
mod diff;
mod ir;
mod lint;
mod regen;
mod schema;
mod sync;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  regen [--check] [--root DIR]
                          rebuild generated/ from qmp-spec/history; --check
                          writes nothing and fails when generated/ is stale
  ir [--canonical] FILE   print FILE's model as JSON (warnings on stderr)
  lint FILE... | --history  report spec defects with their positions
  schema FILE --out DIR   write FILE's JSON Schemas: DIR/EVENT.json, DIR/events.json
  diff OLD NEW [--format markdown|json] [--fail-on-breaking]
                          the changes between two revisions (names or files),
                          classified for clients
  apply BASE PATCH [--reverse] [--strict] [-o OUT]
                          apply a git, cgit or lossy diff; the text on stdout
                          (or OUT), the report on stderr
";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let command = args.next().and_then(|c| c.into_string().ok());
    let rest: Vec<_> = args.collect();
    let result = match command.as_deref() {
        Some("regen") => regen::run(rest),
        Some("ir") => ir::run(rest),
        Some("apply") => apply::run(rest),
        Some("lint") => lint::run(rest),
        Some("schema") => schema::run(rest),
        Some("diff") => diff::run(rest),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Commands report their own failures (exit 1); an error here is a
    // command line that does not fit the command.
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads and parses a spec file, printing its warnings, or its error, on
/// stderr; `None` when it cannot be read or parsed.
fn read_spec(path: &std::path::Path) -> Option<qmp_spec::Spec> {
    let spec = parse_quietly(path)?;
    for warning in spec.warnings() {
        eprintln!(
            "{}:{}:{}: warning: {}",
            path.display(),
            warning.span.line,
            warning.span.column,
            warning.message
        );
    }
    Some(spec)
}

/// Reads and parses a spec file; only an error is printed (on stderr).
fn parse_quietly(path: &std::path::Path) -> Option<qmp_spec::Spec> {
    let bytes = read_file(path)?;
    qmp_spec::parse_bytes(&path.display().to_string(), &bytes)
        .inspect_err(|err| eprintln!("error: {err}"))
        .ok()
}

/// The workspace's root folder (xtask lives one level below it).
fn project_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A file's bytes, or `None` after saying on stderr why it cannot be read.
fn read_file(path: &std::path::Path) -> Option<Vec<u8>> {
    std::fs::read(path)
        .inspect_err(|err| eprintln!("{}: error: cannot read: {err}", path.display()))
        .ok()
}
