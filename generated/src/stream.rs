// Copied by `cargo xtask regen` from codegen/src/rust/stream.rs. Do not edit by hand.

//! Every line of a QMP stream: the greeting, command replies, errors and
//! events ([`ServerMessage`]), and a reader of a socket or file, one message
//! per line ([`Reader`]).
//!
//! This file is ordinary hand-written Rust, built on the generated
//! [`Message`](crate::Message): `cargo xtask regen` copies it unchanged from
//! `codegen/src/rust/stream.rs` into `generated/src/stream.rs`, and it is
//! compiled and tested there, in the `qmp-events` crate.

use std::fmt;
use std::io::{self, BufRead};

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::runtime::{CowStr, EnvelopeFields, member};
use super::{Event, Message, RawData};

/// A version of QEMU, as its greeting and `query-version` give it.
///
/// Versions compare as numbers: `7.2.0 < 7.10.0 < 10.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QemuVersion {
    /// `7` of 7.2.1.
    pub major: u32,
    /// `2` of 7.2.1.
    pub minor: u32,
    /// `1` of 7.2.1.
    pub micro: u32,
}

impl QemuVersion {
    /// The version `major.minor.micro`.
    pub const fn new(major: u32, minor: u32, micro: u32) -> QemuVersion {
        QemuVersion {
            major,
            minor,
            micro,
        }
    }
}

impl fmt::Display for QemuVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}.{}.{}", self.major, self.minor, self.micro)
    }
}

/// The first line QEMU sends on a QMP connection:
/// `{"QMP": {"version": {"qemu": {...}, "package": ...}, "capabilities": [...]}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Greeting {
    /// QEMU's version; [`Revision::for_qemu`](crate::Revision::for_qemu)
    /// gives the history's revision for it.
    pub version: QemuVersion,
    /// The package QEMU was built as (e.g. `Debian 1:7.2+dfsg-7+deb12u6`),
    /// as QEMU writes it; often empty.
    pub package: String,
    /// What the server offers to enable with `qmp_capabilities` (e.g. `oob`).
    pub capabilities: Vec<String>,
}

impl Greeting {
    /// A greeting, as a server would send it.
    pub fn new(version: QemuVersion, package: &str, capabilities: &[&str]) -> Greeting {
        Greeting {
            version,
            package: package.to_owned(),
            capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

/// A command's success: `{"return": VALUE, "id": ID}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Return {
    /// The `id` the command was sent with, when it had one.
    pub id: Option<serde_json::Value>,
    /// The command's return value, kept as the JSON text it arrived as:
    /// [`Return::parse`] decodes it, into a type of your own or
    /// `serde_json::Value` (a `query-qmp-schema` reply is not decoded
    /// unless asked for).
    pub value: RawData,
}

impl Return {
    /// A command's success, as a server would send it.
    pub fn new(id: Option<serde_json::Value>, value: RawData) -> Return {
        Return { id, value }
    }

    /// Decodes the return value into `T`.
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> serde_json::Result<T> {
        self.value.parse()
    }
}

/// A command's failure: `{"error": {"class": ..., "desc": ...}, "id": ID}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The `id` the command was sent with, when it had one.
    pub id: Option<serde_json::Value>,
    /// The error's class, e.g. `GenericError` or `CommandNotFound`.
    pub class: String,
    /// What went wrong, in English, for people.
    pub desc: String,
}

impl ErrorResponse {
    /// A command's failure, as a server would send it.
    pub fn new(id: Option<serde_json::Value>, class: &str, desc: &str) -> ErrorResponse {
        ErrorResponse {
            id,
            class: class.to_owned(),
            desc: desc.to_owned(),
        }
    }
}

/// Any line a QMP server sends: the greeting, a command's return or error,
/// or an event.
///
/// A line that is none of these does not decode, and the error says what
/// it lacks (`it has none of `QMP`, `return`, `error` and `event``, `missing
/// field `timestamp``). Members a message does not need are ignored.
///
/// ```
/// use qmp_events::ServerMessage;
/// let line = r#"{"return": {"running": true, "status": "running"}, "id": 7}"#;
/// let ServerMessage::Return(reply) = serde_json::from_str(line).unwrap() else { panic!() };
/// assert_eq!(reply.id, Some(7.into()));
/// let status: serde_json::Value = reply.parse().unwrap();
/// assert_eq!(status["status"], "running");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerMessage {
    /// The first line of a connection.
    Greeting(Greeting),
    /// A command's success.
    Return(Return),
    /// A command's failure.
    Error(ErrorResponse),
    /// An event.
    Event(Message),
}

impl std::str::FromStr for ServerMessage {
    type Err = serde_json::Error;

    /// Decodes a line from its JSON text, as `serde_json::from_str` does,
    /// but not generic: compiled once, in this crate, and not again in each
    /// client's.
    fn from_str(text: &str) -> Result<ServerMessage, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The greeting's object, under `QMP`.
#[derive(Serialize, Deserialize)]
struct GreetingBody {
    version: VersionBody,
    #[serde(default)]
    capabilities: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct VersionBody {
    qemu: QemuVersion,
    #[serde(default)]
    package: String,
}

/// An error's object, under `error`.
#[derive(Serialize, Deserialize)]
struct ErrorBody {
    class: String,
    desc: String,
}

/// What tells the kinds of message apart, in the order errors name them.
const KEYS: &str = "`QMP`, `return`, `error` and `event`";

impl<'de> Deserialize<'de> for ServerMessage {
    /// The `return` value needs one of serde_json's deserializers (text,
    /// reader or `Value`), as [`RawData`] does.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ServerMessage, D::Error> {
        deserializer.deserialize_map(ServerVisitor)
    }
}

struct ServerVisitor;

impl<'de> Visitor<'de> for ServerVisitor {
    type Value = ServerMessage;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a QMP server message (an object with one of {KEYS})"
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        use serde::de::Error;
        let mut envelope = EnvelopeFields::<Event>::default();
        let mut greeting: Option<GreetingBody> = None;
        let mut value: Option<RawData> = None;
        let mut error: Option<ErrorBody> = None;
        let mut id: Option<serde_json::Value> = None;
        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
            match &*key {
                "QMP" => member(&mut greeting, "QMP", &mut map)?,
                "return" => member(&mut value, "return", &mut map)?,
                "error" => member(&mut error, "error", &mut map)?,
                "id" => member(&mut id, "id", &mut map)?,
                key => {
                    if !envelope.read(key, &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        let event = !envelope.is_empty();
        match (greeting, value, error, event) {
            (Some(body), None, None, false) => Ok(ServerMessage::Greeting(Greeting {
                version: body.version.qemu,
                package: body.version.package,
                capabilities: body.capabilities,
            })),
            (None, Some(value), None, false) => Ok(ServerMessage::Return(Return { id, value })),
            (None, None, Some(body), false) => Ok(ServerMessage::Error(ErrorResponse {
                id,
                class: body.class,
                desc: body.desc,
            })),
            (None, None, None, true) => {
                let (event, timestamp) = envelope.finish()?;
                let timestamp = timestamp.ok_or_else(|| A::Error::missing_field("timestamp"))?;
                Ok(ServerMessage::Event(Message { event, timestamp }))
            }
            (None, None, None, false) => Err(A::Error::custom(format_args!(
                "not a QMP server message: it has none of {KEYS}"
            ))),
            (greeting, value, error, event) => {
                let found: Vec<&str> = [
                    (greeting.is_some(), "`QMP`"),
                    (value.is_some(), "`return`"),
                    (error.is_some(), "`error`"),
                    (event, "`event`"),
                ]
                .into_iter()
                .filter_map(|(there, key)| there.then_some(key))
                .collect();
                Err(A::Error::custom(format_args!(
                    "not a QMP server message: it has {}, and a message has one of {KEYS}",
                    found.join(" and ")
                )))
            }
        }
    }
}

impl Serialize for Greeting {
    /// The greeting line, as QEMU writes it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body = GreetingBody {
            version: VersionBody {
                qemu: self.version,
                package: self.package.clone(),
            },
            capabilities: self.capabilities.clone(),
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("QMP", &body)?;
        map.end()
    }
}

impl Serialize for Return {
    /// `{"return": ..., "id": ...}`, the `id` when there is one.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("return", &self.value)?;
        if let Some(id) = &self.id {
            map.serialize_entry("id", id)?;
        }
        map.end()
    }
}

impl Serialize for ErrorResponse {
    /// `{"error": {"class": ..., "desc": ...}, "id": ...}`, the `id` when
    /// there is one.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body = ErrorBody {
            class: self.class.clone(),
            desc: self.desc.clone(),
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("error", &body)?;
        if let Some(id) = &self.id {
            map.serialize_entry("id", id)?;
        }
        map.end()
    }
}

impl Serialize for ServerMessage {
    /// The line as QEMU writes it (members in QEMU's order).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ServerMessage::Greeting(greeting) => greeting.serialize(serializer),
            ServerMessage::Return(reply) => reply.serialize(serializer),
            ServerMessage::Error(error) => error.serialize(serializer),
            ServerMessage::Event(message) => message.serialize(serializer),
        }
    }
}

/// The longest line a [`Reader`] reads unless told otherwise: 16 MiB. The
/// largest reply QEMU sends, `query-qmp-schema`'s, is under 1 MiB in
/// QEMU 11.1 (`x86_64`).
pub const DEFAULT_LINE_LIMIT: usize = 16 << 20;

/// Reads a QMP stream (a socket, a log), one [`ServerMessage`] per line.
///
/// An iterator of `Result<ServerMessage, ReadError>`: a line that does not
/// decode is an error naming its line number, and reading goes on with the
/// next line. A line longer than the limit ([`DEFAULT_LINE_LIMIT`], or
/// [`Reader::with_limit`]) is an error too, and is skipped without being
/// held in memory. Lines end with `\n` or, as QEMU ends them, `\r\n`;
/// blank lines are skipped. The iterator ends at the end of the input.
///
/// Reading a socket with a read timeout: a timeout is an [`ReadError::Io`],
/// and the next call goes on with the same line, nothing lost.
///
/// ```
/// use qmp_events::{Reader, ServerMessage};
/// let stream = concat!(
///     r#"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}"#, "\r\n",
///     r#"{"return": {}}"#, "\r\n",
///     r#"{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}"#, "\r\n",
/// );
/// let messages: Vec<ServerMessage> = Reader::new(stream.as_bytes()).collect::<Result<_, _>>().unwrap();
/// assert!(matches!(messages[0], ServerMessage::Greeting(_)));
/// let ServerMessage::Event(stop) = &messages[2] else { panic!() };
/// assert_eq!(stop.event, qmp_events::Event::Stop);
/// ```
pub struct Reader<R> {
    inner: R,
    /// The line being read, without its end.
    line: Vec<u8>,
    /// Whether `line` holds the start of a line an error interrupted.
    partial: bool,
    /// Whether the line being read is longer than the limit: it is being
    /// skipped.
    skipping: bool,
    /// Whether the last line read is UTF-8 (and so in `line`).
    text: bool,
    /// Lines read to their end.
    lines: u64,
    limit: usize,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `inner` with the [`DEFAULT_LINE_LIMIT`].
    pub fn new(inner: R) -> Reader<R> {
        Reader::with_limit(inner, DEFAULT_LINE_LIMIT)
    }

    /// A reader of `inner` whose lines may be at most `limit` bytes long
    /// (without the line end).
    pub fn with_limit(inner: R, limit: usize) -> Reader<R> {
        Reader {
            inner,
            line: Vec::new(),
            partial: false,
            skipping: false,
            text: false,
            lines: 0,
            limit,
        }
    }

    /// How many lines were read to their end; the number of the last one.
    pub fn line_number(&self) -> u64 {
        self.lines
    }

    /// The text of the last line read, without its end: what a message or
    /// error came from, to log or record it. Empty after a line too long or
    /// not UTF-8.
    pub fn line(&self) -> &str {
        if self.text && !self.partial {
            // Checked when the line was read.
            std::str::from_utf8(&self.line).unwrap_or_default()
        } else {
            ""
        }
    }

    /// The input.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The input, to write commands to a socket read here.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The input, and what of it this reader has not read.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads the next line, whole, into `self.line` (without its end):
    /// `None` at the end of the input.
    fn read_line(&mut self) -> Option<Result<(), ReadError>> {
        let line = self.lines + 1;
        loop {
            let buffer = match self.inner.fill_buf() {
                Ok(buffer) => buffer,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Some(Err(ReadError::Io { line, error })),
            };
            if buffer.is_empty() {
                // The end of the input: the last line may lack its end.
                if !self.partial {
                    return None;
                }
                break;
            }
            if !self.partial {
                // A new line: the last one is gone.
                self.line.clear();
                self.skipping = false;
                self.text = false;
                self.partial = true;
            }
            let (taken, ended) = match memchr::memchr(b'\n', buffer) {
                Some(end) => (end, true),
                None => (buffer.len(), false),
            };
            if !self.skipping {
                // One byte over the limit may be the `\r` of `\r\n`.
                if self.line.len() + taken > self.limit.saturating_add(1) {
                    self.skipping = true;
                    self.line = Vec::new();
                } else {
                    self.line.extend_from_slice(&buffer[..taken]);
                }
            }
            self.inner.consume(taken + usize::from(ended));
            if ended {
                break;
            }
        }
        self.partial = false;
        self.lines = line;
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        if self.skipping || self.line.len() > self.limit {
            self.line = Vec::new();
            return Some(Err(ReadError::TooLong {
                line,
                limit: self.limit,
            }));
        }
        Some(Ok(()))
    }
}

impl<R> fmt::Debug for Reader<R> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Reader")
            .field("line_number", &self.lines)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<ServerMessage, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Err(error) = self.read_line()? {
                return Some(Err(error));
            }
            let line = self.lines;
            let text = match std::str::from_utf8(&self.line) {
                Ok(text) => text,
                Err(error) => {
                    return Some(Err(ReadError::NotUtf8 {
                        line,
                        column: error.valid_up_to() as u64 + 1,
                    }));
                }
            };
            self.text = true;
            if text.trim().is_empty() {
                continue;
            }
            return Some(
                text.parse()
                    .map_err(|error| ReadError::Invalid { line, error }),
            );
        }
    }
}

/// Why a line of a QMP stream did not give a message; each names the line
/// (counted from 1).
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Reading the input failed (a timeout, a reset connection).
    Io {
        /// The line being read.
        line: u64,
        /// What the input said.
        error: io::Error,
    },
    /// The line is longer than the reader's limit; it was skipped.
    TooLong {
        /// The line.
        line: u64,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The line is not UTF-8 (a QMP stream is JSON, which is).
    NotUtf8 {
        /// The line.
        line: u64,
        /// The byte where it stops being UTF-8, counted from 1.
        column: u64,
    },
    /// The line is not JSON, or not a QMP server message (see
    /// [`ServerMessage`]).
    Invalid {
        /// The line.
        line: u64,
        /// What is wrong with it, and where in the line.
        error: serde_json::Error,
    },
}

impl ReadError {
    /// The number of the line, counted from 1.
    pub fn line(&self) -> u64 {
        match self {
            ReadError::Io { line, .. }
            | ReadError::TooLong { line, .. }
            | ReadError::NotUtf8 { line, .. }
            | ReadError::Invalid { line, .. } => *line,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { line, error } => write!(formatter, "line {line}: reading: {error}"),
            ReadError::TooLong { line, limit } => {
                write!(formatter, "line {line}: longer than {limit} bytes")
            }
            ReadError::NotUtf8 { line, column } => {
                write!(formatter, "line {line}, column {column}: not UTF-8")
            }
            ReadError::Invalid { line, error } => {
                // serde_json places the error in the line (its line 1).
                let text = error.to_string();
                let at = format!(" at line {} column {}", error.line(), error.column());
                let message = text.strip_suffix(&at).unwrap_or(&text);
                write!(
                    formatter,
                    "line {line}, column {}: {message}",
                    error.column()
                )
            }
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { error, .. } => Some(error),
            ReadError::Invalid { error, .. } => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GREETING: &str = r#"{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u6"}, "capabilities": ["oob"]}}"#;

    fn read(stream: &[u8], limit: usize) -> Vec<Result<ServerMessage, String>> {
        Reader::with_limit(stream, limit)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn every_kind_of_line_decodes_and_encodes_back() {
        let greeting: ServerMessage = serde_json::from_str(GREETING).unwrap();
        let ServerMessage::Greeting(hello) = &greeting else {
            panic!("{greeting:?}")
        };
        assert_eq!(hello.version, QemuVersion::new(7, 2, 22));
        assert_eq!(hello.version.to_string(), "7.2.22");
        assert_eq!(hello.capabilities, ["oob"]);
        let made = Greeting::new(QemuVersion::new(7, 2, 22), &hello.package, &["oob"]);
        assert_eq!(&made, hello);
        let lines = [
            GREETING,
            r#"{"return": {"status": "running"}, "id": "a"}"#,
            r#"{"return": {}}"#,
            r#"{"error": {"class": "CommandNotFound", "desc": "The command x has not been found"}, "id": 3}"#,
            r#"{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}}"#,
            r#"{"event": "NOT_YET_INVENTED", "data": {"x": [1]}, "timestamp": {"seconds": 1, "microseconds": 2}}"#,
        ];
        for line in lines {
            let message: ServerMessage = serde_json::from_str(line).unwrap();
            let again = serde_json::to_value(&message).unwrap();
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(again, line);
        }
        let error: ServerMessage = serde_json::from_str(lines[3]).unwrap();
        assert_eq!(
            error,
            ServerMessage::Error(ErrorResponse::new(
                Some(3.into()),
                "CommandNotFound",
                "The command x has not been found"
            ))
        );
        // From a `Value` too.
        let value: ServerMessage = serde_json::from_value(json!({"return": [1], "id": 1})).unwrap();
        let ServerMessage::Return(reply) = value else {
            panic!()
        };
        assert_eq!(reply.parse::<Vec<u8>>().unwrap(), [1]);
    }

    #[test]
    fn a_line_that_is_no_message_says_what_it_lacks() {
        let cases = [
            (
                r#"{"foo": 1}"#,
                "it has none of `QMP`, `return`, `error` and `event`",
            ),
            (
                r#"{"return": {}, "error": {"class": "a", "desc": "b"}}"#,
                "it has `return` and `error`",
            ),
            (r#"{"event": "STOP"}"#, "missing field `timestamp`"),
            (
                r#"{"data": {}, "timestamp": {"seconds": 1, "microseconds": 2}}"#,
                "missing field `event`",
            ),
            (
                r#"{"QMP": {"capabilities": []}}"#,
                "missing field `version`",
            ),
            (
                r#"{"error": {"class": "GenericError"}}"#,
                "missing field `desc`",
            ),
            (r#"{"return": 1, "return": 2}"#, "duplicate field `return`"),
            ("[1]", "a QMP server message"),
        ];
        for (line, expected) in cases {
            let err = serde_json::from_str::<ServerMessage>(line).unwrap_err();
            assert!(err.to_string().contains(expected), "{line}: {err}");
        }
    }

    #[test]
    fn the_reader_names_bad_lines_and_goes_on() {
        let mut bytes = format!(
            "{GREETING}\r\n\r\nnot json\r\n{{\"return\": {{}}}}\r\n{{\"foo\": 1}}\n@\n{{\"return\": 1}}"
        )
        .into_bytes();
        // A byte that is no UTF-8, on line 6.
        let at = bytes.iter().position(|b| *b == b'@').unwrap();
        bytes[at] = 0xff;
        let got = read(&bytes, DEFAULT_LINE_LIMIT);
        assert!(matches!(got[0], Ok(ServerMessage::Greeting(_))), "{got:?}");
        assert_eq!(
            got[1].as_ref().unwrap_err(),
            "line 3, column 2: expected ident"
        );
        assert!(matches!(got[2], Ok(ServerMessage::Return(_))));
        assert_eq!(
            got[3].as_ref().unwrap_err(),
            "line 5, column 10: not a QMP server message: it has none of `QMP`, `return`, `error` and `event`"
        );
        assert_eq!(got[4].as_ref().unwrap_err(), "line 6, column 1: not UTF-8");
        // The last line lacks its end.
        assert!(matches!(got[5], Ok(ServerMessage::Return(_))));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_not_held() {
        let long = format!("{{\"return\": \"{}\"}}", "x".repeat(100));
        let stream = format!("{long}\r\n{{\"return\": 1}}\r\n{long}");
        let got = read(stream.as_bytes(), 20);
        assert_eq!(got[0].as_ref().unwrap_err(), "line 1: longer than 20 bytes");
        assert!(matches!(got[1], Ok(ServerMessage::Return(_))));
        assert_eq!(got[2].as_ref().unwrap_err(), "line 3: longer than 20 bytes");
        assert_eq!(got.len(), 3);
        // Exactly the limit, with `\r\n` or `\n`.
        let line = r#"{"return": 1}"#;
        for end in ["\r\n", "\n", ""] {
            let got = read(format!("{line}{end}").as_bytes(), line.len());
            assert!(
                matches!(got[..], [Ok(ServerMessage::Return(_))]),
                "{end:?}: {got:?}"
            );
            let got = read(format!("{line}{end}").as_bytes(), line.len() - 1);
            assert!(got[0].is_err(), "{end:?}");
        }
        // Skipping reads in the reader's buffer, a piece at a time.
        let reader = io::BufReader::with_capacity(16, long.as_bytes());
        let mut reader = Reader::with_limit(reader, 20);
        assert!(matches!(
            reader.next(),
            Some(Err(ReadError::TooLong { line: 1, limit: 20 }))
        ));
        assert!(reader.next().is_none());
        assert!(reader.line.capacity() <= 64, "{}", reader.line.capacity());
    }

    /// An input that fails once at each of the given offsets, as a socket
    /// with a read timeout does.
    struct Flaky<'a> {
        data: &'a [u8],
        at: usize,
        fail_at: Vec<usize>,
    }

    impl io::Read for Flaky<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.fill_buf()?.len().min(buf.len());
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Flaky<'_> {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            if self.fail_at.first() == Some(&self.at) {
                self.fail_at.remove(0);
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "timed out"));
            }
            // Three bytes at a time.
            let end = (self.at + 3).min(self.data.len());
            Ok(&self.data[self.at..end])
        }
        fn consume(&mut self, amount: usize) {
            self.at += amount;
        }
    }

    #[test]
    fn errors_and_messages_cross_threads() {
        fn sendable<T: Send + Sync + 'static>() {}
        sendable::<ReadError>();
        sendable::<ServerMessage>();
        sendable::<Reader<io::BufReader<std::fs::File>>>();
        let reader = Reader::with_limit(&b""[..], 7);
        assert_eq!(
            format!("{reader:?}"),
            "Reader { line_number: 0, limit: 7, .. }"
        );
    }

    #[test]
    fn a_timeout_loses_nothing() {
        let data = b"{\"return\": 1}\r\n{\"return\": 2, \"id\": 9}\r\n";
        let mut reader = Reader::new(Flaky {
            data,
            at: 0,
            fail_at: vec![0, 6, 18],
        });
        let mut got = Vec::new();
        for item in reader.by_ref() {
            match item {
                Err(ReadError::Io { line, error }) => {
                    assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
                    got.push(format!("timeout in line {line}"));
                }
                Ok(ServerMessage::Return(reply)) => got.push(reply.value.get().to_owned()),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            got,
            [
                "timeout in line 1",
                "timeout in line 1",
                "1",
                "timeout in line 2",
                "2"
            ]
        );
        assert_eq!(reader.line_number(), 2);
        assert_eq!(reader.line(), r#"{"return": 2, "id": 9}"#);
    }
}
