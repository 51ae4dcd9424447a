//! `cargo xtask schema FILE --out DIR`: the JSON Schemas of any spec file,
//! `DIR/events.json` for any event message and `DIR/EVENT_NAME.json` per
//! event, a reference into `events.json`.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut file: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") | Short('o') => out = Some(parser.value()?.into()),
            Value(path) if file.is_none() => file = Some(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let (Some(file), Some(out)) = (file, out) else {
        return Err(Failure::Usage(
            "usage: cargo xtask schema FILE --out DIR".into(),
        ));
    };
    let spec = crate::read_spec(&file)?;
    let name = file
        .file_stem()
        .map_or("spec".into(), |s| s.to_string_lossy().into_owned());
    let revision = codegen::Revision::alone(&name, &spec, false);
    let files = codegen::schema::revision_files("", &revision);
    std::fs::create_dir_all(&out)
        .map_err(|err| Failure::Failed(format!("error: cannot create {}: {err}", out.display())))?;
    for generated in &files {
        let path = out.join(generated.path.trim_start_matches('/'));
        std::fs::write(&path, &generated.contents).map_err(|err| {
            Failure::Failed(format!("error: cannot write {}: {err}", path.display()))
        })?;
    }
    eprintln!("schema: {} files in {}", files.len(), out.display());
    Ok(())
}
