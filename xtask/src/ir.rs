//! `cargo xtask ir [--canonical | --schema] FILE`: a spec file's model as
//! JSON, the one model of both eras: a `qmp-events.txt` revision, or a QAPI
//! schema's top file (detected) read into the same model (its events, types
//! spelled out in place). `--schema` prints a QAPI schema as its reader
//! sees it instead: every definition of every file.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut canonical = false;
    let mut whole_schema = false;
    let mut file: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("canonical") => canonical = true,
            Long("schema") => whole_schema = true,
            Value(path) if file.is_none() => file = Some(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let file = file.ok_or_else(|| {
        Failure::Usage("missing FILE: cargo xtask ir [--canonical | --schema] FILE".into())
    })?;
    let bytes = crate::read_file(&file)?;
    if qmp_spec::qapi::looks_like_qapi(&String::from_utf8_lossy(&bytes)) {
        // A QAPI top file: the schema and all it includes.
        let schema =
            qmp_spec::qapi::read(&file).map_err(|err| Failure::Failed(format!("error: {err}")))?;
        for warning in &schema.warnings {
            eprintln!(
                "{}:{}:{}: warning: {}",
                warning.location.file,
                warning.location.line,
                warning.location.column,
                warning.message
            );
        }
        if whole_schema {
            // Serialized without positions: its canonical form.
            print!("{}", codegen::files::pretty_json(&schema)?);
            return Ok(());
        }
        let title = format!("QAPI schema {}", file.display());
        let spec = schema
            .to_spec(&title)
            .map_err(|err| Failure::Failed(format!("error: {err}")))?;
        print!(
            "{}",
            if canonical {
                codegen::ir::render_canonical(&spec)?
            } else {
                codegen::ir::render(&spec)?
            }
        );
        return Ok(());
    }
    if whole_schema {
        return Err(Failure::Usage(format!(
            "{}: --schema is for a QAPI schema's top file",
            file.display()
        )));
    }
    let spec = crate::read_spec(&file)?;
    let text = if canonical {
        codegen::ir::render_canonical(&spec)?
    } else {
        codegen::ir::render(&spec)?
    };
    print!("{text}");
    Ok(())
}
