//! Spec defects: the parser's warnings, and every example checked against
//! its own section (members it does not document, required members it lacks,
//! wrong JSON types, values its enumerations do not list, data where the
//! section says none).
//!
//! An example no finding points into is a *valid* example: generated types
//! and schemas must accept it.

use serde_json::{Map, Value};

use crate::model::{Data, Example, Section, Span, Spec, Warning, WarningKind};
use crate::types::{Member, Scalar, TypeKind, Types};

/// Every finding of the document, in source order.
pub fn check(spec: &Spec) -> Vec<Warning> {
    let mut findings: Vec<Warning> = Vec::new();
    for section in &spec.sections {
        findings.extend(section.warnings.iter().cloned());
        for example in &section.examples {
            findings.extend(check_example(&spec.types, section, example));
        }
    }
    findings.sort_by_key(|w| (w.span, w.kind));
    findings
}

/// Whether no finding, of the parser or of lint, points into the example.
pub fn is_valid_example(types: &Types, section: &Section, example: &Example) -> bool {
    let lines = example.raw.lines().count().max(1) as u32;
    let inside =
        |span: &Span| span.line >= example.span.line && span.line < example.span.line + lines;
    example.json.is_some()
        && !section.warnings.iter().any(|w| inside(&w.span))
        && check_example(types, section, example).is_empty()
}

/// What is wrong with an example's data for its section, whose data's
/// type is in `types`.
pub fn check_example(types: &Types, section: &Section, example: &Example) -> Vec<Warning> {
    let Some(json) = &example.json else {
        return Vec::new();
    };
    let mut lint = ExampleLint {
        types,
        example,
        findings: Vec::new(),
    };
    let data = json.get("data");
    let fields = section
        .data
        .ty()
        .map_or(&[][..], |data| types.members(data));
    match (&section.data, data) {
        (Data::None, Some(data)) => lint.push(
            WarningKind::ExampleUnexpectedData,
            "data",
            format!(
                "the section says `Data: None.`, but the example has data {}",
                compact(data)
            ),
        ),
        (Data::Members { .. }, Some(Value::Object(members))) => lint.members(fields, members, ""),
        (Data::Members { .. }, other) if fields.iter().any(|f| !f.optional) => {
            let what = other.map_or("no data".to_string(), |v| format!("data {}", compact(v)));
            lint.push(
                WarningKind::ExampleMissingMember,
                "event",
                format!("the example has {what}, not the section's members"),
            );
        }
        _ => {}
    }
    lint.findings
}

struct ExampleLint<'e> {
    types: &'e Types,
    example: &'e Example,
    findings: Vec<Warning>,
}

impl ExampleLint<'_> {
    fn push(&mut self, kind: WarningKind, member: &str, message: String) {
        let span = self.position_of(member);
        self.findings.push(Warning {
            kind,
            span,
            message,
        });
    }

    /// The line of the example where `"member"` first appears.
    fn position_of(&self, member: &str) -> Span {
        let needle = format!("\"{member}\"");
        for (offset, line) in self.example.raw.lines().enumerate() {
            if let Some(column) = line.find(&needle) {
                return Span {
                    line: self.example.span.line + offset as u32,
                    column: line[..column].chars().count() as u32 + 1,
                };
            }
        }
        self.example.span
    }

    fn members(&mut self, fields: &[Member], members: &Map<String, Value>, path: &str) {
        for (name, value) in members {
            let here = format!("{path}{name}");
            match fields.iter().find(|f| f.name == *name) {
                None => self.push(
                    WarningKind::ExampleUndocumentedMember,
                    name,
                    format!(
                        "the example has member \"{here}\", which the section does not document"
                    ),
                ),
                Some(field) => self.value(field, value, &here),
            }
        }
        for field in fields
            .iter()
            .filter(|f| !f.optional && !members.contains_key(&f.name))
        {
            let key = members
                .keys()
                .next()
                .map_or("data", String::as_str)
                .to_string();
            self.push(
                WarningKind::ExampleMissingMember,
                &key,
                format!(
                    "the example lacks member \"{path}{}\", which the section requires",
                    field.name
                ),
            );
        }
    }

    fn value(&mut self, field: &Member, value: &Value, here: &str) {
        let types = self.types;
        let def = types.get(field.ty);
        let fits = match (&def.kind, value) {
            (TypeKind::Scalar { scalar }, value) => match (scalar, value) {
                (Scalar::String, Value::String(_))
                | (Scalar::Bool, Value::Bool(_))
                | (Scalar::Number, Value::Number(_))
                | (Scalar::Value, _) => true,
                (Scalar::Int, Value::Number(n)) => n.is_i64() || n.is_u64(),
                _ => false,
            },
            (TypeKind::Enum { .. }, Value::String(_))
            | (TypeKind::Array { .. }, Value::Array(_))
            | (TypeKind::Object { .. }, Value::Object(_))
            | (TypeKind::External, _) => true,
            _ => false,
        };
        if !fits {
            let said = types.label(field.ty);
            self.push(
                WarningKind::ExampleWrongType,
                &field.name,
                format!(
                    "member \"{here}\" is {}, but the section says {said}",
                    compact(value),
                ),
            );
            return;
        }
        let values = types.values(field.ty);
        match value {
            Value::String(text)
                if !values.is_empty() && !values.iter().any(|v| v.value == *text) =>
            {
                let known: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                self.push(
                    WarningKind::ExampleUnknownValue,
                    &field.name,
                    format!(
                        "member \"{here}\" is {text:?}, not one of the section's values {known:?}"
                    ),
                );
            }
            Value::Object(members) if matches!(def.kind, TypeKind::Object { .. }) => {
                let fields = types.members(field.ty);
                if !fields.is_empty() {
                    self.members(fields, members, &format!("{here}."))
                }
            }
            _ => {}
        }
    }
}

fn compact(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}
