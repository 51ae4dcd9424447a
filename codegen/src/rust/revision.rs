//! The history at run time: `Revision`, an enum of the history's
//! revisions, and the tables of the since, until and "sent by" of every
//! event and member, which the hand-written `timeline.rs` reads
//! (`EventKind::since`, `EventKind::member_since`, ...).

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
    let variants = Variants::new(revisions);
    let revision = revision_enum(&variants);
    let spans = event_spans(catalog, &variants);
    let members = member_table(catalog, &variants);
    quote! { #revision #members #spans }
}

/// Each revision's variant of `Revision`.
struct Variants<'r, 'a> {
    revisions: &'r [crate::Revision<'a>],
    idents: Vec<Ident>,
}

impl<'r, 'a> Variants<'r, 'a> {
    fn new(revisions: &'r [crate::Revision<'a>]) -> Self {
        let mut scope = Scope::default();
        let idents = revisions
            .iter()
            .map(|r| {
                format_ident!(
                    "{}",
                    scope.claim_exact(variant_name(r.name()), Case::Pascal)
                )
            })
            .collect();
        Variants { revisions, idents }
    }

    /// The variant of the revision named `name`.
    fn of(&self, name: &str) -> Option<&Ident> {
        self.revisions
            .iter()
            .position(|r| r.name() == name)
            .map(|i| &self.idents[i])
    }

    /// `Some(Revision::X)` for a revision of the history, else `None`.
    fn option(&self, name: Option<&str>) -> TokenStream {
        match name.and_then(|name| self.of(name)) {
            Some(variant) => quote! { Some(Revision::#variant) },
            None => quote! { None },
        }
    }
}

/// The enum `Revision`: each revision's variant, name and QEMU version,
/// and the revision it answers as.
fn revision_enum(variants: &Variants<'_, '_>) -> TokenStream {
    let revisions = variants.revisions;
    let idents = &variants.idents;
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
        let own = variants.of(revision.name());
        match revision.release.and_then(|r| variants.of(r)) {
            Some(release) if !revision.timeline => quote! { Revision::#release },
            _ => quote! { Revision::#own },
        }
    });
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
            #(#docs #idents,)*
        }

        impl Revision {
            /// Every revision, oldest first.
            pub const ALL: [Revision; #count] = [#(Revision::#idents),*];

            /// The newest revision.
            pub const NEWEST: Revision = Revision::ALL[Revision::ALL.len() - 1];

            /// The revision's name in the history (`qemu-7.2.0`,
            /// `block-job-ready`).
            pub const fn name(self) -> &'static str {
                match self {
                    #(Revision::#idents => #names,)*
                }
            }

            /// The QEMU version of a release's revision; `None` for a
            /// revision of `qmp-events.txt`.
            pub const fn qemu(self) -> Option<QemuVersion> {
                match self {
                    #(Revision::#idents => #qemu,)*
                }
            }

            /// The revision whose answers this one gives: itself, but for a
            /// revision of `qmp-events.txt` that a release shipped, which
            /// answers as that release (the release is authoritative).
            pub(crate) const fn answers_as(self) -> Revision {
                const ANSWERS: [Revision; #count] = [#(#answers),*];
                ANSWERS[self as usize]
            }
        }
    }
}

/// `EventKind::spans`: each event's runs of consecutive timeline revisions
/// documenting it.
fn event_spans(catalog: &Catalog<'_>, variants: &Variants<'_, '_>) -> TokenStream {
    let timeline: Vec<&str> = variants
        .revisions
        .iter()
        .filter(|r| r.timeline)
        .map(|r| r.name())
        .collect();
    let span = |from: &str, to: Option<&str>| {
        let from = variants.of(from);
        let to = variants.option(to);
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
    quote! {
        impl EventKind {
            /// The runs of revisions that document the event: from and to,
            /// inclusive; `None` while the newest documents it.
            pub(crate) const fn spans(self) -> &'static [(Revision, Option<Revision>)] {
                match self {
                    #(#event_spans)*
                }
            }
        }
    }
}

/// `MEMBERS`: each member's since and until, by event and path.
fn member_table(catalog: &Catalog<'_>, variants: &Variants<'_, '_>) -> TokenStream {
    let kind_of = |name: &str| {
        catalog
            .events
            .iter()
            .find(|e| e.name == name)
            .map(|e| format_ident!("{}", e.type_name))
    };
    let rows = catalog
        .member_histories
        .iter()
        .filter_map(|((event, path), (since, until))| {
            let kind = kind_of(event)?;
            let since = variants.of(since)?;
            let until = variants.option(*until);
            Some(quote! { (EventKind::#kind, #path, Revision::#since, #until) })
        });
    let count = catalog.member_histories.len();
    quote! {
        /// Each member's first revision and, when a newer revision of its
        /// event no longer has it, its last; by event and dotted path,
        /// sorted.
        pub(crate) const MEMBERS: [(EventKind, &str, Revision, Option<Revision>); #count] = [#(#rows),*];
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
