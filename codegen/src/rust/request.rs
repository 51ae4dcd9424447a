//! What every command shares (feature `commands`): the `Command` trait,
//! `Empty` for a command that returns `{}`, `Request`, any request as
//! JSON, for proxies, loggers and tests, and how commands' unions decode.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::commands::CommandKind;

/// A QMP command: its arguments (the struct implementing it), its name on
/// the wire and the type of its return.
///
/// ```
/// use qmp_events::commands::{Command, QueryStatus};
/// assert_eq!(QueryStatus::NAME, "query-status");
/// let request = qmp_events::commands::Request::new(&QueryStatus::new()).unwrap();
/// assert_eq!(request.to_string(), r#"{"execute":"query-status"}"#);
/// ```
pub trait Command: Serialize {
    /// The command's name, as QMP writes it.
    const NAME: &'static str;
    /// The command's kind: since, until and the revisions that have it.
    const KIND: CommandKind;
    /// What the command returns. Decoding is forward compatible: unknown
    /// members are ignored, unknown enumeration values and union branches
    /// kept, and a member an older QEMU lacks is an `Option`.
    type Returns: DeserializeOwned;
}

/// The return of a command that returns nothing (`{}`): any object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Empty {}

impl<'de> serde::Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Empty {})
    }
}

/// Any request as JSON: `{"execute": NAME, "arguments": {...}, "id": ...}`
/// (or `"exec-oob"` for a command run out of band). Parse one from a
/// request line with `FromStr`, make one from a typed command with
/// [`Request::new`], and write it with `Display` (one line of JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The command's name.
    pub name: String,
    /// Its arguments; `None` where the request has none.
    pub arguments: Option<serde_json::Map<String, serde_json::Value>>,
    /// The `id` QEMU echoes in its answer.
    pub id: Option<serde_json::Value>,
    /// Whether it is sent with `exec-oob` rather than `execute`.
    pub oob: bool,
}

impl Request {
    /// The request of a typed command (no `id`; set one as a field).
    pub fn new<C: Command>(command: &C) -> Result<Request, serde_json::Error> {
        let arguments = match serde_json::to_value(command)? {
            serde_json::Value::Object(map) if map.is_empty() => None,
            serde_json::Value::Object(map) => Some(map),
            other => {
                return Err(serde::ser::Error::custom(format!(
                    "the arguments of {} are not an object: {other}",
                    C::NAME
                )));
            }
        };
        Ok(Request {
            name: C::NAME.to_owned(),
            arguments,
            id: None,
            oob: false,
        })
    }

    /// The command's kind; `None` for a command no revision has.
    pub fn kind(&self) -> Option<CommandKind> {
        CommandKind::from_name(&self.name)
    }

    /// The request as a JSON object.
    pub fn to_value(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        let key = if self.oob { "exec-oob" } else { "execute" };
        object.insert(key.to_owned(), self.name.clone().into());
        if let Some(arguments) = &self.arguments {
            object.insert("arguments".to_owned(), arguments.clone().into());
        }
        if let Some(id) = &self.id {
            object.insert("id".to_owned(), id.clone());
        }
        serde_json::Value::Object(object)
    }
}

impl fmt::Display for Request {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.to_value())
    }
}

/// A request line that is not a request: what is wrong, as QEMU would
/// refuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(String);

impl fmt::Display for RequestError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for RequestError {}

impl FromStr for Request {
    type Err = RequestError;

    /// Parses a request line. As QEMU does, it refuses what is not an
    /// object, a request without `execute` or `exec-oob` (or with both),
    /// `arguments` that are not an object, and any other member.
    fn from_str(line: &str) -> Result<Request, RequestError> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|err| RequestError(format!("not JSON: {err}")))?;
        let serde_json::Value::Object(object) = value else {
            return Err(RequestError("a request is a JSON object".to_owned()));
        };
        let mut request = Request {
            name: String::new(),
            arguments: None,
            id: None,
            oob: false,
        };
        let mut named = false;
        for (key, value) in object {
            match (key.as_str(), value) {
                ("execute" | "exec-oob", _) if named => {
                    return Err(RequestError(
                        "a request has one of 'execute' and 'exec-oob'".to_owned(),
                    ));
                }
                (key @ ("execute" | "exec-oob"), serde_json::Value::String(name)) => {
                    request.name = name;
                    request.oob = key == "exec-oob";
                    named = true;
                }
                (key @ ("execute" | "exec-oob"), _) => {
                    return Err(RequestError(format!("'{key}' must be a string")));
                }
                ("arguments", serde_json::Value::Object(arguments)) => {
                    request.arguments = Some(arguments);
                }
                ("arguments", _) => {
                    return Err(RequestError("'arguments' must be an object".to_owned()));
                }
                ("id", id) => request.id = Some(id),
                (other, _) => {
                    return Err(RequestError(format!("a request has no member '{other}'")));
                }
            }
        }
        if !named {
            return Err(RequestError(
                "a request names its command with 'execute' or 'exec-oob'".to_owned(),
            ));
        }
        Ok(request)
    }
}

/// Decodes a command's union without building a `serde_json::Value`: its
/// object's JSON text, and the value of its `discriminator`, found by a
/// scan of the text's bytes (the branch then decodes from the text with
/// `from_str`, so a command's types are decoded by one reader only, and
/// only once). An older QEMU may send the object without its discriminator
/// (a struct before it became a union: a `query-sev` of QEMU 9.0): no tag
/// then.
pub(crate) fn union_text<'de, D: Deserializer<'de>>(
    deserializer: D,
    discriminator: &'static str,
) -> Result<UnionText, D::Error> {
    let text = Box::<RawValue>::deserialize(deserializer)?;
    let tag = find_tag(text.get(), discriminator).map_err(de::Error::custom)?;
    Ok(UnionText { text, tag })
}

/// A command union's object, as JSON text, and where its tag is.
pub(crate) struct UnionText {
    text: Box<RawValue>,
    tag: Tag,
}

enum Tag {
    None,
    /// The tag's bytes in the text (a string without escapes).
    At(usize, usize),
    /// A tag written with escapes, unescaped.
    Owned(String),
}

impl UnionText {
    pub(crate) fn text(&self) -> &str {
        self.text.get()
    }

    /// The discriminator's value; `None` where the object has none.
    pub(crate) fn tag(&self) -> Option<&str> {
        match &self.tag {
            Tag::None => None,
            Tag::At(start, end) => self.text.get().get(*start..*end),
            Tag::Owned(tag) => Some(tag),
        }
    }
}

/// The value of `discriminator` in the object `text` (JSON that
/// serde_json checked already), by its bytes: keys at the top level are
/// compared, strings skipped by their quotes, nesting counted. Linear in
/// the text, with no allocation unless the tag is written with escapes.
fn find_tag(text: &str, discriminator: &str) -> Result<Tag, String> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return Err("invalid type: expected a union's object".to_owned());
    }
    at += 1;
    let mut depth = 1_usize;
    let mut key_next = true;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => {
                let end = string_end(bytes, at + 1);
                if depth == 1 && key_next {
                    key_next = false;
                    let value = skip_space(bytes, skip_space(bytes, end + 1) + 1);
                    if is_key(text, at, end, discriminator)? {
                        return tag_at(text, value);
                    }
                    at = value;
                    continue;
                }
                at = end + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => key_next = true,
            _ => {}
        }
        at += 1;
    }
    Ok(Tag::None)
}

/// Whether the key quoted from `start` to `end` (its quotes) is `name`.
fn is_key(text: &str, start: usize, end: usize, name: &str) -> Result<bool, String> {
    let Some(raw) = text.get(start + 1..end) else {
        return Ok(false);
    };
    if !raw.contains('\\') {
        return Ok(raw == name);
    }
    let key: String = serde_json::from_str(text.get(start..=end).unwrap_or_default())
        .map_err(|error| error.to_string())?;
    Ok(key == name)
}

/// The tag whose value starts at `at`: a string, else an error.
fn tag_at(text: &str, at: usize) -> Result<Tag, String> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return Err("invalid type: the discriminator is not a string".to_owned());
    }
    let end = string_end(bytes, at + 1);
    match text.get(at + 1..end) {
        Some(raw) if !raw.contains('\\') => Ok(Tag::At(at + 1, end)),
        _ => serde_json::from_str(text.get(at..=end).unwrap_or_default())
            .map(Tag::Owned)
            .map_err(|error| error.to_string()),
    }
}

/// The index of the quote that ends the string whose text starts at `at`
/// (the length of `bytes` if none does).
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(rest) = bytes.get(at..) {
        match memchr::memchr2(b'"', b'\\', rest) {
            Some(found) if rest[found] == b'\\' => at += found + 2,
            Some(found) => return at + found,
            None => break,
        }
    }
    bytes.len()
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}
