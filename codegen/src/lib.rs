//! Pure functions from the `qmp-spec` model to artifacts. Nothing here reads
//! or writes files: each generator returns [`GeneratedFile`]s, and `xtask`
//! writes them.

pub mod catalog;
pub mod files;
pub mod ir;
pub mod rust;

pub use files::GeneratedFile;

use qmp_spec::Spec;

/// One revision of the history, as the generators see it.
pub struct Revision<'a> {
    pub name: &'a str,
    pub spec: &'a Spec,
}

/// Every file of `generated/`, in path order.
pub fn generate(revisions: &[Revision<'_>]) -> Vec<GeneratedFile> {
    let catalog = catalog::Catalog::new(revisions);
    let mut files = vec![readme(revisions)];
    files.extend(revisions.iter().map(ir::revision_file));
    files.extend(rust::generate(&catalog, revisions));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn readme(revisions: &[Revision<'_>]) -> GeneratedFile {
    let mut text = files::markdown_preamble();
    text.push_str("\n# Generated from the history of `qmp-events.txt`\n\n");
    text.push_str(
        "Everything in this folder is written by `cargo xtask regen` from the revisions in\n",
    );
    text.push_str("`qmp-spec/history/`; `cargo xtask regen --check` fails when it is stale.\n\n");
    text.push_str("| revision | events | model |\n|---|---|---|\n");
    for revision in revisions {
        let events = revision.spec.events().count();
        text.push_str(&format!(
            "| `{0}` | {events} | [ir/{0}.json](ir/{0}.json) |\n",
            revision.name
        ));
    }
    GeneratedFile::new("README.md", text)
}
