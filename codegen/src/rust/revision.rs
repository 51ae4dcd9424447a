//! The history at run time: `Revision`, an enum of the history's
//! revisions, and the since, until and "sent by" of every event and member,
//! as tables (`EventKind::since`, `EventKind::member_since`, ...).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{doc, escape};
use crate::catalog::Catalog;
use crate::idents::{Case, Scope};

/// The variant of a revision: its name's words capitalized, the dots of a
/// version made underscores (`qemu-2.1.0` is `Qemu2_1_0`, `pre-resume` is
/// `PreResume`), so that versions stay apart (`2.1.0` and `21.0`).
pub fn variant_name(revision: &str) -> String {
    let mut out = String::new();
    for word in revision.split(['-', '_']).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
        }
        for c in chars {
            match c {
                '.' => out.push('_'),
                c if c.is_ascii_alphanumeric() => out.push(c),
                _ => {}
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'R');
    }
    out
}

/// `Revision` and the tables of `EventKind`.
pub fn revisions(catalog: &Catalog<'_>, revisions: &[crate::Revision<'_>]) -> TokenStream {
    let mut scope = Scope::default();
    let variants: Vec<Ident> = revisions
        .iter()
        .map(|r| {
            format_ident!(
                "{}",
                scope.claim_exact(variant_name(r.name()), Case::Pascal)
            )
        })
        .collect();
    let variant_of = |name: &str| {
        revisions
            .iter()
            .position(|r| r.name() == name)
            .map(|i| &variants[i])
    };
    let names: Vec<&str> = revisions.iter().map(|r| r.name()).collect();
    let count = revisions.len();
    let docs = revisions.iter().map(|revision| {
        let kind = if revision.is_release() {
            "A QEMU release: its QAPI schema, or the introspection of a build of it."
        } else {
            "A revision of `qmp-events.txt`."
        };
        doc(&[
            &format!("`{}`. {kind}", revision.name()),
            &escape(revision.about),
        ])
    });
    let qemu = revisions
        .iter()
        .map(|revision| match revision.id.version() {
            Some(v) => {
                let (major, minor, micro) = (v.major, v.minor, v.micro);
                quote! { Some(QemuVersion::new(#major, #minor, #micro)) }
            }
            None => quote! { None },
        });
    // What each revision answers as: itself in the timeline, else the
    // release that shipped it.
    let answers = revisions.iter().map(|revision| {
        let own = variant_of(revision.name());
        match revision.release.and_then(variant_of) {
            Some(release) if !revision.timeline => quote! { Revision::#release },
            _ => quote! { Revision::#own },
        }
    });

    // Each event's spans of consecutive timeline revisions documenting it.
    let timeline: Vec<&str> = revisions
        .iter()
        .filter(|r| r.timeline)
        .map(|r| r.name())
        .collect();
    let span = |from: &str, to: Option<&str>| {
        let from = variant_of(from);
        let to = match to.and_then(variant_of) {
            Some(to) => quote! { Some(Revision::#to) },
            None => quote! { None },
        };
        quote! { (Revision::#from, #to) }
    };
    let event_spans = catalog.events.iter().map(|event| {
        let mut spans = Vec::new();
        let mut run: Option<(&str, &str)> = None;
        for revision in &timeline {
            let documented = event.documented_in.contains(revision);
            run = match (run, documented) {
                (None, true) => Some((revision, revision)),
                (Some((from, _)), true) => Some((from, revision)),
                (Some((from, to)), false) => {
                    spans.push(span(from, Some(to)));
                    None
                }
                (None, false) => None,
            };
        }
        if let Some((from, _)) = run {
            spans.push(span(from, None));
        }
        let kind = format_ident!("{}", event.type_name);
        quote! { EventKind::#kind => &[#(#spans),*], }
    });
    let kind_of = |name: &str| {
        catalog
            .events
            .iter()
            .find(|e| e.name == name)
            .map(|e| format_ident!("{}", e.type_name))
    };
    let member_rows =
        catalog
            .member_histories
            .iter()
            .filter_map(|((event, path), (since, until))| {
                let kind = kind_of(event)?;
                let since = variant_of(since)?;
                let until = match until.and_then(variant_of) {
                    Some(until) => quote! { Some(Revision::#until) },
                    None => quote! { None },
                };
                Some(quote! { (EventKind::#kind, #path, Revision::#since, #until) })
            });
    let member_count = catalog.member_histories.len();

    quote! {
        /// A revision of the history this crate was generated from, oldest
        /// first: the revisions of `qmp-events.txt` (2010–2017), then from
        /// 2.1.0 the releases of QEMU.
        ///
        /// Revisions compare in the history's order. A regeneration adds
        /// revisions (match with a wildcard arm); a release older than the
        /// newest goes in its place.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Revision {
            #(#docs #variants,)*
        }

        impl Revision {
            /// Every revision, oldest first.
            pub const ALL: [Revision; #count] = [#(Revision::#variants),*];

            /// The newest revision.
            pub const NEWEST: Revision = Revision::ALL[Revision::ALL.len() - 1];

            /// The revision's name in the history (`qemu-7.2.0`,
            /// `block-job-ready`).
            pub const fn name(self) -> &'static str {
                match self {
                    #(Revision::#variants => #names,)*
                }
            }

            /// The revision named `name`.
            pub fn from_name(name: &str) -> Option<Revision> {
                Revision::ALL.into_iter().find(|r| r.name() == name)
            }

            /// The QEMU version of a release's revision; `None` for a
            /// revision of `qmp-events.txt`.
            pub const fn qemu(self) -> Option<QemuVersion> {
                match self {
                    #(Revision::#variants => #qemu,)*
                }
            }

            /// The revision for a QEMU of this version, as its greeting
            /// gives it ([`Greeting::version`]): the newest release not
            /// newer than it. A QEMU newer than the history gets the
            /// newest release; `None` for one older than the first release
            /// (2.1.0), whose events only revisions of `qmp-events.txt`
            /// describe.
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

            /// The revision whose answers this one gives: itself, but for a
            /// revision of `qmp-events.txt` that a release shipped, which
            /// answers as that release (the release is authoritative).
            const fn answers_as(self) -> Revision {
                const ANSWERS: [Revision; #count] = [#(#answers),*];
                ANSWERS[self as usize]
            }
        }

        impl std::str::FromStr for Revision {
            type Err = UnknownRevision;
            fn from_str(name: &str) -> Result<Self, UnknownRevision> {
                Revision::from_name(name).ok_or_else(|| UnknownRevision(name.to_owned()))
            }
        }

        impl std::fmt::Display for Revision {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.name())
            }
        }


        /// Each member's first revision and, when a newer revision of its
        /// event no longer has it, its last; by event and dotted path,
        /// sorted.
        const MEMBERS: [(EventKind, &str, Revision, Option<Revision>); #member_count] = [#(#member_rows),*];

        /// Whether `revision` lies in a span.
        fn within(revision: Revision, (from, to): (Revision, Option<Revision>)) -> bool {
            from <= revision && to.is_none_or(|to| revision <= to)
        }

        impl EventKind {
            /// The runs of revisions that document the event: from and to,
            /// inclusive; `None` while the newest documents it.
            const fn spans(self) -> &'static [(Revision, Option<Revision>)] {
                match self {
                    #(#event_spans)*
                }
            }

            /// The first revision that documents the event.
            ///
            /// ```
            /// use qmp_events::EventKind;
            /// assert_eq!(EventKind::JobStatusChange.since().name(), "qemu-3.0.0");
            /// ```
            pub const fn since(self) -> Revision {
                self.spans()[0].0
            }

            /// The last revision that documents the event, when a newer one
            /// no longer does; `None` while the newest does.
            pub fn until(self) -> Option<Revision> {
                self.spans().last().and_then(|span| span.1)
            }

            /// Whether QEMUs of `revision` send the event: whether the
            /// revision documents it. A revision of `qmp-events.txt` that a
            /// release shipped answers as the release.
            pub fn sent_by(self, revision: Revision) -> bool {
                let revision = revision.answers_as();
                self.spans().iter().any(|span| within(revision, *span))
            }

            fn member(self, path: &str) -> Option<(Revision, Option<Revision>)> {
                let row = MEMBERS
                    .binary_search_by(|(kind, p, ..)| (*kind, *p).cmp(&(self, path)))
                    .ok()?;
                Some((MEMBERS[row].2, MEMBERS[row].3))
            }

            /// The first revision in which the event has the member at
            /// `path`: names from the event's data down, joined by dots,
            /// with a union's branch named by its discriminator's value
            /// (`addr.inet.keep-alive-count`). `None` for a path no
            /// revision has.
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

            /// The last revision in which the event has the member at
            /// `path`, when a newer revision of the event no longer has
            /// it; `None` while the newest has it, or for a path no
            /// revision has.
            pub fn member_until(self, path: &str) -> Option<Revision> {
                self.member(path).and_then(|(_, until)| until)
            }

            /// Whether QEMUs of `revision` may send the member at `path` of
            /// the event: the revision sends the event, and lies between
            /// the member's since and until.
            pub fn member_sent_by(self, path: &str, revision: Revision) -> bool {
                self.sent_by(revision)
                    && self
                        .member(path)
                        .is_some_and(|span| within(revision.answers_as(), span))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn versions_keep_their_dots_apart() {
        assert_eq!(variant_name("qemu-2.1.0"), "Qemu2_1_0");
        assert_eq!(variant_name("qemu-21.0.0"), "Qemu21_0_0");
        assert_eq!(variant_name("qemu-9.2.0-rc2"), "Qemu9_2_0Rc2");
        assert_eq!(variant_name("pre-resume"), "PreResume");
        assert_eq!(variant_name("qemu-1bf9c315"), "Qemu1bf9c315");
        assert_eq!(variant_name("2.1"), "R2_1");
    }
}
