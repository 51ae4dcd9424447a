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
#[derive(Debug)]
pub(crate) enum Item {
    /// A documentation block: where its text is, from the opening `##` to
    /// the closing one (the `file`th file read, bytes `range`), split into
    /// lines only when the definition after it keeps its documentation
    /// ([`doc_lines`]). Not copied: most of a file is documentation.
    Doc {
        file: usize,
        range: std::ops::Range<usize>,
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
        let items = parse_file(&src, &Arc::from(name.as_str()), self.files.len())?;
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

/// A file's documentation blocks and expressions, in order.
///
/// The grammar (`grammar.pest`'s `file`) defines the language; most of a
/// release is documentation, which pest walks a rule call per line. So the
/// top level is scanned here, in the grammar's own order (skip whitespace
/// and `#` comments, then `doc`, `stray` or `expr`), with documentation
/// blocks and comments found line by line (memchr), and each expression
/// handed to pest's `expr` rule. Where the scan meets anything else, or an
/// expression does not parse, the whole file is parsed by `file` instead,
/// whose error names what was expected: the scan only ever accepts what
/// `file` accepts, with the same items (tested against it on every release
/// and on edits of them). Reading a whole release takes about 15% less time.
fn parse_file(
    src: &Source<'_>,
    file_name: &Arc<str>,
    index: usize,
) -> Result<Vec<Item>, ParseError> {
    match scan_file(&Walk::new(src, file_name, index)) {
        Some(items) => items,
        None => parse_file_with_pest(&Walk::new(src, file_name, index)),
    }
}

/// The top level of a file without pest ([`parse_file`]): `None` where the
/// text leaves what the scan knows, else the items, or the first error met
/// in building them (a duplicate key, an unknown escape), as
/// [`parse_file_with_pest`] would report it.
fn scan_file(walk: &Walk<'_>) -> Option<Result<Vec<Item>, ParseError>> {
    let text = walk.src.text;
    let bytes = text.as_bytes();
    let end_of_line =
        |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |n| from + n);
    let mut items = Vec::new();
    // The first error in building an item: reported only once the whole
    // file has parsed, as pest's whole-file parse orders them.
    let mut first_error = None;
    let mut at = 0;
    loop {
        // WHITESPACE and COMMENT (`#` not followed by `#`, to the line's end).
        while let Some(&b) = bytes.get(at) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => at += 1,
                b'#' if bytes.get(at + 1) != Some(&b'#') => at = end_of_line(at),
                _ => break,
            }
        }
        match bytes.get(at) {
            None => break,
            Some(b'#') => {
                // `doc`, else `stray`: the rest of the line.
                let end = doc_end(bytes, at);
                if let Some(end) = end {
                    let location = walk.at_offset(at);
                    items.push(Item::Doc {
                        file: walk.index,
                        range: at..end,
                        location,
                    });
                }
                at = end.unwrap_or_else(|| end_of_line(at));
            }
            Some(b'{') => {
                let rest = &text[at..];
                let pair = QapiParser::parse(Rule::expr, rest).ok()?.next()?;
                let next = at + pair.as_span().end();
                if first_error.is_none() {
                    walk.base.set(at);
                    match pair.into_inner().next().map(|dict| expr(walk, dict)) {
                        Some(Ok(e)) => items.push(Item::Expr(e)),
                        Some(Err(err)) => first_error = Some(err),
                        None => {}
                    }
                }
                at = next;
            }
            Some(_) => return None,
        }
    }
    Some(match first_error {
        Some(err) => Err(err),
        None => Ok(items),
    })
}

/// Where the grammar's `doc` that starts at `at` (on `##`) ends, or `None`
/// if it does not match there: `##` alone on its line, lines whose first
/// non-blank is `#` not followed by `#`, and a closing `##` (or `###`) alone
/// on its line; blanks and a `\r` allowed where the grammar allows them.
fn doc_end(bytes: &[u8], at: usize) -> Option<usize> {
    let blanks = |mut i: usize| {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let mut i = blanks(at + 2);
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    if bytes.get(i) != Some(&b'\n') {
        return None;
    }
    let mut line = i + 1;
    // `doc_lines`: a line that is not one of them leaves `line` at its start.
    loop {
        let hash = blanks(line);
        if bytes.get(hash) != Some(&b'#') || bytes.get(hash + 1) == Some(&b'#') {
            break;
        }
        match memchr::memchr(b'\n', &bytes[hash + 1..]) {
            Some(n) => line = hash + 1 + n + 1,
            None => break,
        }
    }
    let mut i = blanks(line);
    if !bytes[i.min(bytes.len())..].starts_with(b"##") {
        return None;
    }
    i += 2;
    if bytes.get(i) == Some(&b'#') {
        i += 1;
    }
    i = blanks(i);
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    matches!(bytes.get(i), None | Some(b'\n')).then_some(i)
}

/// The file parsed by the grammar's `file` alone: the definition of the
/// language, and the errors that name what was expected.
fn parse_file_with_pest(walk: &Walk<'_>) -> Result<Vec<Item>, ParseError> {
    let src = walk.src;
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
                    file: walk.index,
                    range: pair.as_span().start()..pair.as_span().end(),
                    location,
                });
            }
            Rule::expr => {
                if let Some(dict) = pair.into_inner().next() {
                    items.push(Item::Expr(expr(walk, dict)?));
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

/// The lines of a documentation block (`text` from its opening `##`)
/// between the opening and closing `##`, each without its `#`: line `i`
/// is line `i + 1` after the block's opening.
pub(crate) fn doc_lines(text: &str) -> Vec<&str> {
    let mut parts = text.split('\n');
    parts.next(); // The opening `##`.
    let mut lines: Vec<&str> = parts.map(strip_hash).collect();
    lines.pop(); // The closing `##`.
    lines
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
    /// Where in the text the pairs' input starts: pest parses an
    /// expression on its own ([`scan_file`]).
    base: Cell<usize>,
    /// The file's place among the files read.
    index: usize,
}

impl<'s> Walk<'s> {
    fn new(src: &'s Source<'s>, file: &Arc<str>, index: usize) -> Self {
        Walk {
            src,
            file: Arc::clone(file),
            cursor: Cell::new(source::Cursor::default()),
            base: Cell::new(0),
            index,
        }
    }

    /// Where a pair starts.
    fn at(&self, pair: &Pair<'_, Rule>) -> Location {
        self.at_offset(self.base.get() + pair.as_span().start())
    }

    fn at_offset(&self, offset: usize) -> Location {
        let span = self.src.span_forward(offset, &self.cursor);
        location(&self.file, span.line, span.column)
    }
}

fn expr(walk: &Walk<'_>, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
    let src = walk.src;
    let location = walk.at(&pair);
    Ok(match pair.as_rule() {
        Rule::string => Expr::Str(unescape(walk, &pair)?, location),
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
                let key = unescape(walk, &key)?;
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
fn unescape(walk: &Walk<'_>, pair: &Pair<'_, Rule>) -> Result<String, ParseError> {
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
        let bad = || {
            walk.src.error_at(
                walk.base.get() + pair.as_span().start() + 1 + i,
                "unknown escape in a string",
            )
        };
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
