//! The model of a revision of QEMU's `qmp-events.txt`, and the readers that
//! build it: [`text`] for the document itself; [`qapi`] reads QEMU's QAPI
//! schema, where the events are documented since 2017.
//!
//! Data flows one way: text → [`model`] → artifacts (the `codegen` crate).

pub mod canonical;
pub mod changes;
pub mod diff;
pub mod history;
pub mod input;
pub mod introspect;
pub mod lint;
pub mod model;
pub mod qapi;
mod source;
pub mod text;

pub use model::{
    Build, Condition, Data, EnumValue, Example, Feature, Field, JsonType, Note, QemuVersion,
    Section, Span, Spec, TypeSource, Warning, WarningKind,
};
pub use text::{ParseError, parse, parse_bytes};
