//! Helpers shared by the cross-crate tests: where the vendored inputs are.

pub mod bundles;
pub mod fuzz;
pub mod introspect;
pub mod live;
#[cfg(test)]
mod mounted;
pub mod outline;
pub mod render;

use std::path::{Path, PathBuf};

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// QEMU's upstream history, rebuilt from `qmp-spec/history/`.
pub fn history() -> qmp_spec::history::History {
    qmp_spec::history::History::load(&workspace_root().join("qmp-spec/history"))
        .unwrap_or_else(|err| panic!("{err}"))
}

/// The recordings of what a real QEMU 7.2 sent, one message a line, in
/// `tests/fixtures/`: the first session, and the jobs session.
pub const QEMU_7_2_RECORDINGS: [&str; 2] = ["qemu-7.2-events.jsonl", "qemu-7.2-jobs-events.jsonl"];

/// `tests/fixtures/NAME`, as text.
pub fn fixture(name: &str) -> String {
    let path = workspace_root().join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The events a real QEMU 7.2 sent in the first session.
pub fn qemu_7_2_fixture() -> String {
    fixture(QEMU_7_2_RECORDINGS[0])
}

/// The recordings of the query battery ([`live::QUERY_BATTERY`]) that
/// real QEMUs answered, in `tests/fixtures/`: 7.2, 10.0 and 11.1.
pub const RETURN_RECORDINGS: [&str; 3] = [
    "qemu-7.2-returns.jsonl",
    "qemu-10.0-returns.jsonl",
    "qemu-11.1-returns.jsonl",
];

/// A line of a recording of returns: a command, its arguments, and its
/// return exactly as QEMU wrote it (its members in QEMU's order, which
/// decides where a union's tag is).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RecordedReturn {
    pub execute: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<serde_json::Value>,
    #[serde(rename = "return")]
    pub returned: Box<serde_json::value::RawValue>,
}

/// The lines of the recording of returns `tests/fixtures/NAME`.
pub fn recorded_returns(name: &str) -> Vec<RecordedReturn> {
    fixture(name)
        .lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("tests/fixtures/{name}:{}: {err}", n + 1))
        })
        .collect()
}

/// A vendored full text: its name (the file stem) and contents.
pub struct SpecFile {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// Every full text vendored under `qmp-spec/` (history and corpus), by name.
pub fn spec_files() -> Vec<SpecFile> {
    let root = workspace_root().join("qmp-spec");
    let mut files = Vec::new();
    for folder in ["history", "corpus"] {
        let entries = std::fs::read_dir(root.join(folder)).expect("vendored folder");
        for entry in entries {
            let path = entry.expect("folder entry").path();
            if path.extension().is_some_and(|ext| ext == "txt") && is_full_text(&path) {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).expect("vendored text");
                files.push(SpecFile { name, path, text });
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// Full texts start with a title underlined with '='; diffs do not.
fn is_full_text(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .take(3)
                .any(|line| line.trim_start().starts_with("==="))
        })
        .unwrap_or(false)
}

/// The event names of every section header, read straight off the text: a
/// line of upper-case names that the next line underlines with dashes.
pub fn header_names(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut names = Vec::new();
    for pair in lines.windows(2) {
        let underline = pair[1].trim_end();
        if underline.len() < 3 || !underline.chars().all(|c| c == '-') {
            continue;
        }
        let candidates: Vec<&str> = pair[0].split(',').map(str::trim).collect();
        let is_name = |word: &&str| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        };
        if candidates.iter().all(is_name) {
            names.extend(candidates.iter().map(|name| name.to_string()));
        }
    }
    names
}

/// The text as the lossy HTML scrape lays it out: indentation stripped and
/// whitespace runs collapsed, but nested bullets indented by one space (what
/// the diff applier gives added lines).
pub fn lossy_layout(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let indented = line.starts_with([' ', '\t']);
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if indented && words.starts_with("- \"") {
            out.push(' ');
        }
        out.push_str(&words);
        out.push('\n');
    }
    out
}
