//! `cargo xtask since PATH [--json] [--in SOURCE]`: which QEMU has an
//! event, command, member or enumeration value: across the history's
//! timeline, the first and last revision that has it, the runs between,
//! and the conditions and features the newest schema gives it; with
//! `--in SOURCE`, whether that one QEMU (a binary, a capture, a QAPI tree,
//! a revision) has it. Exit 1 when nothing has it, with the paths where
//! its last name does occur.

use std::ffi::OsString;

use lexopt::prelude::*;
use qmp_spec::availability::{self, Availability, Found, Path};
use serde_json::json;

use crate::Failure;

const USAGE: &str = "usage: cargo xtask since PATH [--json] [--in SOURCE]";

pub fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut path: Option<String> = None;
    let mut source: Option<String> = None;
    let mut as_json = false;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("json") => as_json = true,
            Long("in") => source = Some(parser.value()?.to_string_lossy().into_owned()),
            Value(arg) if path.is_none() => path = Some(arg.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let text = path.ok_or_else(|| Failure::Usage(USAGE.into()))?;
    let path: Path = text
        .parse()
        .map_err(|err| Failure::Failed(format!("error: {err}")))?;
    match source {
        Some(source) => in_source(&path, &source, as_json),
        None => across_history(&path, as_json),
    }
}

fn across_history(path: &Path, as_json: bool) -> Result<(), Failure> {
    let history = crate::load_history(&crate::project_root())?;
    let timeline = history.timeline();
    let found = availability::across(timeline.iter().map(|r| (r.name(), &r.spec)), path);
    if as_json {
        println!("{}", json!(found));
    } else {
        print!("{}", describe(&found));
    }
    if found.since.is_some() {
        return Ok(());
    }
    // Where its last name does occur, in the newest revision that has the
    // event or command.
    let root_only = Path {
        root: path.root.clone(),
        steps: Vec::new(),
        value: None,
    };
    let newest_with_root = timeline
        .iter()
        .rev()
        .find(|r| availability::find(&r.spec, &root_only).is_some());
    let mut message = format!(
        "since: no revision of the history ({} of them) has {path}",
        found.revisions
    );
    match newest_with_root {
        None => message.push_str(&format!("; no event or command is named {:?}", path.root)),
        Some(revision) => message.push_str(&hints(
            &revision.spec,
            path,
            &format!("; in {}, the name is at:", revision.name()),
        )),
    }
    Err(Failure::Exit { code: 1, message })
}

/// The answer as text.
fn describe(found: &Availability) -> String {
    let Some(since) = &found.since else {
        return String::new();
    };
    let mut text = format!("{}\n  since {since}", found.path);
    match &found.until {
        Some(until) => text.push_str(&format!(", until {until} (the newer revisions lack it)")),
        None => text.push_str(", and in the newest revision"),
    }
    text.push('\n');
    if found.ranges.len() > 1 {
        let ranges: Vec<String> = found
            .ranges
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.clone()
                } else {
                    format!("{a} to {b}")
                }
            })
            .collect();
        text.push_str(&format!("  in: {}\n", ranges.join(", ")));
    }
    if let (Some(newest), Some(name)) = (&found.newest, &found.newest_in) {
        text.push_str(&format!("  as {name} has it: {}", presence(newest, false)));
    }
    text
}

/// What one revision says of a path it has; `build` for a build's
/// answer, whose conditions are decided.
fn presence(found: &Found, build: bool) -> String {
    let mut text = found.kind.to_string();
    if let Some(optional) = found.optional {
        text.push_str(if optional { ", optional" } else { ", required" });
    }
    text.push('\n');
    if !found.branches.is_empty() {
        text.push_str(&format!("    in branches: {}\n", found.branches.join(", ")));
    }
    if build {
        text.push_str("    (a build's answer: its conditions are decided)\n");
    } else if found.conditions.is_empty() {
        text.push_str("    no condition: every build has it\n");
    }
    for condition in &found.conditions {
        text.push_str(&format!(
            "    if {} (on {})\n",
            condition.condition, condition.on
        ));
    }
    if !found.features.is_empty() {
        text.push_str(&format!("    features: {}\n", found.features.join(", ")));
    }
    for inherited in &found.inherited {
        text.push_str(&format!("    within: {inherited}\n"));
    }
    text
}

fn in_source(path: &Path, source: &str, as_json: bool) -> Result<(), Failure> {
    let loaded = crate::load_quietly(&mut crate::resolver(), source)?;
    let found = availability::find(&loaded.spec, path);
    if as_json {
        println!(
            "{}",
            json!({ "path": path.to_string(), "in": loaded.name, "found": found })
        );
    } else if let Some(found) = &found {
        let build = loaded.spec.build.is_some();
        print!(
            "{path}\n  {} has it: {}",
            loaded.name,
            presence(found, build)
        );
    }
    match found {
        Some(_) => Ok(()),
        None => {
            let mut message = format!("since: {} does not have {path}", loaded.name);
            message.push_str(&hints(&loaded.spec, path, "; the name is at:"));
            Err(Failure::Exit { code: 1, message })
        }
    }
}

/// Where the last name of `path` occurs in `spec`, a line each after
/// `lead`; empty when nowhere.
fn hints(spec: &qmp_spec::Spec, path: &Path, lead: &str) -> String {
    let found = availability::suggest(spec, path, 10);
    if found.is_empty() {
        return String::new();
    }
    let mut text = lead.to_string();
    for hint in found {
        text.push_str(&format!("\n  {hint}"));
    }
    text
}
