//! QEMU's upstream history of `qmp-events.txt`: the ordered revisions of
//! `history/history.json`, each a full text or a patch applied to another
//! revision, rebuilt into texts and models.
//!
//! A patch that does not apply fully makes the history an error, naming the
//! revision and the change; changes already applied are fine and reported.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diff::{self, ChangeReport, Direction};
use crate::model::Spec;
use crate::source::ParseError;

/// The manifest, as `history.json` writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub about: String,
    pub revisions: Vec<Entry>,
}

/// One revision of the manifest: `text`, or `patch` (on `base`, by default
/// the revision before it; `reverse` to apply it backwards).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub text: Option<String>,
    pub patch: Option<String>,
    pub base: Option<String>,
    #[serde(default)]
    pub reverse: bool,
    pub provenance: String,
}

/// A rebuilt revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub name: String,
    pub provenance: String,
    pub origin: Origin,
    pub text: String,
    pub spec: Spec,
}

#[derive(Debug, Clone)]
pub enum Origin {
    Text {
        file: String,
    },
    Patch {
        file: String,
        base: String,
        direction: Direction,
        report: Vec<ChangeReport>,
        /// What the apply spent of its work budget.
        work: diff::Work,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid history manifest: {source}")]
    Manifest {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("revision {revision}: {message}")]
    Entry { revision: String, message: String },
    #[error("revision {revision}: {error}")]
    Parse { revision: String, error: ParseError },
    #[error("revision {revision}: {} changes of {file} not applied:\n{}", .changes.len(), list(.changes))]
    NotApplied {
        revision: String,
        file: String,
        changes: Vec<ChangeReport>,
    },
}

fn list(changes: &[ChangeReport]) -> String {
    changes
        .iter()
        .map(|c| format!("  {c}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The revisions, oldest first.
#[derive(Debug, Clone)]
pub struct History {
    pub revisions: Vec<Revision>,
}

impl History {
    /// Reads `dir/history.json` and rebuilds every revision.
    pub fn load(dir: &Path) -> Result<History, HistoryError> {
        let path = dir.join("history.json");
        let bytes = read(&path)?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|source| HistoryError::Manifest {
                path: path.clone(),
                source,
            })?;
        build(&manifest, |file| read(&dir.join(file)))
    }

    pub fn get(&self, name: &str) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.name == name)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, HistoryError> {
    std::fs::read(path).map_err(|source| HistoryError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Rebuilds the manifest's revisions; `read` gives a file's bytes by the
/// name the manifest uses. Revisions come out in manifest order, each built
/// once the revision it patches is.
pub fn build(
    manifest: &Manifest,
    read: impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<History, HistoryError> {
    let entries = &manifest.revisions;
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if position.insert(&entry.name, i).is_some() {
            return Err(entry_error(entry, "the name is used twice"));
        }
    }
    let mut built: Vec<Option<Revision>> = vec![None; entries.len()];
    // Each pass builds every revision whose base is built; a pass that builds
    // nothing means a base that is missing or depends on itself.
    while built.iter().any(Option::is_none) {
        let mut progress = false;
        for (i, entry) in entries.iter().enumerate() {
            if built[i].is_some() {
                continue;
            }
            let revision = match (&entry.text, &entry.patch) {
                (Some(file), None) => Some(text_revision(entry, file, &read)?),
                (None, Some(file)) => {
                    let base_name = match &entry.base {
                        Some(name) => name.as_str(),
                        None if i > 0 => entries[i - 1].name.as_str(),
                        None => {
                            return Err(entry_error(
                                entry,
                                "the first revision needs a text or a base",
                            ));
                        }
                    };
                    let base = *position.get(base_name).ok_or_else(|| {
                        entry_error(
                            entry,
                            &format!("its base {base_name:?} is not in the history"),
                        )
                    })?;
                    match &built[base] {
                        Some(base) => Some(patch_revision(entry, file, base, &read)?),
                        None => None,
                    }
                }
                _ => {
                    return Err(entry_error(
                        entry,
                        "give exactly one of \"text\" and \"patch\"",
                    ));
                }
            };
            if let Some(revision) = revision {
                built[i] = Some(revision);
                progress = true;
            }
        }
        if !progress {
            let stuck = entries
                .iter()
                .zip(&built)
                .find(|(_, b)| b.is_none())
                .map(|(e, _)| e);
            return Err(match stuck {
                Some(entry) => entry_error(entry, "its base depends on itself"),
                None => HistoryError::Entry {
                    revision: String::new(),
                    message: "cannot order the history".into(),
                },
            });
        }
    }
    Ok(History {
        revisions: built.into_iter().flatten().collect(),
    })
}

fn entry_error(entry: &Entry, message: &str) -> HistoryError {
    HistoryError::Entry {
        revision: entry.name.clone(),
        message: message.to_string(),
    }
}

fn decode(entry: &Entry, file: &str, bytes: &[u8]) -> Result<String, HistoryError> {
    crate::source::decode(file, bytes)
        .map(str::to_string)
        .map_err(|error| HistoryError::Parse {
            revision: entry.name.clone(),
            error,
        })
}

fn parse_spec(entry: &Entry, file: &str, text: &str) -> Result<Spec, HistoryError> {
    crate::parse(&format!("{file} (revision {})", entry.name), text).map_err(|error| {
        HistoryError::Parse {
            revision: entry.name.clone(),
            error,
        }
    })
}

fn text_revision(
    entry: &Entry,
    file: &str,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let text = decode(entry, file, &read(file)?)?;
    let spec = parse_spec(entry, file, &text)?;
    Ok(Revision {
        name: entry.name.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Text {
            file: file.to_string(),
        },
        text,
        spec,
    })
}

fn patch_revision(
    entry: &Entry,
    file: &str,
    base: &Revision,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let patch = diff::parse_bytes(file, &read(file)?).map_err(|error| HistoryError::Parse {
        revision: entry.name.clone(),
        error,
    })?;
    let direction = if entry.reverse {
        Direction::Reverse
    } else {
        Direction::Forward
    };
    let applied = diff::apply(&base.text, &patch, direction);
    let failed: Vec<ChangeReport> = applied.not_applied().cloned().collect();
    if !failed.is_empty() {
        return Err(HistoryError::NotApplied {
            revision: entry.name.clone(),
            file: file.to_string(),
            changes: failed,
        });
    }
    let spec = parse_spec(entry, file, &applied.text)?;
    Ok(Revision {
        name: entry.name.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Patch {
            file: file.to_string(),
            base: base.name.clone(),
            direction,
            report: applied.report,
            work: applied.work,
        },
        text: applied.text,
        spec,
    })
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Text { file } => write!(f, "the text {file}"),
            Origin::Patch {
                file,
                base,
                direction: Direction::Forward,
                ..
            } => write!(f, "{file} applied to {base}"),
            Origin::Patch {
                file,
                base,
                direction: Direction::Reverse,
                ..
            } => {
                write!(f, "{file} applied backwards to {base}")
            }
        }
    }
}
