//! The version of the generated `qmp-events` crate, from its history's
//! changes: the oldest revision makes 1.0.0, and each later revision of the
//! timeline takes the step its changes ask (the largest [`Step`] of
//! [`semver`]): a major version resets the minor and
//! patch, a minor version the patch; a revision without changes keeps the
//! version. Then the generator's own API changes ([`GENERATOR`]) take their
//! steps, in order.
//!
//! So the version is a function of the history: the same history gives the
//! same version on any machine, and a revision added at the end of the
//! history moves the version the way semantic versioning asks for what it
//! changes in the types.
//!
//! The policy is about the crate's types, not the wire: they are the union
//! of the history (a member any revision lacks is optional; nothing a
//! revision drops is removed). A member made required is compatible on the
//! wire and a patch for the crate (it stays optional there); a member made
//! optional is breaking on both.

use std::fmt;

use qmp_spec::changes::{self, Change, ChangeKind};
use serde::Serialize;

use crate::Revision;

/// The step of semantic versioning a change asks of the generated crate,
/// least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Documentation only, or nothing in the API changes (what a revision
    /// drops stays in the types).
    Patch,
    /// Something added: an event, a member (optional in the types), a
    /// value or branch (the enums and structs are `#[non_exhaustive]`).
    Minor,
    /// A type in the API changes: a member made optional or gone, a
    /// member's type, an event's data.
    Major,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Patch => "patch",
            Step::Minor => "minor",
            Step::Major => "major",
        }
    }
}

/// The step a change asks of the generated crate (the policy of this
/// module's documentation).
pub fn semver(change: &Change) -> Step {
    // The crate types the events only: a command's change leaves its API
    // as it is.
    if change.on == changes::Target::Command {
        return Step::Patch;
    }
    match &change.kind {
        // Optional in the types already: it stays, as it was.
        ChangeKind::MemberRemoved if change.was_optional => Step::Patch,
        ChangeKind::MemberRemoved
        | ChangeKind::MadeOptional
        | ChangeKind::TypeChanged
        | ChangeKind::DataAdded
        | ChangeKind::DataRemoved
        | ChangeKind::ValuesEnumerated
        | ChangeKind::ValuesNoLongerEnumerated => Step::Major,
        ChangeKind::EventAdded
        | ChangeKind::EventRenamed { .. }
        | ChangeKind::MemberAdded { .. }
        | ChangeKind::BranchAdded
        | ChangeKind::ValueAdded { .. } => Step::Minor,
        ChangeKind::EventRemoved
        | ChangeKind::BranchRemoved
        | ChangeKind::MadeRequired
        | ChangeKind::ValueRemoved { .. }
        | ChangeKind::ConditionChanged { .. }
        | ChangeKind::CommandAdded
        | ChangeKind::CommandRemoved
        | ChangeKind::FeatureAdded { .. }
        | ChangeKind::FeatureRemoved { .. }
        | ChangeKind::AbsentFromBuild { .. }
        | ChangeKind::DescriptionChanged
        | ChangeKind::NotesChanged
        | ChangeKind::ExamplesChanged => Step::Patch,
    }
}

/// The step a list of changes asks: the largest of theirs; `None` for no
/// change at all.
pub fn step(changes: &[Change]) -> Option<Step> {
    changes.iter().map(semver).max()
}

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
                // The crate's changes: its events' (its commands are the
                // review's, `cargo xtask diff`).
                let found = changes::compare_events(before.spec, revision.spec);
                let version = step(&found).map_or(last.version, |s| last.version.bump(s));
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

/// The revision the semver tests edit: qmp-spec's change tests' own.
#[cfg(test)]
const BASE: &str = include_str!("../../qmp-spec/tests/fixtures/changes-base.txt");
#[cfg(test)]
mod tests {
    /// The changes from BASE to BASE with `edits` (pairs of from → to).
    fn changes(edits: &[(&str, &str)]) -> Vec<Change> {
        let spec = |text: &str| qmp_spec::parse("test", text).unwrap_or_else(|err| panic!("{err}"));
        let mut new = BASE.to_string();
        for (from, to) in edits {
            assert!(new.contains(from), "{from}");
            new = new.replacen(from, to, 1);
        }
        changes::compare(&spec(BASE), &spec(&new))
    }

    /// (member, kind, semver step) of each change of `edits` to BASE.
    fn steps(edits: &[(&str, &str)]) -> Vec<(String, ChangeKind, Step)> {
        changes(edits)
            .into_iter()
            .map(|c| (c.member.clone(), c.kind.clone(), semver(&c)))
            .collect()
    }

    #[test]
    fn each_change_asks_the_semver_step_of_the_crate_s_types() {
        // The types are the union of the history: what a revision adds is a
        // minor version, what changes a type a major one, what it drops stays.
        let s = |m: &str, k: ChangeKind, step: Step| (m.to_string(), k, step);
        assert_eq!(
            steps(&[(
                "- \"d\": free text (json-string)\n",
                "- \"d\": free text (json-string)\n- \"e\": new (json-string, optional)\n"
            )]),
            [s(
                "e",
                ChangeKind::MemberAdded { optional: true },
                Step::Minor
            )]
        );
        assert_eq!(
            steps(&[(
                "(json-string, \"x\" or \"y\")",
                "(json-string, \"x\", \"y\" or \"z\")"
            )]),
            [s(
                "c",
                ChangeKind::ValueAdded { value: "z".into() },
                Step::Minor
            )]
        );
        assert_eq!(
            steps(&[(
                "- \"a\": a string (json-string)",
                "- \"a\": a string (json-string, optional)"
            )]),
            [s("a", ChangeKind::MadeOptional, Step::Major)]
        );
        // Made required: compatible on the wire, and the types keep it
        // optional (older revisions send it without).
        assert_eq!(
            steps(&[("(json-int, optional)", "(json-int)")]),
            [s("b", ChangeKind::MadeRequired, Step::Patch)]
        );
        // Removed while required: the member becomes optional in the types.
        assert_eq!(
            steps(&[("- \"a\": a string (json-string)\n", "")]),
            [s("a", ChangeKind::MemberRemoved, Step::Major)]
        );
        // Removed while optional: it stays as it was.
        assert_eq!(
            steps(&[("- \"b\": an int (json-int, optional)\n", "")]),
            [s("b", ChangeKind::MemberRemoved, Step::Patch)]
        );
        assert_eq!(
            steps(&[("Emitted when foo happens.", "Emitted whenever foo happens.")]),
            [s("", ChangeKind::DescriptionChanged, Step::Patch)]
        );
        // A list of changes asks the largest step; none asks nothing.
        let mixed = changes(&[
            ("Emitted when foo happens.", "Emitted whenever foo happens."),
            (
                "(json-string, \"x\" or \"y\")",
                "(json-string, \"x\", \"y\" or \"z\")",
            ),
        ]);
        assert_eq!(step(&mixed), Some(Step::Minor));
        assert_eq!(step(&changes(&[])), None);
    }

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
