//! `cargo xtask ir [--canonical] FILE`: a spec file's model as JSON.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
    let mut canonical = false;
    let mut file: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("canonical") => canonical = true,
            Value(path) if file.is_none() => file = Some(path.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    let file = file.ok_or("missing FILE: cargo xtask ir [--canonical] FILE")?;
    let Some(spec) = crate::read_spec(&file) else {
        return Ok(ExitCode::FAILURE);
    };
    print!(
        "{}",
        if canonical {
            codegen::ir::render_canonical(&spec)
        } else {
            codegen::ir::render(&spec)
        }
    );
    Ok(ExitCode::SUCCESS)
}
