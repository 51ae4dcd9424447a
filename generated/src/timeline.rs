// Copied by `cargo xtask regen` from codegen/src/rust/timeline.rs. Do not edit by hand.

//! The history at run time, its fixed part: what [`Revision`] and
//! [`EventKind`] answer, read from the tables the generated `revisions.rs`
//! holds (the revisions, each event's spans, each member's since and
//! until).
//!
//! This file is ordinary hand-written Rust. `cargo xtask regen` copies it
//! unchanged from `codegen/src/rust/timeline.rs` into
//! `generated/src/timeline.rs`; `qmp-tests` compiles and tests it where it
//! lives, with the generated modules (its `src/mounted.rs`).

use std::fmt;

use super::revisions::MEMBERS;
use super::{EventKind, QemuVersion, Revision, UnknownRevision};

impl Revision {
    /// The revision named `name`.
    pub fn from_name(name: &str) -> Option<Revision> {
        Revision::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The revision for a QEMU of this version, as its greeting gives it
    /// ([`Greeting::version`](super::Greeting::version)): the newest release
    /// not newer than it. A QEMU newer than the history gets the newest
    /// release; `None` for one older than the first release (2.1.0), whose
    /// events only revisions of `qmp-events.txt` describe.
    ///
    /// ```
    /// use qmp_events::Revision;
    /// assert_eq!(Revision::for_qemu(7, 2, 22).unwrap().name(), "qemu-7.2.0");
    /// assert_eq!(Revision::for_qemu(2, 0, 0), None);
    /// ```
    pub fn for_qemu(major: u32, minor: u32, micro: u32) -> Option<Revision> {
        let version = QemuVersion::new(major, minor, micro);
        Revision::ALL
            .into_iter()
            .rev()
            .find(|r| r.qemu().is_some_and(|v| v <= version))
    }
}

impl std::str::FromStr for Revision {
    type Err = UnknownRevision;
    fn from_str(name: &str) -> Result<Self, UnknownRevision> {
        Revision::from_name(name).ok_or_else(|| UnknownRevision(name.to_owned()))
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Whether `revision` lies in a span.
fn within(revision: Revision, (from, to): (Revision, Option<Revision>)) -> bool {
    from <= revision && to.is_none_or(|to| revision <= to)
}

impl EventKind {
    /// The first revision that documents the event.
    ///
    /// ```
    /// use qmp_events::EventKind;
    /// assert_eq!(EventKind::JobStatusChange.since().name(), "qemu-3.0.0");
    /// ```
    pub const fn since(self) -> Revision {
        self.spans()[0].0
    }

    /// The last revision that documents the event, when a newer one no
    /// longer does; `None` while the newest does.
    pub fn until(self) -> Option<Revision> {
        self.spans().last().and_then(|span| span.1)
    }

    /// Whether QEMUs of `revision` send the event: whether the revision
    /// documents it. A revision of `qmp-events.txt` that a release shipped
    /// answers as the release.
    pub fn sent_by(self, revision: Revision) -> bool {
        let revision = revision.answers_as();
        self.spans().iter().any(|span| within(revision, *span))
    }

    fn member(self, path: &str) -> Option<(Revision, Option<Revision>)> {
        member_span(&MEMBERS, self, path)
    }

    /// The first revision in which the event has the member at `path`:
    /// names from the event's data down, joined by dots, with a union's
    /// branch named by its discriminator's value
    /// (`addr.inet.keep-alive-count`). `None` for a path no revision has.
    ///
    /// ```
    /// use qmp_events::EventKind;
    /// let since = EventKind::BlockJobError.member_since("device");
    /// assert_eq!(since, Some(EventKind::BlockJobError.since()));
    /// assert_eq!(EventKind::BlockJobError.member_since("no-such-member"), None);
    /// ```
    pub fn member_since(self, path: &str) -> Option<Revision> {
        self.member(path).map(|(since, _)| since)
    }

    /// The last revision in which the event has the member at `path`, when
    /// a newer revision of the event no longer has it; `None` while the
    /// newest has it, or for a path no revision has.
    pub fn member_until(self, path: &str) -> Option<Revision> {
        self.member(path).and_then(|(_, until)| until)
    }

    /// Whether QEMUs of `revision` may send the member at `path` of the
    /// event: the revision sends the event, and lies between the member's
    /// since and until.
    pub fn member_sent_by(self, path: &str, revision: Revision) -> bool {
        self.sent_by(revision)
            && self
                .member(path)
                .is_some_and(|span| within(revision.answers_as(), span))
    }
}

/// Since and until of the member at `path` of `kind` (an event's or a
/// command's) in a table of them sorted by kind and path.
pub(crate) fn member_span<K: Ord + Copy>(
    table: &[(K, &str, Revision, Option<Revision>)],
    kind: K,
    path: &str,
) -> Option<(Revision, Option<Revision>)> {
    let row = table
        .binary_search_by(|(k, p, ..)| (*k, *p).cmp(&(kind, path)))
        .ok()?;
    Some((table[row].2, table[row].3))
}
