//! The manifest, `history/history.json`: the ordered revisions and where
//! each comes from, checked into typed entries when it is read.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::identity::{Era, RevisionId};
use super::{HistoryError, read};
use crate::model::QemuVersion;

/// The manifest, as `history.json` writes it ([`Manifest::render`] writes
/// it back: two-space indents, keys in the order of [`RawEntry`]'s fields).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub about: String,
    pub revisions: Vec<Entry>,
}

/// One revision of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "RawEntry", into = "RawEntry")]
pub struct Entry {
    pub id: RevisionId,
    pub source: Source,
    pub provenance: String,
    /// For a text revision, the QAPI entry of the release that shipped it.
    pub release: Option<String>,
}

/// What a revision is read from, by the names the manifest gives its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A full text of `qmp-events.txt`.
    Text { file: String },
    /// A patch applied to `base` (by default the revision before it),
    /// backwards when `reverse`.
    Patch {
        file: String,
        base: Option<String>,
        reverse: bool,
    },
    /// A release's QAPI schema: its top file.
    Qapi { top: String },
    /// A QEMU binary's introspection: a capture of its answers.
    Introspection { file: String },
}

impl Entry {
    pub fn name(&self) -> &str {
        self.id.name()
    }
}

/// An entry as `history.json` writes it: the keys of every kind side by
/// side, exactly one of `text`, `patch`, `qapi` and `introspection` given.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    patch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    reverse: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qapi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    introspection: Option<String>,
    provenance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    release: Option<String>,
}

impl TryFrom<RawEntry> for Entry {
    type Error = String;

    fn try_from(raw: RawEntry) -> Result<Entry, String> {
        let at = |message: &str| format!("revision {}: {message}", raw.name);
        let patch_only = raw.base.is_some() || raw.reverse;
        let (era, source) = match (raw.text, raw.patch, raw.qapi, raw.introspection) {
            (Some(file), None, None, None) if !patch_only => (Era::Text, Source::Text { file }),
            (None, Some(file), None, None) => (
                Era::Text,
                Source::Patch {
                    file,
                    base: raw.base,
                    reverse: raw.reverse,
                },
            ),
            (None, None, Some(top), None) if !patch_only => (Era::Schema, Source::Qapi { top }),
            (None, None, None, Some(file)) if !patch_only => {
                (Era::Build, Source::Introspection { file })
            }
            (text, patch, ..) if patch_only && patch.is_none() && text.is_some() => {
                return Err(at("\"base\" and \"reverse\" are for a \"patch\""));
            }
            _ => {
                return Err(at(
                    "give exactly one of \"text\", \"patch\", \"qapi\" and \"introspection\"",
                ));
            }
        };
        if era.is_release() && raw.release.is_some() {
            return Err(at("\"release\" is for a text revision"));
        }
        let id = match era {
            Era::Text => RevisionId::text(raw.name),
            release => {
                RevisionId::release(raw.name.as_str(), release).map_err(|message| at(&message))?
            }
        };
        Ok(Entry {
            id,
            source,
            provenance: raw.provenance,
            release: raw.release,
        })
    }
}

impl From<Entry> for RawEntry {
    fn from(entry: Entry) -> RawEntry {
        let mut raw = RawEntry {
            name: entry.id.name().to_string(),
            provenance: entry.provenance,
            release: entry.release,
            ..RawEntry::default()
        };
        match entry.source {
            Source::Text { file } => raw.text = Some(file),
            Source::Patch {
                file,
                base,
                reverse,
            } => {
                raw.patch = Some(file);
                raw.base = base;
                raw.reverse = reverse;
            }
            Source::Qapi { top } => raw.qapi = Some(top),
            Source::Introspection { file } => raw.introspection = Some(file),
        }
        raw
    }
}

impl Manifest {
    /// Reads `dir/history.json`.
    pub fn load(dir: &Path) -> Result<Manifest, HistoryError> {
        let path = dir.join("history.json");
        let bytes = read(&path)?;
        serde_json::from_slice(&bytes).map_err(|source| HistoryError::Manifest { path, source })
    }

    /// The manifest as `history.json` holds it.
    pub fn render(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// Where a release of `version` goes: before the first release newer
    /// than it (text revisions keep their places), else at the end.
    pub fn position_for(&self, version: QemuVersion) -> usize {
        self.revisions
            .iter()
            .position(|e| e.id.version().is_some_and(|v| v > version))
            .unwrap_or(self.revisions.len())
    }

    /// The entry named `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.revisions.iter().find(|e| e.name() == name)
    }
}
