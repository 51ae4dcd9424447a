//! Applies a patch to a base text, forwards or backwards, and reports what
//! happened to every change: applied (where), already applied, or not
//! applied (why). Nothing is dropped silently.
//!
//! Git hunks apply exactly, at the line their header names or the nearest
//! offset where all their lines match. cgit hunks are first split into lines
//! against the base ([`super::split`]). Lossy changes are anchored without line
//! numbers: in order, by whitespace-insensitive matching of their removed
//! lines and of the context lines next to them, so a change is never applied
//! where its context contradicts it.
//!
//! Every change is looked up through an index of the base's lines and applied
//! as an edit of the original base, and every search pays from one
//! [budget](super::budget) for the whole apply, so the work grows with the
//! size of the base plus the patch, not their product, whatever the input.
//! Numbers read from the patch (start lines, counts) are hints and checks,
//! never loop bounds: a start beyond the base is searched from the base's
//! end, a count the base cannot hold is reported.

use std::collections::HashMap;
use std::fmt;

mod cgit;
mod git;
mod lossy;

use super::budget::Budget;
use super::{Dialect, HunkBody, Marker, Patch, PatchLine};
use crate::model::normalize_whitespace;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    /// Undo the patch: what it added is removed, what it removed comes back.
    Reverse,
}

/// The revised text and what happened to each change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    pub report: Vec<ChangeReport>,
    /// The units of work the apply spent, and its budget.
    pub work: Work,
}

/// What an apply spent of its [budget](super::budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    pub spent: u64,
    pub budget: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReport {
    /// Where the change starts in the patch.
    pub patch_line: u32,
    /// The change's lines as the patch writes them, markers included.
    pub text: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied; the change starts at this line of the base (1-based).
    Applied {
        line: usize,
    },
    /// The base already reads as the change would make it, from this line.
    AlreadyApplied {
        line: usize,
    },
    NotApplied {
        reason: String,
    },
}

impl Applied {
    pub fn not_applied(&self) -> impl Iterator<Item = &ChangeReport> {
        self.report
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::NotApplied { .. }))
    }

    pub fn fully_applied(&self) -> bool {
        self.not_applied().next().is_none()
    }
}

impl fmt::Display for ChangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self
            .text
            .lines()
            .find(|l| l.starts_with(['+', '-']))
            .or_else(|| self.text.lines().next())
            .unwrap_or("");
        let first: String = first.chars().take(72).collect();
        match &self.outcome {
            Outcome::Applied { line } => {
                write!(
                    f,
                    "patch line {}: applied at line {line}: {first}",
                    self.patch_line
                )
            }
            Outcome::AlreadyApplied { line } => write!(
                f,
                "patch line {}: already applied (line {line}): {first}",
                self.patch_line
            ),
            Outcome::NotApplied { reason } => {
                write!(f, "patch line {}: NOT applied: {reason}", self.patch_line)?;
                for line in self.text.lines() {
                    write!(f, "\n    {line}")?;
                }
                Ok(())
            }
        }
    }
}

/// Applies `patch` to `base`. Changes that cannot be applied are reported,
/// not fatal: callers that need all of them check [`Applied::fully_applied`].
pub fn apply(base: &str, patch: &Patch, direction: Direction) -> Applied {
    let base_lines: Vec<&str> = base.lines().collect();
    let normalized: Vec<String> = base_lines
        .iter()
        .map(|line| normalize_whitespace(line))
        .collect();
    let mut sections = Vec::with_capacity(base_lines.len() + 1);
    let mut above = None;
    for (i, line) in base_lines.iter().enumerate() {
        sections.push(above);
        if line.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$') {
            above = Some(i);
        }
    }
    sections.push(above);
    let mut next_non_blank = vec![base_lines.len(); base_lines.len() + 1];
    for i in (0..base_lines.len()).rev() {
        next_non_blank[i] = if blank(base_lines[i]) {
            next_non_blank[i + 1]
        } else {
            i
        };
    }
    let mut prev_non_blank = vec![None; base_lines.len() + 1];
    for i in 1..=base_lines.len() {
        prev_non_blank[i] = if blank(base_lines[i - 1]) {
            prev_non_blank[i - 1]
        } else {
            Some(i - 1)
        };
    }
    let mut applier = Applier {
        base: &base_lines,
        index: Index::new(&normalized),
        normalized,
        sections,
        next_non_blank,
        prev_non_blank,
        budget: Budget::for_input(base.len(), patch.size()),
        edits: Vec::new(),
        report: Vec::new(),
        cursor: 0,
        drift: 0,
    };
    for hunk in &patch.hunks {
        if applier.budget.exhausted() {
            applier.report.push(ChangeReport {
                patch_line: hunk.line,
                text: String::new(),
                outcome: Outcome::NotApplied {
                    reason: applier.budget.reason(),
                },
            });
            continue;
        }
        match (&hunk.body, &hunk.header) {
            (HunkBody::Lines(lines), Some(header)) if patch.dialect == Dialect::Git => {
                applier.git_hunk(hunk, header, lines, direction)
            }
            (HunkBody::Collapsed(body), Some(header)) => {
                applier.cgit_hunk(hunk, header, body, direction)
            }
            (HunkBody::Lines(lines), _) => applier.lossy(lines, direction),
            (HunkBody::Collapsed(_), None) => applier.report.push(ChangeReport {
                patch_line: hunk.line,
                text: String::new(),
                outcome: Outcome::NotApplied {
                    reason: "a collapsed hunk without its @@ header".into(),
                },
            }),
        }
    }
    let report = std::mem::take(&mut applier.report);
    let work = Work {
        spent: applier.budget.spent(),
        budget: applier.budget.total(),
    };
    let text = applier.render(base.ends_with('\n') || base.is_empty());
    Applied { text, report, work }
}

/// A replacement of base lines `start..end`.
struct Edit {
    start: usize,
    end: usize,
    lines: Vec<String>,
}

struct Applier<'b> {
    base: &'b [&'b str],
    /// Each base line, whitespace-normalized.
    normalized: Vec<String>,
    /// For each base line, the nearest line above it that git would name
    /// after a hunk header (one that starts with a letter, '_' or '$').
    sections: Vec<Option<usize>>,
    index: Index,
    /// For each base line (and the end), the first non-blank line from it
    /// on, or the base's length.
    next_non_blank: Vec<usize>,
    /// For each base line (and the end), the last non-blank line before it.
    prev_non_blank: Vec<Option<usize>>,
    /// What the searches of this apply may still spend.
    budget: Budget,
    edits: Vec<Edit>,
    report: Vec<ChangeReport>,
    /// Changes apply in order: none starts before this base line.
    cursor: usize,
    /// How far the last hunk sat from where its header said.
    drift: isize,
}

/// Where each non-blank line of the base is, by its whitespace-normalized text.
struct Index(HashMap<String, Vec<usize>>);

impl Index {
    fn new(normalized: &[String]) -> Self {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, line) in normalized.iter().enumerate() {
            if !line.is_empty() {
                map.entry(line.clone()).or_default().push(i);
            }
        }
        Index(map)
    }

    /// The positions of `text`, from `from` on.
    fn positions(&self, text: &str, from: usize) -> &[usize] {
        match self.0.get(&normalize_whitespace(text)) {
            Some(all) => &all[all.partition_point(|&p| p < from)..],
            None => &[],
        }
    }
}

/// Lines of context git prints around a change.
const CONTEXT: usize = 3;

fn same(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The indentation lossy dialects lost, as the parser needs it back: an
/// added line that kept a space after its marker was indented (a nested
/// bullet, a continuation, a value line); two spaces read the same.
fn reindent(text: &str) -> String {
    if text.starts_with([' ', '\t']) && !blank(text) {
        format!("  {}", normalize_whitespace(text))
    } else {
        text.trim_end().to_string()
    }
}

fn patch_text(lines: &[PatchLine]) -> String {
    lines
        .iter()
        .map(|line| {
            let marker = match line.marker {
                Marker::Context => " ",
                Marker::Added => "+",
                Marker::Removed => "-",
                // A '-' line keeps its marker in its text.
                Marker::Minus => "",
            };
            format!("{marker}{}", line.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Applier<'_> {
    /// A line number read from the patch, as a position in the base: past
    /// the end it is the end (a hint to search from, never a loop bound).
    fn clamp(&self, line: usize) -> usize {
        line.min(self.base.len())
    }

    /// How far `at` is from `expected`, both within the base.
    fn drift_of(at: usize, expected: usize) -> isize {
        // Both are at most the base's length, which fits an isize.
        at as isize - expected as isize
    }

    /// The hint for a hunk expected at `expected`: moved by the last drift,
    /// within the base.
    fn hint(&self, expected: usize) -> usize {
        self.clamp(expected.saturating_add_signed(self.drift))
    }

    /// Where a hunk was looked for, for a report: the line the search started
    /// from, and the header's own when it lies beyond the base.
    fn looked_near(&self, start: usize, hint: usize) -> String {
        if start > self.base.len() + 1 {
            format!(
                "near line {} (its header says line {start}, beyond the base's {} lines)",
                hint + 1,
                self.base.len()
            )
        } else {
            format!("near line {}", hint + 1)
        }
    }

    /// Why a hunk whose header counts `count` lines of the base cannot apply,
    /// if the base is shorter than that.
    fn count_beyond_base(&self, count: usize) -> Option<Outcome> {
        (count > self.base.len()).then(|| self.count_reason(count))
    }

    fn count_reason(&self, count: usize) -> Outcome {
        Outcome::NotApplied {
            reason: format!(
                "its header counts {count} lines of the base, which has only {}",
                self.base.len()
            ),
        }
    }

    fn render(self, final_newline: bool) -> String {
        let mut edits = self.edits;
        edits.sort_by_key(|e| (e.start, e.end));
        let mut out: Vec<String> = Vec::with_capacity(self.base.len());
        let mut at = 0;
        for edit in edits {
            if edit.start < at {
                continue;
            }
            out.extend(self.base[at..edit.start].iter().map(|s| s.to_string()));
            out.extend(edit.lines);
            at = edit.end;
        }
        out.extend(self.base[at..].iter().map(|s| s.to_string()));
        let mut text = out.join("\n");
        if final_newline && !text.is_empty() {
            text.push('\n');
        }
        text
    }
}
