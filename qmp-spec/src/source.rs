//! Input text with its name: turns byte offsets into positions and builds the
//! diagnostics every reader returns.

use std::fmt;

use crate::model::Span;

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
        let (shown, caret_at) = window(&self.line_text, self.column.saturating_sub(1) as usize);
        let caret = " ".repeat(caret_at);
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{gutter} | {shown}")?;
        write!(f, "{pad} | {caret}^")
    }
}

/// The characters of a line shown under a diagnostic: all of a short line;
/// of a long one, [`WINDOW`] characters around `column` (0-based, in
/// characters), with `…` where it was cut. Returns them and where the caret
/// goes.
fn window(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= WINDOW {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(WINDOW / 2).min(count - WINDOW);
    let end = start + WINDOW;
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(WINDOW));
    if end < count {
        shown.push('…');
    }
    (shown, column - start + usize::from(start > 0))
}

/// How many characters of a long line a diagnostic shows.
const WINDOW: usize = 100;

/// Where [`Source::span_forward`] stopped: a 1-based line (0 before the
/// first use), the byte offset and its 1-based column.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cursor {
    line: usize,
    at: usize,
    column: usize,
}

/// The input with its name and line starts, to turn offsets into positions.
pub(crate) struct Source<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            file,
            text,
            line_starts,
        }
    }

    pub(crate) fn span(&self, offset: usize) -> Span {
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

    /// [`Source::span`] for offsets met mostly in increasing order (a walk
    /// of a parse tree in document order): the cursor moves forward from the
    /// last position, so a whole walk costs the length of the text, however
    /// long its lines. An offset behind the cursor is found from scratch.
    pub(crate) fn span_forward(&self, offset: usize, cursor: &std::cell::Cell<Cursor>) -> Span {
        let Cursor {
            mut line,
            mut at,
            mut column,
        } = cursor.get();
        if offset < at || line == 0 || offset > self.text.len() {
            let span = self.span(offset);
            let line_index = span.line as usize - 1;
            cursor.set(Cursor {
                line: span.line as usize,
                at: offset.max(self.line_starts[line_index]),
                column: span.column as usize,
            });
            return span;
        }
        // Whole lines first, then the characters of the last one.
        while self
            .line_starts
            .get(line)
            .is_some_and(|&next| next <= offset)
        {
            at = self.line_starts[line];
            column = 1;
            line += 1;
        }
        column += self.text.get(at..offset).map_or(0, |s| s.chars().count());
        cursor.set(Cursor {
            line,
            at: offset,
            column,
        });
        Span {
            line: line as u32,
            column: column as u32,
        }
    }

    pub(crate) fn span_of<R: pest::RuleType>(&self, pair: &pest::iterators::Pair<'_, R>) -> Span {
        self.span(pair.as_span().start())
    }

    pub(crate) fn line_text(&self, line: u32) -> &str {
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

    pub(crate) fn error(&self, span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: span.line,
            column: span.column,
            line_text: self.line_text(span.line).to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        self.error(self.span(offset), message)
    }
}

/// The bytes as text, or an error at the first byte that is not text (invalid
/// UTF-8 or a NUL byte: binary data).
pub(crate) fn decode<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            reject_binary(file, text)?;
            Ok(text)
        }
        Err(err) => {
            let valid = String::from_utf8_lossy(&bytes[..err.valid_up_to()]);
            Err(Source::new(file, &valid).error_at(
                valid.len(),
                "not a text file: invalid UTF-8 here (is this a binary file?)",
            ))
        }
    }
}

/// An error at the first NUL byte: text files have none.
pub(crate) fn reject_binary(file: &str, text: &str) -> Result<(), ParseError> {
    match text.find('\0') {
        Some(nul) => Err(Source::new(file, text).error_at(
            nul,
            "not a text file: NUL byte here (is this a binary file?)",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, Source, window};

    #[test]
    fn the_forward_cursor_agrees_with_the_full_search() {
        let text = "ab\nçd e\n\nxyz";
        let src = Source::new("t", text);
        let cursor = std::cell::Cell::new(Cursor::default());
        // Forward, then backward, then forward again.
        for offset in [0, 1, 3, 5, 6, 8, 9, 12, 2, 4, 9, 13] {
            assert_eq!(
                src.span_forward(offset, &cursor),
                src.span(offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        assert_eq!(window("abc", 2), ("abc".to_string(), 2));
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let (shown, caret) = window(&line, 500);
        assert_eq!(shown.chars().count(), 102);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(caret), line.chars().nth(500));
        let (start, caret) = window(&line, 3);
        assert!(!start.starts_with('…') && start.ends_with('…'));
        assert_eq!(caret, 3);
        let (end, caret) = window(&line, 999);
        assert!(end.starts_with('…') && !end.ends_with('…'));
        assert_eq!(end.chars().nth(caret), line.chars().nth(999));
    }
}
