//! The work one apply may do.
//!
//! Finding where a change goes is a search: a cgit hunk's split into lines,
//! a lossy change's anchor, a git hunk's offset. Each step of every search
//! (a line compared, a byte scanned, a state visited) is paid for from one
//! budget for the whole apply, proportional to the size of the base plus the
//! patch. So an apply is linear in its input by construction, whatever the
//! input: a search that would need more is reported as not applied, with
//! the reason, instead of running for minutes.

use std::cell::Cell;

/// Units of work per byte of base and patch. The real history spends at
/// most about 34 units per byte, on cgit pages split against their base
/// (the round trips of `tests/tests/history.rs`); the tests check that every
/// real apply stays under a tenth of its budget.
pub const WORK_PER_BYTE: u64 = 512;

/// The least any apply may spend, so that tiny inputs are never starved.
pub const MIN_WORK: u64 = 1 << 20;

#[derive(Debug)]
pub(crate) struct Budget {
    total: u64,
    left: Cell<u64>,
}

impl Budget {
    /// The budget for a base and a patch of these sizes, in bytes.
    pub(crate) fn for_input(base_bytes: usize, patch_bytes: usize) -> Self {
        let bytes = (base_bytes as u64).saturating_add(patch_bytes as u64);
        let total = bytes.saturating_mul(WORK_PER_BYTE).saturating_add(MIN_WORK);
        Budget {
            total,
            left: Cell::new(total),
        }
    }

    /// Pays for `units` of work: false, and nothing left, when the budget
    /// cannot cover them.
    pub(crate) fn spend(&self, units: usize) -> bool {
        let units = units.max(1) as u64;
        match self.left.get().checked_sub(units) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.left.get() == 0
    }

    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    pub(crate) fn spent(&self) -> u64 {
        self.total - self.left.get()
    }

    /// Why a change was not applied once the budget ran out.
    pub(crate) fn reason(&self) -> String {
        format!(
            "not searched to the end: this apply spent its budget of {} units of work \
             ({WORK_PER_BYTE} per byte of base and patch); the patch allows too many readings",
            self.total
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_the_total() {
        let budget = Budget::for_input(0, 0);
        assert_eq!(budget.total(), MIN_WORK);
        assert!(budget.spend(MIN_WORK as usize - 1));
        assert!(!budget.exhausted());
        assert!(budget.spend(1));
        assert!(budget.exhausted());
        assert!(!budget.spend(1));
        assert_eq!(budget.spent(), MIN_WORK);
    }

    #[test]
    fn huge_sizes_saturate() {
        let budget = Budget::for_input(usize::MAX, usize::MAX);
        assert_eq!(budget.total(), u64::MAX);
        assert!(!budget.spend(usize::MAX) || budget.spent() == usize::MAX as u64);
    }
}
