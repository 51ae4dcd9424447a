//! The model as JSON: the stable format `cargo xtask ir` prints.

use qmp_spec::Spec;

/// The full model: every field, with source positions and warnings.
pub fn render(spec: &Spec) -> String {
    to_pretty(&serde_json::to_value(spec).unwrap_or_default())
}

/// Only what does not depend on layout ([`Spec::canonical`]).
pub fn render_canonical(spec: &Spec) -> String {
    to_pretty(&spec.canonical())
}

fn to_pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
