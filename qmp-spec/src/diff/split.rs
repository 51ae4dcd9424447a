//! Splits a cgit hunk back into lines.
//!
//! cgit's page collapsed every whitespace run of the diff, newlines included,
//! into one space, so a hunk is one long line: ` ctx ctx -removed +added ...`.
//! A '+' or '-' after a space may start a line or sit inside one, and context
//! lines run together. The base decides: the hunk's context and removed lines
//! (its "consumed" lines, for the side being matched) are the base's own, in
//! order, and the `@@` counts fix how many lines each side has. A memoized
//! search finds the split that satisfies both.

use std::collections::HashSet;

use super::Marker;
use crate::model::normalize_whitespace;

/// Splits `body` (the text after the `@@ ... @@` header) given the base lines
/// its `consume`-marked and context lines must be, and the number of lines of
/// the other side. `section` is the base line git would print after the
/// header. Returns the other side's lines: context (the base's own text) and
/// the other marker's lines (as `Marker::Added`, text collapsed).
pub(super) fn split(
    body: &str,
    consumed: &[&str],
    consume: char,
    other: usize,
    section: Option<&str>,
) -> Option<Vec<(Marker, String)>> {
    let free = if consume == '-' { '+' } else { '-' };
    let mut splitter = Splitter {
        body,
        raw: consumed,
        words: consumed
            .iter()
            .map(|line| normalize_whitespace(line))
            .collect(),
        consume,
        free,
        other,
        failed: HashSet::new(),
        budget: BUDGET,
        out: Vec::new(),
    };
    // git prints the nearest line above the hunk that starts with a letter
    // after the header; collapsed, it reads like a context line.
    if let Some(section) = section.map(normalize_whitespace).filter(|s| !s.is_empty()) {
        let prefix = format!(" {section}");
        if body.starts_with(&prefix)
            && splitter.at_boundary(prefix.len())
            && splitter.go(prefix.len(), 0, 0)
        {
            return Some(splitter.out);
        }
        splitter.failed.clear();
    }
    splitter.go(0, 0, 0).then_some(splitter.out)
}

/// How many search states one split may visit. The history's hunks need at
/// most a few thousand.
const BUDGET: usize = 200_000;

struct Splitter<'a> {
    body: &'a str,
    raw: &'a [&'a str],
    words: Vec<String>,
    consume: char,
    free: char,
    other: usize,
    /// States (position, consumed lines, other lines) known not to lead to a split.
    failed: HashSet<(usize, usize, usize)>,
    /// States left to visit before giving up: a hunk whose text allows too
    /// many splits is reported as not applied rather than searched forever.
    budget: usize,
    out: Vec<(Marker, String)>,
}

impl Splitter<'_> {
    fn at_boundary(&self, at: usize) -> bool {
        at == self.body.len() || self.body.as_bytes().get(at) == Some(&b' ')
    }

    /// The length of `pattern` if the body has it at `at`, ending at a boundary.
    fn matches(&self, at: usize, pattern: &str) -> Option<usize> {
        let rest = self.body.get(at..)?;
        (rest.starts_with(pattern) && self.at_boundary(at + pattern.len())).then_some(pattern.len())
    }

    fn go(&mut self, pos: usize, i: usize, k: usize) -> bool {
        if k > self.other {
            return false;
        }
        if pos == self.body.len() && i == self.words.len() && k == self.other {
            return true;
        }
        if self.failed.contains(&(pos, i, k)) || self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        // A blank base line leaves nothing in the collapsed text, so it may
        // sit before or after a line of the other side that starts here; the
        // document's structure decides (see `blank_goes_first`).
        let blank_next = self.words.get(i).is_some_and(String::is_empty);
        if blank_next {
            if self.free_line(pos, i, k, Some(false)) || self.consumed_line(pos, i, k) {
                return true;
            }
            if self.free_line(pos, i, k, Some(true)) {
                return true;
            }
        } else if (i < self.words.len() && self.consumed_line(pos, i, k))
            || self.free_line(pos, i, k, None)
        {
            return true;
        }
        self.failed.insert((pos, i, k));
        false
    }

    /// Whether the blank base line `i` comes before `line`, of the other
    /// side: before a section header, after a label
    /// (`Data:`, `Example:`), and before a line of the same kind as the one
    /// after the blank (a bullet before a bullet, a label before a note);
    /// otherwise the new line continues what precedes the blank.
    fn blank_goes_first(&self, line: &str, i: usize) -> bool {
        let new = Kind::of(line.trim_start());
        let previous = i
            .checked_sub(1)
            .and_then(|p| self.words.get(p))
            .map(|w| Kind::of(w));
        let next = self.words[i..]
            .iter()
            .find(|w| !w.is_empty())
            .map(|w| Kind::of(w));
        new == Kind::Header || previous == Some(Kind::Label) || next == Some(new)
    }

    /// The next base line, as context or as a line of the consumed side.
    fn consumed_line(&mut self, pos: usize, i: usize, k: usize) -> bool {
        let words = self.words[i].clone();
        let raw = self.raw[i];
        // Context: a blank one leaves nothing in the collapsed text.
        let context = if words.is_empty() {
            Some(0)
        } else {
            self.matches(pos, &format!(" {words}"))
        };
        if let Some(len) = context {
            self.out.push((Marker::Context, raw.to_string()));
            if self.go(pos + len, i + 1, k + 1) {
                return true;
            }
            self.out.pop();
        }
        let indent = if raw.starts_with([' ', '\t']) && !words.is_empty() {
            " "
        } else {
            ""
        };
        let marked = format!(" {}{indent}{words}", self.consume);
        match self.matches(pos, marked.trim_end()) {
            Some(len) => self.go(pos + len, i + 1, k),
            None => false,
        }
    }

    /// A line of the other side: from its marker to a place where another
    /// line can start.
    /// With `blank_first`, only the lines that go after (`Some(true)`) or
    /// before (`Some(false)`) the blank base line `i`.
    fn free_line(&mut self, pos: usize, i: usize, k: usize, blank_first: Option<bool>) -> bool {
        let marker = format!(" {}", self.free);
        if !self.body[pos..].starts_with(&marker) {
            return false;
        }
        let start = pos + marker.len();
        let next_words = self.words[i..]
            .iter()
            .find(|w| !w.is_empty())
            .map(|w| format!(" {w}"));
        let ends: Vec<usize> = (start..=self.body.len())
            .filter(|&end| self.at_boundary(end))
            .filter(|&end| {
                let rest = &self.body[end..];
                rest.is_empty()
                    || rest.starts_with(" +")
                    || rest.starts_with(" -")
                    || next_words.as_deref().is_some_and(|w| rest.starts_with(w))
            })
            .collect();
        for end in ends {
            let line = &self.body[start..end];
            if blank_first.is_some_and(|first| self.blank_goes_first(line, i) != first) {
                continue;
            }
            self.out.push((Marker::Added, line.to_string()));
            if self.go(end, i, k + 1) {
                return true;
            }
            self.out.pop();
        }
        false
    }
}

/// What a line of the document is, as far as blank lines around it go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Header,
    /// A header's underline: a blank line never comes before one.
    Underline,
    Bullet,
    Json,
    /// `Data:`, `Example:`, `Read operation:`, `Note: ...`
    Label,
    Text,
}

impl Kind {
    /// The kind of a line (whitespace collapsed).
    fn of(text: &str) -> Kind {
        let first = text.split(' ').next().unwrap_or("");
        let name = |w: &str| {
            w.len() > 1
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        };
        if first.len() >= 3 && first.chars().all(|c| c == '-' || c == '=') {
            Kind::Underline
        } else if name(first.trim_end_matches(',')) {
            Kind::Header
        } else if first == "-" {
            Kind::Bullet
        } else if first.starts_with('{') {
            Kind::Json
        } else if first == "Note:"
            || first == "Data:"
            || first.starts_with("Example")
            || (text.ends_with(':') && text.split(' ').count() <= 3 && !text.starts_with('"'))
        {
            Kind::Label
        } else {
            Kind::Text
        }
    }
}
