//! The crate's hand-written modules compiled where they live
//! (`codegen/src/rust/runtime.rs`, `stream.rs` and `timeline.rs`), beside the generated
//! modules of `generated/src/`, as the `qmp-events` crate puts them
//! together: the modules refer to each other through `super::`, so they
//! build as children of this module as they do at that crate's root. The
//! stream's own tests run here, on the file an editor opens.
//! (`codegen/src/rust/watch.rs` is this package's example `codegen-watch`.)

#![allow(dead_code, unused_imports)]

#[path = "../../codegen/src/rust/runtime.rs"]
mod runtime;
#[path = "../../codegen/src/rust/stream.rs"]
mod stream;
#[path = "../../codegen/src/rust/timeline.rs"]
mod timeline;

#[path = "../../generated/src/data.rs"]
#[rustfmt::skip]
mod data;
#[path = "../../generated/src/events.rs"]
#[rustfmt::skip]
mod events;
#[path = "../../generated/src/revisions.rs"]
#[rustfmt::skip]
mod revisions;
#[path = "../../generated/src/types.rs"]
#[rustfmt::skip]
mod types;

pub use data::*;
pub use events::*;
pub use revisions::*;
pub use runtime::*;
pub use stream::*;
pub use types::*;
