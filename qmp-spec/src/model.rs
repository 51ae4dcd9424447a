//! The model of one revision of `qmp-events.txt`.
//!
//! Text in the model is whitespace-normalized (every run of whitespace is one
//! space), so two revisions that differ only in layout have equal models once
//! source positions are left out: see [`Spec::canonical`]. Nothing here
//! depends on the parser; the model serializes with serde so it can be dumped
//! (`cargo xtask ir`) and read back by other tools.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A position in the source text, 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
}

/// One revision of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The title above the `=` underline, e.g. "QEMU Monitor Protocol Events".
    pub title: String,
    pub sections: Vec<Section>,
}

/// A section: one or more events documented by one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The event names of the header, in order (`SPICE_CONNECTED, SPICE_DISCONNECTED`).
    pub names: Vec<String>,
    /// Where the header starts.
    pub span: Span,
    pub description: String,
    pub data: Data,
    pub examples: Vec<Example>,
    pub notes: Vec<Note>,
    /// Defects of the text that the parser survived, in source order.
    pub warnings: Vec<Warning>,
}

/// What an event's `data` member holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Data {
    /// The section says nothing about data (no `Data:` block, no fields).
    Unspecified,
    /// `Data: None.`: the event carries no data member.
    None,
    /// A list of members.
    Fields { fields: Vec<Field> },
    /// The whole data member is a type of QEMU's QAPI schema
    /// (`- data: ACPIOSTInfo type as described in qapi-schema.json`).
    External {
        type_name: String,
        description: String,
    },
}

/// A member of an event's data, or of an object member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: JsonType,
    /// Where the type came from: the field's own text, or its section's examples.
    pub type_source: TypeSource,
    pub optional: bool,
    /// Enumerated string values with their meanings, in source order.
    pub values: Vec<EnumValue>,
    pub description: String,
    /// Members of a `json-object` field.
    pub fields: Vec<Field>,
    pub span: Span,
}

/// The JSON type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JsonType {
    String,
    Int,
    Number,
    Bool,
    Object,
    Array,
    /// Any JSON value (`json-value`).
    Value,
    /// A type of QEMU's QAPI schema, named but not described in this document.
    External(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeSource {
    /// A `(json-...)` annotation or a reference to the QAPI schema.
    Annotation,
    /// No annotation: the type every example of the section agrees on.
    Examples,
    /// No annotation and no example value: the field lists nested members.
    NestedFields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: String,
    /// What the value means, when the text says (`"stop": error caused VM to be stopped`).
    pub meaning: Option<String>,
}

/// One JSON example of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The label of one example among several (`Read operation`).
    pub label: Option<String>,
    /// The example's lines as written.
    pub raw: String,
    /// The parsed example, when it is valid JSON.
    pub json: Option<Value>,
    /// Why the example is not valid JSON, with its position in the file.
    pub error: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    pub span: Span,
}

/// A defect the parser survived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// The header's underline is not as long as the header.
    UnderlineLength,
    /// An example is not valid JSON.
    ExampleNotJson,
    /// An example has no `timestamp` member.
    ExampleWithoutTimestamp,
    /// An example's `event` is not one of its section's names.
    ExampleEventMismatch,
    /// `Data: None.` followed by fields.
    DataNoneWithFields,
    /// A word in an annotation that is not a type, `optional` or a value.
    AnnotationWord,
    /// A field without a type annotation, typed from the examples.
    TypeInferred,
    /// Text where the layout expects none; it was kept where it reads best.
    StrayText,
    /// Lint: an example has a member its section does not document.
    ExampleUndocumentedMember,
    /// Lint: an example lacks a member its section requires.
    ExampleMissingMember,
    /// Lint: an example's member has another JSON type than its section says.
    ExampleWrongType,
    /// Lint: an example's member has a value its section does not list.
    ExampleUnknownValue,
    /// Lint: an example has data where its section says `Data: None.`
    ExampleUnexpectedData,
}

impl WarningKind {
    /// The kind's stable name, as the JSON model writes it
    /// (`underline-length`).
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::UnderlineLength => "underline-length",
            WarningKind::ExampleNotJson => "example-not-json",
            WarningKind::ExampleWithoutTimestamp => "example-without-timestamp",
            WarningKind::ExampleEventMismatch => "example-event-mismatch",
            WarningKind::DataNoneWithFields => "data-none-with-fields",
            WarningKind::AnnotationWord => "annotation-word",
            WarningKind::TypeInferred => "type-inferred",
            WarningKind::StrayText => "stray-text",
            WarningKind::ExampleUndocumentedMember => "example-undocumented-member",
            WarningKind::ExampleMissingMember => "example-missing-member",
            WarningKind::ExampleWrongType => "example-wrong-type",
            WarningKind::ExampleUnknownValue => "example-unknown-value",
            WarningKind::ExampleUnexpectedData => "example-unexpected-data",
        }
    }
}

impl Spec {
    /// Every event the document defines, in order, with its section.
    pub fn events(&self) -> impl Iterator<Item = (&str, &Section)> {
        self.sections.iter().flat_map(|section| {
            section
                .names
                .iter()
                .map(move |name| (name.as_str(), section))
        })
    }

    /// Every warning of the document, in source order.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.sections.iter().flat_map(|section| &section.warnings)
    }
}

impl JsonType {
    /// The type as the text writes it: `json-string`, or an external type's name.
    pub fn label(&self) -> String {
        let word = match self {
            JsonType::String => "string",
            JsonType::Int => "int",
            JsonType::Number => "number",
            JsonType::Bool => "bool",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Value => "value",
            JsonType::External(name) => return name.clone(),
        };
        format!("json-{word}")
    }
}

impl Data {
    /// The members, when the data is a field list.
    pub fn fields(&self) -> &[Field] {
        match self {
            Data::Fields { fields } => fields,
            _ => &[],
        }
    }
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalize_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod warning_kind_tests {
    use super::WarningKind;

    #[test]
    fn names_are_the_serialized_names() {
        use WarningKind::*;
        for kind in [
            UnderlineLength,
            ExampleNotJson,
            ExampleWithoutTimestamp,
            ExampleEventMismatch,
            DataNoneWithFields,
            AnnotationWord,
            TypeInferred,
            StrayText,
            ExampleUndocumentedMember,
            ExampleMissingMember,
            ExampleWrongType,
            ExampleUnknownValue,
            ExampleUnexpectedData,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }
}
