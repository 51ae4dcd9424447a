//! `cargo xtask diff OLD NEW [--format markdown|json] [--fail-on-breaking]`:
//! the semantic changes between two inputs, each side anything the resolver
//! reads (a revision name, a spec file, a QAPI tree, `DIR@REV`, a reply,
//! `unix:PATH`, `qemu:PROGRAM`). Markdown on stdout, ready for a pull request
//! comment; exit 2 with `--fail-on-breaking` when anything is breaking.

use std::ffi::OsString;

use lexopt::prelude::*;
use qmp_spec::changes::{self, Class};

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
    let mut resolver = crate::resolver();
    let old = crate::load_quietly(&mut resolver, &old)?;
    let new = crate::load_quietly(&mut resolver, &new)?;
    let found = changes::compare(&old.spec, &new.spec);
    let report = if json {
        codegen::changes::json(&old.name, &new.name, &found)?
    } else {
        codegen::changes::markdown(&old.name, &new.name, &found)
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
