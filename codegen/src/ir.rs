//! The model as JSON: the stable format `cargo xtask ir` prints.

use qmp_spec::Spec;

use crate::Error;
use crate::files::pretty_json;

/// The full model: every field, with source positions and warnings, in the
/// order the model declares them.
pub fn render(spec: &Spec) -> Result<String, Error> {
    pretty_json(spec)
}

/// Only what does not depend on layout ([`Spec::canonical`]).
pub fn render_canonical(spec: &Spec) -> Result<String, Error> {
    pretty_json(&spec.canonical())
}

/// `ir/NAME.json`: a revision's canonical model, for tools that read it.
pub fn revision_file(revision: &crate::Revision<'_>) -> Result<crate::GeneratedFile, Error> {
    let contents = crate::files::json_file(vec![
        ("revision", serde_json::Value::from(revision.name())),
        ("model", serde_json::to_value(revision.spec.canonical())?),
    ]);
    Ok(crate::GeneratedFile::new(
        format!("ir/{}.json", revision.name()),
        contents,
    ))
}
