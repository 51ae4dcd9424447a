//! Applies a patch to a base text, forwards or backwards, and reports what
//! happened to every change: applied (where), already applied, or not
//! applied (why). Nothing is dropped silently.
//!
//! Git hunks apply exactly, at the line their header names or the nearest
//! offset where all their lines match. cgit hunks are first split into lines
//! against the base ([`super::cgit`]). Lossy changes are anchored without line
//! numbers: in order, by whitespace-insensitive matching of their removed
//! lines and of the context lines next to them, so a change is never applied
//! where its context contradicts it.
//!
//! Every change is looked up through an index of the base's lines and applied
//! as an edit of the original base, so the work grows with the size of the
//! base plus the patch, not their product.

use std::collections::HashMap;
use std::fmt;

use super::{Dialect, Hunk, HunkBody, HunkHeader, Marker, Patch, PatchLine, cgit};
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
    let mut applier = Applier {
        base: &base_lines,
        index: Index::new(&normalized),
        normalized,
        sections,
        edits: Vec::new(),
        report: Vec::new(),
        cursor: 0,
        drift: 0,
    };
    for hunk in &patch.hunks {
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
    let text = applier.render(base.ends_with('\n') || base.is_empty());
    Applied { text, report }
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

// ---------------------------------------------------------------- git

impl Applier<'_> {
    fn git_hunk(
        &mut self,
        hunk: &Hunk,
        header: &HunkHeader,
        lines: &[PatchLine],
        direction: Direction,
    ) {
        let (take, give) = match direction {
            Direction::Forward => (Marker::Removed, Marker::Added),
            Direction::Reverse => (Marker::Added, Marker::Removed),
        };
        let old: Vec<&str> = lines
            .iter()
            .filter(|l| l.marker != give)
            .map(|l| l.text.as_str())
            .collect();
        let new: Vec<&str> = lines
            .iter()
            .filter(|l| l.marker != take)
            .map(|l| l.text.as_str())
            .collect();
        let (start, count) = match direction {
            Direction::Forward => (header.old_start, header.old_count),
            Direction::Reverse => (header.new_start, header.new_count),
        };
        // `@@ -5,0 ...` inserts after line 5; otherwise the hunk starts at its line.
        let expected = if count == 0 {
            start
        } else {
            start.saturating_sub(1)
        };
        let hint = (expected as isize + self.drift).max(0) as usize;
        let text = patch_text(lines);

        let old_at = self.find_exact(&old, hint);
        let new_at = self.find_exact(&new, hint);
        let outcome = match (old_at, new_at) {
            // The new lines elsewhere do not make this place applied; at the
            // same place (a change at the end of the file), the longer side
            // is the one the base reads.
            (Some(at), Some(new_at)) if at != new_at || old.len() > new.len() => {
                self.apply_exact(at, old.len(), &new, expected)
            }
            (_, Some(at)) => {
                self.cursor = at + new.len();
                Outcome::AlreadyApplied { line: at + 1 }
            }
            (Some(at), None) => self.apply_exact(at, old.len(), &new, expected),
            (None, None) => Outcome::NotApplied {
                reason: format!(
                    "its lines are not in the base (expected at line {})",
                    hint + 1
                ),
            },
        };
        self.report.push(ChangeReport {
            patch_line: hunk.line,
            text,
            outcome,
        });
    }

    fn apply_exact(&mut self, at: usize, len: usize, new: &[&str], expected: usize) -> Outcome {
        self.edits.push(Edit {
            start: at,
            end: at + len,
            lines: new.iter().map(|s| s.to_string()).collect(),
        });
        self.cursor = at + len;
        self.drift = at as isize - expected as isize;
        Outcome::Applied { line: at + 1 }
    }

    /// Where `block` sits in the base, exactly, nearest to `hint`, not before
    /// the cursor.
    fn find_exact(&self, block: &[&str], hint: usize) -> Option<usize> {
        let fits = |at: usize| {
            at >= self.cursor
                && at + block.len() <= self.base.len()
                && block.iter().zip(&self.base[at..]).all(|(a, b)| a == b)
        };
        let Some(first) = block.iter().position(|l| !blank(l)) else {
            return fits(hint).then_some(hint);
        };
        let lookup = self.cursor + first;
        let mut candidates: Vec<usize> = self
            .index
            .positions(block[first], lookup)
            .iter()
            .filter_map(|&p| p.checked_sub(first))
            .collect();
        candidates.sort_by_key(|&p| (p.abs_diff(hint), p));
        candidates.into_iter().find(|&p| fits(p))
    }

    // ------------------------------------------------------------ cgit

    fn cgit_hunk(&mut self, hunk: &Hunk, header: &HunkHeader, body: &str, direction: Direction) {
        let (take, give) = match direction {
            Direction::Forward => ('-', '+'),
            Direction::Reverse => ('+', '-'),
        };
        let (start, count, other_count) = match direction {
            Direction::Forward => (header.old_start, header.old_count, header.new_count),
            Direction::Reverse => (header.new_start, header.new_count, header.old_count),
        };
        let expected = if count == 0 {
            start
        } else {
            start.saturating_sub(1)
        };
        let hint = (expected as isize + self.drift).max(0) as usize;
        let text = format!(
            "@@ -{},{} +{},{} @@{body}",
            header.old_start, header.old_count, header.new_start, header.new_count
        );

        let pending = self.split_near(body, hint, take, count, other_count);
        // Both sides can fit at one place only where the hunk has no context
        // on one side (at the start or the end of the file): its lines begin
        // or end with a changed line.
        let open_ended = |lines: &[(Marker, String)]| {
            lines.first().is_none_or(|l| l.0 != Marker::Context)
                || lines.last().is_none_or(|l| l.0 != Marker::Context)
        };
        let done = match &pending {
            Some((_, lines)) if !open_ended(lines) => None,
            _ => self.split_near(body, hint, give, other_count, count),
        };
        let outcome = match (pending, done) {
            // Both sides fit at the same place (a hunk at the end of the
            // file): the longer one is what the base reads.
            (Some((at, lines)), Some((done_at, _)))
                if done_at.abs_diff(at) > count.max(other_count) || count > other_count =>
            {
                self.apply_collapsed(at, count, lines, expected)
            }
            (_, Some((at, _))) => {
                self.cursor = at + other_count;
                Outcome::AlreadyApplied { line: at + 1 }
            }
            (Some((at, lines)), None) => self.apply_collapsed(at, count, lines, expected),
            (None, None) => Outcome::NotApplied {
                reason: format!(
                    "no split of the collapsed hunk into {count} lines of the base and {other_count} \
                     lines of the result fits the base near line {}",
                    hint + 1
                ),
            },
        };
        self.report.push(ChangeReport {
            patch_line: hunk.line,
            text,
            outcome,
        });
    }

    fn apply_collapsed(
        &mut self,
        at: usize,
        count: usize,
        lines: Vec<(Marker, String)>,
        expected: usize,
    ) -> Outcome {
        let lines = lines
            .into_iter()
            .map(|(marker, line)| {
                if marker == Marker::Context {
                    line
                } else {
                    reindent(&line)
                }
            })
            .collect();
        self.edits.push(Edit {
            start: at,
            end: at + count,
            lines,
        });
        self.cursor = at + count;
        self.drift = at as isize - expected as isize;
        Outcome::Applied { line: at + 1 }
    }

    /// Splits the collapsed hunk at the base position nearest `hint` where its
    /// `consumed` lines are the base's own; returns that position and the
    /// lines of the other side.
    fn split_near(
        &self,
        body: &str,
        hint: usize,
        consume: char,
        consumed: usize,
        other: usize,
    ) -> Option<(usize, Vec<(Marker, String)>)> {
        let reach = self.base.len().max(hint) + 1;
        (0..reach)
            .flat_map(|d| [hint.checked_add(d), hint.checked_sub(d).filter(|_| d > 0)])
            .flatten()
            .filter(|&at| at >= self.cursor && at + consumed <= self.base.len())
            .filter(|&at| self.in_order(body, &self.normalized[at..at + consumed]))
            .find_map(|at| {
                let section = self.sections[at].map(|line| self.base[line]);
                cgit::split(body, &self.base[at..at + consumed], consume, other, section)
                    .map(|lines| (at, lines))
            })
    }

    /// Whether the non-blank `lines` occur in `body` in order: a quick test
    /// that every split needs to pass.
    fn in_order(&self, body: &str, lines: &[String]) -> bool {
        let mut from = 0;
        lines.iter().filter(|line| !line.is_empty()).all(|line| {
            match body[from..].find(line.as_str()) {
                Some(at) => {
                    from += at + line.len();
                    true
                }
                None => false,
            }
        })
    }

    // ------------------------------------------------------------ lossy

    fn lossy(&mut self, lines: &[PatchLine], direction: Direction) {
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
        (0..at).rev().find(|&p| !blank(self.base[p]))
    }

    fn next_non_blank(&self, at: usize) -> Option<usize> {
        (at..self.base.len()).find(|&p| !blank(self.base[p]))
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
                    let mut p = q;
                    while p < self.base.len() && blank(self.base[p]) {
                        p += 1;
                    }
                    let line = self.base.get(p).copied();
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
