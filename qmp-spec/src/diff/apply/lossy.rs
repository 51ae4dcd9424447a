//! Lossy changes: anchored without line numbers, in order, by
//! whitespace-insensitive matching of their removed lines and of the context
//! next to them; a '-' line is read as context or as removed according to
//! the base.

use super::{
    Applier, CONTEXT, ChangeReport, Direction, Edit, Outcome, blank, patch_text, reindent, same,
};
use crate::diff::{Marker, PatchLine};
use crate::model::normalize_whitespace;

impl Applier<'_> {
    pub(super) fn lossy(&mut self, lines: &[PatchLine], direction: Direction) {
        let lines = &self.resolve_context_runs(resolve_underlines(lines));
        // A change is a run of added and '-' lines; the context lines around
        // it anchor it.
        let mut start = 0;
        while start < lines.len() {
            if lines[start].marker == Marker::Context {
                start += 1;
                continue;
            }
            let end = lines[start..]
                .iter()
                .position(|l| l.marker == Marker::Context)
                .map_or(lines.len(), |n| start + n);
            let before_start = lines[..start]
                .iter()
                .rposition(|l| l.marker != Marker::Context)
                .map_or(0, |p| p + 1);
            let after_end = lines[end..]
                .iter()
                .position(|l| l.marker != Marker::Context)
                .map_or(lines.len(), |n| end + n);
            let before: Vec<&str> = lines[before_start..start]
                .iter()
                .map(|l| l.text.as_str())
                .filter(|t| !blank(t))
                .collect();
            let after: Vec<&str> = lines[end..after_end]
                .iter()
                .map(|l| l.text.as_str())
                .filter(|t| !blank(t))
                .collect();
            let change = &lines[start..end];
            let outcome = self.lossy_change(change, &before, &after, direction);
            self.report.push(ChangeReport {
                patch_line: change[0].line,
                text: patch_text(change),
                outcome,
            });
            start = end;
        }
    }

    /// Marks as context the runs of '-' lines (no added line among them)
    /// that, read as context, stand in the base just as written, right before
    /// the context line that follows them: bullets (`- "len": ...`) between
    /// two hunks, not removed lines.
    fn resolve_context_runs(&self, mut lines: Vec<PatchLine>) -> Vec<PatchLine> {
        let mut start = 0;
        while start < lines.len() {
            if lines[start].marker != Marker::Minus {
                start += 1;
                continue;
            }
            let end = lines[start..]
                .iter()
                .position(|l| l.marker != Marker::Minus)
                .map_or(lines.len(), |n| start + n);
            let only_minus = lines
                .get(end)
                .is_none_or(|next| next.marker == Marker::Context)
                && (start == 0 || lines[start - 1].marker == Marker::Context);
            if only_minus {
                let steps: Vec<Step<'_>> = lines[start..end]
                    .iter()
                    .map(|l| Step::Match {
                        text: &l.text,
                        keep: true,
                    })
                    .collect();
                let after = lines[end..]
                    .iter()
                    .find(|l| !blank(&l.text))
                    .map(|l| l.text.as_str());
                let reads_as_context =
                    self.index
                        .positions(&lines[start].text, 0)
                        .iter()
                        .any(|&at| {
                            self.walk(&steps, at).is_some_and(|found| {
                                after.is_none_or(|want| {
                                    self.next_non_blank(found.end)
                                        .is_some_and(|p| same(self.base[p], want))
                                })
                            })
                        });
                if reads_as_context {
                    for line in &mut lines[start..end] {
                        line.marker = Marker::Context;
                    }
                }
            }
            start = end;
        }
        lines
    }

    fn lossy_change(
        &mut self,
        change: &[PatchLine],
        before: &[&str],
        after: &[&str],
        direction: Direction,
    ) -> Outcome {
        let old = steps(change, direction, Side::Old);
        let new = steps(change, direction, Side::New);
        // Both sides may match: a change at the end of the file has no context
        // after it, so an insertion's old side (nothing) matches again once
        // applied, and a deletion's new side matches before. The side that
        // matches more of the base is the one the base reads.
        let applied = self.anchor(&new, before, after);
        let pending = self.anchor(&old, before, after);
        match (pending, applied) {
            // At different places, the new lines elsewhere are another
            // section's (block jobs share their field lists).
            (Some(found), Some(done)) if !found.overlaps(&done) || found.matched > done.matched => {
                self.edit(found)
            }
            (_, Some(done)) => {
                self.cursor = done.end;
                Outcome::AlreadyApplied {
                    line: done.start + 1,
                }
            }
            (Some(found), None) => self.edit(found),
            (None, None) => Outcome::NotApplied {
                reason: self.why_not(&old, before, after),
            },
        }
    }

    fn edit(&mut self, found: Found) -> Outcome {
        self.cursor = found.end;
        let line = found.start + 1;
        self.edits.push(Edit {
            start: found.start,
            end: found.end,
            lines: found.lines,
        });
        Outcome::Applied { line }
    }

    fn why_not(&self, old: &[Step<'_>], before: &[&str], after: &[&str]) -> String {
        match old.iter().find_map(Step::anchor_text) {
            Some(text) if self.index.positions(text, self.cursor).is_empty() => {
                format!(
                    "{:?} is not in the base after line {}",
                    normalize_whitespace(text),
                    self.cursor
                )
            }
            Some(_) => {
                "its lines are in the base, but never with the context the patch gives them".into()
            }
            None if before.is_empty() && after.is_empty() => {
                "it has no context to anchor it".into()
            }
            None => "its context is not in the base".into(),
        }
    }

    /// The first place, from the cursor on, where the steps walk the base and
    /// the context next to them agrees.
    fn anchor(&self, steps: &[Step<'_>], before: &[&str], after: &[&str]) -> Option<Found> {
        // A step that must meet a line the base lacks from the cursor on
        // fails every walk: none is tried (one index look-up per step).
        if !self.budget.spend(steps.len()) {
            return None;
        }
        let missing = steps.iter().any(|step| {
            step.anchor_texts().is_some_and(|texts| {
                texts
                    .iter()
                    .all(|t| self.index.positions(t, self.cursor).is_empty())
            })
        });
        if missing {
            return None;
        }
        let candidates: Vec<usize> = match steps.iter().find_map(Step::anchor_texts) {
            Some(texts) => {
                let mut all: Vec<usize> = texts
                    .iter()
                    .flat_map(|t| self.index.positions(t, self.cursor).iter().copied())
                    .collect();
                all.sort_unstable();
                all.dedup();
                all
            }
            None => match (before.last(), after.first()) {
                (Some(last), _) => {
                    let from = self.cursor.saturating_sub(1);
                    self.index
                        .positions(last, from)
                        .iter()
                        .map(|&p| p + 1)
                        .collect()
                }
                (None, Some(first)) => self.index.positions(first, self.cursor).to_vec(),
                (None, None) => Vec::new(),
            },
        };
        if !self.budget.spend(candidates.len()) {
            return None;
        }
        candidates.into_iter().find_map(|at| {
            // An anchor found through the context after the change inserts
            // after any blank lines that follow the context before it.
            let at = if steps.iter().all(|s| s.anchor_text().is_none()) && !after.is_empty() {
                self.next_non_blank(at)?
            } else {
                at
            };
            let found = self.walk(steps, at)?;
            // The context next to a change must be next to it in the base. A
            // change whose own first or last line is context ('-' lines read
            // as context) is anchored on that side already: the context line
            // beyond may open the next hunk. git keeps three lines of
            // context, so a change with none on one side has nothing but
            // blank lines within three lines that way.
            let before_ok = found.context_first
                || match before.last() {
                    Some(want) => self
                        .prev_non_blank(at)
                        .is_some_and(|p| same(self.base[p], want)),
                    None => self.prev_non_blank(at).is_none_or(|p| p + CONTEXT < at),
                };
            let after_ok = found.context_last
                || match after.first() {
                    Some(want) => self
                        .next_non_blank(found.end)
                        .is_some_and(|p| same(self.base[p], want)),
                    None => self
                        .next_non_blank(found.end)
                        .is_none_or(|p| p >= found.end + CONTEXT),
                };
            (before_ok && after_ok).then_some(found)
        })
    }

    fn prev_non_blank(&self, at: usize) -> Option<usize> {
        self.prev_non_blank.get(at).copied().flatten()
    }

    fn next_non_blank(&self, at: usize) -> Option<usize> {
        self.next_non_blank
            .get(at)
            .copied()
            .filter(|&p| p < self.base.len())
    }

    /// Walks the steps over the base from `at`: what they match must be there
    /// (blank base lines between are kept), what they insert is inserted.
    fn walk(&self, steps: &[Step<'_>], at: usize) -> Option<Found> {
        let mut q = at;
        let mut lines = Vec::new();
        let mut matched = 0;
        // Per step that kept, dropped or inserted a line: whether it kept one.
        let mut kinds: Vec<bool> = Vec::with_capacity(steps.len());
        for step in steps {
            if !self.budget.spend(1) {
                return None;
            }
            match step {
                Step::Insert(text) => {
                    lines.push(text.clone());
                    kinds.push(false);
                }
                // Blank lines are matched where they are, if they are: lossy
                // pages drop blank context lines, so blanks never anchor.
                Step::Match {
                    text: blank_text,
                    keep,
                }
                | Step::Either {
                    stripped: blank_text,
                    keep_stripped: keep,
                    ..
                } if blank(blank_text) => {
                    if q < self.base.len() && blank(self.base[q]) {
                        if *keep {
                            lines.push(self.base[q].to_string());
                        }
                        kinds.push(false);
                        q += 1;
                    }
                }
                _ => {
                    let p = self.next_non_blank.get(q).copied().unwrap_or(q);
                    // The blank lines skipped are copied.
                    if !self.budget.spend(p - q) {
                        return None;
                    }
                    let line = self.base.get(p).copied();
                    // Comparing reads at most the base line.
                    if !self.budget.spend(line.map_or(0, str::len)) {
                        return None;
                    }
                    let outcome = line.and_then(|line| step.meets(line));
                    match (outcome, step) {
                        (Some(keep), _) => {
                            matched += 1;
                            kinds.push(
                                keep && matches!(step, Step::Either { .. } | Step::Optional { .. }),
                            );
                            lines.extend(self.base[q..p].iter().map(|s| s.to_string()));
                            if keep {
                                lines.push(self.base[p].to_string());
                            }
                            q = p + 1;
                        }
                        (None, Step::Optional { fallback, .. }) => {
                            if let Some(text) = fallback {
                                lines.push(text.clone());
                                kinds.push(false);
                            }
                        }
                        (None, _) => return None,
                    }
                }
            }
        }
        Some(Found {
            start: at,
            end: q,
            lines,
            matched,
            context_first: kinds.first() == Some(&true),
            context_last: kinds.last() == Some(&true),
        })
    }
}

struct Found {
    start: usize,
    end: usize,
    lines: Vec<String>,
    /// How many non-blank base lines the steps matched.
    matched: usize,
    /// The first and last of the steps' lines are context ('-' lines read
    /// as context): the change brings its own context on that side.
    context_first: bool,
    context_last: bool,
}

impl Found {
    fn overlaps(&self, other: &Found) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// One line of a lossy change, as the base must show it.
enum Step<'p> {
    /// The line must be there; it stays (`keep`) or goes.
    Match {
        text: &'p str,
        keep: bool,
    },
    /// A '-' line: context that starts with '-' (stays), or a removed line
    /// (`stripped`: stays when `keep_stripped`, else goes).
    Either {
        full: &'p str,
        stripped: &'p str,
        keep_stripped: bool,
    },
    /// Stays if there; otherwise `fallback` is inserted.
    Optional {
        full: &'p str,
        fallback: Option<String>,
    },
    Insert(String),
}

impl Step<'_> {
    /// Whether `line` meets the step, and if so whether it stays.
    fn meets(&self, line: &str) -> Option<bool> {
        match self {
            Step::Match { text, keep } => same(line, text).then_some(*keep),
            Step::Either {
                full,
                stripped,
                keep_stripped,
            } => {
                if same(line, full) {
                    Some(true)
                } else {
                    same(line, stripped).then_some(*keep_stripped)
                }
            }
            Step::Optional { full, .. } => same(line, full).then_some(true),
            Step::Insert(_) => None,
        }
    }

    /// The texts a base line must have for this step to start a match.
    fn anchor_texts(&self) -> Option<Vec<&str>> {
        match self {
            Step::Match { text, .. } if !blank(text) => Some(vec![text]),
            Step::Either { full, stripped, .. } if !blank(stripped) => Some(vec![full, stripped]),
            _ => None,
        }
    }

    fn anchor_text(&self) -> Option<&str> {
        self.anchor_texts().and_then(|texts| texts.last().copied())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// What the base reads before the change.
    Old,
    /// What it reads after.
    New,
}

/// Marks as context the '-' lines that are a section header's underline: all
/// dashes, right after a context line, and not replaced by another underline
/// (which would be a fix of its length).
fn resolve_underlines(lines: &[PatchLine]) -> Vec<PatchLine> {
    let dashes = |line: &PatchLine| line.text.len() >= 3 && line.text.chars().all(|c| c == '-');
    let mut out = lines.to_vec();
    for i in 1..lines.len() {
        let underline = lines[i].marker == Marker::Minus
            && dashes(&lines[i])
            && lines[i - 1].marker == Marker::Context
            && !lines
                .get(i + 1)
                .is_some_and(|next| next.marker == Marker::Added && dashes(next));
        if underline {
            out[i].marker = Marker::Context;
        }
    }
    out
}

/// A lossy change's lines as steps over the base, for one side of it.
fn steps(change: &[PatchLine], direction: Direction, side: Side) -> Vec<Step<'_>> {
    use {Direction::*, Side::*};
    change
        .iter()
        .filter_map(|line| {
            let text = line.text.as_str();
            match (line.marker, direction, side) {
                (Marker::Context, _, _) => Some(Step::Match { text, keep: true }),
                // Added lines are inserted going forward, and found once applied.
                (Marker::Added, Forward, Old) | (Marker::Removed, Reverse, Old) => {
                    Some(Step::Insert(reindent(text)))
                }
                (Marker::Added, Forward, New) | (Marker::Removed, Reverse, New) => {
                    Some(Step::Match { text, keep: true })
                }
                (Marker::Added, Reverse, Old) | (Marker::Removed, Forward, Old) => {
                    Some(Step::Match { text, keep: false })
                }
                (Marker::Added, Reverse, New) | (Marker::Removed, Forward, New) => None,
                (Marker::Minus, _, _) => Some(minus_step(text, direction, side)),
            }
        })
        .collect()
}

/// A lossy '-' line (`full`, marker included) is context that starts with
/// '-', or a removed line (`full` without its marker): the base decides.
fn minus_step(full: &str, direction: Direction, side: Side) -> Step<'_> {
    let stripped = full.get(1..).unwrap_or("");
    match (direction, side) {
        // The text before the change: context stays, a removed line goes.
        (Direction::Forward, Side::Old) => Step::Either {
            full,
            stripped,
            keep_stripped: false,
        },
        // The text after it: context is there; a removed line is gone.
        (Direction::Forward, Side::New) => Step::Optional {
            full,
            fallback: None,
        },
        // Undoing the change: context is there; a removed line comes back.
        (Direction::Reverse, Side::Old) => Step::Optional {
            full,
            fallback: Some(reindent(stripped)),
        },
        // Undone: both readings are there.
        (Direction::Reverse, Side::New) => Step::Either {
            full,
            stripped,
            keep_stripped: true,
        },
    }
}
