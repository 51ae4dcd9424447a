//! Every input that ever broke a fuzz target, kept in `fuzz/regressions/`
//! (a folder per target), replayed through the target's own checks
//! (`qmp_tests::fuzz`), so CI checks them without a fuzzer. And the decode
//! target's round trip on every example of the history and every recorded
//! QEMU line.

use std::path::PathBuf;

use qmp_tests::{fuzz, workspace_root};

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = workspace_root().join("fuzz/regressions").join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

fn replay(target: &str, check: fn(&[u8])) {
    for (path, bytes) in regressions(target) {
        eprintln!("{target}: {}", path.display());
        check(&bytes);
    }
}

#[test]
fn text_regressions() {
    replay("text", fuzz::text);
}

#[test]
fn qapi_regressions() {
    replay("qapi", fuzz::qapi);
}

#[test]
fn introspect_regressions() {
    replay("introspect", fuzz::introspect);
}

#[test]
fn diff_regressions() {
    replay("diff", fuzz::diff);
}

#[test]
fn decode_regressions() {
    replay("decode", fuzz::decode);
}

/// Decoding, encoding and decoding again gives the same message for every
/// example of every revision and every line QEMU 7.2 sent (`float_roundtrip`:
/// a float decodes exactly).
#[test]
fn every_example_and_fixture_line_survives_a_round_trip() {
    let history = qmp_tests::history();
    let mut lines: Vec<String> = Vec::new();
    for revision in &history.revisions {
        for (_, section) in revision.spec.events() {
            for example in &section.examples {
                if let Some(json) = &example.json {
                    let mut json = json.clone();
                    if json.get("timestamp").is_none() {
                        json["timestamp"] =
                            serde_json::json!({"seconds": 1267061043, "microseconds": 959568});
                    }
                    lines.push(json.to_string());
                }
            }
        }
    }
    let recorded = qmp_tests::qemu_7_2_fixture();
    lines.extend(recorded.lines().map(str::to_string));
    // Floats, where the examples have none.
    lines.push(
        r#"{"event": "X", "data": {"f": 0.1, "g": -7e-40, "h": 1.7976931348623157e308, "i": 5e-324}, "timestamp": {"seconds": 1, "microseconds": 2}}"#
            .into(),
    );
    let mut decoded = 0;
    for line in &lines {
        fuzz::decode(line.as_bytes());
        decoded += usize::from(serde_json::from_str::<qmp_events::Message>(line).is_ok());
    }
    eprintln!("{decoded} of {} lines decode and round-trip", lines.len());
    // What does not decode is an example that is wrong for its own section
    // (lint finds each: a member of the wrong type, one missing); every
    // recorded QEMU line decodes.
    assert!(decoded >= 320, "{decoded} of {} lines", lines.len());
    for line in recorded.lines() {
        serde_json::from_str::<qmp_events::Message>(line).expect(line);
    }
}

/// The seed corpora pass their targets' checks too, and each target has
/// seeds.
#[test]
fn the_seeds_pass_the_checks() {
    let seeds = fuzz::seeds();
    for (target, check) in [
        ("text", fuzz::text as fn(&[u8])),
        ("diff", fuzz::diff),
        ("decode", fuzz::decode),
        ("qapi", fuzz::qapi),
    ] {
        let mine: Vec<_> = seeds.iter().filter(|s| s.target == target).collect();
        assert!(mine.len() >= 10, "{target}: {} seeds", mine.len());
        for seed in mine {
            check(&seed.bytes);
        }
    }
}
