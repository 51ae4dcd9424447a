//! Every kind of input a command takes, through one resolver: the form and
//! the content of an argument decide what it is ([`Input::resolve`]), and
//! [`Resolver::load`] reads it into the one model.
//!
//! | argument | what it is |
//! |---|---|
//! | `unix:PATH` | a running QEMU's QMP socket: its introspection |
//! | `qemu:PROGRAM` | a QEMU started for the question, then quit |
//! | a file | a `qmp-events.txt` revision, a QAPI schema's top file, or a `query-qmp-schema` reply in JSON, by its content |
//! | a folder | a QAPI schema's `qapi/` folder, or a QEMU tree's root (`qapi/qapi-schema.json`, or `qapi-schema.json` for 2.x; `docs/qmp-events.txt` or `QMP/qmp-events.txt` before the QAPI era) |
//! | `DIR@REV` | the same in a git repository at revision REV, read from git's objects |
//! | anything else | a revision name of the history |
//!
//! An introspection (a reply, a socket, a program) takes its type names and
//! documentation from the QAPI releases of the history by the history's own
//! rule ([`crate::history::lenders`]); see [`crate::introspect`]. A folder
//! and a git commit are read by the same steps ([`tree`]).

mod git;
pub mod qmp;
mod tree;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::history::{self, Era, History, HistoryError};
use crate::introspect::{IntrospectError, Reply};
use crate::model::{QemuVersion, Spec};
use crate::qapi::Schema;
use crate::source::ParseError;
use tree::{Folder, Found};

/// What an argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A `qmp-events.txt` revision in a file.
    Text(PathBuf),
    /// A QAPI schema, by its top file.
    Qapi(PathBuf),
    /// A `query-qmp-schema` reply in a JSON file.
    Reply(PathBuf),
    /// A git repository's tree at a revision.
    Git { repo: PathBuf, rev: String },
    /// A running QEMU's QMP socket.
    Socket(PathBuf),
    /// A QEMU program to start and ask.
    Program(PathBuf),
    /// A revision of the history, by name.
    Revision(String),
}

/// An input read into the model.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// How reports name the side: the revision name, `DIR@REV (commit)`,
    /// the QEMU version of a binary, or the file.
    pub name: String,
    /// What the model was read from: a text, a QAPI schema, a build.
    pub era: Era,
    pub spec: Spec,
    /// A QAPI input's schema as its reader sees it.
    pub schema: Option<Schema>,
    /// A QEMU's own answers (a socket or a program).
    pub answers: Option<qmp::Answers>,
    /// The files the input was read from, by their path in the tree (a
    /// QAPI schema's `qapi/*.json`, its `VERSION` where the tree has one;
    /// a reply's file), for `cargo xtask import` to vendor.
    pub sources: Vec<(String, Vec<u8>)>,
    /// For `DIR@REV`, the commit id.
    pub commit: Option<String>,
    /// Defects that did not stop the reading, each `file:line:col:
    /// warning: message`.
    pub warnings: Vec<String>,
    /// Where the input's definitions are, for changes to name their
    /// location: a QAPI input's tree root (its files are named relative to
    /// it), or a text input's file.
    pub files: Files,
}

/// Where an input's definitions are.
#[derive(Debug, Clone, Default)]
pub enum Files {
    /// A QAPI schema's files, named relative to this root.
    Qapi(PathBuf),
    /// A text revision's one file.
    Text(String),
    /// No files: a revision of the history, a build.
    #[default]
    None,
}

/// Why an input cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("{0}")]
    Introspect(#[from] IntrospectError),
    #[error("{0}")]
    History(#[from] HistoryError),
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The argument names nothing this tool reads, or something without
    /// a schema.
    #[error("{input}: {message}")]
    Input { input: String, message: String },
}

fn input_error(input: impl std::fmt::Display, message: impl Into<String>) -> InputError {
    InputError::Input {
        input: input.to_string(),
        message: message.into(),
    }
}

impl Input {
    /// What `arg` names, by its form and, for a file, its content.
    pub fn resolve(arg: &str) -> Result<Input, InputError> {
        if let Some(path) = arg.strip_prefix("unix:") {
            return Ok(Input::Socket(path.into()));
        }
        if let Some(program) = arg.strip_prefix("qemu:") {
            return Ok(Input::Program(program.into()));
        }
        let path = Path::new(arg);
        if path.is_dir() {
            return folder(path);
        }
        if path.is_file() {
            return file(path);
        }
        if let Some((repo, rev)) = arg.rsplit_once('@') {
            if !repo.is_empty() && Path::new(repo).is_dir() {
                return Ok(Input::Git {
                    repo: repo.into(),
                    rev: rev.to_string(),
                });
            }
        }
        // A path (revision names have no `/`) that names nothing.
        if arg.contains('/') {
            if let Err(source) = std::fs::metadata(path) {
                return Err(InputError::Io {
                    path: path.into(),
                    source,
                });
            }
        }
        Ok(Input::Revision(arg.to_string()))
    }
}

fn folder(dir: &Path) -> Result<Input, InputError> {
    let found = tree::probe(&mut Folder(dir.into())).map_err(|source| InputError::Io {
        path: dir.into(),
        source,
    })?;
    match found {
        Some(Found::Qapi(top)) => Ok(Input::Qapi(dir.join(top))),
        Some(Found::Text(text)) => Ok(Input::Text(dir.join(text))),
        None => Err(input_error(
            dir.display(),
            format!("a folder with {}", tree::nothing_found()),
        )),
    }
}

fn file(path: &Path) -> Result<Input, InputError> {
    let mut head = Vec::with_capacity(4096);
    {
        use std::io::Read;
        let opened = std::fs::File::open(path).map_err(|source| InputError::Io {
            path: path.into(),
            source,
        })?;
        opened
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|source| InputError::Io {
                path: path.into(),
                source,
            })?;
    }
    Ok(match sniff(&head) {
        Sniffed::Json => Input::Reply(path.into()),
        Sniffed::Qapi => Input::Qapi(path.into()),
        Sniffed::Text => Input::Text(path.into()),
    })
}

enum Sniffed {
    Json,
    Qapi,
    Text,
}

/// JSON (`[`, or `{` then `"` or `}`), a QAPI schema (a comment, or `{`
/// then `'`: QAPI quotes with `'`), else text.
fn sniff(head: &[u8]) -> Sniffed {
    let mut bytes = head.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match (bytes.next(), bytes.next()) {
        (Some(b'['), _) | (Some(b'{'), Some(b'"' | b'}')) => Sniffed::Json,
        (Some(b'#' | b'{'), _) => Sniffed::Qapi,
        _ => Sniffed::Text,
    }
}

/// Reads inputs, with the history at hand for revision names and for the
/// names of an introspection's types.
pub struct Resolver {
    history_dir: PathBuf,
    history: Option<History>,
    /// How long a QEMU may take to answer.
    pub timeout: Duration,
}

impl Resolver {
    /// A resolver whose history is `history_dir` (`qmp-spec/history`).
    pub fn new(history_dir: impl Into<PathBuf>) -> Resolver {
        Resolver {
            history_dir: history_dir.into(),
            history: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// The whole history, built on first use.
    pub fn history(&mut self) -> Result<&History, InputError> {
        if self.history.is_none() {
            self.history = Some(History::load(&self.history_dir)?);
        }
        Ok(self.history.as_ref().expect("just built"))
    }

    /// Reads what `arg` names.
    pub fn load(&mut self, arg: &str) -> Result<Loaded, InputError> {
        let input = Input::resolve(arg)?;
        self.load_input(arg, &input)
    }

    pub fn load_input(&mut self, arg: &str, input: &Input) -> Result<Loaded, InputError> {
        match input {
            Input::Text(path) => {
                let bytes = read(path)?;
                let name = path.display().to_string();
                let spec = crate::parse_bytes(&name, &bytes)?;
                let mut loaded = text_loaded(name.clone(), spec);
                loaded.files = Files::Text(name);
                Ok(loaded)
            }
            Input::Qapi(top) => {
                let root = tree_root(top);
                let relative = top.strip_prefix(&root).unwrap_or(top);
                let mut folder = Folder(root.clone());
                let (schema, sources) =
                    tree::read_schema(&mut folder, &relative.to_string_lossy())?;
                let mut loaded = qapi_loaded(top.display().to_string(), schema)?;
                loaded.sources = sources;
                loaded.files = Files::Qapi(root);
                Ok(loaded)
            }
            Input::Git { repo, rev } => self.git(arg, repo, rev),
            Input::Reply(path) => {
                let bytes = read(path)?;
                let name = path.display().to_string();
                let mut loaded =
                    self.introspection(name, &path.display().to_string(), &bytes, None)?;
                loaded.sources = vec![(path.display().to_string(), bytes)];
                Ok(loaded)
            }
            Input::Socket(path) => {
                let answers =
                    qmp::ask_socket(path, self.timeout).map_err(|m| input_error(arg, m))?;
                self.answered(arg, answers)
            }
            Input::Program(program) => {
                let answers =
                    qmp::ask_program(program, self.timeout).map_err(|m| input_error(arg, m))?;
                self.answered(arg, answers)
            }
            Input::Revision(name) => {
                let history = self.history()?;
                match history.get(name) {
                    Some(revision) => Ok(Loaded::new(
                        revision.name().to_string(),
                        revision.id.era(),
                        revision.spec.clone(),
                    )),
                    None => {
                        let names: Vec<&str> = history.revisions.iter().map(|r| r.name()).collect();
                        Err(input_error(
                            name,
                            format!(
                                "neither a file, a folder, DIR@REV, unix:PATH, qemu:PROGRAM nor \
                                 a revision of the history ({})",
                                names.join(", ")
                            ),
                        ))
                    }
                }
            }
        }
    }

    fn git(&mut self, arg: &str, repo: &Path, rev: &str) -> Result<Loaded, InputError> {
        let mut tree = git::Tree::open(repo, rev).map_err(|m| input_error(arg, m))?;
        let short = tree.commit[..tree.commit.len().min(12)].to_string();
        let name = if tree.commit.starts_with(rev) && rev.len() >= 7 {
            format!("{}@{short}", repo.display())
        } else {
            format!("{}@{rev} ({short})", repo.display())
        };
        let found = tree::probe(&mut tree).map_err(|source| InputError::Io {
            path: arg.into(),
            source,
        })?;
        match found {
            Some(Found::Qapi(top)) => {
                let (schema, sources) = tree::read_schema(&mut tree, &top)?;
                let mut loaded = qapi_loaded(name, schema)?;
                loaded.sources = sources;
                loaded.commit = Some(tree.commit.clone());
                loaded.files = Files::Qapi(PathBuf::new());
                Ok(loaded)
            }
            Some(Found::Text(text)) => {
                let bytes = tree::Tree::read(&mut tree, &text)
                    .map_err(|source| InputError::Io {
                        path: format!("{arg}:{text}").into(),
                        source,
                    })?
                    .unwrap_or_default();
                let spec = crate::parse_bytes(&format!("{name}:{text}"), &bytes)?;
                let mut loaded = text_loaded(name, spec);
                loaded.files = Files::Text(text);
                Ok(loaded)
            }
            None => Err(input_error(
                arg,
                format!("the tree at {short} has {}", tree::nothing_found()),
            )),
        }
    }

    fn answered(&mut self, arg: &str, answers: qmp::Answers) -> Result<Loaded, InputError> {
        let (version, package) =
            QemuVersion::from_query_version(&answers.version).ok_or_else(|| {
                input_error(arg, format!("query-version answered {}", answers.version))
            })?;
        let name = describe(version, &package);
        let mut loaded =
            self.introspection(name, arg, &answers.schema.clone(), Some((version, package)))?;
        loaded.answers = Some(answers);
        Ok(loaded)
    }

    /// A reply's model, named `name`, its errors naming `file`; the QEMU
    /// version from `version` or else from the reply.
    fn introspection(
        &mut self,
        name: String,
        file: &str,
        bytes: &[u8],
        version: Option<(QemuVersion, String)>,
    ) -> Result<Loaded, InputError> {
        let mut reply = Reply::parse(file, bytes)?;
        if let Some((version, package)) = version {
            reply.set_version(version, package);
        }
        let version = reply.version().map(|(v, _)| v);
        let package = reply
            .version()
            .map(|(_, p)| p.to_string())
            .unwrap_or_default();
        let mut warnings = Vec::new();
        let references = history::lenders(&self.history()?.revisions, version);
        if version.is_none() {
            if let Some((newest, _)) = references.first() {
                warnings.push(format!(
                    "{file}: warning: the reply does not say which QEMU it is from (no \
                     query-version beside \"return\"): names and documentation from the newest \
                     release, {newest}"
                ));
            }
        }
        let title = match version {
            Some(version) => format!("query-qmp-schema of {}", describe(version, &package)),
            None => format!("query-qmp-schema reply {file}"),
        };
        let spec = reply.to_spec(&title, &references)?;
        let name = match version {
            Some(version) if name == file => format!("{file} ({})", describe(version, &package)),
            _ => name,
        };
        let mut loaded = Loaded::new(name, Era::Build, spec);
        loaded.warnings = warnings;
        Ok(loaded)
    }
}

impl Loaded {
    /// An input's model, with nothing else said of it yet.
    fn new(name: String, era: Era, spec: Spec) -> Loaded {
        Loaded {
            name,
            era,
            spec,
            schema: None,
            answers: None,
            sources: Vec::new(),
            commit: None,
            warnings: Vec::new(),
            files: Files::None,
        }
    }

    /// Where its definitions are, for [`crate::changes::locate`].
    pub fn source(&self) -> crate::changes::Source<'_> {
        match (&self.files, &self.schema) {
            (Files::Qapi(root), Some(schema)) => crate::changes::Source::Qapi { schema, root },
            (Files::Text(file), _) => crate::changes::Source::Text {
                spec: &self.spec,
                file,
            },
            _ => crate::changes::Source::Unknown,
        }
    }
}

/// `QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)`.
pub fn describe(version: QemuVersion, package: &str) -> String {
    if package.is_empty() {
        format!("QEMU {version}")
    } else {
        format!("QEMU {version} ({package})")
    }
}

/// The root of the tree a QAPI top file is in: `ROOT/qapi/qapi-schema.json`
/// or 2.x's `ROOT/qapi-schema.json`; else its folder.
fn tree_root(top: &Path) -> PathBuf {
    let folder = top.parent().unwrap_or(Path::new(""));
    if folder.file_name().is_some_and(|n| n == "qapi") {
        folder.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        folder.to_path_buf()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|source| InputError::Io {
        path: path.into(),
        source,
    })
}

fn text_loaded(name: String, spec: Spec) -> Loaded {
    let warnings = spec
        .warnings()
        .map(|w| warning(&name, w.span.line, w.span.column, &w.message))
        .collect();
    let mut loaded = Loaded::new(name, Era::Text, spec);
    loaded.warnings = warnings;
    loaded
}

fn qapi_loaded(name: String, schema: Schema) -> Result<Loaded, InputError> {
    let spec = schema.to_spec(&format!("QAPI schema {name}"))?;
    let warnings = schema
        .warnings
        .iter()
        .map(|w| {
            warning(
                &w.location.file,
                w.location.line,
                w.location.column,
                &w.message,
            )
        })
        .collect();
    let mut loaded = Loaded::new(name, Era::Schema, spec);
    loaded.warnings = warnings;
    loaded.schema = Some(schema);
    Ok(loaded)
}

/// `file:line:col: warning: message`.
fn warning(file: &str, line: u32, column: u32, message: &str) -> String {
    format!("{file}:{line}:{column}: warning: {message}")
}
#[cfg(test)]
mod tests {
    use super::{Sniffed, sniff};

    #[test]
    fn content_decides_a_files_kind() {
        let kind = |text: &str| match sniff(text.as_bytes()) {
            Sniffed::Json => "json",
            Sniffed::Qapi => "qapi",
            Sniffed::Text => "text",
        };
        assert_eq!(kind("[{\"name\": \"x\"}]"), "json");
        assert_eq!(kind("\n  { \"return\": [] }"), "json");
        assert_eq!(kind("{}"), "json");
        assert_eq!(kind("# -*- Mode: Python -*-\n"), "qapi");
        assert_eq!(kind("{ 'include': 'common.json' }"), "qapi");
        assert_eq!(kind("QEMU Monitor Protocol Events\n===="), "text");
        assert_eq!(kind(""), "text");
    }
}
