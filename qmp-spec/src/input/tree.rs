//! The one seam under every tree a schema is read from: a folder on disk,
//! or a commit of a git repository ([`super::git::Tree`]). What a tree
//! holds (a QAPI schema's top file, or `qmp-events.txt` before the QAPI
//! era) is found, and a schema read with the files it includes, by the same
//! steps whatever the tree.

use std::io;
use std::path::{Path, PathBuf};

use super::InputError;
use crate::qapi::{self, Schema};

/// A tree of files, by their paths from its root (`/`-separated).
pub(crate) trait Tree {
    /// The file at `path`; `None` when the tree has no such file.
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>>;

    /// What reports put before a path: the folder, or nothing for a
    /// commit (its paths are the tree's own).
    fn root(&self) -> &Path;
}

/// A folder on disk.
pub(crate) struct Folder(pub PathBuf);

impl Tree for Folder {
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.0.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            // A folder where a file was looked for is not the file.
            Err(err) if err.kind() == io::ErrorKind::IsADirectory => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn root(&self) -> &Path {
        &self.0
    }
}

impl Tree for super::git::Tree {
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>> {
        super::git::Tree::read(self, path)
    }

    fn root(&self) -> &Path {
        Path::new("")
    }
}

/// The QAPI top file of a tree: a QEMU tree's, a 2.x tree's, or a `qapi/`
/// folder's own.
pub(crate) const QAPI_TOPS: &[&str] = &["qapi/qapi-schema.json", "qapi-schema.json"];

/// `qmp-events.txt` in a tree before the QAPI era (or beside it).
pub(crate) const TEXT_FILES: &[&str] = &["docs/qmp-events.txt", "QMP/qmp-events.txt"];

/// What a tree holds, by its path in the tree.
pub(crate) enum Found {
    Qapi(String),
    Text(String),
}

/// What `tree` holds: its QAPI schema's top file first, else its
/// `qmp-events.txt`.
pub(crate) fn probe(tree: &mut dyn Tree) -> io::Result<Option<Found>> {
    for top in QAPI_TOPS {
        if tree.read(top)?.is_some() {
            return Ok(Some(Found::Qapi(top.to_string())));
        }
    }
    for text in TEXT_FILES {
        if tree.read(text)?.is_some() {
            return Ok(Some(Found::Text(text.to_string())));
        }
    }
    Ok(None)
}

/// What a tree without a schema is told.
pub(crate) fn nothing_found() -> String {
    format!(
        "no QAPI schema (looked for {} and {})",
        QAPI_TOPS.join(", "),
        TEXT_FILES.join(", ")
    )
}

/// Files by their path in a tree, with their bytes.
pub(crate) type Sources = Vec<(String, Vec<u8>)>;

/// The schema whose top file is `top` in `tree`, and the files it was read
/// from by their path in the tree (`VERSION` too, where the tree has one).
pub(crate) fn read_schema(tree: &mut dyn Tree, top: &str) -> Result<(Schema, Sources), InputError> {
    let root = tree.root().to_path_buf();
    let mut sources = Vec::new();
    let schema = qapi::read_with(&root.join(top), &mut |path| {
        let relative = path.strip_prefix(&root).unwrap_or(path).to_string_lossy();
        match tree.read(&relative)? {
            Some(bytes) => {
                sources.push((relative.into_owned(), bytes.clone()));
                Ok(bytes)
            }
            None => Err(io::ErrorKind::NotFound.into()),
        }
    })?;
    let version = tree.read("VERSION").map_err(|source| InputError::Io {
        path: root.join("VERSION"),
        source,
    })?;
    if let Some(version) = version {
        sources.push(("VERSION".into(), version));
    }
    Ok((schema, sources))
}
