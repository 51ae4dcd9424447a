//! The fixed part of the generated crate: the timestamp, open enumeration
//! values, the raw data of unknown events, and the one-pass message codec.
//!
//! This file is ordinary hand-written Rust. `cargo xtask regen` copies it
//! unchanged from `codegen/src/rust/runtime.rs` into `generated/src/runtime.rs`;
//! `codegen` compiles and tests it too, against a small event type of its own,
//! and `qmp-tests` with the generated types and the stream (its
//! `src/mounted.rs`).
//! It knows nothing of any particular event: the generated `Event` enum plugs
//! in through [`EventCodec`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// When QEMU emitted an event: `{"seconds": ..., "microseconds": ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// Microseconds within the second, `0..1_000_000`.
    pub microseconds: i64,
}

/// A [`Timestamp`] that is no point in time: microseconds outside
/// `0..1_000_000`, or a time [`SystemTime`] cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampOutOfRange(pub Timestamp);

impl fmt::Display for TimestampOutOfRange {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "timestamp {}.{:06} is out of range",
            self.0.seconds, self.0.microseconds
        )
    }
}

impl std::error::Error for TimestampOutOfRange {}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampOutOfRange;

    fn try_from(timestamp: Timestamp) -> Result<SystemTime, TimestampOutOfRange> {
        let out_of_range = || TimestampOutOfRange(timestamp);
        let micros = u32::try_from(timestamp.microseconds)
            .ok()
            .filter(|m| *m < 1_000_000)
            .ok_or_else(out_of_range)?;
        let fraction = Duration::from_micros(u64::from(micros));
        let whole = Duration::from_secs(timestamp.seconds.unsigned_abs());
        let time = if timestamp.seconds >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        time.and_then(|t| t.checked_add(fraction))
            .ok_or_else(out_of_range)
    }
}

impl From<SystemTime> for Timestamp {
    /// The timestamp QEMU would write for `time`, to the microsecond
    /// (a time before 1970 has negative seconds and microseconds in
    /// `0..1_000_000`).
    fn from(time: SystemTime) -> Timestamp {
        let micros: i128 = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_micros() as i128,
            Err(before) => -(before.duration().as_micros() as i128),
        };
        let seconds = micros.div_euclid(1_000_000);
        Timestamp {
            seconds: seconds.clamp(i64::MIN.into(), i64::MAX.into()) as i64,
            microseconds: micros.rem_euclid(1_000_000) as i64,
        }
    }
}

impl Timestamp {
    /// The point in time, or `None` when the timestamp is out of range.
    pub fn to_system_time(self) -> Option<SystemTime> {
        SystemTime::try_from(self).ok()
    }
}

/// A value of an open enumeration that this crate does not know: a QEMU
/// newer than the history sent it.
///
/// It is made only by decoding (or by an enumeration's `From<&str>`), which
/// gives a known value its own variant: an `Unknown` never holds a value
/// the enumeration knows, so comparing variants compares wire strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// Only the enumerations' `From<&str>` call this, for values they do
    /// not know.
    pub(crate) fn new(value: &str) -> UnknownValue {
        UnknownValue(value.into())
    }

    /// The value as QMP writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The data of an event this crate does not know, kept as the JSON text it
/// arrived as: decoding does not build a tree of it. [`RawData::parse`]
/// decodes it on demand, into any type.
///
/// Two values are equal when their JSON is (member order and layout aside).
#[derive(Clone)]
pub struct RawData(Box<RawValue>);

impl RawData {
    /// The JSON text, as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Decodes the data into `T`: a type of your own, or
    /// `serde_json::Value`.
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> serde_json::Result<T> {
        serde_json::from_str(self.0.get())
    }

    /// The data as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        // Any JSON text decodes into a `Value`; the text is JSON already.
        self.parse().unwrap_or(serde_json::Value::Null)
    }

    /// Raw data holding `value`.
    pub fn from_value(value: &serde_json::Value) -> serde_json::Result<RawData> {
        serde_json::value::to_raw_value(value).map(RawData)
    }
}

impl PartialEq for RawData {
    fn eq(&self, other: &RawData) -> bool {
        self.get() == other.get() || self.to_value() == other.to_value()
    }
}

impl Eq for RawData {}

impl fmt::Debug for RawData {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.get())
    }
}

impl fmt::Display for RawData {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.get())
    }
}

impl Serialize for RawData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawData {
    /// Needs one of serde_json's deserializers (text, reader or `Value`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawData, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawData)
    }
}

/// An event name [`std::str::FromStr`] does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEventName(pub String);

impl fmt::Display for UnknownEventName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "no revision documents the event {:?}", self.0)
    }
}

impl std::error::Error for UnknownEventName {}

/// A revision name [`std::str::FromStr`] does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRevision(pub String);

impl fmt::Display for UnknownRevision {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "the history has no revision {:?}", self.0)
    }
}

impl std::error::Error for UnknownRevision {}

/// What the envelope's codec needs of the event type.
pub(crate) trait EventCodec: Sized {
    /// Decodes an event from its name and its data.
    fn from_data<'de, D: Deserializer<'de>>(name: &str, data: D) -> Result<Self, D::Error>;
    /// The same from data held as a JSON value (it came before the name).
    /// Not generic: compiled once, in this crate, rather than in every
    /// client's for each deserializer it uses (and the generated one reads
    /// the value's text, with the decoders `Message::from_str` has).
    fn from_value(name: &str, data: serde_json::Value) -> Result<Self, serde_json::Error>;
    /// The event of a message without data; `None` when the event needs data.
    fn without_data(name: &str) -> Option<Self>;
    /// The event's name, as QMP writes it.
    fn name(&self) -> &str;
    /// Writes the `data` member, if the event has data.
    fn serialize_data<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Decodes `{"event": ..., "data": ..., "timestamp": ...}` in one pass.
/// When `event` comes before `data`, as QEMU writes them, the data decodes
/// straight into its type; otherwise it is held as a JSON value until the
/// name is known. Members other than these three are ignored.
pub(crate) fn decode_envelope<'de, E: EventCodec, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<(E, Option<Timestamp>), D::Error> {
    deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
}

/// Encodes an event (and the timestamp, when there is one) as QEMU does:
/// `event`, then `data`, then `timestamp`.
pub(crate) fn encode_envelope<E: EventCodec, S: Serializer>(
    event: &E,
    timestamp: Option<&Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("event", event.name())?;
    event.serialize_data(&mut map)?;
    if let Some(timestamp) = timestamp {
        map.serialize_entry("timestamp", timestamp)?;
    }
    map.end()
}

struct EnvelopeVisitor<E>(PhantomData<E>);

impl<'de, E: EventCodec> Visitor<'de> for EnvelopeVisitor<E> {
    type Value = (E, Option<Timestamp>);

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a QMP event message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut envelope = EnvelopeFields::default();
        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
            if !envelope.read(&key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        envelope.finish()
    }
}

/// The members of an event message read so far: what a visitor of a map
/// that may be an event message (`Message`, or any line of a QMP stream)
/// keeps.
pub(crate) struct EnvelopeFields<'de, E> {
    name: Option<Cow<'de, str>>,
    event: Option<E>,
    early_data: Option<serde_json::Value>,
    timestamp: Option<Timestamp>,
}

impl<E> Default for EnvelopeFields<'_, E> {
    fn default() -> Self {
        EnvelopeFields {
            name: None,
            event: None,
            early_data: None,
            timestamp: None,
        }
    }
}

impl<'de, E: EventCodec> EnvelopeFields<'de, E> {
    /// Reads the value of `key` when it is a member of an event message
    /// (`event`, `data`, `timestamp`); `false`, reading nothing, otherwise.
    pub(crate) fn read<A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        use serde::de::Error;
        match key {
            "event" if self.name.is_some() => return Err(A::Error::duplicate_field("event")),
            "event" => self.name = Some(map.next_value::<CowStr<'de>>()?.0),
            "data" if self.event.is_some() || self.early_data.is_some() => {
                return Err(A::Error::duplicate_field("data"));
            }
            "data" => match &self.name {
                Some(name) => {
                    self.event = Some(map.next_value_seed(DataSeed(name, PhantomData))?);
                }
                None => self.early_data = Some(map.next_value()?),
            },
            "timestamp" => member(&mut self.timestamp, "timestamp", map)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether any member of an event message was read.
    // Used by `stream.rs`, which codegen compiles only with the generated
    // types (in qmp-tests: tests/src/mounted.rs).
    #[allow(dead_code)]
    pub(crate) fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.event.is_none()
            && self.early_data.is_none()
            && self.timestamp.is_none()
    }

    /// The event, once the map has been read whole.
    pub(crate) fn finish<Er: de::Error>(self) -> Result<(E, Option<Timestamp>), Er> {
        let name = self.name.ok_or_else(|| Er::missing_field("event"))?;
        let event = match (self.event, self.early_data) {
            (Some(event), _) => event,
            (None, Some(data)) => E::from_value(&name, data).map_err(Er::custom)?,
            (None, None) => E::without_data(&name).ok_or_else(|| Er::missing_field("data"))?,
        };
        Ok((event, self.timestamp))
    }
}

/// Decodes a message's data once its event's name is known.
struct DataSeed<'n, E>(&'n str, PhantomData<E>);

impl<'de, E: EventCodec> DeserializeSeed<'de> for DataSeed<'_, E> {
    type Value = E;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<E, D::Error> {
        E::from_data(self.0, deserializer)
    }
}

/// A string borrowed from the input when it can be.
pub(crate) struct CowStr<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CowVisitor;
        impl<'de> Visitor<'de> for CowVisitor {
            type Value = CowStr<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(value.to_owned())))
            }
        }
        deserializer.deserialize_str(CowVisitor)
    }
}

/// Implements `Deserialize` for a generated struct: a map visitor that reads
/// each member it knows into its slot and skips the others. No sequence
/// form and no field enum, as serde's derive would write: every client's
/// build compiles the decoders, so they are kept small (`.ci/build-cost`).
/// The names `CowStr`, `member` and `required` must be in scope where it is
/// used.
///
/// `decode_object!(Type, "what it is", required { field: "wire", .. },
/// optional { field: "wire", .. })`; an optional field is an `Option`.
macro_rules! decode_object {
    ($name:ident, $expecting:literal,
     required { $($required:ident: $required_wire:literal),* },
     optional { $($optional:ident: $optional_wire:literal),* }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $(let mut $required = None;)*
                        $(let mut $optional = None;)*
                        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
                            match &*key {
                                $($required_wire => member(&mut $required, $required_wire, &mut map)?,)*
                                $($optional_wire => member(&mut $optional, $optional_wire, &mut map)?,)*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($name {
                            $($required: required($required, $required_wire)?,)*
                            $($optional: $optional.flatten(),)*
                        })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
}
// Used by the generated `data.rs` and `types.rs`.
#[allow(unused_imports)]
pub(crate) use decode_object;

/// Reads a member's value into its slot (an object's decoder, generated):
/// an optional member's slot is `Option<Option<T>>`, `null` being none. A
/// member given twice is an error.
pub(crate) fn member<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required member's value, or the error that it is missing: one function
/// per type, not a closure per member.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(key))
}

/// Decodes a string into an open enumeration (anything `From<&str>`)
/// without copying it first.
pub(crate) fn decode_str<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    struct StrVisitor<T>(PhantomData<T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(StrVisitor(PhantomData))
}

/// Decodes a QAPI union without building a `serde_json::Value`: its
/// object's JSON text, and the value of its `discriminator`, found by a
/// scan of the text's bytes (the branch then decodes from the text with
/// `from_str`, with the non-generic `from_text` of each union, so its types
/// are decoded by one reader only, and only once). No tag where the object
/// has none (a command's union an older QEMU sent as a struct: a
/// `query-sev` of QEMU 9.0).
pub(crate) fn union_text<'de, D: Deserializer<'de>>(
    deserializer: D,
    discriminator: &'static str,
) -> Result<UnionText, D::Error> {
    let text = Box::<RawValue>::deserialize(deserializer)?;
    let tag = find_tag(text.get(), discriminator).map_err(de::Error::custom)?;
    Ok(UnionText { text, tag })
}

/// A union's object, as JSON text, and where its tag is.
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
    Ok(unquote(text, start, end)? == name)
}

/// The tag whose value starts at `at`: a string, else an error.
fn tag_at(text: &str, at: usize) -> Result<Tag, String> {
    if text.as_bytes().get(at) != Some(&b'"') {
        return Err("invalid type: the discriminator is not a string".to_owned());
    }
    let end = string_end(text.as_bytes(), at + 1);
    Ok(match unquote(text, at, end)? {
        Cow::Borrowed(_) => Tag::At(at + 1, end),
        Cow::Owned(tag) => Tag::Owned(tag),
    })
}

/// The string quoted from `start` to `end` (its quotes): as it is written,
/// or unescaped where it has an escape.
fn unquote(text: &str, start: usize, end: usize) -> Result<Cow<'_, str>, String> {
    match text.get(start + 1..end) {
        Some(raw) if !raw.contains('\\') => Ok(Cow::Borrowed(raw)),
        _ => serde_json::from_str(text.get(start..=end).unwrap_or_default())
            .map(Cow::Owned)
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

/// Encodes a union's branch: its members, and the discriminator.
pub(crate) fn encode_union<S: Serializer, T: Serialize>(
    serializer: S,
    discriminator: &str,
    tag: &str,
    branch: &T,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(branch).map_err(serde::ser::Error::custom)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(discriminator.to_owned(), tag.into());
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A stand-in for a generated union: one known branch and the
    /// catch-all.
    #[derive(Debug, PartialEq)]
    enum Address {
        Inet(Inet),
        Unknown(serde_json::Value),
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Inet {
        host: String,
    }

    /// As the generator writes an event's union.
    impl<'de> Deserialize<'de> for Address {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let union = union_text(deserializer, "type")?;
            let text = union.text();
            Ok(match union.tag() {
                Some("inet") => {
                    Address::Inet(serde_json::from_str(text).map_err(de::Error::custom)?)
                }
                None => return Err(de::Error::missing_field("type")),
                _ => Address::Unknown(serde_json::from_str(text).map_err(de::Error::custom)?),
            })
        }
    }

    impl Serialize for Address {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Address::Inet(branch) => encode_union(serializer, "type", "inet", branch),
                Address::Unknown(object) => object.serialize(serializer),
            }
        }
    }

    #[test]
    fn unions_decode_by_their_discriminator_and_keep_unknown_branches() {
        let inet = json!({"type": "inet", "host": "::1"});
        let decoded: Address = serde_json::from_value(inet.clone()).unwrap();
        assert_eq!(decoded, Address::Inet(Inet { host: "::1".into() }));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), inet);
        let future = json!({"type": "quantum", "qubits": 3});
        let decoded: Address = serde_json::from_value(future.clone()).unwrap();
        assert_eq!(decoded, Address::Unknown(future.clone()));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), future);
        for bad in [json!({"host": "x"}), json!({"type": 1}), json!("inet")] {
            assert!(serde_json::from_value::<Address>(bad).is_err());
        }
        // A known branch missing its members is an error, not `Unknown`.
        assert!(serde_json::from_value::<Address>(json!({"type": "inet"})).is_err());
        // The tag wherever it is and however it is written, from text.
        for text in [
            r#"{"host": "::1", "type": "inet"}"#,
            r#"{"x": {"type": "no", "y": ["}", "\"", {}]}, "type" : "inet", "host": "::1"}"#,
            r#"{"a": "type", "host": "::1", "typ": "x", "type2": "y", "type": "inet"}"#,
            r#" { "t\u0079pe": "\u0069net", "host": "::1" } "#,
        ] {
            let decoded: Address = serde_json::from_str(text).unwrap();
            assert_eq!(
                decoded,
                Address::Inet(Inet { host: "::1".into() }),
                "{text}"
            );
        }
        for bad in [
            r#"{"type": null}"#,
            r#"{"x": {"type": "inet"}}"#,
            "[1]",
            r#""inet""#,
        ] {
            assert!(serde_json::from_str::<Address>(bad).is_err(), "{bad}");
        }
    }

    /// A stand-in for the generated `Event`: one event with data, one
    /// without, and the catch-all.
    #[derive(Debug, PartialEq)]
    enum TestEvent {
        Stop,
        Job { id: String },
        Unknown { name: String, data: Option<RawData> },
    }

    #[derive(Deserialize)]
    struct JobData {
        id: String,
    }

    impl EventCodec for TestEvent {
        fn from_value(name: &str, data: serde_json::Value) -> Result<Self, serde_json::Error> {
            TestEvent::from_data(name, data)
        }
        fn from_data<'de, D: Deserializer<'de>>(name: &str, data: D) -> Result<Self, D::Error> {
            Ok(match name {
                "STOP" => {
                    IgnoredAny::deserialize(data)?;
                    TestEvent::Stop
                }
                "JOB" => TestEvent::Job {
                    id: JobData::deserialize(data)?.id,
                },
                _ => TestEvent::Unknown {
                    name: name.to_owned(),
                    data: Some(RawData::deserialize(data)?),
                },
            })
        }
        fn without_data(name: &str) -> Option<Self> {
            match name {
                "JOB" => None,
                "STOP" => Some(TestEvent::Stop),
                _ => Some(TestEvent::Unknown {
                    name: name.to_owned(),
                    data: None,
                }),
            }
        }
        fn name(&self) -> &str {
            match self {
                TestEvent::Stop => "STOP",
                TestEvent::Job { .. } => "JOB",
                TestEvent::Unknown { name, .. } => name,
            }
        }
        fn serialize_data<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            match self {
                TestEvent::Job { id } => map.serialize_entry("data", &json!({ "id": id })),
                TestEvent::Unknown {
                    data: Some(data), ..
                } => map.serialize_entry("data", data),
                _ => Ok(()),
            }
        }
    }

    struct Envelope(TestEvent, Option<Timestamp>);

    impl<'de> Deserialize<'de> for Envelope {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_envelope(deserializer).map(|(event, timestamp)| Envelope(event, timestamp))
        }
    }

    impl Serialize for Envelope {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            encode_envelope(&self.0, self.1.as_ref(), serializer)
        }
    }

    fn decode(text: &str) -> Result<Envelope, serde_json::Error> {
        serde_json::from_str(text)
    }

    const STAMP: Timestamp = Timestamp {
        seconds: 1,
        microseconds: 2,
    };

    #[test]
    fn data_decodes_whether_it_comes_before_or_after_the_name() {
        for text in [
            r#"{"event": "JOB", "data": {"id": "j"}, "timestamp": {"seconds": 1, "microseconds": 2}}"#,
            r#"{"data": {"id": "j"}, "timestamp": {"seconds": 1, "microseconds": 2}, "event": "JOB"}"#,
        ] {
            let Envelope(event, timestamp) = decode(text).unwrap();
            assert_eq!(event, TestEvent::Job { id: "j".into() }, "{text}");
            assert_eq!(timestamp, Some(STAMP));
        }
    }

    #[test]
    fn unknown_data_is_kept_as_text_from_any_serde_json_source() {
        let text = r#"{"event": "NEW", "data": {"b": [1, 2.5], "a": null}}"#;
        let from_text = decode(text).unwrap().0;
        let from_value: Envelope =
            serde_json::from_value(serde_json::from_str(text).unwrap()).unwrap();
        let TestEvent::Unknown {
            name,
            data: Some(data),
        } = &from_text
        else {
            panic!("{from_text:?}")
        };
        assert_eq!(name, "NEW");
        assert_eq!(data.get(), r#"{"b": [1, 2.5], "a": null}"#);
        assert_eq!(data.to_value(), json!({"a": null, "b": [1, 2.5]}));
        // Equality is the JSON's, not the text's.
        assert_eq!(from_value.0, from_text);
        let parsed: std::collections::BTreeMap<String, serde_json::Value> = data.parse().unwrap();
        assert_eq!(parsed.len(), 2);
        assert_ne!(data, &RawData::from_value(&json!({"a": null})).unwrap());
    }

    #[test]
    fn a_message_encodes_as_qemu_writes_it_and_decodes_back() {
        let text =
            r#"{"event":"NEW","data":{"x":-7e-40},"timestamp":{"seconds":1,"microseconds":2}}"#;
        let envelope = decode(text).unwrap();
        let encoded = serde_json::to_string(&envelope).unwrap();
        assert_eq!(encoded, text);
        let job = Envelope(TestEvent::Job { id: "j".into() }, None);
        assert_eq!(
            serde_json::to_string(&job).unwrap(),
            r#"{"event":"JOB","data":{"id":"j"}}"#
        );
        // The data's text is kept as it came: parsing its floats is the
        // client's (serde_json's `float_roundtrip` is theirs to enable).
        let TestEvent::Unknown {
            data: Some(data), ..
        } = &envelope.0
        else {
            panic!("{:?}", envelope.0)
        };
        assert_eq!(data.get(), r#"{"x":-7e-40}"#);
    }

    #[test]
    fn data_on_an_event_without_data_is_ignored_and_missing_data_is_an_error() {
        let stop = decode(r#"{"event": "STOP", "data": {"reason": "x"}}"#).unwrap();
        assert_eq!(stop.0, TestEvent::Stop);
        let err = decode(r#"{"event": "JOB", "timestamp": {"seconds": 1, "microseconds": 2}}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("missing field `data`"), "{err}");
        let err = decode(r#"{"data": {}}"#).err().unwrap();
        assert!(err.to_string().contains("missing field `event`"), "{err}");
        let err = decode(r#"{"event": "A", "event": "B"}"#).err().unwrap();
        assert!(err.to_string().contains("duplicate field `event`"), "{err}");
        assert!(decode(r#"["STOP"]"#).is_err());
        assert!(decode(r#"{"event": 1}"#).is_err());
    }

    #[test]
    fn timestamps_convert_to_and_from_system_time() {
        let time = SystemTime::try_from(STAMP).unwrap();
        assert_eq!(time, UNIX_EPOCH + Duration::new(1, 2_000));
        assert_eq!(Timestamp::from(time), STAMP);
        let before = Timestamp {
            seconds: -2,
            microseconds: 250_000,
        };
        let time = before.to_system_time().unwrap();
        assert_eq!(time, UNIX_EPOCH - Duration::from_millis(1_750));
        assert_eq!(Timestamp::from(time), before);
        for bad in [(0, -1), (0, 1_000_000), (5, i64::MAX), (5, i64::MIN)] {
            let bad = Timestamp {
                seconds: bad.0,
                microseconds: bad.1,
            };
            assert_eq!(SystemTime::try_from(bad), Err(TimestampOutOfRange(bad)));
        }
    }

    #[test]
    fn objects_decode_their_members_once_and_skip_the_others() {
        #[derive(Debug, PartialEq)]
        struct Pair {
            a: String,
            b: Option<i64>,
        }
        decode_object!(
            Pair,
            "a pair",
            required { a: "a" },
            optional { b: "b-wire" }
        );
        let pair: Pair = serde_json::from_str(r#"{"a": "x", "b-wire": null, "c": 1}"#).unwrap();
        assert_eq!(
            pair,
            Pair {
                a: "x".into(),
                b: None
            }
        );
        let pair: Pair = serde_json::from_str(r#"{"b-wire": 2, "a": "y"}"#).unwrap();
        assert_eq!(
            pair,
            Pair {
                a: "y".into(),
                b: Some(2)
            }
        );
        for (bad, error) in [
            (r#"{"a": "x", "a": "y"}"#, "duplicate field `a`"),
            (r#"{"b-wire": 2}"#, "missing field `a`"),
            (
                r#"{"a": 1}"#,
                "invalid type: integer `1`, expected a string",
            ),
            (r#"["x", 2]"#, "expected a pair"),
        ] {
            let err = serde_json::from_str::<Pair>(bad).err().unwrap();
            assert!(err.to_string().contains(error), "{bad}: {err}");
        }
    }

    #[test]
    fn strings_decode_without_a_copy_into_open_values() {
        #[derive(Debug, PartialEq)]
        struct Open(String);
        impl From<&str> for Open {
            fn from(value: &str) -> Open {
                Open(value.to_owned())
            }
        }
        let mut json = serde_json::Deserializer::from_str(r#""a\"b""#);
        assert_eq!(
            decode_str::<Open, _>(&mut json).unwrap(),
            Open("a\"b".into())
        );
        assert_eq!(UnknownValue::new("x").as_str(), "x");
        assert_eq!(UnknownValue::new("x").to_string(), "x");
        assert_eq!(
            UnknownEventName("X".into()).to_string(),
            "no revision documents the event \"X\""
        );
        assert_eq!(
            UnknownRevision("qemu-0.1.0".into()).to_string(),
            "the history has no revision \"qemu-0.1.0\""
        );
    }
}
