//! `cargo xtask schema INPUT --out DIR`: the JSON Schemas of any input,
//! `DIR/events.json` for any event message and `DIR/EVENT_NAME.json` per
//! event, a reference into `events.json`; for an input with commands,
//! `DIR/commands.json` (any request) and `DIR/returns.json`.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;
use qmp_spec::history::RevisionId;

use crate::Failure;

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut input: Option<String> = None;
    let mut out: Option<PathBuf> = None;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") | Short('o') => out = Some(parser.value()?.into()),
            Value(arg) if input.is_none() => input = Some(arg.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let (Some(input), Some(out)) = (input, out) else {
        return Err(Failure::Usage(
            "usage: cargo xtask schema INPUT --out DIR".into(),
        ));
    };
    let loaded = crate::load(&mut crate::resolver(), &input)?;
    let name = schema_name(&input, &loaded);
    let id = RevisionId::alone(name, loaded.era);
    let revision = codegen::Revision::alone(&id, &loaded.spec);
    let mut files = codegen::schema::revision_files("", &revision);
    files.extend(codegen::schema::commands::revision_files("", &revision));
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

/// The name the schemas carry (in their `$id`s): a file's stem, a
/// revision's name, else the side's name.
fn schema_name(input: &str, loaded: &qmp_spec::input::Loaded) -> String {
    let path = std::path::Path::new(input);
    if path.is_file() {
        return path
            .file_stem()
            .map_or("spec".into(), |s| s.to_string_lossy().into_owned());
    }
    loaded.name.clone()
}
