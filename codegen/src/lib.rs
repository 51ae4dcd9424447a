//! Pure functions from the `qmp-spec` model to artifacts. Nothing here reads
//! or writes files: each generator returns text, and `xtask` does the I/O.

pub mod ir;
