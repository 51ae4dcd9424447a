//! Git hunks: applied exactly, at the line their header names or the
//! nearest offset where every line matches.

use super::{Applier, ChangeReport, Direction, Edit, Outcome, blank, patch_text};
use crate::diff::{Hunk, HunkHeader, Marker, PatchLine};

impl Applier<'_> {
    pub(super) fn git_hunk(
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
        let expected = self.clamp(if count == 0 {
            start
        } else {
            start.saturating_sub(1)
        });
        let hint = self.hint(expected);
        let text = patch_text(lines);
        if let Some(outcome) = self.count_beyond_base(old.len().min(new.len())) {
            self.report.push(ChangeReport {
                patch_line: hunk.line,
                text,
                outcome,
            });
            return;
        }

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
            (None, None) if self.budget.exhausted() => Outcome::NotApplied {
                reason: self.budget.reason(),
            },
            (None, None) => Outcome::NotApplied {
                reason: format!(
                    "its lines are not in the base (looked for {})",
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

    fn apply_exact(&mut self, at: usize, len: usize, new: &[&str], expected: usize) -> Outcome {
        self.edits.push(Edit {
            start: at,
            end: at + len,
            lines: new.iter().map(|s| s.to_string()).collect(),
        });
        self.cursor = at + len;
        self.drift = Self::drift_of(at, expected);
        Outcome::Applied { line: at + 1 }
    }

    /// Where `block` sits in the base, exactly, nearest to `hint`, not before
    /// the cursor. Candidates come from the index, nearest first, each paid
    /// for by the lines it compares.
    fn find_exact(&self, block: &[&str], hint: usize) -> Option<usize> {
        // Comparing reads at most the block's lines.
        let cost = block.len() + block.iter().map(|l| l.len()).sum::<usize>();
        let fits = |at: usize| {
            at >= self.cursor
                && at + block.len() <= self.base.len()
                && self.budget.spend(cost)
                && block.iter().zip(&self.base[at..]).all(|(a, b)| a == b)
        };
        let Some(first) = block.iter().position(|l| !blank(l)) else {
            return fits(hint).then_some(hint);
        };
        // Positions of the first non-blank line, as block starts.
        let positions = self.index.positions(block[first], self.cursor + first);
        let split = positions.partition_point(|&p| p < hint + first);
        let mut below = positions[..split].iter().rev().map(|&p| p - first);
        let mut above = positions[split..].iter().map(|&p| p - first);
        let (mut low, mut high) = (below.next(), above.next());
        loop {
            let at = match (low, high) {
                (Some(l), Some(h)) if hint - l <= h - hint => {
                    low = below.next();
                    l
                }
                (_, Some(h)) => {
                    high = above.next();
                    h
                }
                (Some(l), None) => {
                    low = below.next();
                    l
                }
                (None, None) => return None,
            };
            if fits(at) {
                return Some(at);
            }
            if self.budget.exhausted() {
                return None;
            }
        }
    }
}
