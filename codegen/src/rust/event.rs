//! `Event` over every event, the fieldless `EventKind`, and `Message`; their
//! codecs call the runtime's envelope functions (`runtime.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{doc, escape};
use crate::catalog::{Catalog, EventData, EventType, data_type_name};

pub fn events(catalog: &Catalog<'_>) -> TokenStream {
    // Whether every event's data can derive `Eq`, and so the enum and the
    // message.
    let eq = catalog.events.iter().all(|e| catalog.is_eq(&e.data));
    let event = event_enum(catalog, eq);
    let kind = kind_enum(catalog);
    let message = message(eq);
    quote! { #event #kind #message }
}

fn variant(event: &EventType<'_>) -> Ident {
    format_ident!("{}", event.type_name)
}

/// `Event`, its methods and its codecs.
fn event_enum(catalog: &Catalog<'_>, eq: bool) -> TokenStream {
    let declaration = event_declaration(catalog, eq);
    let groups = DataGroups::new(catalog);
    let methods = event_methods(catalog, &groups);
    let codec = event_codec(&groups);
    quote! { #declaration #methods #codec }
}

/// The variants by what their data is: none; always sent; sent by some
/// revisions only (`Option`, `None` without data).
struct DataGroups {
    dataless: Vec<Ident>,
    with_data: Vec<Ident>,
    optional_data: Vec<Ident>,
}

impl DataGroups {
    fn new(catalog: &Catalog<'_>) -> DataGroups {
        let mut groups = DataGroups {
            dataless: Vec::new(),
            with_data: Vec::new(),
            optional_data: Vec::new(),
        };
        for event in &catalog.events {
            let list = match (&event.data, event.dataless_in.is_empty()) {
                (EventData::None, _) => &mut groups.dataless,
                (_, true) => &mut groups.with_data,
                (_, false) => &mut groups.optional_data,
            };
            list.push(variant(event));
        }
        groups
    }
}

/// The enum `Event`: a variant per event, and `Unknown`.
fn event_declaration(catalog: &Catalog<'_>, eq: bool) -> TokenStream {
    let derives = super::derives(eq, false, false);
    let variants = catalog.events.iter().map(|event| {
        let variant = variant(event);
        let docs = event_doc(event);
        match &event.data {
            EventData::None => quote! { #docs #variant, },
            // Boxed: `Event` stays small (the size of `Unknown`), so
            // decoding moves a few words, not the largest event's data.
            // Optional where some revision documents the event without data.
            EventData::Fields(_) => {
                let data = format_ident!("{}", data_type_name(event));
                if event.dataless_in.is_empty() {
                    quote! { #docs #variant(Box<#data>), }
                } else {
                    quote! { #docs #variant(Option<Box<#data>>), }
                }
            }
            EventData::External { .. } => quote! { #docs #variant(serde_json::Value), },
        }
    });
    quote! {
        /// A QMP event: one variant per event the history documents, and
        /// `Unknown` for any other, which keeps its name and its data as
        /// raw JSON.
        ///
        /// A revision that documents a new event adds a variant: match with
        /// a wildcard arm.
        #derives
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event no revision of the history documents, as received.
            Unknown {
                /// The event's name.
                name: String,
                /// Its data, if it had any, as the JSON text received.
                data: Option<RawData>,
            },
        }
    }
}

/// `Event::name`, `kind`, `from_data` and `without_data`.
fn event_methods(catalog: &Catalog<'_>, groups: &DataGroups) -> TokenStream {
    let kinds = catalog.events.iter().map(|event| {
        let variant = variant(event);
        match &event.data {
            EventData::None => quote! { Self::#variant => EventKind::#variant, },
            _ => quote! { Self::#variant(_) => EventKind::#variant, },
        }
    });
    let DataGroups {
        dataless,
        with_data,
        optional_data,
    } = groups;
    quote! {
        impl Event {
            /// The event's name, as QMP writes it.
            pub fn name(&self) -> &str {
                match (self, self.kind()) {
                    (Self::Unknown { name, .. }, _) => name,
                    (_, kind) => kind.map_or("", EventKind::name),
                }
            }

            /// The event's kind; `None` for an event no revision documents.
            pub fn kind(&self) -> Option<EventKind> {
                Some(match self {
                    #(#kinds)*
                    Self::Unknown { .. } => return None,
                })
            }

            /// Decodes an event from its name and its data, with any serde
            /// deserializer (for an unknown event's data, one of
            /// serde_json's).
            pub fn from_data<'de, D: serde::Deserializer<'de>>(name: &str, data: D) -> Result<Self, D::Error> {
                use serde::Deserialize;
                let Some(kind) = EventKind::from_name(name) else {
                    return Ok(Self::Unknown { name: name.to_owned(), data: Some(RawData::deserialize(data)?) });
                };
                Ok(match kind {
                    #(EventKind::#with_data => Self::#with_data(Deserialize::deserialize(data)?),)*
                    #(EventKind::#optional_data => Self::#optional_data(Some(Deserialize::deserialize(data)?)),)*
                    // Documented without data; a newer QEMU may send some
                    // (RESET and SHUTDOWN do): it is skipped like any
                    // unknown member.
                    #(EventKind::#dataless => {
                        serde::de::IgnoredAny::deserialize(data)?;
                        Self::#dataless
                    })*
                })
            }

            /// The event of a message without data; `None` when the event
            /// needs data.
            pub fn without_data(name: &str) -> Option<Self> {
                let Some(kind) = EventKind::from_name(name) else {
                    return Some(Self::Unknown { name: name.to_owned(), data: None });
                };
                match kind {
                    #(EventKind::#dataless => Some(Self::#dataless),)*
                    #(EventKind::#optional_data => Some(Self::#optional_data(None)),)*
                    _ => None,
                }
            }
        }
    }
}

/// `Event`'s codec for the runtime's envelope, and its serde impls.
fn event_codec(groups: &DataGroups) -> TokenStream {
    let DataGroups {
        with_data,
        optional_data,
        ..
    } = groups;
    quote! {
        impl EventCodec for Event {
            fn from_data<'de, D: serde::Deserializer<'de>>(name: &str, data: D) -> Result<Self, D::Error> {
                Event::from_data(name, data)
            }

            fn from_value(name: &str, data: serde_json::Value) -> Result<Self, serde_json::Error> {
                // Through the text: the decoders `Message::from_str` compiles
                // serve, rather than a second set for `Value`.
                let text = data.to_string();
                let mut deserializer = serde_json::Deserializer::from_str(&text);
                Event::from_data(name, &mut deserializer)
            }

            fn without_data(name: &str) -> Option<Self> {
                Event::without_data(name)
            }

            fn name(&self) -> &str {
                Event::name(self)
            }

            fn serialize_data<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self {
                    #(Self::#with_data(data) => map.serialize_entry("data", data),)*
                    #(Self::#optional_data(Some(data)) => map.serialize_entry("data", data),)*
                    Self::Unknown { data: Some(data), .. } => map.serialize_entry("data", data),
                    _ => Ok(()),
                }
            }
        }

        /// An event without its timestamp: `{"event": NAME, "data": {...}}`
        /// (a `timestamp` member, if any, is ignored).
        impl<'de> serde::Deserialize<'de> for Event {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::decode_envelope(deserializer).map(|(event, _)| event)
            }
        }

        /// As QEMU writes it: `{"event": NAME, "data": {...}}`, without a
        /// timestamp.
        impl serde::Serialize for Event {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::runtime::encode_envelope(self, None, serializer)
            }
        }
    }
}

fn kind_enum(catalog: &Catalog<'_>) -> TokenStream {
    let variants: Vec<Ident> = catalog.events.iter().map(variant).collect();
    let names: Vec<&str> = catalog.events.iter().map(|e| e.name).collect();
    let docs = catalog.events.iter().map(|event| {
        let line = format!("`{}`", event.name);
        doc(&[&line])
    });
    let count = variants.len();
    quote! {
        /// Which event a message is, without its data: one variant per event
        /// the history documents. Parses from and displays as the name QMP
        /// writes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventKind {
            #(#docs #variants,)*
        }

        impl EventKind {
            /// Every kind, in the order of their names.
            pub const ALL: [EventKind; #count] = [#(EventKind::#variants),*];

            /// The event's name, as QMP writes it.
            pub const fn name(self) -> &'static str {
                match self {
                    #(EventKind::#variants => #names,)*
                }
            }

            /// The kind of the event named `name`; `None` for an event no
            /// revision documents.
            pub fn from_name(name: &str) -> Option<EventKind> {
                match name {
                    #(#names => Some(EventKind::#variants),)*
                    _ => None,
                }
            }
        }

        impl std::str::FromStr for EventKind {
            type Err = UnknownEventName;

            fn from_str(name: &str) -> Result<Self, UnknownEventName> {
                EventKind::from_name(name).ok_or_else(|| UnknownEventName(name.to_owned()))
            }
        }

        impl std::fmt::Display for EventKind {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.name())
            }
        }
    }
}

/// The message envelope and its codec.
fn message(eq: bool) -> TokenStream {
    let derives = super::derives(eq, false, false);
    quote! {
        /// An event message as QMP sends it:
        /// `{"event": NAME, "data": {...}, "timestamp": {...}}`.
        ///
        /// Decoding reads the message once: when `event` comes before
        /// `data`, as QEMU writes them, the data decodes straight into the
        /// type its event's name says. Encoding writes the members in
        /// QEMU's order.
        #derives
        pub struct Message {
            /// The event and its data.
            pub event: Event,
            /// When it was emitted.
            pub timestamp: Timestamp,
        }

        impl<'de> serde::Deserialize<'de> for Message {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error;
                let (event, timestamp) = super::runtime::decode_envelope(deserializer)?;
                let timestamp = timestamp.ok_or_else(|| D::Error::missing_field("timestamp"))?;
                Ok(Message { event, timestamp })
            }
        }

        impl serde::Serialize for Message {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::runtime::encode_envelope(&self.event, Some(&self.timestamp), serializer)
            }
        }

        impl std::str::FromStr for Message {
            type Err = serde_json::Error;

            /// Decodes a message from its JSON text, as
            /// `serde_json::from_str` does, but not generic: the decoders
            /// of every event are compiled once, in this crate, and not
            /// again in each client's (`line.parse::<Message>()`).
            fn from_str(text: &str) -> Result<Message, serde_json::Error> {
                serde_json::from_str(text)
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
    if !event.dataless_in.is_empty() {
        paragraphs.push(format!(
            "Its data is optional: revisions {} document the event without data.",
            event
                .dataless_in
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(condition) = &section.condition {
        paragraphs.push(format!(
            "Sent only by builds where `{condition}` holds (its QAPI condition in revision `{}`).",
            event.revision
        ));
    }
    paragraphs.extend(super::types::features(&section.features));
    let since = match &section.since {
        Some(documented) => format!(" (QEMU's documentation: since {documented})"),
        None => String::new(),
    };
    paragraphs.push(format!(
        "Documented since revision `{}`{since}.",
        event.introduced
    ));
    if let Some(last) = event.last_documented {
        paragraphs.push(if event.qapi {
            format!(
                "Last in release `{last}`: later releases' schemas no longer define it, so \
                 their QEMUs do not send it."
            )
        } else {
            format!(
                "Last documented in revision `{last}`: no later revision of the history has it \
                 (the last text revisions left events to the QAPI schema, where some live on \
                 under another name)."
            )
        });
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    doc(&refs)
}
