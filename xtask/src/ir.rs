//! `cargo xtask ir [--canonical | --schema] INPUT`: an input's model as
//! JSON, the one model of every era and kind (a `qmp-events.txt` revision,
//! a QAPI schema, a binary's introspection; see `qmp_spec::input`).
//! `--schema` prints a QAPI schema as its reader sees it instead: every
//! definition of every file.

use std::ffi::OsString;

use lexopt::prelude::*;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut canonical = false;
    let mut whole_schema = false;
    let mut input: Option<String> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("canonical") => canonical = true,
            Long("schema") => whole_schema = true,
            Value(arg) if input.is_none() => input = Some(arg.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let input = input.ok_or_else(|| {
        Failure::Usage("missing INPUT: cargo xtask ir [--canonical | --schema] INPUT".into())
    })?;
    let loaded = crate::load(&mut crate::resolver(), &input)?;
    if whole_schema {
        let Some(schema) = &loaded.schema else {
            return Err(Failure::Usage(format!(
                "{input}: --schema is for a QAPI schema (a top file, a folder, DIR@REV)"
            )));
        };
        // Serialized without positions: its canonical form.
        print!("{}", codegen::files::pretty_json(schema)?);
        return Ok(());
    }
    print!(
        "{}",
        if canonical {
            codegen::ir::render_canonical(&loaded.spec)?
        } else {
            codegen::ir::render(&loaded.spec)?
        }
    );
    Ok(())
}
