//! `cargo xtask <command>`: the project's commands. This file only dispatches;
//! each command lives in its own module.

mod apply;
mod diff;
mod import;
mod ir;
mod lint;
mod regen;
mod schema;
mod since;
mod sync;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  regen [--check] [--root DIR]
                          rebuild generated/ from qmp-spec/history; --check
                          writes nothing and fails when generated/ is stale
  ir [--canonical | --schema] INPUT
                          print INPUT's model as JSON (warnings on stderr)
  lint INPUT... | --history  report spec defects with their positions
  schema INPUT --out DIR  write INPUT's JSON Schemas: DIR/EVENT.json, DIR/events.json,
                          and for an input with commands DIR/commands.json, DIR/returns.json
  diff OLD NEW [--format markdown|json|github] [--docs collapsed|full]
               [--fail-on breaking|potentially-breaking]
                          the changes between two inputs, classified for clients,
                          each with its type (via) and the definition's file:line
  import SOURCE [--name NAME] [--replace NAME] [--note TEXT]
                          add a QEMU release to the history (a QAPI tree, DIR@REV,
                          or a binary's introspection), vendored, then regenerate
  since PATH [--json] [--in INPUT]
                          which revisions have an event, command, member or value
                          (query-cpus, blockdev-add.arguments.aio=io_uring,
                          MIGRATION.data.status=postcopy-active): first, last,
                          conditions, features; --in: whether INPUT has it
  apply BASE PATCH [--reverse] [--strict] [-o OUT]
                          apply a git, cgit or lossy diff; the text on stdout
                          (or OUT), the report on stderr

INPUT is any of:
  FILE                    qmp-events.txt, a QAPI top file, or a query-qmp-schema
                          reply in JSON (bare, {\"return\": [...]}, or a capture)
  DIR                     a QAPI qapi/ folder or a QEMU source tree's root
  DIR@REV                 the same in a git repository at revision REV
  unix:PATH               a running QEMU's QMP socket (asked, never changed)
  qemu:PROGRAM            a QEMU started with -machine none, asked, and quit
  NAME                    a revision of the history (qemu-7.2.0, ...)
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
        Some("import") => import::run(rest),
        Some("since") => since::run(rest),
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
    /// (`diff --fail-on CLASS` exits 2 when it finds that class or worse).
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

/// The one resolver of inputs every command reads through, with the
/// project's history; `QMP_TIMEOUT` (seconds) bounds a QEMU's answers.
fn resolver() -> qmp_spec::input::Resolver {
    resolver_at(&project_root())
}

/// The same, for the project at `root`.
fn resolver_at(root: &std::path::Path) -> qmp_spec::input::Resolver {
    let mut resolver = qmp_spec::input::Resolver::new(root.join("qmp-spec/history"));
    if let Some(seconds) = std::env::var("QMP_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
    {
        resolver.timeout = std::time::Duration::from_secs_f64(seconds.min(3600.0));
    }
    resolver
}

/// Reads what `arg` names (a spec file, a QAPI tree, `DIR@REV`, a reply,
/// `unix:PATH`, `qemu:PROGRAM`, a revision name), printing its warnings
/// on stderr.
fn load(
    resolver: &mut qmp_spec::input::Resolver,
    arg: &str,
) -> Result<qmp_spec::input::Loaded, Failure> {
    let loaded = load_quietly(resolver, arg)?;
    for warning in &loaded.warnings {
        eprintln!("{warning}");
    }
    Ok(loaded)
}

/// The same, without the warnings.
fn load_quietly(
    resolver: &mut qmp_spec::input::Resolver,
    arg: &str,
) -> Result<qmp_spec::input::Loaded, Failure> {
    resolver
        .load(arg)
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
