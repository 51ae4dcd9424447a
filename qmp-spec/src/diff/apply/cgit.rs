//! cgit hunks: split back into lines against the base
//! ([`crate::diff::split`]), then applied at the line the header names or
//! the nearest offset where the split fits.

use std::cell::RefCell;
use std::collections::HashSet;

use super::{Applier, ChangeReport, Direction, Edit, Outcome, reindent};
use crate::diff::{Hunk, HunkHeader, Marker, split};

impl Applier<'_> {
    pub(super) fn cgit_hunk(
        &mut self,
        hunk: &Hunk,
        header: &HunkHeader,
        body: &str,
        direction: Direction,
    ) {
        let (take, give) = match direction {
            Direction::Forward => ('-', '+'),
            Direction::Reverse => ('+', '-'),
        };
        let (start, count, other_count) = match direction {
            Direction::Forward => (header.old_start, header.old_count, header.new_count),
            Direction::Reverse => (header.new_start, header.new_count, header.old_count),
        };
        let expected = self.clamp(if count == 0 {
            start
        } else {
            start.saturating_sub(1)
        });
        let hint = self.hint(expected);
        let text = format!(
            "@@ -{},{} +{},{} @@{body}",
            header.old_start, header.old_count, header.new_start, header.new_count
        );
        if let Some(outcome) = self
            .count_beyond_base(count.min(other_count))
            .or_else(|| lines_beyond_body(body, count, other_count))
        {
            self.report.push(ChangeReport {
                patch_line: hunk.line,
                text,
                outcome,
            });
            return;
        }

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
            (None, None) if self.budget.exhausted() => Outcome::NotApplied {
                reason: self.budget.reason(),
            },
            (None, None) if count > self.base.len() => self.count_reason(count),
            (None, None) => Outcome::NotApplied {
                reason: format!(
                    "no split of the collapsed hunk into {count} lines of the base and {other_count} \
                     lines of the result fits the base {}",
                    self.looked_near(start, hint)
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
        self.drift = Self::drift_of(at, expected);
        Outcome::Applied { line: at + 1 }
    }

    /// Splits the collapsed hunk at the base position nearest `hint` where its
    /// `consumed` lines are the base's own; returns that position and the
    /// lines of the other side. Positions are the base's (never counted from
    /// a number in the patch); each try is paid for from the apply's budget.
    fn split_near(
        &self,
        body: &str,
        hint: usize,
        consume: char,
        consumed: usize,
        other: usize,
    ) -> Option<(usize, Vec<(Marker, String)>)> {
        let last = self.base.len().checked_sub(consumed)?;
        if self.cursor > last {
            return None;
        }
        let hint = hint.clamp(self.cursor, last);
        // Base lines' texts found nowhere in the body: a position that has
        // one is passed over without scanning the body again.
        let absent: RefCell<HashSet<&str>> = RefCell::default();
        // Nearest first: the hint, then one line below and one above it, ...
        let reach = (hint - self.cursor).max(last - hint);
        (0..=reach)
            .flat_map(|d| {
                [
                    Some(hint + d).filter(|&at| at <= last),
                    hint.checked_sub(d).filter(|&at| d > 0 && at >= self.cursor),
                ]
            })
            .flatten()
            .take_while(|_| !self.budget.exhausted())
            .filter(|&at| self.in_order(body, &self.normalized[at..at + consumed], &absent))
            .find_map(|at| {
                let section = self.sections[at].map(|line| self.base[line]);
                split::split(
                    body,
                    &self.base[at..at + consumed],
                    consume,
                    other,
                    section,
                    &self.budget,
                )
                .map(|lines| (at, lines))
            })
    }

    /// Whether the non-blank `lines` occur in `body` in order: a quick test
    /// that every split needs to pass, paid for by what it scans. A line not
    /// found from the body's start is remembered in `absent`.
    fn in_order<'l>(
        &self,
        body: &str,
        lines: &'l [String],
        absent: &RefCell<HashSet<&'l str>>,
    ) -> bool {
        let mut from = 0;
        lines.iter().filter(|line| !line.is_empty()).all(|line| {
            if !self.budget.spend(1) || absent.borrow().contains(line.as_str()) {
                return false;
            }
            match body[from..].find(line.as_str()) {
                Some(at) => {
                    let scanned = at + line.len();
                    from += scanned;
                    self.budget.spend(scanned + line.len())
                }
                None => {
                    self.budget.spend(body.len() - from + line.len());
                    if from == 0 {
                        absent.borrow_mut().insert(line.as_str());
                    }
                    false
                }
            }
        })
    }
}

/// Why a collapsed hunk cannot hold the lines its header counts, if it
/// cannot: every line of the side the base does not have is either a line
/// of the base (context) or a line of its own, which leaves its marker in
/// the collapsed text.
fn lines_beyond_body(body: &str, count: usize, other_count: usize) -> Option<Outcome> {
    let markers = body.matches(" +").count() + body.matches(" -").count();
    (other_count > count.saturating_add(markers)).then(|| Outcome::NotApplied {
        reason: format!(
            "its header counts {other_count} lines of the result, more than its {count} lines \
             of the base and {markers} marked lines can make"
        ),
    })
}
