//! The version of the generated `qmp-events` crate, from its history's
//! changes: the oldest revision makes 1.0.0, and each later revision of the
//! timeline takes the step its changes ask (the largest of
//! [`qmp_spec::changes::Step`]): a major version resets the minor and
//! patch, a minor version the patch; a revision without changes keeps the
//! version. Then the generator's own API changes ([`GENERATOR`]) take their
//! steps, in order.
//!
//! So the version is a function of the history: the same history gives the
//! same version on any machine, and a revision added at the end of the
//! history moves the version the way semantic versioning asks for what it
//! changes in the types.

use std::fmt;

use qmp_spec::changes::{self, Change, Step};

use crate::Revision;

/// The generator's own changes of the crate's API (not of the history),
/// oldest first, each with what it changed. One is added with the change
/// to the generator that makes the crate's API change.
pub const GENERATOR: &[(Step, &str)] = &[(
    Step::Minor,
    "every line of a QMP stream (`ServerMessage`, `Reader`), the history at run time \
     (`Revision`, `Revision::for_qemu`, `EventKind::since`, `until`, `sent_by` and their \
     `member_` forms), `examples/watch.rs`; serde_json's `float_roundtrip` is no longer \
     switched on for the user's build (no typed member is a float)",
)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub const FIRST: Version = Version {
        major: 1,
        minor: 0,
        patch: 0,
    };

    pub fn bump(self, step: Step) -> Version {
        match step {
            Step::Major => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Step::Minor => Version {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            Step::Patch => Version {
                patch: self.patch + 1,
                ..self
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// One revision of the timeline and what it does to the crate.
pub struct RevisionStep<'a> {
    pub name: &'a str,
    /// The revision before it; `None` for the oldest.
    pub from: Option<&'a str>,
    /// Its changes from the revision before.
    pub changes: Vec<Change>,
    /// The crate's version once the revision is in the history.
    pub version: Version,
    /// How many events it has.
    pub events: usize,
}

/// The timeline's revisions, oldest first, each with its changes and the
/// version it makes.
pub fn steps<'a>(revisions: &[Revision<'a>]) -> Vec<RevisionStep<'a>> {
    // The timeline only: a text revision of the QAPI era is compared with
    // its release in HISTORY-LINT.md instead.
    let timeline: Vec<&Revision<'a>> = revisions.iter().filter(|r| r.timeline).collect();
    let mut out: Vec<RevisionStep<'a>> = Vec::new();
    for (i, revision) in timeline.iter().enumerate() {
        let (from, found, version) = match (i.checked_sub(1).map(|j| timeline[j]), out.last()) {
            (Some(before), Some(last)) => {
                let found = changes::compare(before.spec, revision.spec);
                let version = changes::step(&found).map_or(last.version, |s| last.version.bump(s));
                (Some(before.name()), found, version)
            }
            _ => (None, Vec::new(), Version::FIRST),
        };
        out.push(RevisionStep {
            name: revision.name(),
            from,
            changes: found,
            version,
            events: revision.spec.events().count(),
        });
    }
    out
}

/// The crate's version: the newest revision's, then the generator's steps.
pub fn of(revisions: &[Revision<'_>]) -> Version {
    of_steps(&steps(revisions))
}

/// The same, from the steps already taken (`steps`).
pub fn of_steps(steps: &[RevisionStep<'_>]) -> Version {
    let history = steps.last().map_or(Version::FIRST, |s| s.version);
    GENERATOR.iter().fold(history, |v, (step, _)| v.bump(*step))
}

/// What the generator's steps did, for the changelog; `None` when it took
/// none.
pub fn generator_note(steps: &[RevisionStep<'_>]) -> Option<String> {
    let mut version = steps.last()?.version;
    if GENERATOR.is_empty() {
        return None;
    }
    let mut out = String::from(
        "After the newest revision, the generator's own changes of the crate's API:\n\n",
    );
    for (step, what) in GENERATOR {
        version = version.bump(*step);
        out.push_str(&format!("- `{version}` ({}): {what}\n", step.label()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_resets_what_is_below_it() {
        let v = Version {
            major: 2,
            minor: 3,
            patch: 4,
        };
        assert_eq!(v.bump(Step::Patch).to_string(), "2.3.5");
        assert_eq!(v.bump(Step::Minor).to_string(), "2.4.0");
        assert_eq!(v.bump(Step::Major).to_string(), "3.0.0");
    }
}
