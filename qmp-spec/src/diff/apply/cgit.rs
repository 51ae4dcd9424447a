//! cgit hunks: split back into lines against the base
//! ([`crate::diff::split`]), then applied at the line the header names or
//! the nearest offset where the split fits.

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
                split::split(body, &self.base[at..at + consumed], consume, other, section)
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
}
