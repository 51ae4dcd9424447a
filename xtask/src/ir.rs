//! `cargo xtask ir [--canonical] FILE`: a spec file's model as JSON: a
//! `qmp-events.txt` revision, or a QAPI schema's top file (detected).

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut canonical = false;
    let mut file: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("canonical") => canonical = true,
            Value(path) if file.is_none() => file = Some(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let file = file
        .ok_or_else(|| Failure::Usage("missing FILE: cargo xtask ir [--canonical] FILE".into()))?;
    let bytes = crate::read_file(&file)?;
    if qmp_spec::qapi::looks_like_qapi(&String::from_utf8_lossy(&bytes)) {
        // A QAPI top file: the schema and all it includes. Its model
        // serializes without positions, so both forms are the canonical one.
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
        print!("{}", codegen::files::pretty_json(&schema)?);
        return Ok(());
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
