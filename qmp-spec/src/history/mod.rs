//! QEMU's history of its QMP events, both eras: the ordered revisions of
//! `history/history.json`, each a full text of `qmp-events.txt`, a patch
//! applied to another revision, or (from 2.1.0 on) the QAPI schema of a
//! release, rebuilt into one model.
//!
//! The authority rule: up to the first QAPI release the text revisions are
//! the history; from it on the releases are, because QEMU generates the code
//! that sends its events from the QAPI schema, while `qmp-events.txt` was
//! written by hand beside it. A text revision after the first release names
//! the release that shipped it (`release`): it is read, published and
//! linted against that release, but does not decide when an event, member or
//! value appeared or went ([`History::timeline`]).
//!
//! A release may also be a QEMU binary's introspection (`introspection`: a
//! capture of its `query-qmp-schema`, for a QEMU whose QAPI source is not at
//! hand). Such a revision is one build of one target: its conditions are
//! decided, and it lacks what its build leaves out. The rule for it: what
//! the QAPI release before it has behind a condition this build lacks (an
//! event, member, value or branch; CPU_POLARIZATION_CHANGE is s390x only)
//! is carried into the revision with its condition, so since/until do not
//! end it there; what that release has unconditionally and the build lacks
//! is gone, and ends there. Its names and documentation come from the
//! releases before it, each event's from the newest that documents it;
//! an event no release documents says so.
//!
//! A patch that does not apply fully makes the history an error, naming the
//! revision and the change; changes already applied are fine and reported.

pub mod lint;
pub mod timeline;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diff::{self, ChangeReport, Direction};
use crate::model::{QemuVersion, Spec};
use crate::source::ParseError;

/// The manifest, as `history.json` writes it ([`Manifest::render`] writes
/// it back: two-space indents, keys in the order of the fields below).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub about: String,
    pub revisions: Vec<Entry>,
}

/// One revision of the manifest: `text`, or `patch` (on `base`, by default
/// the revision before it; `reverse` to apply it backwards).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reverse: bool,
    /// A QAPI schema's top file: the revision is that release's schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qapi: Option<String>,
    /// A QEMU binary's introspection (a capture of its answers): the
    /// revision is that build's wire schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection: Option<String>,
    pub provenance: String,
    /// For a text revision, the QAPI entry of the release that shipped it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
}

/// A rebuilt revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub name: String,
    pub provenance: String,
    pub origin: Origin,
    /// The text of a `qmp-events.txt` revision; empty for a QAPI release.
    pub text: String,
    pub spec: Spec,
    /// For a text revision, the release that shipped it.
    pub release: Option<String>,
}

impl Revision {
    /// Whether the revision is a release of the QAPI era: its QAPI schema,
    /// or a binary's introspection.
    pub fn is_qapi(&self) -> bool {
        matches!(
            self.origin,
            Origin::Qapi { .. } | Origin::Introspection { .. }
        )
    }

    /// Whether the revision is a binary's introspection.
    pub fn is_introspection(&self) -> bool {
        matches!(self.origin, Origin::Introspection { .. })
    }
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
    Qapi {
        /// The top file.
        file: String,
        /// How many files the schema has, the top file included.
        files: usize,
    },
    Introspection {
        /// The capture.
        file: String,
        /// The release its names and documentation come from first.
        documented_from: Option<String>,
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
    #[error("revision {revision}: {error}")]
    Introspect {
        revision: String,
        error: crate::introspect::IntrospectError,
    },
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

    /// The revisions that decide since and until: the text revisions before
    /// the first QAPI release, then the releases.
    pub fn timeline(&self) -> Vec<&Revision> {
        let first_qapi = self.revisions.iter().position(Revision::is_qapi);
        self.revisions
            .iter()
            .enumerate()
            .filter(|(i, r)| r.is_qapi() || first_qapi.is_none_or(|first| *i < first))
            .map(|(_, r)| r)
            .collect()
    }

    /// Each text revision that names the release that shipped it, with
    /// that release.
    pub fn overlap(&self) -> Vec<(&Revision, &Revision)> {
        self.revisions
            .iter()
            .filter_map(|text| Some((text, self.get(text.release.as_deref()?)?)))
            .collect()
    }
}

impl Manifest {
    /// The manifest as `history.json` holds it.
    pub fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Where a release of `version` goes: before the first release newer
    /// than it (text revisions keep their places), else at the end.
    pub fn position_for(&self, version: QemuVersion) -> usize {
        self.revisions
            .iter()
            .position(|e| {
                (e.qapi.is_some() || e.introspection.is_some())
                    && release_version(&e.name).is_some_and(|v| v > version)
            })
            .unwrap_or(self.revisions.len())
    }

    /// Reads `dir/history.json`.
    pub fn load(dir: &Path) -> Result<Manifest, HistoryError> {
        let path = dir.join("history.json");
        let bytes = read(&path)?;
        serde_json::from_slice(&bytes).map_err(|source| HistoryError::Manifest { path, source })
    }
}

/// The QEMU version a release's revision name gives, as QEMU itself
/// reports it: `qemu-7.2.0` is 7.2.0; a release candidate `qemu-9.2.0-rc2`
/// is 9.1.92, as QEMU numbers its candidates (x.y.90 + n before x.(y+1).0).
pub fn release_version(name: &str) -> Option<QemuVersion> {
    let rest = name.strip_prefix("qemu-")?;
    let (numbers, rc) = match rest.split_once("-rc") {
        Some((numbers, rc)) => (numbers, Some(rc.parse::<u32>().ok()?)),
        None => (rest, None),
    };
    let mut parts = numbers.split('.').map(|p| p.parse::<u32>().ok());
    let (Some(Some(major)), Some(Some(minor)), Some(Some(micro)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(match rc {
        None => QemuVersion {
            major,
            minor,
            micro,
        },
        // x.0.0-rcN follows the last minor of x-1, unknown here: after all.
        Some(n) if minor == 0 => QemuVersion {
            major: major.checked_sub(1)?,
            minor: u32::MAX,
            micro: 90 + n.min(9),
        },
        Some(n) => QemuVersion {
            major,
            minor: minor - 1,
            micro: 90 + n.min(9),
        },
    })
}

/// The QAPI release of the history nearest to a QEMU of `version`: the
/// newest release not newer than it, else (a QEMU older than every
/// release) the oldest; with no version, the newest. Read on its own,
/// without the rest of the history; `None` when the history has no
/// release.
pub fn nearest_release(
    dir: &Path,
    version: Option<QemuVersion>,
) -> Result<Option<Revision>, HistoryError> {
    let manifest = Manifest::load(dir)?;
    let mut releases: Vec<(QemuVersion, &Entry)> = manifest
        .revisions
        .iter()
        .filter(|e| e.qapi.is_some())
        .filter_map(|e| Some((release_version(&e.name)?, e)))
        .collect();
    releases.sort_by_key(|(v, _)| *v);
    let chosen = match version {
        Some(version) => releases
            .iter()
            .rev()
            .find(|(v, _)| *v <= version)
            .or(releases.first()),
        None => releases.last(),
    };
    chosen
        .map(|(_, entry)| qapi_revision(entry, &|file| read(&dir.join(file))))
        .transpose()
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
    read: impl Fn(&str) -> Result<Vec<u8>, HistoryError> + Sync,
) -> Result<History, HistoryError> {
    let entries = &manifest.revisions;
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if position.insert(&entry.name, i).is_some() {
            return Err(entry_error(entry, "the name is used twice"));
        }
    }
    let first_qapi = entries
        .iter()
        .position(|e| e.qapi.is_some() || e.introspection.is_some());
    for (i, entry) in entries.iter().enumerate() {
        match &entry.release {
            Some(release) => match position.get(release.as_str()) {
                Some(&at) if entries[at].qapi.is_some() || entries[at].introspection.is_some() => {}
                _ => {
                    return Err(entry_error(
                        entry,
                        &format!("its release {release:?} is not a QAPI release of the history"),
                    ));
                }
            },
            None if entry.qapi.is_none()
                && entry.introspection.is_none()
                && first_qapi.is_some_and(|first| i > first) =>
            {
                return Err(entry_error(
                    entry,
                    "a text revision after the first QAPI release must name the release that \
                     shipped it (\"release\")",
                ));
            }
            None => {}
        }
    }
    // The releases' schemas depend on nothing else: read side by side.
    let mut built: Vec<Option<Revision>> = qapi_revisions(entries, &read)?;
    // A binary's introspection, named and documented from the releases
    // before it.
    for (i, entry) in entries.iter().enumerate() {
        if entry.introspection.is_some() {
            built[i] = Some(introspection_revision(entry, &built, &read)?);
        }
    }
    // Each pass builds every revision whose base is built; a pass that builds
    // nothing means a base that is missing or depends on itself.
    while built.iter().any(Option::is_none) {
        let mut progress = false;
        for (i, entry) in entries.iter().enumerate() {
            if built[i].is_some() {
                continue;
            }
            if entry.introspection.is_some() {
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

/// The revisions of the QAPI entries, read on as many threads as the
/// machine has (at most one per entry); `None` for the others.
fn qapi_revisions(
    entries: &[Entry],
    read: &(impl Fn(&str) -> Result<Vec<u8>, HistoryError> + Sync),
) -> Result<Vec<Option<Revision>>, HistoryError> {
    let jobs: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].qapi.is_some())
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Result<Revision, HistoryError>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = jobs.get(job) else { break };
                        done.push((i, qapi_revision(&entries[i], read)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut built: Vec<Option<Revision>> = vec![None; entries.len()];
    let mut results: Vec<(usize, Result<Revision, HistoryError>)> =
        results.into_iter().flatten().collect();
    // The first error in manifest order, whatever thread found it.
    results.sort_by_key(|(i, _)| *i);
    for (i, result) in results {
        built[i] = Some(result?);
    }
    if let Some(&missing) = jobs.iter().find(|&&i| built[i].is_none()) {
        return Err(entry_error(&entries[missing], "reading the schema stopped"));
    }
    Ok(built)
}

fn qapi_revision(
    entry: &Entry,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let Some(top) = &entry.qapi else {
        return Err(entry_error(entry, "not a QAPI entry"));
    };
    if entry.text.is_some() || entry.patch.is_some() {
        return Err(entry_error(
            entry,
            "give exactly one of \"text\", \"patch\" and \"qapi\"",
        ));
    }
    let schema = crate::qapi::read_with(Path::new(top), &mut |path| {
        let name = path.to_str().unwrap_or_default();
        read(name).map_err(|err| match err {
            HistoryError::Io { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        })
    })
    .map_err(|error| HistoryError::Parse {
        revision: entry.name.clone(),
        error,
    })?;
    Ok(Revision {
        name: entry.name.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Qapi {
            file: top.clone(),
            files: schema.files.len(),
        },
        text: String::new(),
        spec: schema
            .to_spec(&format!("QAPI schema of {}", entry.name))
            .map_err(|error| HistoryError::Parse {
                revision: entry.name.clone(),
                error,
            })?,
        release: None,
    })
}

/// A binary's introspection: names and documentation from the QAPI
/// releases before it (newest first), what the release before it has
/// behind a condition the build lacks carried in (the module's rule).
fn introspection_revision(
    entry: &Entry,
    built: &[Option<Revision>],
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let Some(file) = &entry.introspection else {
        return Err(entry_error(entry, "not an introspection entry"));
    };
    if entry.text.is_some() || entry.patch.is_some() || entry.qapi.is_some() {
        return Err(entry_error(
            entry,
            "give exactly one of \"text\", \"patch\", \"qapi\" and \"introspection\"",
        ));
    }
    let bytes = read(file)?;
    let parse = |error| HistoryError::Introspect {
        revision: entry.name.clone(),
        error,
    };
    let reply = crate::introspect::Reply::parse(file, &bytes).map_err(parse)?;
    let version = reply
        .version()
        .map(|(v, _)| v)
        .or_else(|| release_version(&entry.name));
    // The schema releases no newer than the build, newest first.
    let mut releases: Vec<(QemuVersion, &Revision)> = built
        .iter()
        .flatten()
        .filter(|r| matches!(r.origin, Origin::Qapi { .. }))
        .filter_map(|r| Some((release_version(&r.name)?, r)))
        .filter(|(v, _)| version.is_none_or(|version| *v <= version))
        .collect();
    releases.sort_by_key(|(v, _)| std::cmp::Reverse(*v));
    let references: Vec<(&str, &Spec)> = releases
        .iter()
        .map(|(_, r)| (r.name.as_str(), &r.spec))
        .collect();
    let mut spec = reply
        .to_spec(&format!("Introspection of {}", entry.name), &references)
        .map_err(parse)?;
    if let Some((_, before)) = references.first() {
        crate::introspect::carry_conditional(&mut spec, before);
    }
    Ok(Revision {
        name: entry.name.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Introspection {
            file: file.clone(),
            documented_from: references.first().map(|(name, _)| name.to_string()),
        },
        text: String::new(),
        spec,
        release: None,
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
        release: entry.release.clone(),
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
        release: entry.release.clone(),
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
            Origin::Qapi { file, files } => write!(f, "the QAPI schema {file} ({files} files)"),
            Origin::Introspection {
                file,
                documented_from,
            } => {
                write!(f, "the introspection {file}")?;
                match documented_from {
                    Some(release) => write!(f, " (documented from {release})"),
                    None => Ok(()),
                }
            }
        }
    }
}
