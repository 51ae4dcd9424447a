//! Pure functions from the `qmp-spec` model to artifacts. Nothing here reads
//! or writes files: each generator returns [`GeneratedFile`]s, and `xtask`
//! writes them.

pub mod catalog;
pub mod changes;
pub mod docs;
pub mod files;
pub mod ir;
pub mod names;
pub mod rust;
pub mod schema;

pub use files::GeneratedFile;

use qmp_spec::Spec;

/// One revision of the history, as the generators see it.
pub struct Revision<'a> {
    pub name: &'a str,
    /// Where the revision comes from, in a sentence.
    pub about: &'a str,
    pub spec: &'a Spec,
}

impl<'a> Revision<'a> {
    /// Every revision of a history, oldest first.
    pub fn all(history: &'a qmp_spec::history::History) -> Vec<Revision<'a>> {
        history.revisions.iter().map(Revision::from).collect()
    }
}

impl<'a> From<&'a qmp_spec::history::Revision> for Revision<'a> {
    fn from(revision: &'a qmp_spec::history::Revision) -> Self {
        Revision {
            name: &revision.name,
            about: &revision.provenance,
            spec: &revision.spec,
        }
    }
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
    let catalog = catalog::Catalog::new(revisions);
    let mut files = vec![
        docs::index(revisions, catalog.events.len()),
        changes::changelog(revisions),
    ];
    for revision in revisions {
        files.push(ir::revision_file(revision)?);
        files.push(docs::revision_file(revision));
        files.extend(schema::revision_files(
            &format!("schema/{}", revision.name),
            revision.name,
            revision.spec,
        ));
    }
    files.extend(rust::generate(&catalog, revisions)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
