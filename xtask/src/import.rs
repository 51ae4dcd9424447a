//! `cargo xtask import SOURCE [--name NAME] [--replace NAME] [--root DIR]`:
//! adds one QEMU release to the history, from a QAPI tree (a folder, a top
//! file, `DIR@REV`) or a binary's introspection (a capture, `unix:PATH`,
//! `qemu:PROGRAM`), then regenerates.
//!
//! The release is named `qemu-X.Y.Z` from the tree's `VERSION` or the
//! binary's `query-version` (`--name` overrides), vendored under
//! `qmp-spec/qapi/X.Y.Z/` (the schema files as the release has them) or
//! `qmp-spec/introspection/NAME.json` (the capture: greeting,
//! `query-version`, reply), each with a `PROVENANCE.md` (the source, the
//! commit id or the package, the date, the licence), and inserted into the
//! manifest in version order. `--replace` takes an entry out as the new one
//! goes in (a release candidate replaced by its release); `--note` adds to
//! the provenance what the source cannot say of itself.
//!
//! Everything is built in memory first: a release already in the history,
//! a source whose version cannot be found, a source that does not read, or
//! a history that no longer builds is exit 1 with nothing written.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use lexopt::prelude::*;
use qmp_spec::QemuVersion;
use qmp_spec::history::{self, Entry, Era, Manifest, RevisionId, Source};
use qmp_spec::input::Loaded;

use crate::Failure;

/// What the command line asks.
struct Request {
    source: String,
    name: Option<String>,
    replace: Option<String>,
    note: Option<String>,
    root: PathBuf,
}

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let request = Request::parse(args)?;
    let failed =
        |message: String| Failure::Failed(format!("error: {message}\nimport: nothing written"));
    let mut plan = Plan::new(&request).map_err(failed)?;
    plan.write(&request.root)?;
    let Plan {
        id,
        loaded,
        files,
        history_len,
        before,
        ..
    } = &plan;
    println!(
        "import: {id} ({}) after {before}: {} files vendored{}; regen: {history_len} revisions, {} files changed",
        loaded.name,
        files.len(),
        request
            .replace
            .as_ref()
            .map(|r| format!(", {r} replaced"))
            .unwrap_or_default(),
        plan.changed
    );
    println!(
        "review: the snapshot diff (cargo test), `cargo xtask diff {before} {id}`, generated/CHANGELOG.md"
    );
    Ok(())
}

impl Request {
    fn parse(args: Vec<OsString>) -> Result<Request, Failure> {
        let mut source: Option<String> = None;
        let mut name: Option<String> = None;
        let mut replace: Option<String> = None;
        let mut note: Option<String> = None;
        let mut root = crate::project_root();
        let mut parser = lexopt::Parser::from_args(args);
        while let Some(arg) = parser.next()? {
            match arg {
                Long("name") => name = Some(parser.value()?.to_string_lossy().into_owned()),
                Long("replace") => replace = Some(parser.value()?.to_string_lossy().into_owned()),
                Long("note") => note = Some(parser.value()?.to_string_lossy().into_owned()),
                Long("root") => root = parser.value()?.into(),
                Value(arg) if source.is_none() => source = Some(arg.to_string_lossy().into_owned()),
                _ => return Err(arg.unexpected().into()),
            }
        }
        let source = source.ok_or_else(|| {
            Failure::Usage(
                "usage: cargo xtask import SOURCE [--name NAME] [--replace NAME] [--note TEXT]"
                    .into(),
            )
        })?;
        Ok(Request {
            source,
            name,
            replace,
            note,
            root,
        })
    }
}

/// An import worked out in memory: what to remove, what to write, and what
/// it generates. Nothing is written until all of it is known.
struct Plan {
    id: RevisionId,
    loaded: Loaded,
    /// Vendored files and folders the replaced entry leaves behind.
    removed: Vec<PathBuf>,
    /// The new files, by their path from the project's root.
    files: Vec<(PathBuf, Vec<u8>)>,
    manifest: String,
    generated: Vec<codegen::GeneratedFile>,
    /// `Cargo.lock` for the crate's new version.
    lock: crate::regen::Lock,
    history_len: usize,
    /// The revision the new one follows.
    before: String,
    /// How many files of generated/ the import changed, once written.
    changed: usize,
}

impl Plan {
    fn new(request: &Request) -> Result<Plan, String> {
        let Request {
            source,
            replace,
            note,
            root,
            ..
        } = request;
        let history_dir = root.join("qmp-spec/history");
        let mut resolver = crate::resolver_at(root);
        let loaded = resolver.load(source).map_err(|err| err.to_string())?;
        for warning in &loaded.warnings {
            eprintln!("{warning}");
        }
        let (version, vendored) = vendor(source, &loaded)?;
        let name = match &request.name {
            Some(name) => name.clone(),
            None => format!(
                "qemu-{}",
                version.ok_or_else(|| format!(
                    "{source}: the version cannot be found (no VERSION in the tree, no \
                     query-version beside the reply): give --name qemu-X.Y.Z"
                ))?
            ),
        };
        let id = RevisionId::release(name.as_str(), loaded.era)?;
        let mut manifest = Manifest::load(&history_dir).map_err(|err| err.to_string())?;
        if manifest.get(&name).is_some() {
            return Err(format!("{name} is already in the history"));
        }
        let mut removed: Vec<PathBuf> = Vec::new();
        if let Some(old) = replace {
            removed = take_out(&mut manifest, &history_dir, old)?;
        }
        let folder = name.trim_start_matches("qemu-").to_string();
        let (mut entry, mut files) = vendored.place(&id, &folder, source, &loaded);
        if let Some(note) = note {
            // What the source cannot say of itself (where a tree came from).
            entry.provenance = format!("{} {note}", entry.provenance);
            if let Some((_, provenance)) = files
                .iter_mut()
                .find(|(p, _)| p.extension().is_some_and(|e| e == "md"))
            {
                provenance.extend_from_slice(format!("- **Note**: {note}\n").as_bytes());
            }
        }
        let at = id
            .version()
            .map_or(manifest.revisions.len(), |v| manifest.position_for(v));
        manifest.revisions.insert(at, entry);
        let before = manifest
            .revisions
            .get(at.wrapping_sub(1))
            .map_or("the start".to_string(), |e| e.name().to_string());
        let built = build_staged(&manifest, root, &files, &removed)?;
        let views = codegen::Revision::all(&built);
        let generated = codegen::generate(&views).map_err(|err| err.to_string())?;
        if let Some(schema) = &loaded.schema {
            // The vendored releases' table gains the release's row.
            let path = PathBuf::from("qmp-spec/qapi/README.md");
            let readme = std::fs::read_to_string(root.join(&path))
                .map_err(|err| format!("{}: {err}", path.display()))?;
            let replaced = replace
                .as_deref()
                .map(|old| old.trim_start_matches("qemu-"));
            let row = (
                folder.as_str(),
                schema.events().count(),
                schema.definitions.len(),
            );
            files.push((path, readme_with_row(&readme, row, replaced).into_bytes()));
        }
        let manifest = manifest.render().map_err(|err| err.to_string())?;
        let lock = crate::regen::Lock::for_files(root, &generated)?;
        Ok(Plan {
            id,
            loaded,
            removed,
            files,
            manifest,
            generated,
            lock,
            history_len: built.revisions.len(),
            before,
            changed: 0,
        })
    }

    /// Removes, vendors, writes the manifest and syncs generated/.
    fn write(&mut self, root: &Path) -> Result<(), Failure> {
        let failed =
            |what: String, err: std::io::Error| Failure::Failed(format!("error: {what}: {err}"));
        for path in &self.removed {
            let result = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            result.map_err(|err| failed(format!("removing {}", path.display()), err))?;
        }
        for (path, bytes) in &self.files {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|err| failed(format!("creating {}", parent.display()), err))?;
            }
            crate::sync::write_atomically(&path, bytes)
                .map_err(|err| failed(format!("writing {}", path.display()), err))?;
        }
        crate::sync::write_atomically(
            &root.join("qmp-spec/history/history.json"),
            self.manifest.as_bytes(),
        )
        .map_err(|err| failed("writing history.json".into(), err))?;
        let outcome = crate::sync::sync(&root.join("generated"), &self.generated, false)
            .map_err(|err| failed("writing generated/".into(), err))?;
        self.changed = outcome.changes.len();
        self.lock.write()
    }
}

/// Takes the entry `old` out of the manifest (`--replace`): the vendored
/// paths to remove with it.
fn take_out(
    manifest: &mut Manifest,
    history_dir: &Path,
    old: &str,
) -> Result<Vec<PathBuf>, String> {
    let Some(at) = manifest.revisions.iter().position(|e| e.name() == old) else {
        return Err(format!("--replace {old}: not in the history"));
    };
    let entry = manifest.revisions.remove(at);
    let refers = |e: &Entry| {
        e.release.as_deref() == Some(old)
            || matches!(&e.source, Source::Patch { base: Some(base), .. } if base == old)
    };
    if manifest.revisions.iter().any(refers) {
        return Err(format!("--replace {old}: other revisions refer to it"));
    }
    Ok(vendored_paths(history_dir, &entry))
}

/// The history of `manifest`, its new files read from memory and the
/// removed ones gone: any error leaves the tree as it was.
fn build_staged(
    manifest: &Manifest,
    root: &Path,
    files: &[(PathBuf, Vec<u8>)],
    removed: &[PathBuf],
) -> Result<history::History, String> {
    let history_dir = root.join("qmp-spec/history");
    let staged: BTreeMap<PathBuf, &[u8]> = files
        .iter()
        .map(|(path, bytes)| {
            (
                qmp_spec::qapi::normalize(&root.join(path)),
                bytes.as_slice(),
            )
        })
        .collect();
    history::build(manifest, |file| {
        let path = qmp_spec::qapi::normalize(&history_dir.join(file));
        match staged.get(&path) {
            Some(bytes) => Ok(bytes.to_vec()),
            None if removed.iter().any(|r| path.starts_with(r)) => Err(history::HistoryError::Io {
                path: path.clone(),
                source: std::io::ErrorKind::NotFound.into(),
            }),
            None => {
                std::fs::read(&path).map_err(|source| history::HistoryError::Io { path, source })
            }
        }
    })
    .map_err(|err| err.to_string())
}

/// What is vendored for a source, before it has a name.
enum Vendored {
    /// A QAPI schema's files by their path in the tree (`qapi/x.json`).
    Qapi {
        top: String,
        files: Vec<(String, Vec<u8>)>,
    },
    /// A capture of a binary's answers.
    Capture(Vec<u8>),
}

/// The version a source says it is, and what to vendor of it.
fn vendor(source: &str, loaded: &Loaded) -> Result<(Option<QemuVersion>, Vendored), String> {
    match loaded.era {
        Era::Schema => {
            if loaded.sources.is_empty() {
                return Err(format!(
                    "{source}: a revision of the history is already in it; import a QAPI tree \
                     or a binary"
                ));
            }
            let version = loaded
                .sources
                .iter()
                .find(|(path, _)| path == "VERSION")
                .and_then(|(_, bytes)| QemuVersion::parse(String::from_utf8_lossy(bytes).trim()));
            let files: Vec<(String, Vec<u8>)> = loaded.sources.clone();
            let top = files
                .iter()
                .map(|(path, _)| path.clone())
                .find(|p| p.ends_with("qapi-schema.json"))
                .ok_or_else(|| format!("{source}: no qapi-schema.json was read"))?;
            for (path, _) in &files {
                if Path::new(path).is_absolute() || path.split('/').any(|c| c == "..") {
                    return Err(format!("{source}: {path} is outside the tree"));
                }
            }
            Ok((version, Vendored::Qapi { top, files }))
        }
        Era::Build => {
            let version = loaded.spec.build.as_ref().and_then(|b| b.version);
            let capture = match &loaded.answers {
                Some(answers) => {
                    let mut text = serde_json::to_string(&answers.capture()?)
                        .map_err(|err| err.to_string())?;
                    text.push('\n');
                    text.into_bytes()
                }
                None => loaded
                    .sources
                    .first()
                    .map(|(_, bytes)| bytes.clone())
                    .ok_or_else(|| format!("{source}: nothing to vendor"))?,
            };
            if version.is_none() {
                return Err(format!(
                    "{source}: the reply does not say which QEMU it is from (no query-version \
                     beside it): import it from the binary (qemu:PROGRAM or unix:PATH), or a \
                     capture with its version"
                ));
            }
            Ok((version, Vendored::Capture(capture)))
        }
        Era::Text => Err(format!(
            "{source}: a qmp-events.txt revision; import takes a QAPI schema or a binary's \
             introspection"
        )),
    }
}

impl Vendored {
    /// The manifest entry and the files (by their path from the project's
    /// root) of a release named `name`, vendored in `folder`.
    fn place(
        &self,
        id: &RevisionId,
        folder: &str,
        source: &str,
        loaded: &Loaded,
    ) -> (Entry, Vec<(PathBuf, Vec<u8>)>) {
        let date = today();
        let name = id.name();
        match self {
            Vendored::Qapi { top, files } => {
                let base = PathBuf::from("qmp-spec/qapi").join(folder);
                let origin = match &loaded.commit {
                    Some(commit) => format!("commit {commit} of the git repository {source}"),
                    None => format!("the tree {source} (no commit id: not read from git)"),
                };
                let provenance = format!(
                    "# {name}: QEMU's QAPI schema\n\n\
                     - **Source**: {origin}.\n\
                     - **Files**: `VERSION` and every `qapi/*.json` file the top file \
                     `{top}` includes, exactly as the source has them ({} files).\n\
                     - **Imported**: {date}, by `cargo xtask import`.\n\
                     - **Licence**: QEMU's, GPL-2.0-or-later.\n",
                    files.len()
                );
                let mut out: Vec<(PathBuf, Vec<u8>)> = files
                    .iter()
                    .map(|(path, bytes)| (base.join(path), bytes.clone()))
                    .collect();
                out.push((base.join("PROVENANCE.md"), provenance.into_bytes()));
                let entry = Entry {
                    id: id.clone(),
                    source: Source::Qapi {
                        top: format!("../qapi/{folder}/{top}"),
                    },
                    provenance: format!(
                        "QEMU {folder}'s QAPI schema ({origin}; imported {date}), see \
                         qmp-spec/qapi/{folder}/PROVENANCE.md."
                    ),
                    release: None,
                };
                (entry, out)
            }
            Vendored::Capture(bytes) => {
                let package = loaded
                    .spec
                    .build
                    .as_ref()
                    .map(|b| b.package.clone())
                    .unwrap_or_default();
                let base = PathBuf::from("qmp-spec/introspection");
                let file = format!("{name}.json");
                let provenance = format!(
                    "# {name}: a QEMU binary's introspection\n\n\
                     - **Source**: `{source}`, {}: its greeting, `query-version` and \
                     `query-qmp-schema` answers, as one capture (`{file}`).\n\
                     - **Package**: {}.\n\
                     - **Imported**: {date}, by `cargo xtask import`.\n\
                     - **Licence**: QEMU's, GPL-2.0-or-later (the schema the binary was built \
                     from).\n",
                    loaded.name,
                    if package.is_empty() {
                        "none given"
                    } else {
                        &package
                    }
                );
                let entry = Entry {
                    id: id.clone(),
                    source: Source::Introspection {
                        file: format!("../introspection/{file}"),
                    },
                    provenance: format!(
                        "The introspection of {} (query-qmp-schema; imported {date}), see \
                         qmp-spec/introspection/{name}.md.",
                        loaded.name
                    ),
                    release: None,
                };
                let out = vec![
                    (base.join(&file), bytes.clone()),
                    (base.join(format!("{name}.md")), provenance.into_bytes()),
                ];
                (entry, out)
            }
        }
    }
}

/// The files and folders vendored for an entry (to remove with it).
fn vendored_paths(history_dir: &Path, entry: &Entry) -> Vec<PathBuf> {
    let mut out = Vec::new();
    match &entry.source {
        Source::Qapi { top } => {
            // `../qapi/FOLDER/...`: the folder.
            let mut components = Path::new(top).components().skip(2);
            if let Some(Component::Normal(folder)) = components.next() {
                out.push(qmp_spec::qapi::normalize(
                    &history_dir.join("../qapi").join(folder),
                ));
            }
        }
        Source::Introspection { file } => {
            let path = qmp_spec::qapi::normalize(&history_dir.join(file));
            out.push(path.with_extension("md"));
            out.push(path);
        }
        Source::Text { .. } | Source::Patch { .. } => {}
    }
    out
}

/// Today's date, `YYYY-MM-DD` (UTC).
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `qmp-spec/qapi/README.md` with a row (release, events, definitions) for
/// the imported release in version order, and the replaced release's row
/// gone: the table `qmp-spec/tests/qapi.rs` keeps current.
fn readme_with_row(
    readme: &str,
    (release, events, definitions): (&str, usize, usize),
    replaced: Option<&str>,
) -> String {
    /// `9.2.0-rc2` → [9, 2, 0, 2], as the releases sort.
    fn key(release: &str) -> Option<Vec<u32>> {
        release
            .split(['.', '-'])
            .map(|part| part.trim_start_matches("rc").parse().ok())
            .collect()
    }
    let release_of = |line: &str| {
        let cell = line.strip_prefix("| ")?.split(" |").next()?;
        key(cell).map(|_| cell.to_string())
    };
    let new_row = format!("| {release} | {events} | {definitions} |");
    let mut out: Vec<String> = Vec::new();
    let mut placed = false;
    let mut last_row = None;
    for line in readme.lines() {
        if let Some(cell) = release_of(line) {
            if Some(cell.as_str()) == replaced || cell == release {
                continue;
            }
            if !placed && key(&cell) > key(release) {
                out.push(new_row.clone());
                placed = true;
            }
            out.push(line.to_string());
            last_row = Some(out.len());
            continue;
        }
        out.push(line.to_string());
    }
    if !placed {
        let at = last_row.unwrap_or(out.len());
        out.insert(at, new_row);
    }
    let mut text = out.join("\n");
    if readme.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::readme_with_row;

    const README: &str = "# Releases\n\n| release | events | definitions |\n|---|---|---|\n\
                          | 9.1.0 | 53 | 900 |\n| 9.2.0-rc2 | 54 | 980 |\n| 10.0.0 | 56 | 994 |\n\nAfter.\n";

    #[test]
    fn the_readme_gains_the_release_in_version_order() {
        let last = readme_with_row(README, ("10.2.0", 57, 1010), None);
        assert!(
            last.contains("| 10.0.0 | 56 | 994 |\n| 10.2.0 | 57 | 1010 |\n\nAfter.\n"),
            "{last}"
        );
        let replaced = readme_with_row(README, ("9.2.0", 54, 982), Some("9.2.0-rc2"));
        assert!(
            replaced.contains("| 9.1.0 | 53 | 900 |\n| 9.2.0 | 54 | 982 |\n| 10.0.0 |"),
            "{replaced}"
        );
        assert!(!replaced.contains("rc2"));
        let first = readme_with_row(README, ("2.1.0", 32, 295), None);
        assert!(
            first.contains("|---|---|---|\n| 2.1.0 | 32 | 295 |\n| 9.1.0 |"),
            "{first}"
        );
    }
}
