//! The diff readers and the applier on the seeds, and on bad patches.

use qmp_spec::diff::{self, Applied, Dialect, Diffstat, Direction, Outcome, Patch};

fn vendored(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|err| panic!("{full}: {err}"))
}

const BASE: &str = "history/qemu_1bf9c315.txt";
const CGIT_002: &str = "history/block-job-completion.cgit.txt";
const LOSSY_000: &str = "history/device-tray-moved.lossy.txt";
const LOSSY_001: &str = "history/pre-resume-to-device-tray-moved.lossy.txt";
const LOSSY_003: &str = "history/block-node-names.lossy.txt";

fn patch(path: &str) -> Patch {
    diff::parse(path, &vendored(path)).unwrap_or_else(|err| panic!("{err}"))
}

fn apply(base: &str, path: &str) -> Applied {
    diff::apply(base, &patch(path), Direction::Forward)
}

fn canonical(text: &str) -> serde_json::Value {
    let spec = qmp_spec::parse("rebuilt", text).unwrap_or_else(|err| panic!("{err}"));
    serde_json::to_value(spec.canonical()).expect("serializes")
}

/// Each change's outcome, with the line it names.
fn outcomes(applied: &Applied) -> Vec<(&'static str, usize)> {
    applied
        .report
        .iter()
        .map(|change| match &change.outcome {
            Outcome::Applied { line } => ("applied", *line),
            Outcome::AlreadyApplied { line } => ("already", *line),
            Outcome::NotApplied { .. } => ("not", 0),
        })
        .collect()
}

#[test]
fn the_seeds_dialects() {
    let cgit = patch(CGIT_002);
    assert_eq!(cgit.dialect, Dialect::Cgit);
    assert_eq!(
        cgit.diffstat,
        Some(Diffstat {
            insertions: 53,
            deletions: 0
        })
    );
    assert_eq!(cgit.hunks.len(), 1);
    let header = cgit.hunks[0].header.as_ref().unwrap();
    assert_eq!(
        (
            header.old_start,
            header.old_count,
            header.new_start,
            header.new_count
        ),
        (264, 3, 264, 56)
    );
    for lossy in [LOSSY_000, LOSSY_001, LOSSY_003] {
        assert_eq!(patch(lossy).dialect, Dialect::Lossy, "{lossy}");
    }
}

#[test]
fn three_routes_to_the_tray_revision_agree() {
    let base = vendored(BASE);
    let block_jobs = apply(&base, CGIT_002);
    assert_eq!(outcomes(&block_jobs), [("applied", 264)]);

    // 000 after 002: its block job changes are already there.
    let via_002 = apply(&block_jobs.text, LOSSY_000);
    assert_eq!(
        outcomes(&via_002),
        [("applied", 29), ("applied", 129), ("already", 269)]
    );
    let direct = apply(&base, LOSSY_000);
    assert_eq!(
        outcomes(&direct),
        [("applied", 29), ("applied", 129), ("applied", 267)]
    );
    // 001 on 004: RESUME, STOP's example and the SPICE events are already there.
    let from_001 = apply(&base, LOSSY_001);
    assert_eq!(
        outcomes(&from_001),
        [
            ("applied", 29),
            ("already", 41),
            ("already", 92),
            ("applied", 129),
            ("already", 185),
            ("applied", 267),
        ]
    );
    let model = canonical(&via_002.text);
    assert_eq!(canonical(&direct.text), model);
    assert_eq!(canonical(&from_001.text), model);
}

#[test]
fn seed_001_backwards_gives_the_revision_before_resume() {
    let tray = apply(&vendored(BASE), LOSSY_000).text;
    let pre = diff::apply(&tray, &patch(LOSSY_001), Direction::Reverse);
    assert!(pre.fully_applied(), "{:#?}", pre.report);
    let spec = qmp_spec::parse("pre-resume", &pre.text).unwrap_or_else(|err| panic!("{err}"));
    let events: Vec<&str> = spec.events().map(|(name, _)| name).collect();
    assert_eq!(
        events,
        [
            "BLOCK_IO_ERROR",
            "RESET",
            "RTC_CHANGE",
            "SHUTDOWN",
            "STOP",
            "VNC_CONNECTED",
            "VNC_DISCONNECTED",
            "VNC_INITIALIZED",
            "WATCHDOG",
        ]
    );
    // Forwards again: the same model back.
    let again = apply(&pre.text, LOSSY_001);
    assert!(
        again
            .report
            .iter()
            .all(|c| matches!(c.outcome, Outcome::Applied { .. })),
        "{:#?}",
        again.report
    );
    assert_eq!(canonical(&again.text), canonical(&tray));
}

#[test]
fn stop_fix_does_not_touch_shutdowns_example() {
    let tray = apply(&vendored(BASE), LOSSY_000).text;
    let pre = diff::apply(&tray, &patch(LOSSY_001), Direction::Reverse).text;
    let example_event = |text: &str, section: &str| -> String {
        let spec = qmp_spec::parse("x", text).unwrap();
        let (_, section) = spec.events().find(|(name, _)| *name == section).unwrap();
        section.examples[0].json.as_ref().unwrap()["event"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Before: STOP's example wrongly says SHUTDOWN, like SHUTDOWN's own.
    assert_eq!(example_event(&pre, "STOP"), "SHUTDOWN");
    assert_eq!(example_event(&pre, "SHUTDOWN"), "SHUTDOWN");
    let fixed = apply(&pre, LOSSY_001);
    let stop_change = fixed
        .report
        .iter()
        .find(|c| c.text.contains("\"STOP\""))
        .unwrap();
    let shutdown_example = pre.lines().position(|l| l.contains("1267040730")).unwrap();
    match stop_change.outcome {
        Outcome::Applied { line } => assert!(line > shutdown_example + 1, "applied at {line}"),
        ref other => panic!("{other:?}"),
    }
    assert_eq!(example_event(&fixed.text, "STOP"), "STOP");
    assert_eq!(example_event(&fixed.text, "SHUTDOWN"), "SHUTDOWN");
}

#[test]
fn seed_003_applies_fully_to_its_colo_base() {
    let applied = apply(&vendored("corpus/coloft_d7f58d63.txt"), LOSSY_003);
    assert_eq!(applied.report.len(), 14);
    assert!(
        applied
            .report
            .iter()
            .all(|c| matches!(c.outcome, Outcome::Applied { .. })),
        "{:#?}",
        applied.report
    );
    let spec = qmp_spec::parse("003", &applied.text).unwrap();
    let names: Vec<&str> = spec.events().map(|(name, _)| name).collect();
    assert!(names.contains(&"DUMP_COMPLETED") && names.contains(&"MIGRATION_PASS"));
}

#[test]
fn applying_twice_changes_nothing_the_second_time() {
    let base = vendored(BASE);
    for path in [CGIT_002, LOSSY_000, LOSSY_001] {
        let once = apply(&base, path);
        let twice = apply(&once.text, path);
        assert_eq!(twice.text, once.text, "{path}");
        assert!(
            twice
                .report
                .iter()
                .all(|c| matches!(c.outcome, Outcome::AlreadyApplied { .. })),
            "{path}: {:#?}",
            twice.report
        );
    }
}

const GIT_DIFF: &str = "diff --git a/QMP/qmp-events.txt b/QMP/qmp-events.txt
index 1111111..2222222 100644
--- a/QMP/qmp-events.txt
+++ b/QMP/qmp-events.txt
@@ -29,7 +29,7 @@ BLOCK_IO_ERROR event.
 RESET
 -----
 
-Emitted when the Virtual Machine is reseted.
+Emitted when the Virtual Machine is reset.
 
 Data: None.
 
";

#[test]
fn git_diffs_apply_exactly_with_offset_tolerance() {
    let base = vendored(BASE);
    let patch = diff::parse("fix.diff", GIT_DIFF).unwrap();
    assert_eq!(patch.dialect, Dialect::Git);
    let applied = diff::apply(&base, &patch, Direction::Forward);
    assert_eq!(outcomes(&applied), [("applied", 29)]);
    assert!(applied.text.contains("is reset.\n") && !applied.text.contains("reseted"));
    assert_eq!(applied.text.len(), base.len() - 2);

    // Ten lines more above the hunk: found ten lines further down.
    let shifted = format!("{}{base}", "\n".repeat(10)).replacen("\n\n", "\n\n", 1);
    let shifted = shifted.replacen(
        "                   QEMU Monitor Protocol Events\n                   ============================\n",
        "",
        1,
    );
    let shifted = format!(
        "                   QEMU Monitor Protocol Events\n                   ============================\n{shifted}"
    );
    let applied = diff::apply(&shifted, &patch, Direction::Forward);
    assert_eq!(outcomes(&applied), [("applied", 39)]);
    // Backwards undoes it.
    let undone = diff::apply(&applied.text, &patch, Direction::Reverse);
    assert_eq!(undone.text, shifted);
}

#[test]
fn a_patch_for_another_base_reports_every_change_it_cannot_apply() {
    // Seed 003 belongs to a 2016 revision, not to the 2011 one.
    let applied = apply(&vendored(BASE), LOSSY_003);
    assert!(applied.report.len() >= 14);
    let failed: Vec<_> = applied.not_applied().collect();
    assert!(failed.len() >= 10, "{:#?}", applied.report);
    for change in failed {
        let Outcome::NotApplied { reason } = &change.outcome else {
            unreachable!()
        };
        assert!(!reason.is_empty());
        assert!(change.to_string().contains("NOT applied"));
        // The report quotes the change itself.
        assert!(
            change
                .to_string()
                .contains(change.text.lines().next().unwrap())
        );
    }
    assert!(!applied.fully_applied());
}

#[test]
fn bad_patches_are_errors_with_a_position() {
    let err = diff::parse("garbage.txt", "Hello there,\nthis is a letter.\n").unwrap_err();
    assert_eq!((err.line, err.column), (1, 1));
    assert!(
        err.message
            .starts_with("not a diff: no `@@` hunk and no added or removed line"),
        "{}",
        err.message
    );

    let err = diff::parse("empty.diff", " \n\n").unwrap_err();
    assert!(err.message.starts_with("empty patch"), "{}", err.message);

    let err =
        diff::parse_bytes("binary.diff", b"--- a\n+++ b\n@@ -1 +1 @@\n-\x00\x01\n").unwrap_err();
    assert_eq!((err.line, err.column), (4, 2));
    assert!(
        err.message.starts_with("not a text file"),
        "{}",
        err.message
    );

    let err = diff::parse_bytes("latin1.diff", b"+caf\xe9\n").unwrap_err();
    assert_eq!((err.line, err.column), (1, 5));

    // A spec is not a patch, although it has lines that start with '-'.
    let err = diff::parse(BASE, &vendored(BASE)).unwrap_err();
    assert!(
        err.message.contains("a spec text is not a patch"),
        "{}",
        err.message
    );
}

#[test]
fn truncated_git_hunk_is_an_error() {
    let truncated: String = GIT_DIFF.lines().take(9).map(|l| format!("{l}\n")).collect();
    let err = diff::parse("cut.diff", &truncated).unwrap_err();
    assert_eq!(err.line, 9);
    assert_eq!(
        err.message,
        "truncated hunk: its header says 7 old and 7 new lines, its body has 4 and 3"
    );
    // A line that is no diff line where the hunk goes on.
    let broken = GIT_DIFF.replace(" Data: None.\n", "Data: None.\n");
    let err = diff::parse("broken.diff", &broken).unwrap_err();
    assert_eq!(err.line, 12);
    assert!(
        err.message.starts_with("malformed git diff"),
        "{}",
        err.message
    );
}

#[test]
fn cgit_page_whose_diffstat_disagrees_is_an_error() {
    let page = vendored(CGIT_002).replace("53 insertions", "52 insertions");
    let err = diff::parse("page.txt", &page).unwrap_err();
    assert_eq!(err.line, 5);
    assert_eq!(
        err.message,
        "the diffstat says 52 insertions and 0 deletions, but the hunk headers add 53 lines"
    );
}

#[test]
fn cgit_hunk_that_fits_nowhere_is_reported() {
    // The QUORUM fragment has no WATCHDOG note for the hunk's context.
    let applied = apply(&vendored("corpus/qemu_3a449690.txt"), CGIT_002);
    assert_eq!(applied.report.len(), 1);
    let Outcome::NotApplied { reason } = &applied.report[0].outcome else {
        panic!("{:#?}", applied.report)
    };
    assert!(
        reason.starts_with("no split of the collapsed hunk into 3 lines of the base"),
        "{reason}"
    );
}

/// Numbers in a patch are untrusted: one larger than any text could be is an
/// error at the number; a start line beyond the base is a hint searched from
/// the base's end, and says so when nothing is found; a count the base or the
/// hunk cannot hold is reported at once.
#[test]
fn numbers_in_a_patch_are_checked() {
    let error = |text: &str| {
        let err = diff::parse("p", text).unwrap_err();
        (err.line, err.column, err.message)
    };
    assert_eq!(
        error("--- a\n+++ b\n@@ -18446744073709551615,1 +1,1 @@\n-a\n+b\n"),
        (
            3,
            5,
            "line number 18446744073709551615 is out of range: at most 4294967295".into()
        )
    );
    assert_eq!(
        error("diff --git @@ -1,99999999999999999999999 +1,1 @@ x"),
        (
            1,
            18,
            "line count 99999999999999999999999 is out of range: at most 4294967295".into()
        )
    );
    assert_eq!(
        error("1 file changed, 9223372036854775807 insertions(+)\ndiff --git @@ -1,1 +1,1 @@ x"),
        (
            1,
            17,
            "diffstat figure 9223372036854775807 is out of range: at most 4294967295".into()
        )
    );

    let base = "a\nb\nc\n";
    let reason = |text: &str, direction| {
        let patch = diff::parse("p", text).unwrap_or_else(|err| panic!("{err}"));
        let applied = diff::apply(base, &patch, direction);
        assert!(applied.work.spent <= applied.work.budget);
        match &applied.report[0].outcome {
            Outcome::NotApplied { reason } => reason.clone(),
            other => format!("{other:?}"),
        }
    };
    // Found anyway, at its real place.
    assert_eq!(
        reason(
            "--- a\n+++ b\n@@ -4000000000,2 +4000000000,2 @@\n b\n-c\n+C\n",
            Direction::Forward
        ),
        "Applied { line: 2 }"
    );
    assert_eq!(
        reason(
            "--- a\n+++ b\n@@ -4000000000,1 +4000000000,1 @@\n-x\n+y\n",
            Direction::Forward
        ),
        "its lines are not in the base (looked for near line 4 \
         (its header says line 4000000000, beyond the base's 3 lines))"
    );
    assert_eq!(
        reason("diff --git @@ -1,4000000000 +1,1 @@ x", Direction::Forward),
        "its header counts 4000000000 lines of the base, which has only 3"
    );
    assert_eq!(
        reason("diff --git @@ -1,1 +1,3 @@ x", Direction::Forward),
        "its header counts 3 lines of the result, more than its 1 lines of the base \
         and 0 marked lines can make"
    );
}
