//! The model as JSON: the stable format `cargo xtask ir` prints.

use serde::Serialize;

use qmp_spec::Spec;

/// The full model: every field, with source positions and warnings, in the
/// order the model declares them.
pub fn render(spec: &Spec) -> String {
    to_pretty(spec)
}

/// Only what does not depend on layout ([`Spec::canonical`]).
pub fn render_canonical(spec: &Spec) -> String {
    to_pretty(&spec.canonical())
}

fn to_pretty(value: &impl Serialize) -> String {
    // Serializing plain data to a String cannot fail: no maps with non-string
    // keys, no I/O.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// `ir/NAME.json`: a revision's canonical model, for tools that read it.
pub fn revision_file(revision: &crate::Revision<'_>) -> crate::GeneratedFile {
    let contents = crate::files::json_file(vec![
        ("revision", serde_json::Value::from(revision.name)),
        ("model", revision.spec.canonical()),
    ]);
    crate::GeneratedFile::new(format!("ir/{}.json", revision.name), contents)
}
