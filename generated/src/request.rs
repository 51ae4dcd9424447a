// Copied by `cargo xtask regen` from codegen/src/rust/request.rs. Do not edit by hand.

//! What every command shares (feature `commands`): the `Command` trait,
//! `Empty` for a command that returns `{}`, `Request`, any request as
//! JSON, for proxies, loggers and tests.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::de::DeserializeOwned;

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
