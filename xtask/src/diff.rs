//! `cargo xtask diff OLD NEW [--format markdown|json|github]
//! [--fail-on breaking|potentially-breaking] [--docs collapsed|full]`: the
//! semantic changes between two inputs, each side anything the resolver
//! reads (a revision name, a spec file, a QAPI tree, `DIR@REV`, a reply,
//! `unix:PATH`, `qemu:PROGRAM`), each change with the type it passes
//! through and the location of the definition that changed where the side
//! has files.
//!
//! - `markdown` (the default): the pull request comment, most severe first,
//!   grouped by event, a summary line on top;
//! - `github`: one GitHub Actions workflow annotation per change;
//! - `json`: every field of every change.
//!
//! `--fail-on CLASS` exits 2 when a change of that class or a more severe
//! one is found (`--fail-on-breaking` is `--fail-on breaking`).

use std::ffi::OsString;

use codegen::review::Docs;
use lexopt::prelude::*;
use qmp_spec::changes::{self, Class};

use crate::Failure;

#[derive(Clone, Copy)]
enum Format {
    Markdown,
    Json,
    Github,
}

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut format = Format::Markdown;
    let mut fail_on: Option<Class> = None;
    let mut docs = Docs::Collapsed;
    let mut sides: Vec<String> = Vec::new();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("format") => {
                format = match parser.value()?.to_string_lossy().as_ref() {
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    "github" => Format::Github,
                    other => {
                        return Err(Failure::Usage(format!(
                            "--format is markdown, json or github, not {other:?}"
                        )));
                    }
                }
            }
            Long("fail-on") => {
                fail_on = Some(match parser.value()?.to_string_lossy().as_ref() {
                    "breaking" => Class::Breaking,
                    "potentially-breaking" => Class::PotentiallyBreaking,
                    other => {
                        return Err(Failure::Usage(format!(
                            "--fail-on is breaking or potentially-breaking, not {other:?}"
                        )));
                    }
                })
            }
            Long("fail-on-breaking") => fail_on = Some(Class::Breaking),
            Long("docs") => {
                docs = match parser.value()?.to_string_lossy().as_ref() {
                    "collapsed" => Docs::Collapsed,
                    "full" => Docs::Full,
                    other => {
                        return Err(Failure::Usage(format!(
                            "--docs is collapsed or full, not {other:?}"
                        )));
                    }
                }
            }
            Value(side) if sides.len() < 2 => sides.push(side.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(sides)
        .map_err(|_| Failure::Usage("usage: cargo xtask diff OLD NEW".into()))?;
    let mut resolver = crate::resolver();
    let old = crate::load_quietly(&mut resolver, &old)?;
    let new = crate::load_quietly(&mut resolver, &new)?;
    let mut found = changes::compare(&old.spec, &new.spec);
    changes::locate(&mut found, old.source(), new.source());
    let report = match format {
        Format::Json => codegen::review::json(&old.name, &new.name, &found)?,
        Format::Markdown => codegen::review::markdown(&old.name, &new.name, &found, docs),
        Format::Github => codegen::review::github(&found, docs),
    };
    print!("{report}");
    if let Some(class) = fail_on {
        let worst = found.iter().map(|c| c.class).min();
        if let Some(worst) = worst.filter(|w| *w <= class) {
            return Err(Failure::Exit {
                code: 2,
                message: format!(
                    "diff: {} changes (--fail-on {})",
                    worst.label(),
                    match class {
                        Class::Breaking => "breaking",
                        _ => "potentially-breaking",
                    }
                ),
            });
        }
    }
    Ok(())
}
