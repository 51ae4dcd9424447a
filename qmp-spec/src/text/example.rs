//! Reads a JSON example: its text, its parsed value, and what is wrong with it.

use pest::iterators::Pair;
use serde_json::Value;

use super::{ParseError, Rule, Source};
use crate::model::{Example, Section, Span, Warning, WarningKind};

pub(super) fn read(
    source: &Source<'_>,
    pair: Pair<'_, Rule>,
    label: Option<String>,
    section: &mut Section,
) -> Result<Example, ParseError> {
    let span = source.span_of(&pair);
    let ends_input = pair.as_span().end() == source.text.len();
    let raw = pair
        .as_str()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");

    let mut example = Example {
        label,
        raw,
        json: None,
        error: None,
        span,
    };
    match serde_json::from_str::<Value>(&example.raw) {
        Ok(value) => {
            check_envelope(&value, span, section);
            example.json = Some(value);
        }
        Err(err) => {
            let at = Span {
                line: span.line + err.line().saturating_sub(1) as u32,
                column: err.column().max(1) as u32,
            };
            if err.is_eof() && ends_input {
                return Err(source.error(
                    at,
                    "the input ends inside a JSON example (is it truncated?)",
                ));
            }
            let message = format!("{}: {}", position(at), serde_message(&err));
            section.warnings.push(Warning {
                kind: WarningKind::ExampleNotJson,
                span: at,
                message: format!("example is not valid JSON: {message}"),
            });
            example.error = Some(message);
        }
    }
    Ok(example)
}

/// Warns about an example whose envelope disagrees with its section.
fn check_envelope(value: &Value, span: Span, section: &mut Section) {
    let mut warn = |kind, message: String| {
        section.warnings.push(Warning {
            kind,
            span,
            message,
        })
    };
    match value.get("event").and_then(Value::as_str) {
        Some(event) if section.names.iter().any(|name| name == event) => {}
        Some(event) => warn(
            WarningKind::ExampleEventMismatch,
            format!(
                "the example is of event {event:?}, not of {}",
                section.names.join(" or ")
            ),
        ),
        None => warn(
            WarningKind::ExampleEventMismatch,
            "the example has no \"event\" member".to_string(),
        ),
    }
    if value.get("timestamp").is_none() {
        warn(
            WarningKind::ExampleWithoutTimestamp,
            "the example has no \"timestamp\" member".to_string(),
        );
    }
}

fn position(span: Span) -> String {
    format!("line {}, column {}", span.line, span.column)
}

/// serde_json's message without its own "at line L column C" suffix.
fn serde_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
