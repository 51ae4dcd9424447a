//! The `generated/` crate: Rust types for every event of the history.
//!
//! Code is built as token streams (quote) and formatted by prettyplease, the
//! one formatter: what the snapshots show is what is committed, whatever
//! rustfmt is installed. `lib.rs` declares the generated modules with
//! `#[rustfmt::skip]`, so `cargo fmt` leaves them as prettyplease wrote
//! them. The fixed runtime (`runtime.rs` beside this file) is hand-written
//! Rust, copied as it is.

mod command;
mod event;
mod revision;
mod types;
pub mod wire;

#[cfg(test)]
mod runtime;

use proc_macro2::TokenStream;
use quote::quote;

use crate::catalog::Catalog;
use crate::files::GENERATOR;
use crate::{Error, GeneratedFile};

/// The runtime, copied into `generated/src/runtime.rs`.
const RUNTIME: &str = include_str!("runtime.rs");

/// The lines of a QMP stream, copied into `generated/src/stream.rs`. It is
/// built on the generated `Message`, so it is compiled and tested with the
/// generated modules, where it lives, by `qmp-tests` (`tests/src/mounted.rs`).
const STREAM: &str = include_str!("stream.rs");

/// The client (`Client`), copied into `generated/src/client.rs` (feature
/// `commands`).
const CLIENT: &str = include_str!("client.rs");

/// The client over tokio (`AsyncClient`), copied into
/// `generated/src/async_client.rs` (feature `tokio`).
const ASYNC_CLIENT: &str = include_str!("async_client.rs");

/// The example of a typed client, copied into `generated/examples/client.rs`;
/// it is `qmp-tests`'s example `codegen-client` where it lives.
const CLIENT_EXAMPLE: &str = include_str!("client_example.rs");

/// Checking requests against a wire schema (`Schema`, `Revision::check`),
/// copied into `generated/src/check.rs` (feature `commands`).
const CHECK: &str = include_str!("check.rs");

/// What every command shares: `Command`, `Empty` and `Request`, copied
/// into `generated/src/request.rs` (feature `commands`).
const REQUEST: &str = include_str!("request.rs");

/// What `Revision` and `EventKind` answer from the history's tables,
/// copied into `generated/src/timeline.rs`.
const TIMELINE: &str = include_str!("timeline.rs");

/// The example of a client, copied into `generated/examples/watch.rs`; it is
/// `qmp-tests`'s example `codegen-watch` where it lives.
const WATCH: &str = include_str!("watch.rs");

/// The crate's README, with `{newest}`, `{events}`, `{commands}` and
/// `{build_cost}` to fill in.
const README: &str = include_str!("README.md");

/// What the crate costs a downstream build, as measured (`.ci/build-cost`).
const BUILD_COST: &str = include_str!("build-cost.md");

/// The crate's documentation (`src/lib.rs`), with `{generator}`,
/// `{events}`, `{first}` and `{last}` to fill in.
const CRATE_DOC: &str = include_str!("crate-doc.md");

/// The licence, GPL-2.0 (`COPYING` at the project's root).
const COPYING: &str = include_str!("../../../COPYING");

/// The crate's files that are hand-written, copied or filled in from a
/// template, the same whatever the history but for a few counts: what a
/// review of a revision's generated code can leave out.
pub const HAND_WRITTEN: [&str; 11] = [
    "COPYING",
    "README.md",
    "examples/client.rs",
    "examples/watch.rs",
    "src/async_client.rs",
    "src/check.rs",
    "src/client.rs",
    "src/request.rs",
    "src/runtime.rs",
    "src/stream.rs",
    "src/timeline.rs",
];

/// The crate's files: `Cargo.toml`, `src/lib.rs`, `src/runtime.rs`,
/// `src/events.rs`, `src/data.rs`, `src/types.rs`.
pub fn generate(
    catalog: &Catalog<'_>,
    revisions: &[crate::Revision<'_>],
    version: crate::version::Version,
) -> Result<Vec<GeneratedFile>, Error> {
    let crate_doc = crate_doc(catalog, revisions);
    let lib = quote! {
        #crate_doc
        #![deny(missing_docs)]

        mod runtime;
        mod stream;
        mod timeline;
        #[rustfmt::skip]
        mod events;
        #[rustfmt::skip]
        mod data;
        #[rustfmt::skip]
        mod revisions;
        #[rustfmt::skip]
        mod types;
        #[cfg(feature = "tokio")]
        mod async_client;
        #[cfg(feature = "commands")]
        mod check;
        #[cfg(feature = "commands")]
        mod client;
        #[cfg(feature = "commands")]
        mod request;
        /// QMP's commands (feature `commands`): a struct per command of
        /// every QAPI release, holding its arguments, with its name and
        /// the type of its return ([`commands::Command`]); any request as
        /// JSON ([`commands::Request`]); any return decoded by its
        /// command's name ([`commands::decode_return`]); when each
        /// command was in QEMU ([`commands::CommandKind`]); and a request
        /// checked as QEMU would check it, against a revision's schema
        /// ([`Revision::check`]) or a QEMU's own ([`commands::Schema`]).
        ///
        /// ```
        /// use qmp_events::commands::{self, Command, DeviceDel, QueryStatus, Request, Return};
        ///
        /// // A request, typed, written as a line to send.
        /// let mut request = Request::new(&DeviceDel::new("net0".into()))?;
        /// request.id = Some(1.into());
        /// assert_eq!(
        ///     request.to_string(),
        ///     r#"{"arguments":{"id":"net0"},"execute":"device_del","id":1}"#
        /// );
        ///
        /// // Its return, typed: a value newer than the crate is kept.
        /// let answer = r#"{"running": false, "status": "postmigrate", "new": 1}"#;
        /// let status: <QueryStatus as Command>::Returns = serde_json::from_str(answer)?;
        /// assert_eq!(status.status.as_str(), "postmigrate");
        ///
        /// // Or decoded by the name of the command a proxy saw sent.
        /// match commands::decode_return("query-status", answer)? {
        ///     Return::QueryStatus(status) => assert!(!status.running),
        ///     other => panic!("{other:?}"),
        /// }
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[cfg(feature = "commands")]
        #[rustfmt::skip]
        pub mod commands;

        // Sorted, as rustfmt would have them: `cargo fmt` formats this file.
        #[cfg(feature = "tokio")]
        pub use async_client::{AsyncClient, AsyncEvents};
        #[cfg(feature = "commands")]
        pub use client::{Client, ClientError, Events};
        pub use data::*;
        pub use events::*;
        pub use revisions::*;
        pub use runtime::*;
        pub use stream::*;
        pub use types::*;

        /// The README's examples, run as doctests.
        #[cfg(doctest)]
        #[doc = include_str!("../README.md")]
        struct ReadmeDoctests;
    };
    let events = event::events(catalog);
    let events = quote! {
        //! The events, their kinds and the message envelope.
        use super::*;
        use super::runtime::EventCodec;
        #events
    };
    let data = types::data_structs(catalog);
    let data = quote! {
        //! The data of each event that has some.
        use super::*;
        use super::runtime::{decode_object, member, required, CowStr};
        #data
    };
    let history = revision::revisions(catalog, revisions);
    let history = quote! {
        //! The history at run time: its revisions, and when each event and
        //! member was sent.
        use super::*;
        #history
    };
    let shared = types::shared_types(catalog);
    let shared = quote! {
        //! Objects nested in event data, and enumerations.
        use super::*;
        use super::runtime::{decode_object, member, required, CowStr};
        #shared
    };
    let commands = command::commands(catalog);
    let commands = quote! {
        //! The commands, their arguments and returns.
        use super::*;
        use super::runtime::{decode_object, member, required, CowStr};
        pub use super::check::{CheckError, Finding, Problem, Schema, SchemaError};
        pub use super::request::{Command, Empty, Request, RequestError};
        #commands
    };
    Ok(vec![
        GeneratedFile::new("COPYING", COPYING.to_string()),
        GeneratedFile::new("Cargo.toml", cargo_toml(version)),
        GeneratedFile::new("README.md", readme(catalog, revisions)),
        GeneratedFile::new("src/lib.rs", format("src/lib.rs", lib)?),
        GeneratedFile::new("src/revisions.rs", format("src/revisions.rs", history)?),
        GeneratedFile::new("src/runtime.rs", copied("runtime.rs", RUNTIME)),
        GeneratedFile::new("src/stream.rs", copied("stream.rs", STREAM)),
        GeneratedFile::new("src/timeline.rs", copied("timeline.rs", TIMELINE)),
        GeneratedFile::new("examples/watch.rs", copied("watch.rs", WATCH)),
        GeneratedFile::new(
            "examples/client.rs",
            copied("client_example.rs", CLIENT_EXAMPLE),
        ),
        GeneratedFile::new("src/events.rs", format("src/events.rs", events)?),
        GeneratedFile::new("src/data.rs", format("src/data.rs", data)?),
        GeneratedFile::new("src/types.rs", format("src/types.rs", shared)?),
        GeneratedFile::new("src/commands.rs", format("src/commands.rs", commands)?),
        GeneratedFile::new("src/request.rs", copied("request.rs", REQUEST)),
        GeneratedFile::new("src/check.rs", copied("check.rs", CHECK)),
        wire::schemas(revisions),
        GeneratedFile::new("src/client.rs", copied("client.rs", CLIENT)),
        GeneratedFile::new(
            "src/async_client.rs",
            copied("async_client.rs", ASYNC_CLIENT),
        ),
    ])
}

/// A hand-written file of `codegen/src/rust/` with the generated-file line
/// first.
fn copied(file: &str, text: &str) -> String {
    format!(
        "// Copied by `{GENERATOR}` from codegen/src/rust/{file}. Do not edit by hand.\n\n{text}"
    )
}

/// Formats a file's tokens; tokens that do not parse are a generator bug,
/// reported as an error rather than written out.
fn format(path: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| Error::Rust {
        path: path.to_string(),
        message: err.to_string(),
    })?;
    Ok(format!(
        "// Generated by `{GENERATOR}`. Do not edit by hand.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The manifest; its version is the history's (`crate::version`). The
/// package holds the crate's own files only (not the schemas and references
/// beside it in `generated/`).
fn cargo_toml(version: crate::version::Version) -> String {
    format!(
        "# Generated by `{GENERATOR}`. Do not edit by hand.\n\
         [package]\n\
         name = \"qmp-events\"\n\
         version = \"{version}\"\n\
         description = \"Typed events of QEMU's machine protocol (QMP) for every QEMU since 2010, a reader of QMP streams, and when each event and member was sent\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.85\"\n\
         license = \"GPL-2.0-or-later\"\n\
         readme = \"README.md\"\n\
         documentation = \"https://docs.rs/qmp-events\"\n\
         keywords = [\"qemu\", \"qmp\", \"qapi\", \"virtualization\", \"serde\"]\n\
         categories = [\"api-bindings\", \"emulators\", \"parser-implementations\"]\n\
         include = [\"src/**/*.rs\", \"src/wire-schemas.txt\", \"examples/**/*.rs\", \"README.md\", \"COPYING\"]\n\
         \n\
         [dependencies]\n\
         serde = {{ version = \"1.0.200\", default-features = false, features = [\"std\", \"derive\"] }}\n\
         # raw_value: the data of an unknown event and a command's return are\n\
         # kept as JSON text. Not float_roundtrip: it would change how every\n\
         # crate of a user's build parses floats (see README.md).\n\
         serde_json = {{ version = \"1.0.100\", default-features = false, features = [\"std\", \"raw_value\"] }}\n\
         # The line ends of a QMP stream, found as serde_json finds its own.\n\
         memchr = {{ version = \"2.5\", default-features = false }}\n\
         # The client over tokio (feature `tokio`): its I/O and its timeout,\n\
         # and `Stream` for its events.\n\
         tokio = {{ version = \"1.38\", optional = true, default-features = false, features = [\"io-util\", \"time\"] }}\n\
         futures-core = {{ version = \"0.3.30\", optional = true, default-features = false, features = [\"std\"] }}\n\
         \n\
         [features]\n\
         # The commands: a type per command of every QAPI release, its return\n\
         # typed, any request as JSON, any return decoded by name; `Client`.\n\
         commands = []\n\
         # `AsyncClient`: the client over tokio.\n\
         tokio = [\"commands\", \"dep:tokio\", \"dep:futures-core\"]\n\
         \n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         \n\
         [[example]]\n\
         name = \"client\"\n\
         required-features = [\"commands\"]\n"
    )
}

/// The crate's README (`README.md` beside this file), its numbers filled
/// in: what crates.io and docs.rs show, its examples tested as doctests.
fn readme(catalog: &Catalog<'_>, revisions: &[crate::Revision<'_>]) -> String {
    let newest = revisions.last().map_or("", |r| r.name());
    let newest = newest.strip_prefix("qemu-").unwrap_or(newest);
    format!(
        "<!-- Generated by `{GENERATOR}` from codegen/src/rust/README.md. Do not edit by hand. -->\n\n{}",
        README
            .replace("{newest}", newest)
            .replace("{events}", &catalog.events.len().to_string())
            .replace("{commands}", &catalog.commands.len().to_string())
            .replace("{build_cost}", BUILD_COST.trim_end())
    )
}

/// `#[doc = "..."]` attributes: one paragraph per entry, wrapped, with the
/// spec's text escaped for Markdown. Empty entries are skipped.
/// The derives of a generated type: `Eq` unless a float is inside, serde's
/// `Serialize` and `Deserialize` where the type does not implement them by
/// hand (or by the runtime's `decode_object!`).
pub fn derives(eq: bool, serialize: bool, deserialize: bool) -> TokenStream {
    let eq = eq.then(|| quote! { Eq, });
    let serialize = serialize.then(|| quote! { serde::Serialize, });
    let deserialize = deserialize.then(|| quote! { serde::Deserialize, });
    quote! { #[derive(Debug, Clone, PartialEq, #eq #serialize #deserialize)] }
}

pub fn doc(paragraphs: &[&str]) -> TokenStream {
    let lines = doc_lines(paragraphs);
    quote! { #(#[doc = #lines])* }
}

/// The crate's documentation, filled in: its paragraphs, and its code
/// block line for line.
fn crate_doc(catalog: &Catalog<'_>, revisions: &[crate::Revision<'_>]) -> TokenStream {
    let text = CRATE_DOC
        .replace("{generator}", GENERATOR)
        .replace("{events}", &catalog.events.len().to_string())
        .replace("{first}", revisions.first().map_or("", |r| r.name()))
        .replace("{last}", revisions.last().map_or("", |r| r.name()));
    let mut entries: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        let fence = line.starts_with("```");
        if in_code || fence {
            entries.push(line.to_string());
            in_code ^= fence;
        } else if line.trim().is_empty() {
            entries.push(paragraph.join(" "));
            paragraph.clear();
        } else {
            paragraph.push(line.trim());
        }
    }
    entries.push(paragraph.join(" "));
    inner_doc(&entries.iter().map(String::as_str).collect::<Vec<_>>())
}

fn inner_doc(paragraphs: &[&str]) -> TokenStream {
    let lines = doc_lines(paragraphs);
    quote! { #(#![doc = #lines])* }
}

/// The lines of a doc comment: paragraphs wrapped at 90 columns and
/// separated by a blank line; a code block (from a ```` ``` ```` entry to the
/// next) kept line for line, without blank lines inside.
fn doc_lines(paragraphs: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut in_code = false;
    for paragraph in paragraphs.iter().filter(|p| !p.is_empty()) {
        let fence = paragraph.starts_with("```");
        if in_code || fence {
            if fence && !in_code && !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!(" {paragraph}"));
            in_code ^= fence;
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            // A line never starts with what Markdown reads as a list's
            // item (`-`, `*`, `+`, `1.`): the text would become a list.
            let item = matches!(word, "-" | "*" | "+")
                || word
                    .strip_suffix(['.', ')'])
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if !line.is_empty() && line.len() + word.len() > 90 && !item {
                lines.push(format!(" {line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            if line.is_empty() && item && lines.last().is_none_or(String::is_empty) {
                // A paragraph that starts as a list's item stays text.
                line.push('\\');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(format!(" {line}"));
        }
    }
    lines
}

/// Spec text inside rustdoc: brackets and angle brackets are Markdown and
/// HTML to rustdoc, so they are escaped.
pub fn escape(text: &str) -> String {
    let escaped = text
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    if !escaped.contains("://") {
        return escaped;
    }
    // A bare URL, made a link (rustdoc warns of a bare one).
    let mut out = String::with_capacity(escaped.len() + 8);
    let mut rest = escaped.as_str();
    while let Some(start) = rest.find("https://").or_else(|| rest.find("http://")) {
        out.push_str(&rest[..start]);
        let url = &rest[start..];
        let end = url.find(char::is_whitespace).unwrap_or(url.len());
        let link = url[..end].trim_end_matches(['.', ',', ';', ':', ')']);
        out.push('<');
        out.push_str(link);
        out.push('>');
        rest = &url[link.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(
            escape("See https://gnutls.org/a.html. Or http://x.org/b, [c]"),
            "See <https://gnutls.org/a.html>. Or <http://x.org/b>, \\[c\\]"
        );
    }

    #[test]
    fn paragraphs_wrap_and_are_separated_by_blank_lines() {
        let long = "word ".repeat(40);
        let lines = doc_lines(&["One.", "", &long]);
        assert_eq!(lines[0], " One.");
        assert_eq!(lines[1], "");
        assert!(lines[2..].iter().all(|l| l.len() <= 91), "{lines:?}");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn code_blocks_stay_line_for_line() {
        let lines = doc_lines(&[
            "Text.",
            "```",
            "let a = 1;",
            "",
            "assert!(a == 1);",
            "```",
            "After.",
        ]);
        assert_eq!(
            lines,
            [
                " Text.",
                "",
                " ```",
                " let a = 1;",
                " assert!(a == 1);",
                " ```",
                "",
                " After."
            ]
        );
    }

    #[test]
    fn markdown_and_html_in_spec_text_are_escaped() {
        assert_eq!(escape("a [b] <c>"), "a \\[b\\] &lt;c&gt;");
    }

    #[test]
    fn doc_attributes_carry_the_lines() {
        let tokens = doc(&["Hello."]).to_string();
        assert_eq!(tokens, "# [doc = \" Hello.\"]");
    }

    #[test]
    fn tokens_that_do_not_parse_are_an_error_naming_the_file() {
        let err = format("src/x.rs", quote! { fn }).unwrap_err();
        assert!(err.to_string().contains("src/x.rs"), "{err}");
        let ok = format("src/x.rs", quote! { fn f() {} }).unwrap();
        assert!(
            ok.starts_with("// Generated by `cargo xtask regen`."),
            "{ok}"
        );
        assert!(ok.ends_with("fn f() {}\n"), "{ok}");
    }

    #[test]
    fn the_runtime_is_copied_whole() {
        let copy = copied("runtime.rs", RUNTIME);
        assert!(copy.ends_with(RUNTIME));
        assert!(
            copy.starts_with("// Copied by `cargo xtask regen` from codegen/src/rust/runtime.rs.")
        );
    }
}
