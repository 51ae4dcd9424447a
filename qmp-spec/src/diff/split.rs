//! Splits a cgit hunk back into lines.
//!
//! cgit's page collapsed every whitespace run of the diff, newlines included,
//! into one space, so a hunk is one long line: ` ctx ctx -removed +added ...`.
//! A '+' or '-' after a space may start a line or sit inside one, and context
//! lines run together. The base decides: the hunk's context and removed lines
//! (its "consumed" lines, for the side being matched) are the base's own, in
//! order, and the `@@` counts fix how many lines each side has. A memoized
//! depth-first search finds the split that satisfies both.
//!
//! The search keeps its own stack (a hunk may have as many lines as the
//! base), makes its moves lazily, one at a time, finds where a line can end
//! through an index of the body's markers instead of rescanning the body, and
//! records lines as ranges of the body: each move costs about a constant, and
//! every one is paid for from the apply's budget.

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
    // Indexing reads the body and the base's lines once.
    if !work.spend(body.len() + consumed.iter().map(|l| l.len() + 1).sum::<usize>()) {
        return None;
    }
    let free = if consume == '-' { '+' } else { '-' };
    let words: Vec<String> = consumed
        .iter()
        .map(|line| normalize_whitespace(line))
        .collect();
    let mut next_word = vec![None; words.len() + 1];
    for i in (0..words.len()).rev() {
        next_word[i] = if words[i].is_empty() {
            next_word[i + 1]
        } else {
            Some(i)
        };
    }
    let markers = body
        .match_indices(" +")
        .chain(body.match_indices(" -"))
        .map(|(at, _)| at)
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .collect();
    // What each base line reads as in the body: as context, and marked as
    // consumed (indented lines keep one space after the marker).
    let context: Vec<String> = words.iter().map(|w| format!(" {w}")).collect();
    let marked: Vec<String> = words
        .iter()
        .zip(consumed)
        .map(|(w, raw)| {
            let indent = if raw.starts_with([' ', '\t']) && !w.is_empty() {
                " "
            } else {
                ""
            };
            format!(" {consume}{indent}{w}").trim_end().to_string()
        })
        .collect();
    let kinds: Vec<Kind> = words.iter().map(|w| Kind::of(w)).collect();
    let mut splitter = Splitter {
        body,
        words,
        context,
        marked,
        kinds,
        next_word,
        markers,
        free,
        other,
        failed: HashSet::new(),
        work,
        out: Vec::new(),
    };
    // git prints the nearest line above the hunk that starts with a letter
    // after the header; collapsed, it reads like a context line.
    let mut found = false;
    if let Some(section) = section.map(normalize_whitespace).filter(|s| !s.is_empty()) {
        let prefix = format!(" {section}");
        found = body.starts_with(&prefix)
            && splitter.at_boundary(prefix.len())
            && splitter.search((prefix.len(), 0, 0));
        if !found {
            splitter.failed.clear();
        }
    }
    if !found && !splitter.search((0, 0, 0)) {
        return None;
    }
    Some(
        splitter
            .out
            .iter()
            .map(|piece| match *piece {
                Piece::Context(i) => (Marker::Context, consumed[i].to_string()),
                Piece::Line(start, end) => (Marker::Added, body[start..end].to_string()),
            })
            .collect(),
    )
}

struct Splitter<'a> {
    body: &'a str,
    words: Vec<String>,
    /// Each base line as context in the body (` words`) and as a consumed
    /// line (` -words`), and its kind.
    context: Vec<String>,
    marked: Vec<String>,
    kinds: Vec<Kind>,
    /// For each base line (and the end), the first non-blank one from it on.
    next_word: Vec<Option<usize>>,
    /// Where a marked line may start in the body (` +`, ` -`), ascending.
    markers: Vec<usize>,
    free: char,
    other: usize,
    /// States known not to lead to a split.
    failed: HashSet<State>,
    /// The apply's budget: every state and every move is paid for from it.
    work: &'a Budget,
    out: Vec<Piece>,
}

/// A point of the search: (position in the body, base lines read, lines of
/// the other side made).
type State = (usize, usize, usize);

/// A line of the split: the base's line `i` as context, or a line of the
/// other side, a range of the body.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Context(usize),
    Line(usize, usize),
}

/// A state on the search's stack, with where it is in making its moves.
struct Frame {
    state: State,
    /// The kinds of move to make, in order, and which is being made.
    phases: [Option<Phase>; 3],
    phase: usize,
    /// Whether the move being tried added a line to `out`.
    pushed: bool,
}

#[derive(Clone, Copy)]
enum Phase {
    /// The next base line as context (`step` 0) or consumed (`step` 1).
    Consumed { step: u8 },
    /// A line of the other side, from `start` to one of its possible ends
    /// (from `next` on), with `blank_first` as in [`Splitter::blank_goes_first`].
    Free {
        start: usize,
        next: usize,
        blank_first: Option<bool>,
    },
}

enum Enter {
    Done,
    Failed,
    Frame(Frame),
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
    /// the split's lines are left in `out`.
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
            let Some((to, piece)) = self.next_move(top) else {
                let state = top.state;
                stack.pop();
                self.failed.insert(state);
                continue;
            };
            if let Some(piece) = piece {
                self.out.push(piece);
                top.pushed = true;
            }
            match self.enter(to) {
                Enter::Done => return true,
                Enter::Failed => {}
                Enter::Frame(frame) => stack.push(frame),
            }
        }
        false
    }

    /// Arrives at a state: the split is complete, this state cannot lead to
    /// one, or the frame that makes its moves.
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
        let free = |blank_first| {
            let marker = [b' ', self.free as u8];
            self.body.as_bytes()[pos..]
                .starts_with(&marker)
                .then_some(Phase::Free {
                    start: pos + 2,
                    next: pos + 2,
                    blank_first,
                })
        };
        let consumed = (i < self.words.len()).then_some(Phase::Consumed { step: 0 });
        // A blank base line leaves nothing in the collapsed text, so it may
        // sit before or after a line of the other side that starts here; the
        // document's structure decides (see `blank_goes_first`).
        let phases = if self.words.get(i).is_some_and(String::is_empty) {
            [free(Some(false)), consumed, free(Some(true))]
        } else {
            [consumed, free(None), None]
        };
        Enter::Frame(Frame {
            state,
            phases,
            phase: 0,
            pushed: false,
        })
    }

    /// The frame's next move: the state it leads to and the line it makes
    /// (none for a consumed line, which is the base's), or `None` when the
    /// frame has tried them all.
    fn next_move(&self, frame: &mut Frame) -> Option<(State, Option<Piece>)> {
        let (pos, i, k) = frame.state;
        while frame.phase < frame.phases.len() {
            if !self.work.spend(1) {
                return None;
            }
            let Some(phase) = &mut frame.phases[frame.phase] else {
                frame.phase += 1;
                continue;
            };
            match phase {
                Phase::Consumed { step } => {
                    if *step == 0 {
                        *step = 1;
                        self.work.spend(self.context[i].len());
                        // Context: a blank one leaves nothing in the collapsed text.
                        let context = if self.words[i].is_empty() {
                            Some(0)
                        } else {
                            self.matches(pos, &self.context[i])
                        };
                        if let Some(len) = context {
                            return Some(((pos + len, i + 1, k + 1), Some(Piece::Context(i))));
                        }
                    }
                    frame.phase += 1;
                    if let Some(len) = self.matches(pos, &self.marked[i]) {
                        return Some(((pos + len, i + 1, k), None));
                    }
                }
                Phase::Free {
                    start,
                    next,
                    blank_first,
                } => {
                    let (start, blank_first) = (*start, *blank_first);
                    match self.line_end(*next, i) {
                        Some(end) => {
                            *next = end + 1;
                            if blank_first.is_some_and(|first| {
                                self.blank_goes_first(&self.body[start..end], i) != first
                            }) {
                                continue;
                            }
                            return Some(((end, i, k + 1), Some(Piece::Line(start, end))));
                        }
                        None => frame.phase += 1,
                    }
                }
            }
        }
        None
    }

    /// The first place from `from` on where a line of the other side can
    /// end, with base line `i` next: before a marked line, before the next
    /// non-blank base line, or at the end of the body.
    fn line_end(&self, from: usize, i: usize) -> Option<usize> {
        let len = self.body.len();
        if from > len {
            return None;
        }
        let marker = self
            .markers
            .get(self.markers.partition_point(|&m| m < from))
            .copied();
        // The next base line's text, searched only as far as the next marker.
        let limit = marker.unwrap_or(len);
        let word = self.next_word[i].and_then(|w| {
            let pattern = &self.context[w];
            let window = self.body.get(from..(limit + pattern.len()).min(len))?;
            self.work.spend(window.len() + pattern.len());
            window
                .match_indices(pattern.as_str())
                .map(|(at, _)| from + at)
                .find(|&at| at <= limit)
        });
        [marker, word, Some(len)].into_iter().flatten().min()
    }

    /// Whether the blank base line `i` comes before `line`, of the other
    /// side: before a section header, after a label
    /// (`Data:`, `Example:`), and before a line of the same kind as the one
    /// after the blank (a bullet before a bullet, a label before a note);
    /// otherwise the new line continues what precedes the blank.
    fn blank_goes_first(&self, line: &str, i: usize) -> bool {
        let new = Kind::of(line.trim_start());
        let previous = i.checked_sub(1).map(|p| self.kinds[p]);
        let next = self.next_word[i].map(|w| self.kinds[w]);
        new == Kind::Header || previous == Some(Kind::Label) || next == Some(new)
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
            || (text.ends_with(':')
                && text.split(' ').take(4).count() <= 3
                && !text.starts_with('"'))
        {
            Kind::Label
        } else {
            Kind::Text
        }
    }
}
