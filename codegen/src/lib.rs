//! Pure functions from the `qmp-spec` model to artifacts. Nothing here reads
//! or writes files: each generator returns [`GeneratedFile`]s, and `xtask`
//! writes them.

pub mod audit;
pub mod availability;
pub mod catalog;
pub mod docs;
pub mod files;
pub mod idents;
pub mod ir;
pub mod review;
pub mod rust;
pub mod schema;
pub mod version;

pub use files::GeneratedFile;

use qmp_spec::Spec;
use qmp_spec::history::{Era, RevisionId};

/// One revision of the history, as the generators see it.
#[derive(Clone, Copy)]
pub struct Revision<'a> {
    pub id: &'a RevisionId,
    /// Where the revision comes from, in a sentence.
    pub about: &'a str,
    pub spec: &'a Spec,
    /// Whether the revision decides since and until, and the types: false
    /// for a text revision of the QAPI era (see `qmp_spec::history`).
    pub timeline: bool,
    /// For a text revision of the QAPI era, the release that shipped it.
    pub release: Option<&'a str>,
}

impl<'a> Revision<'a> {
    /// A revision on its own, its own timeline: what a generator of one
    /// revision's files, or a tool given one file, works from.
    pub fn alone(id: &'a RevisionId, spec: &'a Spec) -> Revision<'a> {
        Revision {
            id,
            about: "",
            spec,
            timeline: true,
            release: None,
        }
    }

    pub fn name(&self) -> &'a str {
        self.id.name()
    }

    pub fn era(&self) -> Era {
        self.id.era()
    }

    /// Whether the revision is a QEMU release: its QAPI schema, or a
    /// build's introspection.
    pub fn is_release(&self) -> bool {
        self.id.is_release()
    }

    /// Every revision of a history, oldest first.
    pub fn all(history: &'a qmp_spec::history::History) -> Vec<Revision<'a>> {
        let timeline = history.timeline();
        history
            .revisions
            .iter()
            .map(|revision| Revision {
                id: &revision.id,
                about: &revision.provenance,
                spec: &revision.spec,
                timeline: timeline.iter().any(|t| std::ptr::eq(*t, revision)),
                release: revision.release.as_deref(),
            })
            .collect()
    }
}

/// `work` of each item, on as many threads as the machine has cores (at
/// most 8), the results in the items' order. Thread `t` takes items `t`,
/// `t + threads`, ...: the heavy items (the newest releases) are spread.
/// A panic in `work` (a bug) is a panic here.
fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let work = &work;
                scope.spawn(move || {
                    (t..items.len())
                        .step_by(threads)
                        .map(|i| (i, work(&items[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Why a generator could not make its files: a bug in the generator, never
/// a property of the input, reported rather than written out.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("encoding JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the Rust generated for {path} does not parse: {message}")]
    Rust { path: String, message: String },
}

/// Every file of `generated/`, in path order.
pub fn generate(revisions: &[Revision<'_>]) -> Result<Vec<GeneratedFile>, Error> {
    let catalog = catalog::Catalog::with_commands(revisions);
    // The history's changes, once: the changelog and the crate's version.
    let steps = version::steps(revisions);
    let availability = availability::Availability::new(revisions);
    let mut files = vec![
        docs::index(revisions, catalog.events.len()),
        docs::commands::index(&availability),
        review::changelog(&steps),
        audit::report(revisions),
    ];
    // Each revision's files on their own, on every core: the command
    // bundles and references are megabytes per release.
    let per_revision = |revision: &Revision<'_>| -> Result<Vec<GeneratedFile>, Error> {
        let mut files = Vec::new();
        // A release's model is its vendored schema read: `cargo xtask ir`
        // prints it, and the reader's snapshots pin its events.
        if !revision.is_release() {
            files.push(ir::revision_file(revision)?);
        }
        files.push(docs::revision_file(revision));
        files.extend(docs::commands::revision_file(revision, &availability));
        let folder = format!("schema/{}", revision.name());
        files.extend(schema::revision_files(&folder, revision));
        files.extend(schema::commands::revision_files(&folder, revision));
        Ok(files)
    };
    for made in on_every_core(revisions, per_revision) {
        files.extend(made?);
    }
    files.extend(schema::latest_files(&catalog));
    files.extend(schema::commands::latest_files(&availability));
    files.extend(rust::generate(
        &catalog,
        revisions,
        version::of_steps(&steps),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
