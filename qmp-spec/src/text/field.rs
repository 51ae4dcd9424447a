//! Reads a section's field list: each field's words (type annotation,
//! optionality, enumerated values, external type), then nesting, then the
//! types the text leaves out, from the section's examples.

use pest::Parser;
use pest::iterators::Pair;
use serde_json::Value;

use super::{Grammar, ParseError, Rule, Source};
use crate::model::{
    Data, EnumValue, Section, Span, TypeSource, Warning, WarningKind, normalize_whitespace,
};
use crate::spelled::{Field, JsonType, Tabulate};

/// A field as the text gives it: its bullet line and the lines that continue it.
pub(super) struct FieldItem<'i> {
    indent: usize,
    name: String,
    /// `- data: ...` rather than `- "data": ...`.
    bare: bool,
    span: Span,
    /// The words of the field, line by line, with each line's source offset.
    lines: Vec<(usize, &'i str)>,
    /// Values listed on lines of their own (`"stop": meaning`, `"a", "b" or "c"`).
    values: Vec<EnumValue>,
}

pub(super) fn item<'i>(source: &Source<'i>, pair: Pair<'i, Rule>) -> FieldItem<'i> {
    let mut item = FieldItem {
        indent: 0,
        name: String::new(),
        bare: false,
        span: source.span_of(&pair),
        lines: Vec::new(),
        values: Vec::new(),
    };
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::field_line => {
                for piece in part.into_inner() {
                    match piece.as_rule() {
                        Rule::indent => {
                            item.indent = piece.as_str().len();
                            item.span = source.span(piece.as_span().end());
                        }
                        Rule::member_name => {
                            let name = piece.into_inner().next();
                            item.bare = name
                                .as_ref()
                                .is_some_and(|n| n.as_rule() == Rule::bare_name);
                            item.name = name.map(|n| unquote(&n).to_string()).unwrap_or_default();
                        }
                        Rule::field_text => {
                            item.lines.push((piece.as_span().start(), piece.as_str()))
                        }
                        _ => {}
                    }
                }
            }
            Rule::value_line => {
                let mut pieces = part.into_inner();
                let value = pieces
                    .next()
                    .map(|q| unquote(&q).to_string())
                    .unwrap_or_default();
                let meaning = pieces.next().map(|m| normalize_whitespace(m.as_str()));
                item.values
                    .push(EnumValue::new(value, meaning.filter(|m| !m.is_empty())));
            }
            Rule::value_list => {
                for quoted in part.into_inner() {
                    item.values
                        .push(EnumValue::new(unquote(&quoted).to_string(), None));
                }
            }
            Rule::continuation => {
                if let Some(text) = part.into_inner().next() {
                    item.lines.push((text.as_span().start(), text.as_str()));
                }
            }
            _ => {}
        }
    }
    item
}

/// The text inside a `quoted` pair.
fn unquote<'i>(pair: &Pair<'i, Rule>) -> &'i str {
    let text = pair.as_str();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// A field read from its words, before nesting and inference.
struct Draft {
    indent: usize,
    field: Field,
    /// The type the words give, if any.
    ty: Option<JsonType>,
    nested: Vec<Draft>,
}

impl Draft {
    fn is_object(&self, section: &Section) -> bool {
        match &self.ty {
            Some(ty) => *ty == JsonType::Object,
            None => infer(&[self.field.name.as_str()], section) == Some(JsonType::Object),
        }
    }
}

/// Builds the section's data from its field items; `None` when there are none.
pub(super) fn build(
    source: &Source<'_>,
    items: Vec<FieldItem<'_>>,
    section: &mut Section,
    types: &mut Tabulate,
) -> Result<Option<Data>, ParseError> {
    if items.is_empty() {
        return Ok(None);
    }
    let mut top: Vec<Draft> = Vec::new();
    for item in &items {
        let words = Words::new(source, item);
        if item.bare && item.name == "data" && items.len() == 1 {
            if let Some(type_name) = words.external_type() {
                let description = normalize_whitespace(&words.joined);
                return Ok(Some(Data::External {
                    type_name,
                    description,
                }));
            }
        }
        let draft = words.read(item, section)?;
        // A bullet indented by at least one space nests under the last
        // top-level object field; the lossy diffs keep no more than that.
        match top.last_mut() {
            Some(parent) if draft.indent > 0 && parent.is_object(section) => {
                parent.nested.push(draft)
            }
            _ => top.push(draft),
        }
    }
    let mut fields = Vec::with_capacity(top.len());
    for draft in top {
        fields.push(resolve(source, draft, &mut Vec::new(), section)?);
    }
    Ok(Some(Data::Members {
        ty: types.object(&fields),
    }))
}

/// Gives every field a type: its own, or the one its section's examples show.
fn resolve(
    source: &Source<'_>,
    draft: Draft,
    path: &mut Vec<String>,
    section: &mut Section,
) -> Result<Field, ParseError> {
    let Draft {
        mut field,
        ty,
        nested,
        ..
    } = draft;
    path.push(field.name.clone());
    field.ty = match ty {
        Some(ty) => ty,
        None => {
            let segments: Vec<&str> = path.iter().map(String::as_str).collect();
            let (ty, source_of_type, from) = match infer(&segments, section) {
                Some(ty) => (ty, TypeSource::Examples, "the examples"),
                None if !nested.is_empty() => (
                    JsonType::Object,
                    TypeSource::NestedFields,
                    "its nested fields",
                ),
                None => {
                    return Err(source.error(
                        field.span,
                        format!(
                            "field \"{}\" has no type: expected an annotation such as (json-string), \
                             or an example that shows its value",
                            field.name
                        ),
                    ));
                }
            };
            section.warnings.push(Warning {
                kind: WarningKind::TypeInferred,
                span: field.span,
                message: format!(
                    "field \"{}\" has no type annotation; typed {} from {from}",
                    field.name,
                    ty.label()
                ),
            });
            field.type_source = source_of_type;
            ty
        }
    };
    for draft in nested {
        field.fields.push(resolve(source, draft, path, section)?);
    }
    path.pop();
    Ok(field)
}

/// The JSON type every valid example agrees on for the member at `path` of `data`.
fn infer(path: &[&str], section: &Section) -> Option<JsonType> {
    let mut found: Option<JsonType> = None;
    for example in &section.examples {
        let Some(mut value) = example.json.as_ref().and_then(|json| json.get("data")) else {
            continue;
        };
        for segment in path {
            match value.get(segment) {
                Some(inner) => value = inner,
                None => {
                    value = &Value::Null;
                    break;
                }
            }
        }
        let ty = match value {
            Value::Null => continue,
            Value::Bool(_) => JsonType::Bool,
            Value::Number(n) if n.is_f64() => JsonType::Number,
            Value::Number(_) => JsonType::Int,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        };
        found = Some(match (found, ty) {
            (None, ty) => ty,
            (Some(a), b) if a == b => a,
            (Some(JsonType::Int | JsonType::Number), JsonType::Int | JsonType::Number) => {
                JsonType::Number
            }
            _ => JsonType::Value,
        });
    }
    found
}

/// A field's words joined into one line, with a map back to the source.
struct Words<'s, 'i> {
    source: &'s Source<'i>,
    joined: String,
    /// (offset in `joined`, offset in the source) where each line starts.
    starts: Vec<(usize, usize)>,
}

impl<'s, 'i> Words<'s, 'i> {
    fn new(source: &'s Source<'i>, item: &FieldItem<'i>) -> Self {
        let mut joined = String::new();
        let mut starts = Vec::with_capacity(item.lines.len());
        for (offset, line) in &item.lines {
            let trimmed = line.trim_start();
            let trimmed = trimmed.trim_end();
            if trimmed.is_empty() {
                continue;
            }
            if !joined.is_empty() {
                joined.push(' ');
            }
            starts.push((
                joined.len(),
                offset + (line.len() - line.trim_start().len()),
            ));
            joined.push_str(trimmed);
        }
        Words {
            source,
            joined,
            starts,
        }
    }

    fn span(&self, at: usize) -> Span {
        let index = self
            .starts
            .partition_point(|&(start, _)| start <= at)
            .saturating_sub(1);
        let (start, offset) = self.starts.get(index).copied().unwrap_or((0, 0));
        self.source.span(offset + at.saturating_sub(start))
    }

    fn external_type(&self) -> Option<String> {
        if !self.joined.contains("qapi-schema.json") {
            return None;
        }
        let word_starts =
            std::iter::once(0).chain(self.joined.match_indices(' ').map(|(i, _)| i + 1));
        word_starts.into_iter().find_map(|at| {
            let pair = Grammar::parse(Rule::external_type, &self.joined[at..])
                .ok()?
                .next()?;
            let name = pair.into_inner().find(|p| p.as_rule() == Rule::type_name)?;
            Some(name.as_str().to_string())
        })
    }

    /// The annotation and where it sits in `joined`.
    ///
    /// An annotation never contains another `(`, so each `(` opens a
    /// candidate that ends at the next `(` or `)`: the candidates do not
    /// overlap, and reading all of them is one pass over the words, however
    /// many parentheses a line has.
    fn annotation(&self) -> Result<Option<(usize, usize, Pair<'_, Rule>)>, ParseError> {
        let joined = self.joined.as_str();
        let mut opens = joined.match_indices('(').map(|(at, _)| at).peekable();
        while let Some(at) = opens.next() {
            let next_open = opens.peek().copied().unwrap_or(joined.len());
            let close = joined[at..next_open].find(')').map(|end| at + end);
            let group = &joined[at..close.map_or(next_open, |end| end + 1)];
            let mentions_type = group.to_ascii_lowercase().contains("json-");
            if close.is_none() {
                if !mentions_type {
                    continue;
                }
                let (what, offset) = if next_open == joined.len() {
                    ("unterminated annotation", at)
                } else {
                    ("malformed annotation", next_open)
                };
                let message = if next_open == joined.len() {
                    format!("{what}: {group:?} is not closed with ')'")
                } else {
                    format!("{what} {group:?}: a '(' inside it, expected (json-TYPE[, optional])")
                };
                return Err(self.source.error(self.span(offset), message));
            }
            match Grammar::parse(Rule::annotation, group) {
                Ok(mut pairs) => {
                    let Some(pair) = pairs.next() else { continue };
                    if pair
                        .clone()
                        .into_inner()
                        .any(|p| p.as_rule() == Rule::json_type)
                    {
                        let end = at + pair.as_str().len();
                        return Ok(Some((at, end, pair)));
                    }
                }
                Err(err) if mentions_type => {
                    let column = match err.line_col {
                        pest::error::LineColLocation::Pos((_, c)) => c,
                        pest::error::LineColLocation::Span((_, c), _) => c,
                    };
                    return Err(self.source.error(
                        self.span(at + column.saturating_sub(1)),
                        format!(
                            "malformed annotation {:?}: expected (json-TYPE[, optional]), \
                             optionally with values such as \"read\" or \"write\"",
                            group
                        ),
                    ));
                }
                Err(_) => {}
            }
        }
        Ok(None)
    }

    fn read(&self, item: &FieldItem<'_>, section: &mut Section) -> Result<Draft, ParseError> {
        let mut field = Field::new(item.name.clone(), JsonType::Value, item.span);
        field.description = normalize_whitespace(&self.joined);
        let mut ty = None;
        if let Some((start, end, pair)) = self.annotation()? {
            for part in pair.into_inner() {
                self.annotation_item(start, part, &mut ty, &mut field, section)?;
            }
            field.description = description_around(&self.joined, start, end);
        } else if let Some(type_name) = self.external_type() {
            ty = Some(JsonType::External(type_name));
        }
        for value in &item.values {
            if !field.values.iter().any(|known| known.value == value.value) {
                field.values.push(value.clone());
            }
        }
        Ok(Draft {
            indent: item.indent,
            field,
            ty,
            nested: Vec::new(),
        })
    }

    /// Reads one item of the annotation that starts at `base` in `joined`.
    fn annotation_item(
        &self,
        base: usize,
        part: Pair<'_, Rule>,
        ty: &mut Option<JsonType>,
        field: &mut Field,
        section: &mut Section,
    ) -> Result<(), ParseError> {
        let at = self.span(base + part.as_span().start());
        match part.as_rule() {
            Rule::json_type => {
                let word = part
                    .into_inner()
                    .next()
                    .map(|w| w.as_str().to_ascii_lowercase());
                *ty = Some(match word.as_deref() {
                    Some("string") => JsonType::String,
                    Some("int" | "integer") => JsonType::Int,
                    Some("number" | "double") => JsonType::Number,
                    Some("bool" | "boolean") => JsonType::Bool,
                    Some("object") => JsonType::Object,
                    Some("array") => JsonType::Array,
                    Some("value" | "any") => JsonType::Value,
                    other => {
                        return Err(self.source.error(
                            at,
                            format!(
                                "unknown JSON type json-{}: expected json-string, json-int, \
                                 json-number, json-bool, json-object or json-array",
                                other.unwrap_or_default()
                            ),
                        ));
                    }
                });
            }
            Rule::optional => field.optional = true,
            Rule::value_phrase => {
                for choice in part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::value_choice)
                {
                    let mut pieces = choice.into_inner();
                    let value = pieces
                        .next()
                        .map(|q| unquote(&q).to_string())
                        .unwrap_or_default();
                    let meaning = pieces.next().map(|g| normalize_whitespace(g.as_str()));
                    field.values.push(EnumValue::new(value, meaning));
                }
            }
            Rule::annotation_word => {
                let word = normalize_whitespace(part.as_str());
                section.warnings.push(Warning {
                    kind: WarningKind::AnnotationWord,
                    span: at,
                    message: format!(
                        "field \"{}\": {word:?} in the annotation is not a type, `optional` or a \
                         value; read as `optional`, the only word the format puts there",
                        field.name
                    ),
                });
                field.optional = true;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The field's words without its annotation, and without the colon after it
/// (`it's one of the following (json-string):`).
fn description_around(joined: &str, start: usize, end: usize) -> String {
    let before = joined[..start].trim_end();
    let after = joined[end..].trim_start();
    let after = after.strip_prefix(':').unwrap_or(after).trim_start();
    let glued = match after.chars().next() {
        Some('.' | ',' | ';') | None => format!("{before}{after}"),
        Some(_) => format!("{before} {after}"),
    };
    normalize_whitespace(&glued)
}
