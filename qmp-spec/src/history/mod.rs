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

pub mod audit;
pub mod identity;
pub mod manifest;
pub mod timeline;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diff::{self, ChangeReport, Direction};
use crate::model::{QemuVersion, Spec};
use crate::source::ParseError;

pub use identity::{Era, RevisionId};
pub use manifest::{Entry, Manifest, Source};

/// A rebuilt revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub id: RevisionId,
    pub provenance: String,
    pub origin: Origin,
    /// The text of a `qmp-events.txt` revision; empty for a QAPI release.
    pub text: String,
    pub spec: Spec,
    /// For a text revision, the release that shipped it.
    pub release: Option<String>,
}

impl Revision {
    pub fn name(&self) -> &str {
        self.id.name()
    }

    /// Whether the revision is a release of the QAPI era: its QAPI schema,
    /// or a binary's introspection.
    pub fn is_release(&self) -> bool {
        self.id.is_release()
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
        let manifest = Manifest::load(dir)?;
        build(&manifest, |file| read(&dir.join(file)))
    }

    pub fn get(&self, name: &str) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.name() == name)
    }

    /// The revisions that decide since and until: the text revisions before
    /// the first QAPI release, then the releases.
    pub fn timeline(&self) -> Vec<&Revision> {
        let first_release = self.revisions.iter().position(Revision::is_release);
        self.revisions
            .iter()
            .enumerate()
            .filter(|(i, r)| r.is_release() || first_release.is_none_or(|first| *i < first))
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

/// The one rule by which a build's introspection is named and documented,
/// in the history and for any reply a command reads: the QAPI schema
/// releases not newer than the build (all of them when its version is
/// unknown), newest first, each event from the first that documents it.
pub fn lenders<'r>(
    revisions: impl IntoIterator<Item = &'r Revision>,
    version: Option<QemuVersion>,
) -> Vec<(&'r str, &'r Spec)> {
    let mut releases: Vec<(QemuVersion, &Revision)> = revisions
        .into_iter()
        .filter(|r| r.id.era() == Era::Schema)
        .filter_map(|r| Some((r.id.version()?, r)))
        .filter(|(v, _)| version.is_none_or(|version| *v <= version))
        .collect();
    releases.sort_by_key(|(v, _)| std::cmp::Reverse(*v));
    releases
        .into_iter()
        .map(|(_, r)| (r.name(), &r.spec))
        .collect()
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, HistoryError> {
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
    let position = check_order(entries)?;
    // The releases' schemas depend on nothing else: read side by side.
    let mut built: Vec<Option<Revision>> = schema_revisions(entries, &read)?;
    // A binary's introspection, named and documented from the releases
    // before it.
    for (i, entry) in entries.iter().enumerate() {
        if let Source::Introspection { file } = &entry.source {
            built[i] = Some(build_revision(entry, file, &built, &read)?);
        }
    }
    // Each pass builds every text revision whose base is built; a pass that
    // builds nothing means a base that is missing or depends on itself.
    while built.iter().any(Option::is_none) {
        let mut progress = false;
        for (i, entry) in entries.iter().enumerate() {
            if built[i].is_some() {
                continue;
            }
            let revision = match &entry.source {
                Source::Text { file } => Some(text_revision(entry, file, &read)?),
                Source::Patch {
                    file,
                    base,
                    reverse,
                } => {
                    let base_name = match base {
                        Some(name) => name.as_str(),
                        None if i > 0 => entries[i - 1].name(),
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
                        Some(base) => Some(patch_revision(entry, file, *reverse, base, &read)?),
                        None => None,
                    }
                }
                // Built above.
                Source::Qapi { .. } | Source::Introspection { .. } => None,
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

/// Each entry's position by name: names used once, and every text revision
/// of the QAPI era naming a release of the history that shipped it.
fn check_order(entries: &[Entry]) -> Result<HashMap<&str, usize>, HistoryError> {
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if position.insert(entry.name(), i).is_some() {
            return Err(entry_error(entry, "the name is used twice"));
        }
    }
    let first_release = entries.iter().position(|e| e.id.is_release());
    for (i, entry) in entries.iter().enumerate() {
        match &entry.release {
            Some(release) => match position.get(release.as_str()) {
                Some(&at) if entries[at].id.is_release() => {}
                _ => {
                    return Err(entry_error(
                        entry,
                        &format!("its release {release:?} is not a QAPI release of the history"),
                    ));
                }
            },
            None if !entry.id.is_release() && first_release.is_some_and(|first| i > first) => {
                return Err(entry_error(
                    entry,
                    "a text revision after the first QAPI release must name the release that \
                     shipped it (\"release\")",
                ));
            }
            None => {}
        }
    }
    Ok(position)
}

/// The revisions of the QAPI schema entries, read on as many threads as the
/// machine has (at most one per entry); `None` for the others.
fn schema_revisions(
    entries: &[Entry],
    read: &(impl Fn(&str) -> Result<Vec<u8>, HistoryError> + Sync),
) -> Result<Vec<Option<Revision>>, HistoryError> {
    let jobs: Vec<(usize, &str)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.source {
            Source::Qapi { top } => Some((i, top.as_str())),
            _ => None,
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let job = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(i, top)) = jobs.get(job) else {
                break;
            };
            // A reader's panic is a bug: reported as the entry's error,
            // and the other entries read on.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                schema_revision(&entries[i], top, read)
            }))
            .unwrap_or_else(|panic| {
                Err(entry_error(
                    &entries[i],
                    &format!("the QAPI reader panicked: {}", panic_message(&*panic)),
                ))
            });
            done.push((i, result));
        }
        done
    };
    let mut results: Vec<(usize, Result<Revision, HistoryError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        // A worker catches its jobs' panics, so joining does not fail.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut built: Vec<Option<Revision>> = vec![None; entries.len()];
    // The first error in manifest order, whatever thread found it.
    results.sort_by_key(|(i, _)| *i);
    for (i, result) in results {
        built[i] = Some(result?);
    }
    if let Some(&(missing, _)) = jobs.iter().find(|(i, _)| built[*i].is_none()) {
        return Err(entry_error(&entries[missing], "reading the schema stopped"));
    }
    Ok(built)
}

/// What a panic said, when it said it with a string.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

fn schema_revision(
    entry: &Entry,
    top: &str,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let parse = |error| HistoryError::Parse {
        revision: entry.name().to_string(),
        error,
    };
    let schema = crate::qapi::read_with(Path::new(top), &mut |path| {
        let name = path.to_str().unwrap_or_default();
        read(name).map_err(|err| match err {
            HistoryError::Io { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        })
    })
    .map_err(parse)?;
    let spec = schema
        .to_spec(&format!("QAPI schema of {}", entry.name()))
        .map_err(parse)?;
    Ok(Revision {
        id: entry.id.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Qapi {
            file: top.to_string(),
            files: schema.files.len(),
        },
        text: String::new(),
        spec,
        release: None,
    })
}

/// A binary's introspection, named and documented by [`lenders`], with
/// what the release before it has behind a condition the build lacks
/// carried in (the module's rule).
fn build_revision(
    entry: &Entry,
    file: &str,
    built: &[Option<Revision>],
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let bytes = read(file)?;
    let parse = |error| HistoryError::Introspect {
        revision: entry.name().to_string(),
        error,
    };
    let reply = crate::introspect::Reply::parse(file, &bytes).map_err(parse)?;
    let version = reply.version().map(|(v, _)| v).or(entry.id.version());
    let references = lenders(built.iter().flatten(), version);
    let spec = reply
        .to_spec_carrying(&format!("Introspection of {}", entry.name()), &references)
        .map_err(parse)?;
    Ok(Revision {
        id: entry.id.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Introspection {
            file: file.to_string(),
            documented_from: references.first().map(|(name, _)| name.to_string()),
        },
        text: String::new(),
        spec,
        release: None,
    })
}

fn entry_error(entry: &Entry, message: &str) -> HistoryError {
    HistoryError::Entry {
        revision: entry.name().to_string(),
        message: message.to_string(),
    }
}

fn parse_text(entry: &Entry, file: &str, bytes: &[u8]) -> Result<(String, Spec), HistoryError> {
    let parse = |error| HistoryError::Parse {
        revision: entry.name().to_string(),
        error,
    };
    let text = crate::source::decode(file, bytes).map_err(parse)?;
    let spec = crate::parse(&format!("{file} (revision {})", entry.name()), text).map_err(parse)?;
    Ok((text.to_string(), spec))
}

fn text_revision(
    entry: &Entry,
    file: &str,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let (text, spec) = parse_text(entry, file, &read(file)?)?;
    Ok(Revision {
        id: entry.id.clone(),
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
    reverse: bool,
    base: &Revision,
    read: &impl Fn(&str) -> Result<Vec<u8>, HistoryError>,
) -> Result<Revision, HistoryError> {
    let patch = diff::parse_bytes(file, &read(file)?).map_err(|error| HistoryError::Parse {
        revision: entry.name().to_string(),
        error,
    })?;
    let direction = if reverse {
        Direction::Reverse
    } else {
        Direction::Forward
    };
    let applied = diff::apply(&base.text, &patch, direction);
    let failed: Vec<ChangeReport> = applied.not_applied().cloned().collect();
    if !failed.is_empty() {
        return Err(HistoryError::NotApplied {
            revision: entry.name().to_string(),
            file: file.to_string(),
            changes: failed,
        });
    }
    let (_, spec) = parse_text(entry, file, applied.text.as_bytes())?;
    Ok(Revision {
        id: entry.id.clone(),
        provenance: entry.provenance.clone(),
        origin: Origin::Patch {
            file: file.to_string(),
            base: base.name().to_string(),
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
