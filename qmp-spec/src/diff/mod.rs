//! The historical diffs of `qmp-events.txt`: one patch model for the three
//! dialects they survive in ([`parse`]), and the applier that rebuilds a
//! revision from its neighbour ([`apply`](apply::apply)).

pub mod apply;
pub mod budget;
mod parse;
mod split;

pub use apply::{Applied, ChangeReport, Direction, Outcome, Work, apply};
pub use parse::{parse, parse_bytes};

use serde::{Deserialize, Serialize};

/// How a diff was written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// `diff --git`, `---`/`+++`, `@@ -a,b +c,d @@` hunks, lines as written.
    Git,
    /// A cgit web page: a diffstat, then the whole unified diff on one line
    /// with every whitespace run (newlines included) collapsed to one space.
    Cgit,
    /// An HTML page: no headers or `@@` lines, blank context lines gone,
    /// indentation stripped, whitespace runs collapsed.
    Lossy,
}

/// A diff of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    pub dialect: Dialect,
    /// Insertions and deletions the page's diffstat announces (cgit).
    pub diffstat: Option<Diffstat>,
    pub hunks: Vec<Hunk>,
}

impl Patch {
    /// The patch's text size in bytes, about: what an apply's work budget
    /// grows with.
    pub fn size(&self) -> usize {
        self.hunks
            .iter()
            .map(|hunk| match &hunk.body {
                HunkBody::Lines(lines) => lines.iter().map(|l| l.text.len() + 2).sum(),
                HunkBody::Collapsed(body) => body.len() + 24,
            })
            .sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diffstat {
    pub insertions: usize,
    pub deletions: usize,
}

/// A hunk: a header (none in the lossy dialect, whose whole text is one
/// hunk) and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    pub header: Option<HunkHeader>,
    pub body: HunkBody,
    /// The patch line where the hunk starts.
    pub line: u32,
}

/// `@@ -old_start,old_count +new_start,new_count @@ section`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HunkHeader {
    pub old_start: usize,
    pub old_count: usize,
    pub new_start: usize,
    pub new_count: usize,
    /// The function name git prints after the header (the nearest line above
    /// the hunk that starts with a letter).
    pub section: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HunkBody {
    Lines(Vec<PatchLine>),
    /// A cgit hunk: its lines on one line, whitespace collapsed. Where one
    /// line ends and the next begins is recovered against the base.
    Collapsed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchLine {
    pub marker: Marker,
    /// The line without its marker; a [`Marker::Minus`] line, whose '-' may
    /// be a marker or its first character, keeps it.
    pub text: String,
    /// Where the line is in the patch.
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Marker {
    Context,
    Added,
    Removed,
    /// A lossy line that starts with '-': a removed line, or a context line
    /// that itself starts with '-' (a bullet `- "name": ...`, an underline).
    /// The base decides which.
    Minus,
}
