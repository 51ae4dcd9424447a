//! Reads the text format of `qmp-events.txt` into the [model](crate::model).
//!
//! `grammar.pest` classifies the lines of the document into its blocks;
//! [`section`] assembles each section's blocks into the model, [`field`] reads
//! a field's words (annotation, enumerated values, external types) and
//! [`example`] reads JSON examples. pest's types stop at this module's edge.

mod example;
mod field;
mod section;

use pest::Parser;
use pest_derive::Parser;

use crate::model::{Spec, normalize_whitespace};
pub use crate::source::ParseError;
pub(crate) use crate::source::Source;
use crate::spelled::Tabulate;

#[derive(Parser)]
#[grammar = "text/grammar.pest"]
struct Grammar;

/// Parses a document given as bytes: binary or non-UTF-8 input is an error.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Spec, ParseError> {
    parse(file, crate::source::decode(file, bytes)?)
}

/// Parses a document. `file` names the input in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<Spec, ParseError> {
    crate::source::reject_binary(file, text)?;
    let source = Source::new(file, text);
    if text.trim().is_empty() {
        return Err(source.error_at(
            0,
            "empty input: expected a QMP events document (a title underlined with '=')",
        ));
    }
    let document = Grammar::parse(Rule::document, text)
        .map_err(|err| source.pest_error(err))?
        .next()
        .ok_or_else(|| source.error_at(0, "no document found"))?;

    let mut title = String::new();
    let mut sections = Vec::new();
    let mut types = Tabulate::default();
    for pair in document.into_inner() {
        match pair.as_rule() {
            Rule::title => {
                let text = pair.into_inner().find(|p| p.as_rule() == Rule::title_text);
                title = text
                    .map(|p| normalize_whitespace(p.as_str()))
                    .unwrap_or_default();
            }
            Rule::section => sections.push(section::read(&source, pair, &mut types)?),
            _ => {}
        }
    }
    Ok(Spec {
        title,
        sections,
        build: None,
        types: types.types,
        commands: Vec::new(),
    })
}

impl Source<'_> {
    fn pest_error(&self, err: pest::error::Error<Rule>) -> ParseError {
        let offset = match err.location {
            pest::error::InputLocation::Pos(pos) => pos,
            pest::error::InputLocation::Span((start, _)) => start,
        };
        let expected = match &err.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => {
                let mut names: Vec<&str> = positives.iter().map(|rule| describe(*rule)).collect();
                names.sort_unstable();
                names.dedup();
                names.join(" or ")
            }
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
        };
        let found = if offset >= self.text.len() {
            "the end of the input".to_string()
        } else {
            format!("{:?}", self.line_text(self.span(offset).line).trim())
        };
        self.error_at(offset, format!("expected {expected}, found {found}"))
    }
}

/// What a grammar rule means to someone reading the document.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::title | Rule::title_text => "a title",
        Rule::title_underline => "a title underline of '='",
        Rule::section | Rule::header | Rule::event_name | Rule::section_start => {
            "a section header (event names underlined with '-')"
        }
        Rule::underline | Rule::dashes => "an underline of '-' below the section header",
        Rule::EOI => "the end of the input",
        Rule::annotation => "an annotation such as (json-string, optional)",
        Rule::json_type => "a JSON type such as json-string",
        _ => "a line of the section body",
    }
}
