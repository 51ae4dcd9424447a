//! `HISTORY-LINT.md`: where the history disagrees with itself, as the
//! history's own analysis finds it (`qmp_spec::history::audit`), rendered for
//! a reviewer; a report, never a failure.

use std::fmt::Write as _;

use qmp_spec::history::audit;
use qmp_spec::history::timeline::Timeline;

use crate::files::markdown_preamble;
use crate::{GeneratedFile, Revision};

pub fn report(revisions: &[Revision<'_>]) -> GeneratedFile {
    let mut out = markdown_preamble();
    out.push_str("\n# Where the history disagrees with itself\n\n");
    out.push_str(
        "A report, not a failure: `qmp-events.txt` and the QAPI schema were written by hand \
         beside each other, and QEMU's documentation lags its code. Where they disagree the \
         QAPI release is authoritative (QEMU generates the code that sends its events from it); \
         the generated types follow it.\n",
    );
    overlap(revisions, &mut out);
    // A text revision shipped in a release counts as that release.
    let shipped: std::collections::HashMap<&str, &str> = revisions
        .iter()
        .filter_map(|r| Some((r.name(), r.release?)))
        .collect();
    let timeline = Timeline::new(
        revisions
            .iter()
            .filter(|r| r.timeline)
            .map(|r| (r.name(), r.spec)),
    );
    since(&audit::since(&timeline, &shipped), &mut out);
    GeneratedFile::new("HISTORY-LINT.md", out)
}

/// The differences between each text revision of the QAPI era and its
/// release.
fn overlap(revisions: &[Revision<'_>], out: &mut String) {
    out.push_str("\n## The text against its release, where the eras overlap\n");
    for text in revisions {
        let Some(release) = text
            .release
            .and_then(|name| revisions.iter().find(|r| r.name() == name))
        else {
            continue;
        };
        let differences = audit::overlap(text.spec, release.spec);
        let _ = writeln!(
            out,
            "\n### `{}` against `{}`: {} differences\n",
            text.name(),
            release.name(),
            differences.len()
        );
        if differences.is_empty() {
            continue;
        }
        out.push_str("| event | member | difference |\n|---|---|---|\n");
        for difference in differences {
            let member = if difference.member.is_empty() {
                String::new()
            } else {
                format!("`{}`", difference.member)
            };
            let _ = writeln!(
                out,
                "| `{}` | {member} | {} |",
                difference.event, difference.what
            );
        }
    }
}

/// Each `Since:` the history contradicts.
fn since(rows: &[audit::SinceDisagreement], out: &mut String) {
    let _ = writeln!(
        out,
        "\n## `Since:` against the history: {} disagreements\n\n\
         The history's answer is the first revision of the timeline (the text revisions up to \
         2.1.0, then the releases) that has the event or member.\n",
        rows.len()
    );
    if rows.is_empty() {
        return;
    }
    out.push_str("| event / member | documented since | the history |\n|---|---|---|\n");
    for row in rows {
        let what = match &row.member {
            Some(member) => format!("`{}` `{member}`", row.event),
            None => format!("`{}`", row.event),
        };
        let _ = writeln!(out, "| {what} | {} | {} |", row.documented, row.history);
    }
}
