//! `cargo xtask ir [--canonical] FILE`: a spec file's model as JSON.

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
    let spec = crate::read_spec(&file)?;
    let text = if canonical {
        codegen::ir::render_canonical(&spec)?
    } else {
        codegen::ir::render(&spec)?
    };
    print!("{text}");
    Ok(())
}
