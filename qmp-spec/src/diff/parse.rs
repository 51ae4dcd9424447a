//! Detects a diff's dialect and reads it into the [patch model](super::Patch).

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::{Dialect, Diffstat, Hunk, HunkBody, HunkHeader, Marker, Patch, PatchLine};
use crate::source::{ParseError, Source, decode, reject_binary};

#[derive(Parser)]
#[grammar = "diff/grammar.pest"]
struct Grammar;

/// Reads a diff given as bytes: binary data is an error.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Patch, ParseError> {
    parse(file, decode(file, bytes)?)
}

/// Reads a diff in any of the three dialects. `file` names it in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<Patch, ParseError> {
    reject_binary(file, text)?;
    let source = Source::new(file, text);
    if text.trim().is_empty() {
        return Err(source.error_at(
            0,
            "empty patch: expected a git diff, a cgit page or a lossy HTML diff",
        ));
    }
    match detect(text) {
        Some(Dialect::Git) => git(&source),
        Some(Dialect::Cgit) => cgit(&source),
        Some(Dialect::Lossy) => lossy(&source),
        None => Err(not_a_diff(&source)),
    }
}

fn detect(text: &str) -> Option<Dialect> {
    let lines = || text.lines();
    if lines().any(|line| line.starts_with("diff --git ") && line.contains(" @@ -")) {
        return Some(Dialect::Cgit);
    }
    if lines().any(|line| line.starts_with("@@ -")) {
        return Some(Dialect::Git);
    }
    // A spec text has '-' lines (bullets, underlines) but never a '+' line.
    if !lines().any(|line| line.starts_with('+')) && crate::parse("", text).is_ok() {
        return None;
    }
    if lines().any(|line| line.starts_with(['+', '-'])) {
        return Some(Dialect::Lossy);
    }
    None
}

fn not_a_diff(source: &Source<'_>) -> ParseError {
    let first = source
        .text
        .lines()
        .position(|line| !line.trim().is_empty())
        .unwrap_or(0);
    let offset: usize = source
        .text
        .lines()
        .take(first)
        .map(|line| line.len() + 1)
        .sum();
    source.error_at(
        offset,
        "not a diff: no `@@` hunk and no added or removed line (expected a git diff, \
         a cgit page or a lossy HTML diff; a spec text is not a patch)",
    )
}

/// The pair of `rule` over the whole input, or an error at the line that
/// does not fit `what`.
fn top_pair<'i>(source: &Source<'i>, rule: Rule, what: &str) -> Result<Pair<'i, Rule>, ParseError> {
    Grammar::parse(rule, source.text)
        .map_err(|err| pest_error(source, err, what))?
        .next()
        .ok_or_else(|| source.error_at(0, "no diff found"))
}

fn pest_error(source: &Source<'_>, err: pest::error::Error<Rule>, what: &str) -> ParseError {
    let offset = match err.location {
        pest::error::InputLocation::Pos(pos) => pos,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    source.error_at(
        offset,
        format!("malformed {what}: this line does not fit it"),
    )
}

// ---------------------------------------------------------------- git

fn git(source: &Source<'_>) -> Result<Patch, ParseError> {
    let patch = top_pair(source, Rule::git_patch, "git diff")?;
    let mut hunks = Vec::new();
    for file in patch.into_inner().filter(|p| p.as_rule() == Rule::git_file) {
        for pair in file.into_inner().filter(|p| p.as_rule() == Rule::hunk) {
            hunks.push(git_hunk(source, pair)?);
        }
    }
    Ok(Patch {
        dialect: Dialect::Git,
        diffstat: None,
        hunks,
    })
}

fn git_hunk(source: &Source<'_>, pair: Pair<'_, Rule>) -> Result<Hunk, ParseError> {
    let line = source.span_of(&pair).line;
    let end = pair.as_span().end();
    let mut inner = pair.into_inner();
    let header = match inner.next() {
        Some(header) => hunk_header(source, header)?,
        None => return Err(source.error_at(end, "a hunk needs a header")),
    };
    let mut lines = Vec::new();
    for part in inner {
        let marker = match part.as_rule() {
            Rule::context_line | Rule::empty_line => Marker::Context,
            Rule::added_line => Marker::Added,
            Rule::removed_line => Marker::Removed,
            _ => continue,
        };
        let text = part.into_inner().next().map_or("", |t| t.as_str());
        lines.push(PatchLine {
            marker,
            text: text.to_string(),
            line: 0,
        });
        let last = lines.len() - 1;
        lines[last].line = line + 1 + last as u32;
    }
    // Blank lines after the last hunk belong to no hunk.
    while counts(&lines) > (header.old_count, header.new_count)
        && lines
            .last()
            .is_some_and(|l| l.marker == Marker::Context && l.text.is_empty())
    {
        lines.pop();
    }
    let (old, new) = counts(&lines);
    if (old, new) != (header.old_count, header.new_count) {
        let at = line + lines.len() as u32;
        let what = if old < header.old_count || new < header.new_count {
            "truncated hunk"
        } else {
            "hunk too long"
        };
        return Err(source.error(
            crate::Span {
                line: at,
                column: 1,
            },
            format!(
                "{what}: its header says {} old and {} new lines, its body has {old} and {new}",
                header.old_count, header.new_count
            ),
        ));
    }
    Ok(Hunk {
        header: Some(header),
        body: HunkBody::Lines(lines),
        line,
    })
}

fn counts(lines: &[PatchLine]) -> (usize, usize) {
    let old = lines.iter().filter(|l| l.marker != Marker::Added).count();
    let new = lines.iter().filter(|l| l.marker != Marker::Removed).count();
    (old, new)
}

fn hunk_header(source: &Source<'_>, pair: Pair<'_, Rule>) -> Result<HunkHeader, ParseError> {
    let mut ranges = Vec::new();
    let mut section = String::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::range => {
                let mut numbers = part.into_inner();
                let start = match numbers.next() {
                    Some(n) => number(source, &n, "line number")?,
                    None => 0,
                };
                let count = match numbers.next() {
                    Some(n) => number(source, &n, "line count")?,
                    None => 1,
                };
                ranges.push((start, count));
            }
            Rule::section_name => section = part.as_str().trim().to_string(),
            _ => {}
        }
    }
    let (old_start, old_count) = ranges.first().copied().unwrap_or((0, 0));
    let (new_start, new_count) = ranges.get(1).copied().unwrap_or((0, 0));
    Ok(HunkHeader {
        old_start,
        old_count,
        new_start,
        new_count,
        section,
    })
}

/// The largest line number or count a patch may give: no text of more lines
/// could be read into memory, so a larger one is an error, not a hint.
const MAX_NUMBER: usize = u32::MAX as usize;

/// A number of the patch (a line number, a count, a diffstat figure), or an
/// error at it when it is larger than any text could be.
fn number(source: &Source<'_>, pair: &Pair<'_, Rule>, what: &str) -> Result<usize, ParseError> {
    let digits = pair.as_str();
    match digits.parse::<usize>() {
        Ok(n) if n <= MAX_NUMBER => Ok(n),
        _ => Err(source.error_at(
            pair.as_span().start(),
            format!("{what} {digits} is out of range: at most {MAX_NUMBER}"),
        )),
    }
}

// ---------------------------------------------------------------- cgit

fn cgit(source: &Source<'_>) -> Result<Patch, ParseError> {
    let page = top_pair(source, Rule::cgit_page, "cgit page")?;
    let mut diffstat = None;
    let mut hunks = Vec::new();
    for part in page.into_inner() {
        match part.as_rule() {
            Rule::diffstat_summary => {
                let mut stat = Diffstat {
                    insertions: 0,
                    deletions: 0,
                };
                for count in part.into_inner() {
                    let number = match count.clone().into_inner().next() {
                        Some(n) => number(source, &n, "diffstat figure")?,
                        None => 0,
                    };
                    match count.as_rule() {
                        Rule::insertions => stat.insertions = number,
                        Rule::deletions => stat.deletions = number,
                        _ => {}
                    }
                }
                diffstat = Some(stat);
            }
            Rule::cgit_diff => {
                for hunk in part.into_inner().filter(|p| p.as_rule() == Rule::cgit_hunk) {
                    let line = source.span_of(&hunk).line;
                    let mut inner = hunk.into_inner();
                    let header = match inner.next() {
                        Some(header) => Some(hunk_header(source, header)?),
                        None => None,
                    };
                    let body = inner
                        .next()
                        .map_or(String::new(), |b| b.as_str().to_string());
                    hunks.push(Hunk {
                        header,
                        body: HunkBody::Collapsed(body),
                        line,
                    });
                }
            }
            _ => {}
        }
    }
    if let Some(stat) = diffstat {
        // Every figure is at most MAX_NUMBER and there are fewer hunks than
        // bytes, so these sums cannot overflow an i128.
        let net: i128 = hunks
            .iter()
            .filter_map(|h| h.header.as_ref())
            .map(|h| h.new_count as i128 - h.old_count as i128)
            .sum();
        if net != stat.insertions as i128 - stat.deletions as i128 {
            let at = source.text.find("diff --git").unwrap_or(0);
            return Err(source.error_at(
                at,
                format!(
                    "the diffstat says {} insertions and {} deletions, but the hunk headers add {net} lines",
                    stat.insertions, stat.deletions
                ),
            ));
        }
    }
    Ok(Patch {
        dialect: Dialect::Cgit,
        diffstat,
        hunks,
    })
}

// ---------------------------------------------------------------- lossy

fn lossy(source: &Source<'_>) -> Result<Patch, ParseError> {
    let patch = top_pair(source, Rule::lossy_patch, "lossy diff")?;
    let mut lines = Vec::new();
    for part in patch.into_inner() {
        let marker = match part.as_rule() {
            Rule::lossy_added => Marker::Added,
            Rule::lossy_minus => Marker::Minus,
            Rule::lossy_context => Marker::Context,
            _ => continue,
        };
        let line = source.span_of(&part).line;
        let text = match marker {
            Marker::Added => part.into_inner().next().map_or("", |t| t.as_str()),
            _ => part.as_str(),
        };
        lines.push(PatchLine {
            marker,
            text: text.trim_end().to_string(),
            line,
        });
    }
    Ok(Patch {
        dialect: Dialect::Lossy,
        diffstat: None,
        hunks: vec![Hunk {
            header: None,
            body: HunkBody::Lines(lines),
            line: 1,
        }],
    })
}
