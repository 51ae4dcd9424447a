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
        .filter(|r| !r.is_qapi())
        .map(|r| r.name.clone())
        .collect();
    // Both eras: every vendored release, in order, after the text era.
    let releases: Vec<&str> = history
        .revisions
        .iter()
        .filter(|r| r.is_qapi())
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(releases.len(), 35);
    assert_eq!(releases.first(), Some(&"qemu-2.1.0"));
    assert_eq!(releases.last(), Some(&"qemu-11.1.3"));
    // The timeline: the text revisions up to the first release, then the
    // releases; the later text revisions are linted against their release.
    let timeline: Vec<&str> = history.timeline().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(timeline.len(), 10 + 35);
    assert_eq!(timeline[9..11], ["quorum-and-acpi", "qemu-2.1.0"]);
    let overlap: Vec<(&str, &str)> = history
        .overlap()
        .iter()
        .map(|(text, release)| (text.name.as_str(), release.name.as_str()))
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
        .filter(|r| !r.is_qapi())
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
            let label = format!("{} -> {} as {dialect:?}", old.name, new.name);
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
            insta::assert_snapshot!(format!("history__{}__report", revision.name), text);
        }
    }
}
