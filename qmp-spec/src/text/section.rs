//! Assembles a section's blocks, in the order the text gives them, into a
//! [`Section`].

use pest::iterators::Pair;

use super::field::{self, FieldItem};
use super::{ParseError, Rule, Source, example};
use crate::model::{Data, Note, Section, Span, Warning, WarningKind, normalize_whitespace};
use crate::spelled::Tabulate;

/// Which block the text is in; decides where a plain paragraph line belongs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Description,
    Data,
    Examples,
    Notes,
}

/// Reads a section; the types of its data go into `types`.
pub(super) fn read(
    source: &Source<'_>,
    pair: Pair<'_, Rule>,
    types: &mut Tabulate,
) -> Result<Section, ParseError> {
    let span = source.span_of(&pair);
    let mut inner = pair.into_inner();
    let (header, underline, body) = match (inner.next(), inner.next(), inner.next()) {
        (Some(h), Some(u), Some(b)) => (h, u, b),
        _ => return Err(source.error(span, "a section needs a header, an underline and a body")),
    };

    let names: Vec<String> = header
        .clone()
        .into_inner()
        .map(|name| name.as_str().to_string())
        .collect();
    let mut section = Section {
        names,
        span,
        description: String::new(),
        data: Data::Unspecified,
        examples: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
        condition: None,
        features: Vec::new(),
        since: None,
    };

    let header_len = header.as_str().trim_end().chars().count();
    let underline_len = underline.as_str().trim_end().chars().count();
    if header_len != underline_len {
        section.warnings.push(Warning {
            kind: WarningKind::UnderlineLength,
            span: source.span_of(&underline),
            message: format!(
                "the underline has {underline_len} dashes, the header {header_len} characters"
            ),
        });
    }

    let mut builder = Builder {
        source,
        section,
        place: Place::Description,
        description: Vec::new(),
        data_label: None,
        data_none: None,
        fields: Vec::new(),
        pending_label: None,
    };
    for block in body.into_inner() {
        builder.block(block)?;
    }
    builder.finish(types)
}

struct Builder<'s, 'i> {
    source: &'s Source<'i>,
    section: Section,
    place: Place,
    description: Vec<&'i str>,
    data_label: Option<Span>,
    data_none: Option<Span>,
    fields: Vec<FieldItem<'i>>,
    pending_label: Option<String>,
}

impl<'s, 'i> Builder<'s, 'i> {
    fn block(&mut self, block: Pair<'i, Rule>) -> Result<(), ParseError> {
        let span = self.source.span_of(&block);
        match block.as_rule() {
            Rule::data_none => {
                self.data_none = Some(span);
                self.place = Place::Data;
            }
            Rule::data_label => {
                self.data_label = Some(span);
                self.place = Place::Data;
            }
            Rule::example_label => self.place = Place::Examples,
            Rule::note => {
                let text = block
                    .into_inner()
                    .map(|line| line.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                self.section.notes.push(Note {
                    text: normalize_whitespace(&text),
                    span,
                });
                self.place = Place::Notes;
            }
            Rule::field => {
                if let Some(none) = self.data_none.filter(|_| self.fields.is_empty()) {
                    self.section.warnings.push(Warning {
                        kind: WarningKind::DataNoneWithFields,
                        span,
                        message: format!(
                            "`Data: None.` (line {}) is followed by fields; the fields are kept",
                            none.line
                        ),
                    });
                }
                self.fields.push(field::item(self.source, block));
                self.place = Place::Data;
            }
            Rule::example => {
                let label = self.pending_label.take();
                let example = example::read(self.source, block, label, &mut self.section)?;
                self.section.examples.push(example);
                self.place = Place::Examples;
            }
            Rule::header_alone if self.follows_blank_line(span.line) => {
                return Err(self.source.error(
                    span,
                    format!(
                        "`{}` looks like a section header, but the next line is not an underline of '-'",
                        block.as_str().trim()
                    ),
                ));
            }
            Rule::label_line if self.place == Place::Examples => {
                let text = block.as_str().trim().trim_end_matches(':');
                self.pending_label = Some(normalize_whitespace(text));
            }
            _ => self.paragraph_line(block, span),
        }
        Ok(())
    }

    fn follows_blank_line(&self, line: u32) -> bool {
        line > 1 && self.source.line_text(line - 1).trim().is_empty()
    }

    /// Plain text: the description before any other block; after a note, more
    /// of that note; anywhere else a defect, kept where it reads best.
    fn paragraph_line(&mut self, line: Pair<'i, Rule>, span: Span) {
        let text = line.as_str();
        match self.place {
            Place::Description => self.description.push(text),
            Place::Notes => {
                if let Some(note) = self.section.notes.last_mut() {
                    note.text = normalize_whitespace(&format!("{} {}", note.text, text));
                }
            }
            Place::Data | Place::Examples => {
                self.section.warnings.push(Warning {
                    kind: WarningKind::StrayText,
                    span,
                    message: format!(
                        "text outside a field, example or note: {:?}; kept as a note",
                        normalize_whitespace(text)
                    ),
                });
                self.section.notes.push(Note {
                    text: normalize_whitespace(text),
                    span,
                });
                self.place = Place::Notes;
            }
        }
    }

    fn finish(mut self, types: &mut Tabulate) -> Result<Section, ParseError> {
        self.section.description = normalize_whitespace(&self.description.join(" "));
        let fields = field::build(
            self.source,
            std::mem::take(&mut self.fields),
            &mut self.section,
            types,
        )?;
        self.section.data = match (fields, self.data_none) {
            (Some(data), _) => data,
            (None, Some(_)) => Data::None,
            (None, None) => match self.data_label {
                Some(span) => {
                    return Err(self.source.error(
                        span,
                        "expected a field list (`- \"name\": description (json-type)`) or `None.` after `Data:`",
                    ));
                }
                None => Data::Unspecified,
            },
        };
        let section = self.section;
        if section.description.is_empty()
            && matches!(section.data, Data::Unspecified)
            && section.examples.is_empty()
            && section.notes.is_empty()
        {
            return Err(self.source.error(
                section.span,
                format!(
                    "section `{}` is empty: expected a description, `Data:` or an example (is the input truncated?)",
                    section.names.join(", ")
                ),
            ));
        }
        Ok(section)
    }
}
