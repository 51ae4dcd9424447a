//! Which revision a revision is: its name, its era and, for a release, its
//! QEMU version, parsed once when the manifest is read.

use std::fmt;

use crate::model::QemuVersion;

/// Where a revision's model was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Era {
    /// A `qmp-events.txt` revision (2010–2017): a full text, or a patch.
    Text,
    /// A QEMU release's QAPI schema (2.1.0 on).
    Schema,
    /// A QEMU binary's introspection (`query-qmp-schema`): one build of a
    /// release, its conditions decided.
    Build,
}

impl Era {
    /// Whether a revision of this era is a QEMU release (its schema, or a
    /// build of it): what decides since and until from 2.1.0 on.
    pub fn is_release(self) -> bool {
        matches!(self, Era::Schema | Era::Build)
    }
}

/// A revision's identity: its name and era, and a release's version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RevisionId {
    name: String,
    era: Era,
    version: Option<QemuVersion>,
}

impl RevisionId {
    /// A text revision: any name.
    pub fn text(name: impl Into<String>) -> RevisionId {
        RevisionId {
            name: name.into(),
            era: Era::Text,
            version: None,
        }
    }

    /// A release of `era`, named `qemu-X.Y.Z` or `qemu-X.Y.Z-rcN`; an error
    /// saying so for any other name.
    pub fn release(name: impl Into<String>, era: Era) -> Result<RevisionId, String> {
        let name = name.into();
        let version = release_version(&name).ok_or_else(|| {
            format!("{name:?} is not a release name (qemu-X.Y.Z or qemu-X.Y.Z-rcN)")
        })?;
        Ok(RevisionId {
            name,
            era,
            version: Some(version),
        })
    }

    /// A revision of `era` read on its own (a file given to a tool): a
    /// release's version when its name gives one.
    pub fn alone(name: impl Into<String>, era: Era) -> RevisionId {
        let name = name.into();
        let version = release_version(&name).filter(|_| era.is_release());
        RevisionId { name, era, version }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn era(&self) -> Era {
        self.era
    }

    /// The QEMU version of a release, as QEMU reports it (a release
    /// candidate `qemu-9.2.0-rc2` is 9.1.92); `None` for a text revision.
    pub fn version(&self) -> Option<QemuVersion> {
        self.version
    }

    pub fn is_release(&self) -> bool {
        self.era.is_release()
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The QEMU version a release's name gives, as QEMU itself reports it:
/// `qemu-7.2.0` is 7.2.0; a release candidate `qemu-9.2.0-rc2` is 9.1.92,
/// as QEMU numbers its candidates (x.y.90 + n before x.(y+1).0).
fn release_version(name: &str) -> Option<QemuVersion> {
    let rest = name.strip_prefix("qemu-")?;
    let (numbers, rc) = match rest.split_once("-rc") {
        Some((numbers, rc)) => (numbers, Some(rc.parse::<u32>().ok()?)),
        None => (rest, None),
    };
    let version = QemuVersion::parse(numbers)?;
    let QemuVersion { major, minor, .. } = version;
    Some(match rc {
        None => version,
        // x.0.0-rcN follows the last minor of x-1, unknown here: after all.
        Some(n) if minor == 0 => QemuVersion {
            major: major.checked_sub(1)?,
            minor: u32::MAX,
            micro: 90 + n.min(9),
        },
        Some(n) => QemuVersion {
            major,
            minor: minor - 1,
            micro: 90 + n.min(9),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32, micro: u32) -> QemuVersion {
        QemuVersion {
            major,
            minor,
            micro,
        }
    }

    #[test]
    fn releases_know_their_version_and_others_are_refused() {
        let id = RevisionId::release("qemu-7.2.0", Era::Schema).unwrap();
        assert_eq!(
            (id.name(), id.era(), id.version()),
            ("qemu-7.2.0", Era::Schema, Some(v(7, 2, 0)))
        );
        let rc = RevisionId::release("qemu-9.2.0-rc2", Era::Schema).unwrap();
        assert_eq!(rc.version(), Some(v(9, 1, 92)));
        let rc0 = RevisionId::release("qemu-10.0.0-rc1", Era::Build).unwrap();
        assert_eq!(rc0.version(), Some(v(9, u32::MAX, 91)));
        for bad in [
            "qemu-7.2",
            "7.2.0",
            "qemu-7.2.0.1",
            "qemu-0.0.0-rc1",
            "qemu-x.2.0",
        ] {
            let err = RevisionId::release(bad, Era::Schema).unwrap_err();
            assert!(err.contains("not a release name"), "{bad}: {err}");
        }
        let text = RevisionId::text("qemu-7.2.0");
        assert_eq!((text.era(), text.version()), (Era::Text, None));
        assert!(!text.is_release());
    }
}
