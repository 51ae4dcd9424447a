//! The upstream history rebuilds, and every step of it survives the trip
//! through each diff dialect: the diff between two consecutive revisions,
//! rendered as git, cgit and lossy HTML, applies to the older one and gives
//! the newer one's model.

use qmp_spec::diff::{self, Dialect, Direction};
use qmp_spec::history::Origin;
use qmp_tests::{history, render};

#[test]
fn the_upstream_line_in_order() {
    let history = history();
    let names: Vec<String> = history
        .revisions
        .iter()
        .filter(|r| !r.is_release())
        .map(|r| r.name().to_string())
        .collect();
    // Both eras: every vendored release, in order, after the text era.
    let releases: Vec<&str> = history
        .revisions
        .iter()
        .filter(|r| r.is_release())
        .map(|r| r.name())
        .collect();
    // As many as history.json lists (`cargo xtask import` adds them), 35
    // when this was written.
    let manifest = qmp_spec::history::manifest::Manifest::load(
        &qmp_tests::workspace_root().join("qmp-spec/history"),
    )
    .expect("history.json");
    let listed = manifest
        .revisions
        .iter()
        .filter(|e| e.id.is_release())
        .count();
    assert_eq!(releases.len(), listed);
    assert!(releases.len() >= 35);
    assert_eq!(releases.first(), Some(&"qemu-2.1.0"));
    // The timeline: the text revisions up to the first release, then the
    // releases; the later text revisions are linted against their release.
    let timeline: Vec<&str> = history.timeline().iter().map(|r| r.name()).collect();
    assert_eq!(timeline.len(), 10 + releases.len());
    assert_eq!(timeline[9..11], ["quorum-and-acpi", "qemu-2.1.0"]);
    let overlap: Vec<(&str, &str)> = history
        .overlap()
        .iter()
        .map(|(text, release)| (text.name(), release.name()))
        .collect();
    assert_eq!(
        overlap,
        [
            ("quorum-and-acpi", "qemu-2.1.0"),
            ("mem-unplug-error", "qemu-2.4.0"),
            ("migration-and-colo-exit", "qemu-2.5.0"),
            ("block-node-names", "qemu-2.8.0"),
            ("moved-to-qapi", "qemu-2.9.0"),
        ]
    );
    assert_eq!(
        names,
        [
            "pre-resume",
            "qemu-1bf9c315",
            "block-job-completion",
            "device-tray-moved",
            "block-job-error",
            "balloon-change",
            "block-job-error-note",
            "block-job-ready",
            "guest-panicked",
            "quorum-and-acpi",
            "mem-unplug-error",
            "migration-and-colo-exit",
            "block-node-names",
            "moved-to-qapi",
        ]
    );
}

#[test]
fn consecutive_revisions_round_trip_through_every_dialect() {
    let history = history();
    let texts: Vec<_> = history
        .revisions
        .iter()
        .filter(|r| !r.is_release())
        .cloned()
        .collect();
    let mut failures = Vec::new();
    for pair in texts.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        for (dialect, rendered) in [
            (Dialect::Git, render::git(&old.text, &new.text)),
            (Dialect::Cgit, render::cgit(&old.text, &new.text)),
            (Dialect::Lossy, render::lossy(&old.text, &new.text)),
        ] {
            let label = format!("{} -> {} as {dialect:?}", old.name(), new.name());
            let patch = match diff::parse(&label, &rendered) {
                Ok(patch) => patch,
                Err(err) => {
                    failures.push(format!("{label}: {err}"));
                    continue;
                }
            };
            assert_eq!(patch.dialect, dialect, "{label}");
            let applied = diff::apply(&old.text, &patch, Direction::Forward);
            headroom(&label, applied.work, &mut failures);
            for change in applied.not_applied() {
                failures.push(format!("{label}: {change}"));
            }
            if dialect == Dialect::Git && applied.text != new.text {
                failures.push(format!("{label}: the text differs"));
            }
            match qmp_spec::parse(&label, &applied.text) {
                Ok(spec) if spec.canonical() == new.spec.canonical() => {}
                Ok(_) => failures.push(format!("{label}: the model differs")),
                Err(err) => failures.push(format!("{label}: {err}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Real patches spend under a tenth of the work budget that keeps hostile
/// ones linear (`qmp_spec::diff::budget`), so the budget never decides
/// whether a real patch applies.
fn headroom(label: &str, work: diff::Work, failures: &mut Vec<String>) {
    if work.spent.saturating_mul(10) > work.budget {
        failures.push(format!(
            "{label}: spent {} of its work budget of {}",
            work.spent, work.budget
        ));
    }
}

#[test]
fn the_seed_patches_spend_under_a_tenth_of_their_budget() {
    let mut failures = Vec::new();
    let mut most = 0.0f64;
    for revision in history().revisions {
        if let Origin::Patch { work, file, .. } = &revision.origin {
            headroom(file, *work, &mut failures);
            most = most.max(work.spent as f64 / work.budget as f64);
        }
    }
    eprintln!(
        "the costliest seed patch spent {:.2}% of its budget",
        most * 100.0
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn patch_reports_are_pinned() {
    for revision in history().revisions {
        if let Origin::Patch { report, .. } = &revision.origin {
            let lines: Vec<String> = report.iter().map(|change| change.to_string()).collect();
            let text = format!("{}\n\n{}\n", revision.origin, lines.join("\n"));
            insta::assert_snapshot!(format!("history__{}__report", revision.name()), text);
        }
    }
}

/// The history at run time (`qmp_events::Revision`, `EventKind::since`,
/// `until`, `sent_by` and the member table) answers what the history says.
#[test]
fn the_crate_answers_what_the_history_says_at_run_time() {
    use qmp_events::{EventKind, Revision};
    use qmp_spec::history::timeline::Timeline;

    let history = history();
    let names: Vec<&str> = Revision::ALL.iter().map(|r| r.name()).collect();
    let expected: Vec<&str> = history.revisions.iter().map(|r| r.name()).collect();
    assert_eq!(names, expected);
    assert_eq!(Revision::NEWEST, *Revision::ALL.last().unwrap());
    assert_eq!(
        "qemu-7.2.0".parse::<Revision>().map(|r| r.name()),
        Ok("qemu-7.2.0")
    );
    assert!("qemu-0.1.0".parse::<Revision>().is_err());

    // What a reader of QEMU's own documentation would check.
    let since = |kind: EventKind| kind.since().name();
    assert_eq!(since(EventKind::JobStatusChange), "qemu-3.0.0");
    assert_eq!(since(EventKind::Stop), "pre-resume");
    assert_eq!(since(EventKind::Migration), "qemu-2.4.0");
    assert_eq!(since(EventKind::NetdevVhostUserConnected), "qemu-10.0.0");
    assert_eq!(
        EventKind::CommandDropped.until().map(Revision::name),
        Some("qemu-3.1.0")
    );
    assert_eq!(EventKind::Stop.until(), None);
    let stream = EventKind::NetdevStreamConnected;
    assert_eq!(since(stream), "qemu-7.2.0");
    let keep_alive = "addr.inet.keep-alive-count";
    assert_eq!(
        stream.member_since(keep_alive).map(Revision::name),
        Some("qemu-10.1.0")
    );
    let at = |major, minor, micro| Revision::for_qemu(major, minor, micro).map(Revision::name);
    assert!(!stream.member_sent_by(keep_alive, Revision::for_qemu(10, 0, 13).unwrap()));
    assert!(stream.member_sent_by(keep_alive, Revision::NEWEST));
    assert!(stream.member_sent_by("addr.unix.path", Revision::for_qemu(7, 2, 22).unwrap()));
    assert!(!stream.member_sent_by("addr.unix.path", Revision::for_qemu(7, 1, 0).unwrap()));
    assert_eq!(stream.member_since("no.such.member"), None);
    assert_eq!(at(7, 2, 22), Some("qemu-7.2.0"));
    assert_eq!(at(11, 1, 3), Some("qemu-11.1.3"));
    // A QEMU between two releases answers as the older.
    let newest_schema_before = |version: qmp_spec::QemuVersion| {
        history
            .revisions
            .iter()
            .filter(|r| r.id.era() == qmp_spec::history::Era::Schema)
            .rfind(|r| r.id.version().is_some_and(|v| v <= version))
            .map(|r| r.name())
    };
    let v11_1_2 = qmp_spec::QemuVersion::parse("11.1.2").expect("a version");
    assert_eq!(at(11, 1, 2), newest_schema_before(v11_1_2));
    assert!(newest_schema_before(v11_1_2) >= Some("qemu-10.1.0"));
    assert_eq!(at(99, 0, 0), Some("qemu-11.1.3"));
    assert_eq!(at(2, 1, 0), Some("qemu-2.1.0"));
    assert_eq!(at(2, 0, 0), None);
    let moved = "moved-to-qapi".parse::<Revision>().unwrap();
    assert_eq!(moved.qemu(), None);
    assert_eq!(
        at(2, 9, 0)
            .and_then(|r| r.parse::<Revision>().ok()?.qemu())
            .map(|v| v.to_string()),
        Some("2.9.0".into())
    );

    // Every event in every revision: a revision sends an event when it (or,
    // for a text revision a release shipped, that release) documents it.
    let timeline = history.timeline();
    fn answering<'h>(
        history: &'h qmp_spec::history::History,
        timeline: &[&qmp_spec::history::Revision],
        revision: &'h qmp_spec::history::Revision,
    ) -> &'h qmp_spec::history::Revision {
        let in_timeline = timeline.iter().any(|t| std::ptr::eq(*t, revision));
        match &revision.release {
            Some(release) if !in_timeline => history.get(release).expect("its release"),
            _ => revision,
        }
    }
    for kind in EventKind::ALL {
        for (revision, variant) in history.revisions.iter().zip(Revision::ALL) {
            let documents = answering(&history, &timeline, revision)
                .spec
                .events()
                .any(|(n, _)| n == kind.name());
            assert_eq!(kind.sent_by(variant), documents, "{kind} in {variant}");
        }
        let documenting: Vec<&str> = timeline
            .iter()
            .filter(|r| r.spec.events().any(|(n, _)| n == kind.name()))
            .map(|r| r.name())
            .collect();
        assert_eq!(kind.since().name(), documenting[0], "{kind}");
        let last = *documenting.last().unwrap();
        let newest = timeline.last().unwrap().name();
        assert_eq!(
            kind.until().map(Revision::name),
            (last != newest).then_some(last),
            "{kind}"
        );
    }

    // Every member of the catalog: since and until are the timeline's.
    let views = codegen::Revision::all(&history);
    let catalog = codegen::catalog::Catalog::new(&views);
    let timeline = Timeline::new(timeline.iter().map(|r| (r.name(), &r.spec)));
    assert!(catalog.member_histories.len() > 200);
    for (event, path) in catalog.member_histories.keys() {
        let kind = EventKind::from_name(event).unwrap();
        let steps: Vec<&str> = path.split('.').collect();
        let member = timeline.member(event, &steps);
        assert_eq!(
            kind.member_since(path).map(Revision::name),
            Some(member.introduced),
            "{event} {path}"
        );
        assert_eq!(
            kind.member_until(path).map(Revision::name),
            member.dropped_after,
            "{event} {path}"
        );
    }
}
