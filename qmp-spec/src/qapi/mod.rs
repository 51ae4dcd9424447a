//! The reader of QEMU's QAPI schema (`qapi/*.json`), the only home of the
//! events' documentation since 2017: a top file and the files it includes,
//! read into [`Schema`].
//!
//! Text → expressions and documentation blocks (`grammar.pest`) →
//! definitions (`definitions.rs`, which checks every key and reference) →
//! documentation (`doc.rs`). Includes are resolved relative to the including
//! file, each file read once; a missing file or an include cycle is an error
//! at the include.

mod convert;
mod definitions;
mod doc;
mod locate;
mod model;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pest::Parser as _;
use pest::iterators::Pair;
use pest_derive::Parser;

pub(crate) use convert::builtin;
pub use convert::{FIELDS_PER_MEMBER, MAX_NESTING};
pub use locate::Found;
pub use model::*;

use crate::source::{self, Source};
use crate::text::ParseError;

#[derive(Parser)]
#[grammar = "qapi/grammar.pest"]
struct QapiParser;

/// How deep dicts and lists may nest: the real schema nests four deep.
const MAX_DEPTH: usize = 64;

/// Reads the schema whose top file is `top` (`qapi/qapi-schema.json`), and
/// every file it includes, from the file system.
pub fn read(top: &Path) -> Result<Schema, ParseError> {
    read_with(top, &mut |path| std::fs::read(path))
}

/// The same, with files read by `load`.
pub fn read_with(
    top: &Path,
    load: &mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
) -> Result<Schema, ParseError> {
    let mut reader = Reader {
        load,
        seen: BTreeSet::new(),
        stack: Vec::new(),
        files: Vec::new(),
        items: Vec::new(),
    };
    reader.file(top, None)?;
    definitions::build(reader.files, reader.items)
}

/// Reads one schema file held in memory, `name` naming it in errors; its
/// includes are not available (an include is an error at the include).
pub fn read_text(name: &str, bytes: &[u8]) -> Result<Schema, ParseError> {
    let top = Path::new(name);
    read_with(top, &mut |path| {
        if path == top {
            Ok(bytes.to_vec())
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                "only one file is in memory",
            ))
        }
    })
}

/// A documentation block or an expression, with the file it is in.
pub(crate) enum Item {
    /// A documentation block: its text from the opening `##` to the
    /// closing one, split into lines only when the definition after it
    /// keeps its documentation ([`doc_lines`]).
    Doc {
        text: String,
        location: Location,
    },
    Expr(Expr),
}

/// An expression as written.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Str(String, Location),
    Bool(bool, Location),
    List(Vec<Expr>, Location),
    Dict(Vec<(String, Location, Expr)>, Location),
}

impl Expr {
    pub(crate) fn location(&self) -> &Location {
        match self {
            Expr::Str(_, l) | Expr::Bool(_, l) | Expr::List(_, l) | Expr::Dict(_, l) => l,
        }
    }
}

struct Reader<'l> {
    load: &'l mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
    /// Every file read so far.
    seen: BTreeSet<PathBuf>,
    /// The includes being read, outermost first: a file met again here is a
    /// cycle.
    stack: Vec<PathBuf>,
    /// Every file read: its name and text.
    files: Vec<(String, Arc<str>)>,
    items: Vec<Item>,
}

impl Reader<'_> {
    /// Reads `path` (included at `from`, if it was), then its includes in
    /// place.
    fn file(&mut self, path: &Path, from: Option<&(Location, String)>) -> Result<(), ParseError> {
        let key = normalize(path);
        let name = path.display().to_string();
        if self.stack.contains(&key) {
            let (at, line) = from
                .cloned()
                .unwrap_or_else(|| (location(&Arc::from(name.as_str()), 1, 1), String::new()));
            return Err(error_at(
                &at,
                &line,
                format!("include cycle: {name} includes itself"),
            ));
        }
        if !self.seen.insert(key.clone()) {
            return Ok(()); // Read once.
        }
        let bytes = (self.load)(path).map_err(|err| match from {
            Some((at, line)) => {
                error_at(at, line, format!("cannot read included file {name}: {err}"))
            }
            None => ParseError {
                file: name.clone(),
                line: 1,
                column: 1,
                line_text: String::new(),
                message: format!("cannot read: {err}"),
            },
        })?;
        let text = source::decode(&name, &bytes)?;
        source::reject_binary(&name, text)?;
        let src = Source::new(&name, text);
        prescan(&src)?;
        let items = parse_file(&src, &Arc::from(name.as_str()))?;
        self.files.push((name.clone(), Arc::from(text)));
        self.stack.push(key);
        let dir = path.parent().unwrap_or(Path::new(""));
        for item in items {
            if let Item::Expr(Expr::Dict(pairs, at)) = &item
                && let Some((_, key_at, value)) = pairs.iter().find(|(k, _, _)| k == "include")
            {
                let line = src.line_text(at.line).to_string();
                let Expr::Str(file, _) = value else {
                    return Err(error_at(key_at, &line, "'include' takes a file name"));
                };
                if pairs.len() != 1 {
                    return Err(error_at(at, &line, "an include has no other keys"));
                }
                self.file(&dir.join(file), Some(&(at.clone(), line)))?;
                continue;
            }
            self.items.push(item);
        }
        self.stack.pop();
        Ok(())
    }
}

/// `a/./b/../c` → `a/c`, without the file system: a file included by two
/// paths is read once.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn location(file: &Arc<str>, line: u32, column: u32) -> Location {
    Location {
        file: Arc::clone(file),
        line,
        column,
    }
}

pub(crate) fn error_at(at: &Location, line_text: &str, message: impl Into<String>) -> ParseError {
    ParseError {
        file: at.file.to_string(),
        line: at.line,
        column: at.column,
        line_text: line_text.to_string(),
        message: message.into(),
    }
}

/// Rejects, before the grammar sees them, brackets nested deeper than
/// [`MAX_DEPTH`] (the grammar recurses per bracket) and a string that runs
/// past the end of its line (the grammar reads a string to its closing
/// quote): one pass, comments skipped.
fn prescan(src: &Source<'_>) -> Result<(), ParseError> {
    // Bytes, not characters: everything looked for is ASCII, and no byte of
    // a multi-byte character is. A comment is skipped to its line's end in
    // one step.
    let bytes = src.text.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut offset = 0;
    while offset < bytes.len() {
        let b = bytes[offset];
        if in_string {
            match b {
                b'\n' | b'\r' => {
                    return Err(src.error_at(
                        offset,
                        "a string ends on its line: the closing quote is missing",
                    ));
                }
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'\'' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'#' => {
                    offset =
                        memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |n| offset + n);
                    continue;
                }
                b'\'' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(src.error_at(
                            offset,
                            format!("dicts and lists nest deeper than {MAX_DEPTH}"),
                        ));
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        offset += 1;
    }
    Ok(())
}

fn parse_file(src: &Source<'_>, file_name: &Arc<str>) -> Result<Vec<Item>, ParseError> {
    let walk = Walk {
        src,
        file: Arc::clone(file_name),
        cursor: Cell::new(source::Cursor::default()),
    };
    let file = QapiParser::parse(Rule::file, src.text).map_err(|err| {
        // The grammar that names punctuation says what was expected.
        let err = QapiParser::parse(Rule::checked_file, src.text)
            .err()
            .unwrap_or(err);
        let offset = match err.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((p, _)) => p,
        };
        src.error_at(offset, expected(&err))
    })?;
    let mut items = Vec::new();
    for pair in file
        .into_iter()
        .next()
        .into_iter()
        .flat_map(Pair::into_inner)
    {
        match pair.as_rule() {
            Rule::doc => {
                let location = walk.at(&pair);
                items.push(Item::Doc {
                    text: pair.as_str().to_string(),
                    location,
                });
            }
            Rule::expr => {
                if let Some(dict) = pair.into_inner().next() {
                    items.push(Item::Expr(expr(&walk, dict)?));
                }
            }
            _ => {}
        }
    }
    Ok(items)
}

/// What the grammar expected where it stopped, in words.
fn expected(err: &pest::error::Error<Rule>) -> String {
    match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&str> = positives
                .iter()
                .map(|rule| match rule {
                    Rule::dict | Rule::expr | Rule::checked_dict | Rule::checked_expr => {
                        "a '{' that opens a definition"
                    }
                    Rule::pair | Rule::checked_pair | Rule::string => "a single-quoted string",
                    Rule::value => "a value (string, dict, list, true or false)",
                    Rule::EOI => "the end of the file",
                    Rule::colon => "':'",
                    Rule::comma => "','",
                    Rule::rbrace => "'}'",
                    Rule::rbracket => "']'",
                    Rule::doc | Rule::doc_lines => "a documentation line starting with '#'",
                    _ => "more of the expression",
                })
                .collect();
            words.sort_unstable();
            words.dedup();
            if words.is_empty() {
                "unexpected text".into()
            } else {
                format!("expected {}", words.join(" or "))
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    }
}

/// The lines of a documentation block (`text` from its opening `##`, at
/// `at`) between the opening and closing `##`, each without its `#`, with
/// where it starts.
pub(crate) fn doc_lines<'t>(text: &'t str, at: &Location) -> Vec<(&'t str, Location)> {
    let parts: Vec<&str> = text.split('\n').collect();
    let inner = parts.get(1..parts.len().saturating_sub(1)).unwrap_or(&[]);
    inner
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let line_number = at
                .line
                .saturating_add(u32::try_from(i + 1).unwrap_or(u32::MAX));
            (strip_hash(line), location(&at.file, line_number, 1))
        })
        .collect()
}

/// `# text` → `text`; `#` → ``.
fn strip_hash(line: &str) -> &str {
    let line = line.trim_start().trim_end_matches('\r');
    let line = line.strip_prefix('#').unwrap_or(line);
    line.strip_prefix(' ').unwrap_or(line)
}

/// A file being turned into items: its text, its name for locations, and
/// the cursor that finds positions (pairs are located in document order,
/// so finding all of them costs the length of the text).
struct Walk<'s> {
    src: &'s Source<'s>,
    file: Arc<str>,
    cursor: Cell<source::Cursor>,
}

impl Walk<'_> {
    /// Where a pair starts.
    fn at(&self, pair: &Pair<'_, Rule>) -> Location {
        let span = self.src.span_forward(pair.as_span().start(), &self.cursor);
        location(&self.file, span.line, span.column)
    }
}

fn expr(walk: &Walk<'_>, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
    let src = walk.src;
    let location = walk.at(&pair);
    Ok(match pair.as_rule() {
        Rule::string => Expr::Str(unescape(src, &pair)?, location),
        Rule::bool => Expr::Bool(pair.as_str() == "true", location),
        Rule::list => Expr::List(
            pair.into_inner()
                .map(|p| expr(walk, p))
                .collect::<Result<_, _>>()?,
            location,
        ),
        Rule::dict => {
            let mut pairs: Vec<(String, Location, Expr)> = Vec::new();
            // Keys seen, to refuse a duplicate without a scan per key: a
            // set once the dict is longer than a few keys.
            let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
            // A key and its value in turn (`pair` is silent).
            let mut inner = pair.into_inner();
            while let (Some(key), Some(value)) = (inner.next(), inner.next()) {
                let key_at = walk.at(&key);
                let key = unescape(src, &key)?;
                let duplicate = if pairs.len() < 8 {
                    pairs.iter().any(|(k, _, _)| *k == key)
                } else {
                    if keys.is_empty() {
                        keys.extend(pairs.iter().map(|(k, _, _)| k.clone()));
                    }
                    !keys.insert(key.clone())
                };
                if duplicate {
                    return Err(src.error(
                        crate::Span {
                            line: key_at.line,
                            column: key_at.column,
                        },
                        format!("duplicate key '{key}'"),
                    ));
                }
                pairs.push((key, key_at, expr(walk, value)?));
            }
            Expr::Dict(pairs, location)
        }
        _ => Expr::Str(String::new(), location),
    })
}

/// A string's contents with its escapes resolved (`\\`, `\'`, `\"`, `\/`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`, as QEMU's parser reads them).
fn unescape(src: &Source<'_>, pair: &Pair<'_, Rule>) -> Result<String, ParseError> {
    let raw = pair.as_str();
    let inner = raw
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .unwrap_or(raw);
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = || src.error_at(pair.as_span().start() + 1 + i, "unknown escape in a string");
        match chars.next().map(|(_, c)| c) {
            Some(c @ ('\\' | '\'' | '"' | '/')) => out.push(c),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| bad())?;
                out.push(char::from_u32(code).ok_or_else(bad)?);
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// A C preprocessor condition of QEMU 3.0–6.0, as a [`Condition`].
pub(crate) fn c_condition(text: &str) -> Option<Condition> {
    let pair = QapiParser::parse(Rule::c_condition, text).ok()?.next()?;
    fn build(pair: Pair<'_, Rule>) -> Option<Condition> {
        match pair.as_rule() {
            Rule::c_condition => build(pair.into_inner().next()?),
            Rule::c_or | Rule::c_and => {
                let rule = pair.as_rule();
                let mut parts: Vec<Condition> =
                    pair.into_inner().map(build).collect::<Option<_>>()?;
                Some(match (parts.len(), rule) {
                    (1, _) => parts.pop()?,
                    (_, Rule::c_or) => Condition::Any(parts),
                    _ => Condition::All(parts),
                })
            }
            Rule::c_not => {
                let mut inner = pair.into_inner();
                let first = inner.next()?;
                if first.as_rule() == Rule::c_not {
                    Some(Condition::Not(Box::new(build(first)?)))
                } else {
                    build(first)
                }
            }
            Rule::c_name => Some(Condition::Name(pair.as_str().to_string())),
            _ => None,
        }
    }
    build(pair)
}

#[cfg(test)]
mod tests;
