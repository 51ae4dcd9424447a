//! `cargo xtask diff OLD NEW [--format markdown|json] [--fail-on-breaking]`:
//! the semantic changes between two revisions, each side a revision name of
//! the history or a spec file. Markdown on stdout, ready for a pull request
//! comment; exit 2 with `--fail-on-breaking` when anything is breaking.

use std::ffi::OsString;
use std::path::Path;

use lexopt::prelude::*;
use qmp_spec::Spec;
use qmp_spec::changes::{self, Class};
use qmp_spec::history::History;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut json = false;
    let mut fail_on_breaking = false;
    let mut sides: Vec<String> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("format") => match parser.value()?.to_string_lossy().as_ref() {
                "json" => json = true,
                "markdown" => json = false,
                other => {
                    return Err(Failure::Usage(format!(
                        "--format is markdown or json, not {other:?}"
                    )));
                }
            },
            Long("fail-on-breaking") => fail_on_breaking = true,
            Value(side) if sides.len() < 2 => sides.push(side.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(sides)
        .map_err(|_| Failure::Usage("usage: cargo xtask diff OLD NEW".into()))?;
    let mut history: Option<History> = None;
    let old_spec = load(&old, &mut history)?;
    let new_spec = load(&new, &mut history)?;
    let found = changes::compare(&old_spec, &new_spec);
    let report = if json {
        codegen::changes::json(&old, &new, &found)?
    } else {
        codegen::changes::markdown(&old, &new, &found)
    };
    print!("{report}");
    if fail_on_breaking && found.iter().any(|c| c.class == Class::Breaking) {
        return Err(Failure::Exit {
            code: 2,
            message: "diff: breaking changes (--fail-on-breaking)".into(),
        });
    }
    Ok(())
}

/// A spec file if `side` names one, else a revision of the history.
fn load(side: &str, history: &mut Option<History>) -> Result<Spec, Failure> {
    if Path::new(side).is_file() {
        return crate::parse_quietly(Path::new(side));
    }
    let history = match history {
        Some(history) => history,
        None => history.insert(crate::load_history(&crate::project_root())?),
    };
    match history.get(side) {
        Some(revision) => Ok(revision.spec.clone()),
        None => {
            let names: Vec<&str> = history.revisions.iter().map(|r| r.name.as_str()).collect();
            Err(Failure::Failed(format!(
                "error: {side:?} is neither a file nor a revision of the history ({})",
                names.join(", ")
            )))
        }
    }
}
