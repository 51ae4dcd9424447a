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
        Some(other) => Err(Failure::Usage(format!("unknown command {other:?}"))),
        None => Err(Failure::Usage("no command".into())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match &failure {
                Failure::Usage(message) => eprintln!("error: {message}\n\n{USAGE}"),
                other => eprintln!("{}", other.message()),
            }
            ExitCode::from(failure.code())
        }
    }
}

/// How a command ends when it does not succeed. Each carries its exit code
/// and what to print on stderr.
#[derive(Debug)]
pub enum Failure {
    /// The command line does not fit the command: exit 2, with the usage.
    Usage(String),
    /// The command could not do its work (a file that cannot be read or
    /// parsed, a patch that does not apply): exit 1; the message names the
    /// file and the place.
    Failed(String),
    /// The command did its work, and its result asks for another exit code
    /// (`diff --fail-on-breaking` exits 2 when something is breaking).
    Exit { code: u8, message: String },
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
            Failure::Exit { code, .. } => *code,
        }
    }

    /// What it says on stderr (a usage error is followed by the usage).
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(message) | Failure::Failed(message) | Failure::Exit { message, .. } => {
                message
            }
        }
    }
}

impl From<lexopt::Error> for Failure {
    fn from(err: lexopt::Error) -> Failure {
        Failure::Usage(err.to_string())
    }
}

impl From<codegen::Error> for Failure {
    fn from(err: codegen::Error) -> Failure {
        Failure::Failed(format!("error: {err}"))
    }
}

/// Reads and parses a spec file, printing its warnings on stderr.
fn read_spec(path: &std::path::Path) -> Result<qmp_spec::Spec, Failure> {
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
    Ok(spec)
}

/// Reads and parses a spec file, without its warnings.
fn parse_quietly(path: &std::path::Path) -> Result<qmp_spec::Spec, Failure> {
    let bytes = read_file(path)?;
    qmp_spec::parse_bytes(&path.display().to_string(), &bytes)
        .map_err(|err| Failure::Failed(format!("error: {err}")))
}

/// The workspace's root folder (xtask lives one level below it).
fn project_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A file's bytes.
fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|err| Failure::Failed(format!("{}: error: cannot read: {err}", path.display())))
}

/// The history, or why it cannot be built.
fn load_history(root: &std::path::Path) -> Result<qmp_spec::history::History, Failure> {
    qmp_spec::history::History::load(&root.join("qmp-spec/history"))
        .map_err(|err| Failure::Failed(format!("error: {err}")))
}
