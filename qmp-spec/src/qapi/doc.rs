//! Documentation blocks: `@NAME:`, a description, `@member: text` items,
//! and sections (`Since:`, `Note:`/`Notes:`/`.. note::`, `Example:`/
//! `Examples:`/`.. qmp-example::`, `Features:`, `Returns:`, `Errors:`).
//! Examples keep each message's JSON parsed where it parses. Documentation
//! that disagrees with the code is a warning, never an error.

use super::model::*;
use crate::model::{normalize_whitespace, normalize_whitespace_in_place};

/// What a section heading opens.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    Description,
    Member,
    Feature,
    Since,
    Note,
    Example,
    /// `Returns:`, `Errors:`, `TODO:` and the like: kept out of the
    /// description.
    Other,
}

fn heading(line: &str) -> Option<(Section, &str)> {
    let trimmed = line.trim_start();
    for (prefix, section) in [
        ("Since:", Section::Since),
        ("Notes:", Section::Note),
        ("Note:", Section::Note),
        (".. note::", Section::Note),
        ("Examples:", Section::Example),
        ("Example:", Section::Example),
        (".. qmp-example::", Section::Example),
        ("Features:", Section::Feature),
        ("Returns:", Section::Other),
        ("Errors:", Section::Other),
        ("TODO:", Section::Other),
    ] {
        // Only at the left margin: an indented `Note:` belongs to the text
        // above it.
        if line.len() == trimmed.len() && trimmed.starts_with(prefix) {
            return Some((section, trimmed[prefix.len()..].trim()));
        }
    }
    None
}

/// The documentation of `name`, from the lines of its block (at
/// `location`, line `i` of them on the `i + 1`th line after it); `Ok(None)`
/// for a free-form block (a section heading); a warning when the block
/// documents another name.
pub(super) fn read(
    lines: &[&str],
    location: Location,
    name: &str,
) -> Result<Option<Doc>, SchemaWarning> {
    // A line's location is made only where it is kept.
    let at = |i: usize| Location {
        file: std::sync::Arc::clone(&location.file),
        line: location
            .line
            .saturating_add(u32::try_from(i + 1).unwrap_or(u32::MAX)),
        column: 1,
    };
    let mut lines = lines
        .iter()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty());
    let Some((first_index, first)) = lines.next() else {
        return Ok(None);
    };
    let Some(symbol) = first.trim().strip_prefix('@') else {
        return Ok(None); // Free-form documentation.
    };
    let (symbol, rest) = symbol.split_once(':').unwrap_or((symbol, ""));
    if symbol.trim() != name {
        return Err(SchemaWarning {
            location: at(first_index),
            message: format!(
                "the documentation of '{}' stands before the definition of '{name}'",
                symbol.trim()
            ),
        });
    }
    let mut reader = DocReader {
        doc: Doc {
            location: location.clone(),
            ..Doc::default()
        },
        description: vec![rest.to_string()],
        section: Section::Description,
        text: Vec::new(),
        item: None,
        example: None,
    };
    for (i, line) in lines {
        reader.line(line, &|| at(i));
    }
    Ok(Some(reader.finish()))
}

/// A documentation block read line by line: the section it is in, and
/// what is open there (a member's or feature's item, a note's text, an
/// example's message).
struct DocReader<'l> {
    doc: Doc,
    description: Vec<String>,
    section: Section,
    text: Vec<&'l str>,
    item: Option<DocItem>,
    /// An open example message: its direction, its lines joined by `\n`,
    /// and where it starts.
    example: Option<(String, String, Location)>,
}

impl<'l> DocReader<'l> {
    fn line(&mut self, line: &'l str, at: &dyn Fn() -> Location) {
        if self.section == Section::Example && self.example_line(line, at) {
            return;
        }
        if let Some((next, rest)) = heading(line) {
            self.close();
            self.section = next;
            match next {
                Section::Since => self.doc.since = Some(rest.to_string()),
                Section::Note | Section::Other if !rest.is_empty() => self.text.push(rest),
                _ => {}
            }
            return;
        }
        if let Some(member) = line.strip_prefix('@')
            && let Some((member, rest)) = member.split_once(':')
            && !member.contains(char::is_whitespace)
        {
            self.finish_item();
            if self.section != Section::Feature {
                flush_text(&mut self.text, self.section, &mut self.doc);
                self.section = Section::Member;
            }
            self.item = Some(DocItem {
                name: member.to_string(),
                text: rest.to_string(),
                location: at(),
            });
            return;
        }
        self.text_line(line.trim());
    }

    /// A line of an example's messages: `<- {...}` / `-> {...}`, each to
    /// the next arrow or the end of the section; false for a line that
    /// ends the example (a heading, a member).
    fn example_line(&mut self, line: &str, at: &dyn Fn() -> Location) -> bool {
        let trimmed = line.trim();
        if let Some((direction, rest)) = trimmed
            .strip_prefix("<-")
            .map(|r| ("<-", r))
            .or_else(|| trimmed.strip_prefix("->").map(|r| ("->", r)))
        {
            flush_example(&mut self.example, &mut self.doc);
            self.example = Some((direction.to_string(), rest.to_string(), at()));
            return true;
        }
        if heading(line).is_some() || line.starts_with('@') {
            return false;
        }
        match &mut self.example {
            Some((_, raw, _)) if !trimmed.is_empty() => {
                raw.push('\n');
                raw.push_str(trimmed);
            }
            _ => {}
        }
        true
    }

    /// A line of text: the open item's, the description's, `Since:`'s or a
    /// note's.
    fn text_line(&mut self, trimmed: &'l str) {
        match (&mut self.item, self.section) {
            // A blank line after an item ends it; the text that follows is
            // the definition's again (notes in later releases).
            (Some(_), _) if trimmed.is_empty() => {
                self.finish_item();
                if self.section == Section::Member {
                    self.section = Section::Description;
                }
            }
            (Some(current), _) => {
                current.text.push(' ');
                current.text.push_str(trimmed);
            }
            (None, Section::Description) => self.description.push(trimmed.to_string()),
            (None, Section::Since) if !trimmed.is_empty() => {
                let since = self.doc.since.get_or_insert_with(String::new);
                since.push(' ');
                since.push_str(trimmed);
            }
            (None, Section::Note | Section::Other) => self.text.push(trimmed),
            _ => {}
        }
    }

    fn finish_item(&mut self) {
        if let Some(mut done) = self.item.take() {
            normalize_whitespace_in_place(&mut done.text);
            match self.section {
                Section::Feature => self.doc.features.push(done),
                _ => self.doc.members.push(done),
            }
        }
    }

    /// Closes what is open in the section.
    fn close(&mut self) {
        flush_example(&mut self.example, &mut self.doc);
        self.finish_item();
        flush_text(&mut self.text, self.section, &mut self.doc);
    }

    fn finish(mut self) -> Doc {
        self.close();
        self.doc.description = normalize_whitespace(&self.description.join(" "));
        if let Some(since) = &mut self.doc.since {
            normalize_whitespace_in_place(since);
        }
        self.doc
    }
}

fn flush_text(text: &mut Vec<&str>, section: Section, doc: &mut Doc) {
    if section == Section::Note && !text.is_empty() {
        doc.notes.push(normalize_whitespace(&text.join(" ")));
    }
    text.clear();
}

fn flush_example(example: &mut Option<(String, String, Location)>, doc: &mut Doc) {
    if let Some((direction, raw, location)) = example.take() {
        doc.examples.push(DocExample {
            direction,
            text: normalize_whitespace(&raw),
            json: serde_json::from_str(&raw).ok(),
            location,
        });
    }
}

/// Documentation that disagrees with the code: a documented member the
/// definition lacks, a member without documentation (for events).
pub(super) fn check(definitions: &[Definition], warnings: &mut Vec<SchemaWarning>) {
    for definition in definitions {
        let (
            Some(doc),
            DefinitionKind::Event {
                data: EventData::Members { members },
                ..
            },
        ) = (&definition.doc, &definition.kind)
        else {
            continue;
        };
        // Name sets, so that a large event costs no scan per member.
        let have: std::collections::HashSet<&str> =
            members.iter().map(|m| m.name.as_str()).collect();
        let documented: std::collections::HashSet<&str> =
            doc.members.iter().map(|item| item.name.as_str()).collect();
        for item in &doc.members {
            if !have.contains(item.name.as_str()) {
                warnings.push(SchemaWarning {
                    location: item.location.clone(),
                    message: format!(
                        "'{}' documents member '{}', which it does not have",
                        definition.name, item.name
                    ),
                });
            }
        }
        for member in members {
            if !documented.contains(member.name.as_str()) {
                warnings.push(SchemaWarning {
                    location: member.location.clone(),
                    message: format!(
                        "member '{}' of '{}' has no documentation",
                        member.name, definition.name
                    ),
                });
            }
        }
    }
}
