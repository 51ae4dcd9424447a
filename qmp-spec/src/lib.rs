//! The one model of QEMU's QMP events and commands ([`model`]: a revision,
//! whatever it was read from, with its table of [`types`]), and its readers, one per kind of input: [`text`] for a
//! `qmp-events.txt` revision (2010–2017), [`diff`] for the historical
//! diffs in three dialects, [`qapi`] for QEMU's QAPI schema (2014 on, the
//! only home of the events since 2017), [`introspect`] for a QEMU binary's
//! own account of its wire schema (`query-qmp-schema`); [`history`]
//! rebuilds every revision of both eras; [`input`] is the one resolver
//! every command reads an argument through (a file, a QAPI tree, a git
//! revision, a reply, a running or a started QEMU, a revision name).
//! [`changes`] and [`defects`] analyse models; [`availability`] finds
//! which revisions have an event, command, member or value.
//!
//! Data flows one way: inputs → [`model`] → artifacts (the `codegen`
//! crate) → files (`xtask`).

pub mod availability;
pub mod canonical;
pub mod changes;
pub mod defects;
pub mod diff;
pub mod history;
pub mod input;
pub mod introspect;
pub mod model;
pub mod qapi;
mod source;
pub mod spelled;
pub mod text;
pub mod types;

pub use model::{
    Build, Condition, Data, EnumValue, Example, Feature, Note, QemuVersion, Section, Span, Spec,
    TypeSource, Warning, WarningKind,
};
pub use text::{ParseError, parse, parse_bytes};
