//! The `Event` enum over every event, the message envelope, and the decoder:
//! it borrows the event's name and the raw JSON of its data, then decodes the
//! data by name, so a message is parsed once and nothing is buffered.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, escape};
use crate::catalog::{Catalog, EventData, EventType, data_type_name};

pub fn event_enum(catalog: &Catalog<'_>) -> TokenStream {
    let variants = catalog.events.iter().map(|event| {
        let variant = format_ident!("{}", event.type_name);
        let docs = event_doc(event);
        match &event.data {
            EventData::None => quote! { #docs #variant, },
            EventData::Fields(_) => {
                let data = format_ident!("{}", data_type_name(event));
                quote! { #docs #variant(#data), }
            }
            EventData::External { .. } => quote! { #docs #variant(serde_json::Value), },
        }
    });
    let names = catalog.events.iter().map(|event| {
        let variant = format_ident!("{}", event.type_name);
        let wire = event.name;
        match &event.data {
            EventData::None => quote! { Self::#variant => #wire, },
            _ => quote! { Self::#variant(_) => #wire, },
        }
    });
    // Events documented without data, once: `dataless` gives their variant,
    // and both decoders use it.
    let dataless = catalog
        .events
        .iter()
        .filter(|e| matches!(e.data, EventData::None))
        .map(|event| {
            let variant = format_ident!("{}", event.type_name);
            let wire = event.name;
            quote! { #wire => Some(Self::#variant), }
        });
    let with_data: Vec<&EventType<'_>> = catalog
        .events
        .iter()
        .filter(|e| !matches!(e.data, EventData::None))
        .collect();
    let decoders = with_data.iter().map(|event| {
        let variant = format_ident!("{}", event.type_name);
        let wire = event.name;
        quote! { #wire => Self::#variant(serde::Deserialize::deserialize(data)?), }
    });
    let needs_data = with_data.iter().map(|event| event.name);
    let encoders = catalog.events.iter().filter_map(|event| {
        let variant = format_ident!("{}", event.type_name);
        match &event.data {
            EventData::None => None,
            _ => Some(quote! { Self::#variant(data) => map.serialize_entry("data", data)?, }),
        }
    });
    quote! {
        /// A QMP event: one variant per event the history documents, and
        /// `Unknown` for any other, which keeps its name and data.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
            /// An event no revision of the history documents, as received.
            Unknown {
                /// The event's name.
                name: String,
                /// Its data, if it had any.
                data: Option<serde_json::Value>,
            },
        }

        impl Event {
            /// The event's name, as QMP writes it.
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    Self::Unknown { name, .. } => name,
                }
            }

            /// Decodes an event from its name and its data.
            pub fn from_data<'de, D: serde::Deserializer<'de>>(name: &str, data: D) -> Result<Self, D::Error> {
                use serde::Deserialize;
                // The spec says no data; a newer QEMU may send some (RESET
                // and SHUTDOWN do): it is skipped like any unknown member.
                if let Some(event) = Self::dataless(name) {
                    serde::de::IgnoredAny::deserialize(data)?;
                    return Ok(event);
                }
                Ok(match name {
                    #(#decoders)*
                    _ => Self::Unknown { name: name.to_owned(), data: Some(serde_json::Value::deserialize(data)?) },
                })
            }

            /// The event of a message without data; `None` when the event
            /// needs data.
            pub fn without_data(name: &str) -> Option<Self> {
                match name {
                    #(#needs_data)|* => None,
                    _ => Some(Self::dataless(name).unwrap_or_else(|| Self::Unknown { name: name.to_owned(), data: None })),
                }
            }

            /// The variant of an event the history documents without data.
            fn dataless(name: &str) -> Option<Self> {
                match name {
                    #(#dataless)*
                    _ => None,
                }
            }

            fn serialize_data<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self {
                    #(#encoders)*
                    Self::Unknown { data: Some(data), .. } => map.serialize_entry("data", data)?,
                    _ => {}
                }
                Ok(())
            }
        }

    }
}

/// The message envelope and its (de)serialization.
pub fn message() -> TokenStream {
    quote! {
        /// When QEMU emitted an event.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub struct Timestamp {
            /// Seconds since the Unix epoch.
            pub seconds: i64,
            /// Microseconds within the second.
            pub microseconds: i64,
        }

        /// An event message as QMP sends it:
        /// `{"event": NAME, "data": {...}, "timestamp": {...}}`.
        ///
        /// Decoding reads the message once: the data decodes into the type its
        /// event's name says, with any serde deserializer.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Message {
            /// The event and its data.
            pub event: Event,
            /// When it was emitted.
            pub timestamp: Timestamp,
        }

        impl<'de> serde::Deserialize<'de> for Message {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(MessageVisitor)
            }
        }

        /// Reads a message's members in one pass. When `event` comes before
        /// `data`, as QEMU writes them, the data decodes straight into its
        /// type; otherwise it is held as a JSON value until the name is known.
        struct MessageVisitor;

        impl<'de> serde::de::Visitor<'de> for MessageVisitor {
            type Value = Message;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a QMP event message")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Message, A::Error> {
                use serde::de::Error;
                let mut name: Option<std::borrow::Cow<'de, str>> = None;
                let mut event: Option<Event> = None;
                let mut early_data: Option<serde_json::Value> = None;
                let mut timestamp: Option<Timestamp> = None;
                while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
                    match &*key {
                        "event" => name = Some(map.next_value::<CowStr<'de>>()?.0),
                        "data" => match &name {
                            Some(name) => event = Some(map.next_value_seed(DataSeed(name))?),
                            None => early_data = Some(map.next_value()?),
                        },
                        "timestamp" => timestamp = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let name = name.ok_or_else(|| A::Error::missing_field("event"))?;
                let timestamp = timestamp.ok_or_else(|| A::Error::missing_field("timestamp"))?;
                let event = match (event, early_data) {
                    (Some(event), _) => event,
                    (None, Some(data)) => Event::from_data(&name, data).map_err(A::Error::custom)?,
                    (None, None) => Event::without_data(&name).ok_or_else(|| A::Error::missing_field("data"))?,
                };
                Ok(Message { event, timestamp })
            }
        }

        /// Decodes a message's data once its event's name is known.
        struct DataSeed<'n>(&'n str);

        impl<'de> serde::de::DeserializeSeed<'de> for DataSeed<'_> {
            type Value = Event;

            fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Event, D::Error> {
                Event::from_data(self.0, deserializer)
            }
        }

        /// A string borrowed from the input when it can be.
        struct CowStr<'de>(std::borrow::Cow<'de, str>);

        impl<'de> serde::Deserialize<'de> for CowStr<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = CowStr<'de>;
                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str("a string")
                    }
                    fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                        Ok(CowStr(std::borrow::Cow::Borrowed(value)))
                    }
                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                        Ok(CowStr(std::borrow::Cow::Owned(value.to_owned())))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

        impl serde::Serialize for Message {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("event", self.event.name())?;
                self.event.serialize_data(&mut map)?;
                map.serialize_entry("timestamp", &self.timestamp)?;
                map.end()
            }
        }

        /// Decodes a string into anything `From<&str>` without copying it first.
        struct StrVisitor<T>(std::marker::PhantomData<T>);

        impl<T> StrVisitor<T> {
            fn new() -> Self {
                StrVisitor(std::marker::PhantomData)
            }
        }

        impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for StrVisitor<T> {
            type Value = T;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                Ok(T::from(value))
            }
        }
    }
}

fn event_doc(event: &EventType<'_>) -> TokenStream {
    let section = event.section;
    let mut paragraphs: Vec<String> = vec![format!(
        "`{}`: {}",
        event.name,
        escape(&section.description)
    )];
    paragraphs.extend(
        section
            .notes
            .iter()
            .map(|note| format!("Note: {}", escape(&note.text))),
    );
    if let EventData::External { type_name } = &event.data {
        paragraphs.push(format!(
            "Its data is QEMU's QAPI type `{type_name}`, kept as JSON."
        ));
    }
    paragraphs.push(format!("Documented since revision `{}`.", event.introduced));
    if let Some(last) = event.last_documented {
        paragraphs.push(format!(
            "Last documented in revision `{last}`: later revisions leave it to QEMU's QAPI schema, \
             and QEMU still sends it."
        ));
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    doc(&refs)
}
