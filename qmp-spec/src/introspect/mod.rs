//! The reader of a QEMU binary's own account of its wire schema: the reply
//! to `query-qmp-schema`, read into the one model ([`Spec`] with a
//! [`Build`]).
//!
//! The reply describes exactly one build: its events, members,
//! optionality, JSON types, enum values, union tags and branches,
//! alternates, arrays and features, with every QAPI `if` already decided
//! for that target and configuration. It has no documentation, and QEMU
//! masks type names as numbers. So a reply is read in three steps:
//!
//! 1. [`Reply::parse`]: the JSON (`wire.rs`), then the rules every entry
//!    must keep: a known meta-type, the keys it needs, names used once,
//!    references to types the reply has (a command or an event is not a
//!    type);
//! 2. [`Reply::to_spec`]: each event's data spelled out in place, as the
//!    QAPI reader does (`convert.rs`), bounded like it: types nest at most
//!    [`MAX_NESTING`] deep and spell out at most [`FIELDS_PER_MEMBER`]
//!    fields per member of the reply; a type that contains itself is
//!    referred to by name within itself, unless no finite value could have
//!    it (a cycle of required members only) or the cycle passes through no
//!    object (arrays or alternates only), which QEMU never sends;
//! 3. names and documentation (`lend.rs`), from a QAPI release of the
//!    history when one is given, the nearest to the binary: walking both
//!    models by event, member path, branch and element, a wire type takes
//!    the QAPI name found at the same places with the same wire kind (the
//!    same event member is `MigrationStatus` in a build that added a value
//!    to it), sized integers where QAPI says so (the wire says only `int`),
//!    and documentation wherever the wire shape matches: an event's
//!    description, `Since:` and notes when the release has the event, its
//!    examples when the whole data matches, a member's description when it
//!    has the same kind and optionality, a value's meaning when the value is
//!    there. The rest have no documentation, and types QAPI does not name
//!    there are named by their first path (`NetdevStreamConnectedAddr`),
//!    deterministically.
//!
//! Every error names the entry (its name) and its JSON path.

mod convert;
mod lend;
mod wire;

use std::collections::HashMap;

pub use convert::{FIELDS_PER_MEMBER, MAX_NESTING};

use crate::model::{Build, Command, Data, QemuVersion, Spec};
use crate::spelled::Tabulate;

/// Why a reply cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntrospectError {
    /// Not JSON, or JSON that is not a reply (a truncated file, a string).
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// An entry that breaks the rules of a reply.
    #[error("{file}: {path}: entry {entry:?}: {message}")]
    Entry {
        file: String,
        /// The entry's name (its `name`), or its index when it has none.
        entry: String,
        /// Where in the reply: `$[12]["arg-type"]`.
        path: String,
        message: String,
    },
}

/// A parsed reply, borrowing its input.
pub struct Reply<'a> {
    file: String,
    wire: wire::Reply<'a>,
    by_name: HashMap<wire::Str<'a>, usize, BuildFx>,
    /// Each entry's meta-type, by index.
    metas: Vec<Meta>,
}

/// The entries' names are the reply's own, and hashed once per reference:
/// a fast hash, not a keyed one, as a few hundred KiB of a QEMU's answer
/// are not a denial-of-service vector worth SipHash's cost here (and the
/// work stays linear whatever the names: a table of n names).
#[derive(Clone, Copy, Default)]
struct BuildFx;

impl std::hash::BuildHasher for BuildFx {
    type Hasher = Fx;
    fn build_hasher(&self) -> Fx {
        Fx(0)
    }
}

/// The Fx hash of rustc (one multiply and rotate per word).
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What an entry is, by its `meta-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meta {
    Builtin,
    Enum,
    Array,
    Object,
    Alternate,
    Command,
    Event,
}

impl Meta {
    fn of(name: &str) -> Option<Meta> {
        Some(match name {
            "builtin" => Meta::Builtin,
            "enum" => Meta::Enum,
            "array" => Meta::Array,
            "object" => Meta::Object,
            "alternate" => Meta::Alternate,
            "command" => Meta::Command,
            "event" => Meta::Event,
            _ => return None,
        })
    }

    fn is_type(self) -> bool {
        !matches!(self, Meta::Command | Meta::Event)
    }
}

impl<'a> Reply<'a> {
    /// Parses `bytes` (named `file` in errors) and checks every entry.
    pub fn parse(file: &str, bytes: &'a [u8]) -> Result<Reply<'a>, IntrospectError> {
        // UTF-8 checked once, not string by string.
        let text = std::str::from_utf8(bytes).map_err(|err| {
            let before = &bytes[..err.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |at| at + 1);
            IntrospectError::Json {
                file: file.to_string(),
                line,
                column: String::from_utf8_lossy(&before[start..]).chars().count() + 1,
                message: "not JSON: invalid UTF-8 here (is this a binary file?)".into(),
            }
        })?;
        let wire: wire::Reply<'a> = match serde_json::from_str(text) {
            Ok(wire) => wire,
            Err(error) => return Err(locate(file, bytes, error)),
        };
        let mut reply = Reply {
            file: file.to_string(),
            by_name: HashMap::default(),
            metas: Vec::new(),
            wire,
        };
        reply.check()?;
        Ok(reply)
    }

    /// The QEMU version and package the reply came with (a capture holding
    /// `query-version` or the greeting beside `return`).
    pub fn version(&self) -> Option<(QemuVersion, &str)> {
        self.wire
            .version
            .as_ref()
            .map(|(version, package)| (*version, package.as_str()))
    }

    /// Says which QEMU the reply is from (its `query-version`, asked
    /// beside it).
    pub fn set_version(&mut self, version: QemuVersion, package: String) {
        self.wire.version = Some((version, package));
    }

    /// How many entries the reply has.
    pub fn len(&self) -> usize {
        self.wire.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wire.entries.is_empty()
    }

    /// The reply as a revision of the model, titled `title`: names and
    /// documentation from `references` (QAPI releases' models with their
    /// revision names, the nearest first; each event from the first that
    /// has it) wherever the wire shape matches, else types named by their
    /// path. An error when spelling the types out would nest deeper than
    /// [`MAX_NESTING`], exceed its budget, or meet a type no value can have.
    pub fn to_spec(
        &self,
        title: &str,
        references: &[(&str, &Spec)],
    ) -> Result<Spec, IntrospectError> {
        self.convert(title, references, false)
    }

    /// [`Reply::to_spec`], with what the nearest reference has behind a
    /// condition and the build lacks carried in, each with its condition:
    /// the history's rule for since and until, where a build's `if`
    /// decided them away.
    pub fn to_spec_carrying(
        &self,
        title: &str,
        references: &[(&str, &Spec)],
    ) -> Result<Spec, IntrospectError> {
        self.convert(title, references, true)
    }

    fn convert(
        &self,
        title: &str,
        references: &[(&str, &Spec)],
        carry: bool,
    ) -> Result<Spec, IntrospectError> {
        let (mut drafts, mut commands) = convert::drafts(self)?;
        lend::recover(&mut drafts, &mut commands, references, &|name| {
            self.by_name.contains_key(name)
        });
        if let (true, Some((_, nearest))) = (carry, references.first()) {
            lend::carry_conditional(&mut drafts, nearest);
        }
        let mut types = Tabulate::default();
        let sections = drafts
            .into_iter()
            .map(|draft| {
                let mut section = draft.section;
                if let Some(fields) = draft.fields {
                    section.data = Data::Members {
                        ty: types.object(&fields),
                    };
                }
                section
            })
            .collect();
        Ok(Spec {
            title: title.to_string(),
            sections,
            build: Some(Build {
                version: self.version().map(|(version, _)| version),
                package: self
                    .version()
                    .map(|(_, p)| p.to_string())
                    .unwrap_or_default(),
                documented_from: references.first().map(|(name, _)| name.to_string()),
            }),
            commands: commands
                .into_iter()
                .map(|command| Command {
                    arguments: command.arguments.map(|field| types.field(&field)),
                    returns: command.returns.map(|field| types.field(&field)),
                    name: command.name,
                    span: Default::default(),
                    description: command.description,
                    allow_oob: command.allow_oob,
                    // Introspection does not say; QEMU answers every
                    // command of its monitor.
                    allow_preconfig: false,
                    success_response: true,
                    extra_arguments: command.extra_arguments,
                    condition: None,
                    features: command.features,
                    since: command.since,
                    // A binary's answers carry no examples.
                    examples: Vec::new(),
                })
                .collect(),
            types: types.types,
        })
    }

    /// The JSON path of entry `index`.
    fn path(&self, index: usize) -> String {
        if self.wire.wrapped {
            format!("$[\"return\"][{index}]")
        } else {
            format!("$[{index}]")
        }
    }

    fn error(&self, index: usize, key: &str, message: impl Into<String>) -> IntrospectError {
        let entry = self
            .wire
            .entries
            .get(index)
            .map_or_else(|| index.to_string(), |e| e.name.to_string());
        IntrospectError::Entry {
            file: self.file.clone(),
            entry,
            path: format!("{}{key}", self.path(index)),
            message: message.into(),
        }
    }

    fn meta(&self, index: usize) -> Meta {
        // Read by `check` for every entry.
        self.metas.get(index).copied().unwrap_or(Meta::Builtin)
    }

    /// The rules of a reply, in one pass over the entries and one over
    /// their references.
    fn check(&mut self) -> Result<(), IntrospectError> {
        let entries = &self.wire.entries;
        let mut by_name = HashMap::with_capacity_and_hasher(entries.len(), BuildFx);
        let mut metas = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            // Borrowed from the input, unless the name has escapes.
            if by_name.insert(entry.name, index).is_some() {
                return Err(self.error(index, "[\"name\"]", "a second entry of this name"));
            }
            metas.push(self.check_entry(index, entry)?);
        }
        self.by_name = by_name;
        self.metas = metas;
        self.check_references()
    }

    /// Entry `index` alone: a known meta-type, the keys it needs, its
    /// members' names and types, its tag; its meta-type.
    fn check_entry(&self, index: usize, entry: &wire::Entry<'_>) -> Result<Meta, IntrospectError> {
        let Some(meta) = Meta::of(&entry.meta_type) else {
            return Err(self.error(
                index,
                "[\"meta-type\"]",
                format!(
                    "unknown meta-type {:?} (known: builtin, enum, array, object, \
                     alternate, command, event)",
                    entry.meta_type
                ),
            ));
        };
        let need = |present: bool, key: &str| {
            if present {
                Ok(())
            } else {
                Err(self.error(
                    index,
                    "",
                    format!("a {} entry needs {key:?}", entry.meta_type),
                ))
            }
        };
        match meta {
            Meta::Builtin => need(entry.json_type.is_some(), "json-type")?,
            Meta::Enum => need(entry.values.is_some(), "values")?,
            Meta::Array => need(entry.element_type.is_some(), "element-type")?,
            Meta::Object | Meta::Alternate => need(entry.members.is_some(), "members")?,
            Meta::Command => {
                need(entry.arg_type.is_some(), "arg-type")?;
                need(entry.ret_type.is_some(), "ret-type")?;
            }
            Meta::Event => need(entry.arg_type.is_some(), "arg-type")?,
        }
        let members = entry.members.as_deref().unwrap_or_default();
        for (i, member) in members.iter().enumerate() {
            let (needs_name, needs_type) = match meta {
                Meta::Object => (true, true),
                Meta::Alternate => (false, true),
                _ => (true, false),
            };
            if needs_name && member.name.is_none() {
                return Err(self.error(
                    index,
                    &format!("[\"members\"][{i}]"),
                    "a member needs \"name\"",
                ));
            }
            if needs_type && member.ty.is_none() {
                return Err(self.error(
                    index,
                    &format!("[\"members\"][{i}]"),
                    "a member needs \"type\"",
                ));
            }
        }
        if meta == Meta::Object {
            match (&entry.tag, &entry.variants) {
                (Some(tag), Some(_)) => {
                    if !members.iter().any(|m| m.name.as_deref() == Some(tag)) {
                        return Err(self.error(
                            index,
                            "[\"tag\"]",
                            format!("the tag {tag:?} is not one of the object's members"),
                        ));
                    }
                }
                (None, None) => {}
                (Some(_), None) => {
                    return Err(self.error(index, "", "a tag without \"variants\""));
                }
                (None, Some(_)) => {
                    return Err(self.error(index, "", "\"variants\" without a tag"));
                }
            }
        }
        Ok(meta)
    }

    /// Every reference names a type of the reply; the path is spelled out
    /// only for an error.
    fn check_references(&self) -> Result<(), IntrospectError> {
        for (index, entry) in self.wire.entries.iter().enumerate() {
            let members = entry.members.as_deref().unwrap_or_default();
            let keys = [
                (Reference::Key("arg-type"), entry.arg_type.as_deref()),
                (Reference::Key("ret-type"), entry.ret_type.as_deref()),
                (
                    Reference::Key("element-type"),
                    entry.element_type.as_deref(),
                ),
            ];
            let references = keys
                .into_iter()
                .chain(
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (Reference::Member(i), m.ty.as_deref())),
                )
                .chain(
                    entry
                        .variants
                        .iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, v)| (Reference::Variant(i), Some(&*v.ty))),
                );
            for (at, name) in references {
                let Some(name) = name else { continue };
                let problem = match self.by_name.get(name) {
                    None => format!("refers to type {name:?}, which the reply lacks"),
                    Some(&target) if !self.meta(target).is_type() => format!(
                        "refers to {name:?}, a {}, not a type",
                        self.wire.entries[target].meta_type
                    ),
                    Some(_) => continue,
                };
                return Err(self.error(index, &at.path(), problem));
            }
        }
        Ok(())
    }
}

/// Where in an entry a type is named.
#[derive(Clone, Copy)]
enum Reference {
    Key(&'static str),
    Member(usize),
    Variant(usize),
}

impl Reference {
    fn path(self) -> String {
        match self {
            Reference::Key(key) => format!("[{key:?}]"),
            Reference::Member(i) => format!("[\"members\"][{i}][\"type\"]"),
            Reference::Variant(i) => format!("[\"variants\"][{i}][\"type\"]"),
        }
    }
}

/// The error of a reply that does not deserialize, at its place: JSON that
/// does not parse (truncated, not JSON), or parses into something that is
/// not a reply, then with the JSON path and entry where it went wrong.
fn locate(file: &str, bytes: &[u8], error: serde_json::Error) -> IntrospectError {
    let at = |error: &serde_json::Error, message: String| IntrospectError::Json {
        file: file.to_string(),
        line: error.line(),
        column: error.column(),
        message,
    };
    if error.is_syntax() || error.is_eof() || error.is_io() {
        return at(&error, format!("not JSON: {error}"));
    }
    // Valid JSON of the wrong shape: read again, slowly, for the path.
    let mut track = serde_path_to_error::Track::new();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result: Result<wire::Reply<'_>, _> = serde::Deserialize::deserialize(
        serde_path_to_error::Deserializer::new(&mut deserializer, &mut track),
    );
    let path = track.path().to_string();
    let message = match result {
        Err(inner) => inner.to_string(),
        Ok(_) => error.to_string(),
    };
    // The entry: the first index of the path.
    let entry = entry_name(bytes, &path);
    match entry {
        Some((entry, _)) if path != "." => IntrospectError::Entry {
            file: file.to_string(),
            entry,
            path: json_path(&path),
            message: strip_position(&message),
        },
        _ => at(&error, format!("not a query-qmp-schema reply: {error}")),
    }
}

/// The name of the entry a serde path (`[12].members[3].type` or
/// `return[12]...`) points into, from the reply read as plain JSON.
fn entry_name(bytes: &[u8], path: &str) -> Option<(String, usize)> {
    let rest = path.strip_prefix("return").unwrap_or(path);
    let index: usize = rest.strip_prefix('[')?.split(']').next()?.parse().ok()?;
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let list = value.get("return").unwrap_or(&value);
    let entry = list.get(index)?;
    Some((
        entry["name"]
            .as_str()
            .map_or_else(|| index.to_string(), str::to_string),
        index,
    ))
}

/// A serde path (`return[12].members[3].type`) as a JSON path
/// (`$["return"][12]["members"][3]["type"]`).
fn json_path(path: &str) -> String {
    let mut out = String::from("$");
    for segment in path.split('.') {
        let (key, indexes) = match segment.find('[') {
            Some(at) => segment.split_at(at),
            None => (segment, ""),
        };
        if !key.is_empty() {
            out.push_str(&format!("[{key:?}]"));
        }
        out.push_str(indexes);
    }
    out
}

/// serde_json's message without its ` at line 1 column 200`: the path says
/// where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests;
