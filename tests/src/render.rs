//! Renders the diff between two texts in the three dialects the history
//! survives in, exactly as `qmp-spec/history/seeds-README.md` describes them.

use similar::TextDiff;

const PATH: &str = "docs/qmp-events.txt";

/// A git unified diff with three lines of context, with git's function
/// names (the nearest line above a hunk that starts with a letter).
pub fn git(old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{PATH}"), &format!("b/{PATH}"))
        .to_string();
    let old_lines: Vec<&str> = old.lines().collect();
    let mut out = format!("diff --git a/{PATH} b/{PATH}\nindex 1111111..2222222 100644\n");
    for line in unified.lines() {
        out.push_str(line);
        if let Some(start) = hunk_old_start(line) {
            let above = old_lines[..start.saturating_sub(1).min(old_lines.len())]
                .iter()
                .rev()
                .find(|l| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$'));
            if let Some(name) = above {
                out.push(' ');
                out.push_str(name.trim_end());
            }
        }
        out.push('\n');
    }
    out
}

fn hunk_old_start(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("@@ -")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The body lines of a git diff: no headers, no `\ No newline` notes.
fn body(git: &str) -> impl Iterator<Item = &str> {
    git.lines().filter(|line| {
        !(line.starts_with("diff --git")
            || line.starts_with("index ")
            || line.starts_with("--- ")
            || line.starts_with("+++ ")
            || line.starts_with('\\'))
    })
}

/// A cgit page: a diffstat preamble, then the whole diff on one line, every
/// whitespace run collapsed to one space, ending in ` |`.
pub fn cgit(old: &str, new: &str) -> String {
    let git = git(old, new);
    let lines: Vec<&str> = body(&git).filter(|l| !l.starts_with("@@")).collect();
    let insertions = lines.iter().filter(|l| l.starts_with('+')).count();
    let deletions = lines.iter().filter(|l| l.starts_with('-')).count();
    let kept: Vec<&str> = git.lines().filter(|l| !l.starts_with('\\')).collect();
    let collapsed = kept
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "diff options\nDiffstat (limited to '{PATH}')\n-rw-r--r-- | {PATH} | {} |\n\
         1 files changed, {insertions} insertions, {deletions} deletions\n{collapsed} |",
        insertions + deletions
    )
}

/// An HTML page's rendering: headers and `@@` lines gone, blank context lines
/// gone, context lines without leading whitespace, one space after a +/-
/// marker, whitespace runs collapsed, no trailing whitespace, no final newline.
pub fn lossy(old: &str, new: &str) -> String {
    let git = git(old, new);
    let mut out = Vec::new();
    for line in body(&git).filter(|l| !l.starts_with("@@")) {
        let (marker, rest) = line.split_at(line.len().min(1));
        let words = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        match marker {
            "+" | "-" if words.is_empty() => out.push(marker.to_string()),
            "+" | "-" => {
                let space = if rest.starts_with([' ', '\t']) {
                    " "
                } else {
                    ""
                };
                out.push(format!("{marker}{space}{words}"));
            }
            _ if words.is_empty() => {}
            _ => out.push(words),
        }
    }
    out.join("\n")
}
