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
use super::budget::Budget;
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
    work: &Budget,
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
        work,
        out: Vec::new(),
    };
    // git prints the nearest line above the hunk that starts with a letter
    // after the header; collapsed, it reads like a context line.
    if let Some(section) = section.map(normalize_whitespace).filter(|s| !s.is_empty()) {
        let prefix = format!(" {section}");
        if body.starts_with(&prefix)
            && splitter.at_boundary(prefix.len())
            && splitter.search((prefix.len(), 0, 0))
        {
            return Some(splitter.out);
        }
        splitter.failed.clear();
    }
    splitter.search((0, 0, 0)).then_some(splitter.out)
}

struct Splitter<'a> {
    body: &'a str,
    raw: &'a [&'a str],
    words: Vec<String>,
    consume: char,
    free: char,
    other: usize,
    /// States (position, consumed lines, other lines) known not to lead to a split.
    failed: HashSet<(usize, usize, usize)>,
    /// The apply's budget: every state, and every byte a state scans, is
    /// paid for from it.
    work: &'a Budget,
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

    /// Depth-first search from `start` for a split that reaches the end of
    /// the body with every base line and `other` lines of the other side;
    /// the split's lines are left in `out`. An explicit stack, not recursion:
    /// a hunk may have as many lines as the base.
    fn search(&mut self, start: State) -> bool {
        let mut stack: Vec<Frame> = Vec::new();
        match self.enter(start) {
            Enter::Done => return true,
            Enter::Failed => return false,
            Enter::Frame(frame) => stack.push(frame),
        }
        while let Some(top) = stack.last_mut() {
            // Back from a child that failed: take back its line.
            if top.pushed {
                self.out.pop();
                top.pushed = false;
            }
            let Some(step) = top.moves.get(top.next).cloned() else {
                let state = top.state;
                stack.pop();
                self.failed.insert(state);
                continue;
            };
            top.next += 1;
            if let Some(line) = step.line {
                self.out.push(line);
                top.pushed = true;
            }
            match self.enter(step.to) {
                Enter::Done => return true,
                Enter::Failed => {}
                Enter::Frame(frame) => stack.push(frame),
            }
        }
        false
    }

    /// Arrives at a state: the split is complete, this state cannot lead to
    /// one, or these are the moves to try from it, in order.
    fn enter(&mut self, state: State) -> Enter {
        let (pos, i, k) = state;
        if k > self.other {
            return Enter::Failed;
        }
        if pos == self.body.len() && i == self.words.len() && k == self.other {
            return Enter::Done;
        }
        if self.failed.contains(&state) || !self.work.spend(1) {
            return Enter::Failed;
        }
        // A blank base line leaves nothing in the collapsed text, so it may
        // sit before or after a line of the other side that starts here; the
        // document's structure decides (see `blank_goes_first`).
        let mut moves = Vec::new();
        if self.words.get(i).is_some_and(String::is_empty) {
            self.free_lines(state, Some(false), &mut moves);
            self.consumed_line(state, &mut moves);
            self.free_lines(state, Some(true), &mut moves);
        } else {
            if i < self.words.len() {
                self.consumed_line(state, &mut moves);
            }
            self.free_lines(state, None, &mut moves);
        }
        if moves.is_empty() {
            self.failed.insert(state);
            return Enter::Failed;
        }
        Enter::Frame(Frame {
            state,
            moves,
            next: 0,
            pushed: false,
        })
    }

    /// Whether the blank base line `i` comes before `line`, of the other
    /// side: before a section header, after a label
    /// (`Data:`, `Example:`), and before a line of the same kind as the one
    /// after the blank (a bullet before a bullet, a label before a note);
    /// otherwise the new line continues what precedes the blank.
    fn blank_goes_first(&self, line: &str, i: usize) -> bool {
        self.work.spend(self.words.len() - i + line.len());
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
    fn consumed_line(&self, (pos, i, k): State, moves: &mut Vec<Move>) {
        if !self.work.spend(self.words[i].len()) {
            return;
        }
        let words = &self.words[i];
        let raw = self.raw[i];
        // Context: a blank one leaves nothing in the collapsed text.
        let context = if words.is_empty() {
            Some(0)
        } else {
            self.matches(pos, &format!(" {words}"))
        };
        if let Some(len) = context {
            moves.push(Move {
                to: (pos + len, i + 1, k + 1),
                line: Some((Marker::Context, raw.to_string())),
            });
        }
        let indent = if raw.starts_with([' ', '\t']) && !words.is_empty() {
            " "
        } else {
            ""
        };
        let marked = format!(" {}{indent}{words}", self.consume);
        if let Some(len) = self.matches(pos, marked.trim_end()) {
            moves.push(Move {
                to: (pos + len, i + 1, k),
                line: None,
            });
        }
    }

    /// The lines of the other side that can start here: from its marker to
    /// a place where another line can start.
    /// With `blank_first`, only the lines that go after (`Some(true)`) or
    /// before (`Some(false)`) the blank base line `i`.
    fn free_lines(&self, (pos, i, k): State, blank_first: Option<bool>, moves: &mut Vec<Move>) {
        let marker = format!(" {}", self.free);
        if !self.body[pos..].starts_with(&marker) {
            return;
        }
        let start = pos + marker.len();
        // The scan for the line's possible ends below reads the rest of the
        // body and of the base's words.
        if !self
            .work
            .spend(self.body.len() - start + self.words.len() - i)
        {
            return;
        }
        let next_words = self.words[i..]
            .iter()
            .find(|w| !w.is_empty())
            .map(|w| format!(" {w}"));
        let ends = (start..=self.body.len())
            .filter(|&end| self.at_boundary(end))
            .filter(|&end| {
                let rest = &self.body[end..];
                rest.is_empty()
                    || rest.starts_with(" +")
                    || rest.starts_with(" -")
                    || next_words.as_deref().is_some_and(|w| rest.starts_with(w))
            });
        for end in ends {
            let line = &self.body[start..end];
            if blank_first.is_some_and(|first| self.blank_goes_first(line, i) != first) {
                continue;
            }
            moves.push(Move {
                to: (end, i, k + 1),
                line: Some((Marker::Added, line.to_string())),
            });
        }
    }
}

/// A point of the search: (position in the body, base lines read, lines of
/// the other side made).
type State = (usize, usize, usize);

/// A way on from a state: the state it leads to, and the line of the split
/// it makes (none for a line of the consumed side, which is the base's).
#[derive(Clone)]
struct Move {
    to: State,
    line: Option<(Marker, String)>,
}

/// A state on the search's stack: its moves, the next one to try, and
/// whether the move being tried pushed a line.
struct Frame {
    state: State,
    moves: Vec<Move>,
    next: usize,
    pushed: bool,
}

enum Enter {
    Done,
    Failed,
    Frame(Frame),
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
