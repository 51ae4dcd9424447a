//! The model of a revision of QEMU's `qmp-events.txt`, and the readers that
//! build it: [`text`] for the document itself.
//!
//! Data flows one way: text → [`model`] → artifacts (the `codegen` crate).

pub mod canonical;
pub mod changes;
pub mod diff;
pub mod history;
pub mod lint;
pub mod model;
mod source;
pub mod text;

pub use model::{
    Data, EnumValue, Example, Field, JsonType, Note, Section, Span, Spec, TypeSource, Warning,
    WarningKind,
};
pub use text::{ParseError, parse, parse_bytes};
