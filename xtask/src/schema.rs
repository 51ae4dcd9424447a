//! `cargo xtask schema FILE --out DIR`: the JSON Schemas of any spec file,
//! `DIR/EVENT_NAME.json` per event and `DIR/events.json` for any event
//! message, each self-contained.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;

pub fn run(args: Vec<OsString>) -> Result<ExitCode, lexopt::Error> {
    let mut file: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") | Short('o') => out = Some(parser.value()?.into()),
            Value(path) if file.is_none() => file = Some(path.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    let (Some(file), Some(out)) = (file, out) else {
        return Err("usage: cargo xtask schema FILE --out DIR".into());
    };
    let Some(spec) = crate::read_spec(&file) else {
        return Ok(ExitCode::FAILURE);
    };
    let name = file
        .file_stem()
        .map_or("spec".into(), |s| s.to_string_lossy().into_owned());
    let files = codegen::schema::revision_files("", &name, &spec);
    if let Err(err) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {err}", out.display());
        return Ok(ExitCode::FAILURE);
    }
    for generated in &files {
        let path = out.join(generated.path.trim_start_matches('/'));
        if let Err(err) = std::fs::write(&path, &generated.contents) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return Ok(ExitCode::FAILURE);
        }
    }
    eprintln!("schema: {} files in {}", files.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
