//! Reads the text format of `qmp-events.txt` into the [model](crate::model).
//!
//! `grammar.pest` classifies the lines of the document into its blocks;
//! [`section`] assembles each section's blocks into the model, [`field`] reads
//! a field's words (annotation, enumerated values, external types) and
//! [`example`] reads JSON examples. pest's types stop at this module's edge.

mod example;
mod field;
mod section;

use std::fmt;

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use crate::model::{Span, Spec, normalize_whitespace};

#[derive(Parser)]
#[grammar = "text/grammar.pest"]
struct Grammar;

/// A document that cannot be read, with the place that says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The offending line, as written.
    pub line_text: String,
    /// What is wrong, and what was expected there.
    pub message: String,
}

/// `file:line:col: message`, then the line with a caret under the column.
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gutter = self.line.to_string();
        let pad = " ".repeat(gutter.len());
        let caret = " ".repeat(self.column.saturating_sub(1) as usize);
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{gutter} | {}", self.line_text)?;
        write!(f, "{pad} | {caret}^")
    }
}

/// Parses a document given as bytes: binary or non-UTF-8 input is an error.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Spec, ParseError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let source = Source::new(file, &text);
            return Err(source.error_at(
                valid.len(),
                "not a text file: invalid UTF-8 here (is this a binary file?)",
            ));
        }
    };
    parse(file, text)
}

/// Parses a document. `file` names the input in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<Spec, ParseError> {
    let source = Source::new(file, text);
    if let Some(nul) = text.find('\0') {
        return Err(source.error_at(
            nul,
            "not a text file: NUL byte here (is this a binary file?)",
        ));
    }
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
    for pair in document.into_inner() {
        match pair.as_rule() {
            Rule::title => {
                let text = pair.into_inner().find(|p| p.as_rule() == Rule::title_text);
                title = text
                    .map(|p| normalize_whitespace(p.as_str()))
                    .unwrap_or_default();
            }
            Rule::section => sections.push(section::read(&source, pair)?),
            _ => {}
        }
    }
    Ok(Spec { title, sections })
}

/// The input with its name and line starts, to turn offsets into positions.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            file,
            text,
            line_starts,
        }
    }

    fn span(&self, offset: usize) -> Span {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Span {
            line: line as u32,
            column: column as u32,
        }
    }

    fn span_of(&self, pair: &Pair<'_, Rule>) -> Span {
        self.span(pair.as_span().start())
    }

    fn line_text(&self, line: u32) -> &str {
        let index = (line as usize).saturating_sub(1);
        let start = self
            .line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    fn error(&self, span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: span.line,
            column: span.column,
            line_text: self.line_text(span.line).to_string(),
            message: message.into(),
        }
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        self.error(self.span(offset), message)
    }

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
