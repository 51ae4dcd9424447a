//! The one model of both eras: a revision of QEMU's QMP events, whether
//! read from a `qmp-events.txt` text (2010–2017), from a release's QAPI
//! schema (2014 on), or from a QEMU binary's introspection
//! (`query-qmp-schema`, its [`Build`]). A [`Spec`] is one such revision:
//! its events ([`Section`]s), and the table of types their data refers to
//! ([`crate::types`]): objects with their members, enumerations with their
//! values, and for the QAPI era the QAPI type names, sized integers,
//! unions, alternates, arrays, conditions and features.
//!
//! Text in the model is whitespace-normalized (every run of whitespace is one
//! space), so two revisions that differ only in layout have equal models once
//! source positions are left out: see [`Spec::canonical`]. Nothing here
//! depends on the parser; the model serializes with serde so it can be dumped
//! (`cargo xtask ir`) and read back by other tools.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A position in the source text, 1-based; the column counts characters.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
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
    /// A QEMU binary's own account of its wire schema (`query-qmp-schema`):
    /// which build it is. `None` for a document (a text revision or a QAPI
    /// schema), which has documentation of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    /// The types the sections' data and the commands refer to.
    #[serde(default, skip_serializing_if = "crate::types::Types::is_empty")]
    pub types: crate::types::Types,
    /// QAPI era: the commands, in the schema's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Command>,
}

/// A command (QAPI era): what a client sends, and what QEMU returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub name: String,
    pub span: Span,
    pub description: String,
    /// The arguments' type in the revision's [`Spec::types`]: an object
    /// of the arguments, or with `boxed` the type the schema names; `None`
    /// for a command without arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<crate::types::TypeId>,
    /// The type of its `return`; `None` for a command that returns `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<crate::types::TypeId>,
    /// It may run out of band (`allow-oob`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_oob: bool,
    /// It may run before the machine is configured (`allow-preconfig`;
    /// a build's introspection does not say, and reads as `false`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_preconfig: bool,
    /// QEMU answers it (`success-response`, true unless the schema says).
    pub success_response: bool,
    /// It takes arguments beyond those its type lists (QAPI's `'gen':
    /// false`: `device_add`'s device properties), which no schema checks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extra_arguments: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    /// The documentation's `Since:` line, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Its documentation's examples, in order: each request sent
    /// (`-> {"execute": ...}`) and each return received (`<- {"return":
    /// ...}`), a return answering the request before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// The build a revision read from introspection describes: one QEMU binary
/// (one target, one configuration), its `if` conditions already decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// What its `query-version` says, when the reply came with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<QemuVersion>,
    /// The package string of `query-version` (`Debian 1:7.2+dfsg-7`), empty
    /// when QEMU gives none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub package: String,
    /// The QAPI release of the history whose type names and documentation
    /// the revision carries wherever the wire shape matches; everything
    /// else has no documentation, and types are named by their path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documented_from: Option<String>,
}

/// A QEMU version, as `query-version` and the QMP greeting give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QemuVersion {
    pub major: u32,
    pub minor: u32,
    pub micro: u32,
}

impl QemuVersion {
    /// `9.2.0`, as a `VERSION` file or a release's name writes it.
    pub fn parse(text: &str) -> Option<QemuVersion> {
        let mut parts = text.split('.').map(|p| p.parse::<u32>().ok());
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(major)), Some(Some(minor)), Some(Some(micro)), None) => Some(QemuVersion {
                major,
                minor,
                micro,
            }),
            _ => None,
        }
    }

    /// The version and package of a `query-version` return (`{"qemu":
    /// {"major": 7, "minor": 2, "micro": 22}, "package": " Debian …"}`), the
    /// package trimmed.
    pub fn from_query_version(value: &Value) -> Option<(QemuVersion, String)> {
        let qemu = value.get("qemu")?;
        let number = |key: &str| u32::try_from(qemu.get(key)?.as_u64()?).ok();
        let version = QemuVersion {
            major: number("major")?,
            minor: number("minor")?,
            micro: number("micro")?,
        };
        let package = value
            .get("package")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Some((version, package.trim().to_string()))
    }
}

impl std::fmt::Display for QemuVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.micro)
    }
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
    /// QAPI era: the `if` that decides which builds send the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// QAPI era: the event's features (`deprecated`, `unstable`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
    /// QAPI era: the documentation's `Since:` line, as written (`2.12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// What an event's `data` member holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Data {
    /// The section says nothing about data (no `Data:` block, no fields).
    Unspecified,
    /// `Data: None.`: the event carries no data member.
    None,
    /// An object of members: its type in the revision's [`Spec::types`].
    Members {
        #[serde(rename = "type")]
        ty: crate::types::TypeId,
    },
    /// The whole data member is a type of QEMU's QAPI schema
    /// (`- data: ACPIOSTInfo type as described in qapi-schema.json`).
    External {
        type_name: String,
        description: String,
    },
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
}

/// A QAPI `if`: a configuration symbol (`CONFIG_SPICE`, `TARGET_I386`), or
/// `all`/`any`/`not` of others.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    Name(String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    /// Whether the condition holds for a build that defines exactly the
    /// symbols for which `defined` is true.
    pub fn holds(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Condition::Name(name) => defined(name),
            Condition::All(all) => all.iter().all(|c| c.holds(defined)),
            Condition::Any(any) => any.iter().any(|c| c.holds(defined)),
            Condition::Not(not) => !not.holds(defined),
        }
    }
}

impl Condition {
    /// The condition in QAPI's own JSON syntax: a symbol's name as a
    /// string, or `{"all": [...]}`, `{"any": [...]}`, `{"not": ...}`.
    pub fn to_qapi(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Condition::Name(name) => json!(name),
            Condition::All(all) => {
                json!({ "all": all.iter().map(Condition::to_qapi).collect::<Vec<_>>() })
            }
            Condition::Any(any) => {
                json!({ "any": any.iter().map(Condition::to_qapi).collect::<Vec<_>>() })
            }
            Condition::Not(not) => json!({ "not": not.to_qapi() }),
        }
    }
}

impl std::fmt::Display for Condition {
    /// `CONFIG_SPICE`, `all(CONFIG_VNC, not(CONFIG_WIN32))`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (word, list) = match self {
            Condition::Name(name) => return f.write_str(name),
            Condition::Not(not) => return write!(f, "not({not})"),
            Condition::All(all) => ("all", all),
            Condition::Any(any) => ("any", any),
        };
        write!(f, "{word}(")?;
        for (i, c) in list.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{c}")?;
        }
        f.write_str(")")
    }
}

/// A QAPI feature of an event, member or value (`deprecated`, `unstable`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Feature {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
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

impl EnumValue {
    pub fn new(value: String, meaning: Option<String>) -> EnumValue {
        EnumValue {
            value,
            meaning,
            condition: None,
            features: Vec::new(),
        }
    }
}

impl Data {
    /// The type of the data's members, when it has members.
    pub fn ty(&self) -> Option<crate::types::TypeId> {
        match self {
            Data::Members { ty } => Some(*ty),
            _ => None,
        }
    }
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalize_whitespace(text: &str) -> String {
    let trimmed = text.trim();
    // Most texts are normalized already: one space between words.
    if is_normalized(trimmed) {
        return trimmed.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`normalize_whitespace`] of `text`, in its place: a text that is
/// normalized but for its ends is trimmed without a copy.
pub(crate) fn normalize_whitespace_in_place(text: &mut String) {
    let trimmed = text.trim();
    if !is_normalized(trimmed) {
        *text = normalize_whitespace(text);
        return;
    }
    let start = text.len() - text.trim_start().len();
    text.truncate(start + trimmed.len());
    text.drain(..start);
}

/// Whether a trimmed text has single ASCII spaces between its words and
/// nothing else that is whitespace (nor anything non-ASCII, which may be).
fn is_normalized(trimmed: &str) -> bool {
    let mut previous_space = false;
    trimmed.bytes().all(|b| {
        let ok = match b {
            b' ' => !previous_space,
            b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => false,
            _ => b.is_ascii(),
        };
        previous_space = b == b' ';
        ok
    })
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
