//! A `query-qmp-schema` reply as QEMU writes it (`qapi/introspect.json`'s
//! `SchemaInfo`), borrowed from the input: the bare list of entries,
//! `{"return": [...]}`, or a capture that holds other keys beside `return`
//! (the greeting, `query-version`), where the QEMU version is looked for.
//!
//! Keys this reader does not know are skipped: a newer QEMU may add some.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::model::QemuVersion;

/// One `SchemaInfo`: every key of every meta-type, those of other
/// meta-types absent.
#[derive(Debug, Deserialize)]
pub(super) struct Entry<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
    #[serde(rename = "meta-type", borrow)]
    pub meta_type: Str<'a>,
    #[serde(rename = "arg-type", borrow, default)]
    pub arg_type: Option<Str<'a>>,
    #[serde(rename = "ret-type", borrow, default)]
    pub ret_type: Option<Str<'a>>,
    #[serde(rename = "element-type", borrow, default)]
    pub element_type: Option<Str<'a>>,
    #[serde(rename = "json-type", borrow, default)]
    pub json_type: Option<Str<'a>>,
    /// An object's members, an alternate's branches, an enum's values with
    /// their features (QEMU 6.2 on).
    #[serde(borrow, default)]
    pub members: Option<Vec<MemberInfo<'a>>>,
    #[serde(borrow, default)]
    pub values: Option<Vec<Str<'a>>>,
    #[serde(borrow, default)]
    pub tag: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub variants: Option<Vec<VariantInfo<'a>>>,
    #[serde(borrow, default)]
    pub features: Option<Vec<Str<'a>>>,
    /// A command that may run out of band (QEMU 2.12 on).
    #[serde(rename = "allow-oob", default)]
    pub allow_oob: bool,
}

/// An object's member (`name`, `type`, `default` when optional), an
/// alternate's branch (`type`) or an enum's value (`name`).
#[derive(Debug, Deserialize)]
pub(super) struct MemberInfo<'a> {
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(rename = "type", borrow, default)]
    pub ty: Option<Str<'a>>,
    /// Present (always `null`) when the member is optional.
    #[serde(default, deserialize_with = "present")]
    pub default: bool,
    #[serde(borrow, default)]
    pub features: Option<Vec<Str<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct VariantInfo<'a> {
    #[serde(borrow)]
    pub case: Str<'a>,
    #[serde(rename = "type", borrow)]
    pub ty: Str<'a>,
}

/// A string of the reply, borrowed from the input: a name, a meta-type, a
/// value or a feature, which QAPI spells with letters, digits, `-` and `_`
/// (and QEMU's masks with digits), so never with an escape; a string with
/// one is refused.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Str<'a>(pub &'a str);

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Str(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Err(E::custom(format_args!(
                    "the string {s:?} has an escape, which no name of a reply has"
                )))
            }
        }
        deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
    }
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
}

/// The reply: its entries, and the QEMU version when a capture carries it.
#[derive(Debug)]
pub(super) struct Reply<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Whether the entries were under `return` (for JSON paths).
    pub wrapped: bool,
    pub version: Option<(QemuVersion, String)>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Reply<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReplyVisitor(std::marker::PhantomData))
    }
}

struct ReplyVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ReplyVisitor<'a> {
    type Value = Reply<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a query-qmp-schema reply: a list of SchemaInfo entries, or an object with the \
             list under \"return\"",
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // QEMU's replies have a thousand entries and more.
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(1024).min(4096));
        while let Some(entry) = seq.next_element()? {
            entries.push(entry);
        }
        Ok(Reply {
            entries,
            wrapped: false,
            version: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = None;
        let mut version = None;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            if &*key == "return" {
                if entries.is_some() {
                    return Err(de::Error::duplicate_field("return"));
                }
                entries = Some(map.next_value::<EntryList<'a>>()?.0);
            } else {
                let value: Value = map.next_value()?;
                if version.is_none() {
                    version = find_version(&value, 0);
                }
            }
        }
        let entries = entries.ok_or_else(|| {
            de::Error::custom(
                "the reply object has no \"return\": a query-qmp-schema reply is a list of \
                 SchemaInfo entries, bare or under \"return\"",
            )
        })?;
        Ok(Reply {
            entries,
            wrapped: true,
            version,
        })
    }
}

/// The list under `return`, with an error that says what it must be.
struct EntryList<'a>(Vec<Entry<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for EntryList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
            type Value = EntryList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"return\" holding a list of SchemaInfo entries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                ReplyVisitor(std::marker::PhantomData)
                    .visit_seq(seq)
                    .map(|reply| EntryList(reply.entries))
            }
        }
        deserializer.deserialize_seq(ListVisitor(std::marker::PhantomData))
    }
}

/// The QEMU version and package anywhere within four levels of `value`: a
/// `query-version` return (`{"qemu": {"major": ..}, "package": ..}`), its
/// reply (under `return`), or a greeting (under `QMP.version`).
fn find_version(value: &Value, depth: usize) -> Option<(QemuVersion, String)> {
    let object = value.as_object()?;
    if let Some(found) = QemuVersion::from_query_version(value) {
        return Some(found);
    }
    if depth >= 4 {
        return None;
    }
    object
        .values()
        .find_map(|inner| find_version(inner, depth + 1))
}
