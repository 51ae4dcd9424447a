//! What every fuzz target checks, one function per target: the targets in
//! `fuzz/fuzz_targets/` call these, and `tests/tests/fuzz_regressions.rs`
//! replays every input kept in `fuzz/regressions/` through them, so an
//! ordinary `cargo test` checks what once broke a target, without a fuzzer.
//!
//! Each function panics when the contract of the readers is broken: a panic
//! inside a reader, an error that names no place in its input, an apply
//! that spends more than its budget, a decoded message that does not survive
//! being encoded and decoded again. Time is the fuzzer's to judge (its
//! `-timeout`); the benchmarks measure how work grows.

use qmp_spec::history::{Era, RevisionId};
use std::sync::OnceLock;

use qmp_spec::ParseError;
use qmp_spec::diff::{self, Direction};

/// The byte that splits a diff input into `BASE` and `PATCH`.
pub const SPLIT: u8 = 0xFF;

/// The text reader: any bytes give a model or an error inside the input.
/// An accepted text also gives its canonical form and its lint.
pub fn text(data: &[u8]) {
    match qmp_spec::parse_bytes("fuzz.txt", data) {
        Ok(spec) => {
            let canonical = spec.canonical();
            serde_json::to_string(&canonical).expect("the canonical form serializes");
            let _ = qmp_spec::defects::check(&spec);
        }
        Err(error) => check_position(data, &error),
    }
}

/// The QAPI reader: any bytes, read as a schema's top file whose includes
/// do not exist, give a schema or an error inside the input (an include of
/// a missing file is an error at the include). An accepted schema gives
/// its canonical event view, and converts into the model of both eras (or
/// an error at an event), whose catalog, Rust and JSON Schema generate.
pub fn qapi(data: &[u8]) {
    match qmp_spec::qapi::read_text("fuzz.json", data) {
        Ok(schema) => {
            serde_json::to_string(&schema.event_view()).expect("the canonical form serializes");
            match schema.to_spec("fuzz") {
                Ok(spec) => {
                    serde_json::to_string(&spec.canonical()).expect("the model serializes");
                    let id = RevisionId::alone("fuzz", Era::Schema);
                    let revisions = [codegen::Revision::alone(&id, &spec)];
                    let catalog = codegen::catalog::Catalog::new(&revisions);
                    codegen::rust::generate(&catalog, &revisions, codegen::version::of(&revisions))
                        .expect("the generated Rust parses");
                    codegen::schema::revision_files("fuzz", &revisions[0]);
                }
                Err(error) => {
                    assert_eq!(error.file, "fuzz.json", "{error}");
                    check_position(data, &error)
                }
            }
        }
        Err(error) => {
            assert_eq!(error.file, "fuzz.json", "{error}");
            check_position(data, &error)
        }
    }
}

/// The introspection reader: any bytes, read as a `query-qmp-schema`
/// reply, give the model or an error that names its place: a line and
/// column inside the input for JSON that does not parse, else an entry of
/// the reply and a JSON path into it. An accepted reply converts on its own
/// and with release 7.2.0 lending names and documentation; its catalog,
/// Rust and JSON Schema generate.
pub fn introspect(data: &[u8]) {
    use qmp_spec::introspect::{IntrospectError, Reply};
    check_against(data);
    let reply = match Reply::parse("fuzz.json", data) {
        Ok(reply) => reply,
        Err(IntrospectError::Json {
            file, line, column, ..
        }) => {
            assert_eq!(file, "fuzz.json");
            let text = String::from_utf8_lossy(data);
            let lines: Vec<&str> = text.split('\n').collect();
            assert!(
                line >= 1 && line <= lines.len(),
                "line {line} of {}",
                lines.len()
            );
            assert!(
                column <= lines[line - 1].chars().count() + 1,
                "column {column} of line {line}"
            );
            return;
        }
        Err(error @ IntrospectError::Entry { .. }) => return check_entry(&error),
    };
    let release: [(&str, &qmp_spec::Spec); 1] = [("qemu-7.2.0", release_7_2())];
    for references in [&[][..], &release[..]] {
        match reply.to_spec("fuzz", references) {
            Ok(spec) => {
                serde_json::to_string(&spec.canonical()).expect("the model serializes");
                let id = RevisionId::alone("fuzz", Era::Build);
                let revisions = [codegen::Revision::alone(&id, &spec)];
                let catalog = codegen::catalog::Catalog::new(&revisions);
                codegen::rust::generate(&catalog, &revisions, codegen::version::of(&revisions))
                    .expect("the generated Rust parses");
                codegen::schema::revision_files("fuzz", &revisions[0]);
            }
            Err(error) => check_entry(&error),
        }
    }
}

/// The crate's checker (`qmp_events::commands::Schema`): the same bytes
/// read as a reply give a schema or an error, never a panic; every command
/// of an accepted one checks a request with no arguments and one with
/// arguments of every JSON type, each finding at a path of the request.
fn check_against(data: &[u8]) {
    use qmp_events::commands::{Request, Schema};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(schema) = Schema::from_reply(text) else {
        return;
    };
    let arguments = serde_json::json!({
        "a": 1, "b": "x", "c": [1, {"d": null}], "e": {"f": true}, "g": 1.5, "h": -1
    });
    for name in schema.commands() {
        for arguments in [None, arguments.as_object().cloned()] {
            let request = Request {
                name: name.to_owned(),
                arguments,
                id: None,
                oob: false,
            };
            let findings = match schema.check(&request) {
                Ok(warnings) => warnings,
                Err(error) => error.errors.into_iter().chain(error.warnings).collect(),
            };
            for finding in findings {
                assert!(
                    ["execute", "arguments"]
                        .iter()
                        .any(|root| finding.path.starts_with(root)),
                    "{finding}"
                );
            }
        }
    }
}

/// An entry error names an entry and a JSON path into the reply.
fn check_entry(error: &qmp_spec::introspect::IntrospectError) {
    match error {
        qmp_spec::introspect::IntrospectError::Entry { file, path, .. } => {
            assert_eq!(file, "fuzz.json");
            assert!(path.starts_with("$["), "{error}");
        }
        other => panic!("not an entry error: {other}"),
    }
}

/// Release 7.2.0's model, read once.
fn release_7_2() -> &'static qmp_spec::Spec {
    static RELEASE: OnceLock<qmp_spec::Spec> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let top = crate::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
        qmp_spec::qapi::read(&top)
            .and_then(|schema| schema.to_spec("qemu-7.2.0"))
            .unwrap_or_else(|err| panic!("{err}"))
    })
}

/// What the targets load once, before their first input, so that no input
/// is charged for it (`-timeout`): the diff target's bases, the
/// introspection target's release.
pub fn init() {
    bases();
    release_7_2();
}

/// The diff reader and applier, both ways. `BASE 0xFF PATCH` applies PATCH
/// to BASE; otherwise the first byte picks one of the history's revisions as
/// the base and the rest is the patch, so the fuzzer explores patches
/// against real documents.
pub fn diff(data: &[u8]) {
    let (base, patch) = match data.iter().position(|&b| b == SPLIT) {
        Some(at) => match std::str::from_utf8(&data[..at]) {
            Ok(base) => (base, &data[at + 1..]),
            // The applier takes text; binary bases are the reader's to refuse.
            Err(_) => return,
        },
        None => match data.split_first() {
            Some((pick, patch)) => {
                let bases = bases();
                (bases[*pick as usize % bases.len()].as_str(), patch)
            }
            None => ("", data),
        },
    };
    let patch_text = patch;
    let patch = match diff::parse_bytes("fuzz.patch", patch_text) {
        Ok(patch) => patch,
        Err(error) => return check_position(patch_text, &error),
    };
    for direction in [Direction::Forward, Direction::Reverse] {
        let applied = diff::apply(base, &patch, direction);
        assert!(
            applied.work.spent <= applied.work.budget,
            "spent {} of a budget of {}",
            applied.work.spent,
            applied.work.budget
        );
        if patch.dialect != diff::Dialect::Lossy {
            assert_eq!(
                applied.report.len(),
                patch.hunks.len(),
                "one report per hunk"
            );
        }
    }
}

/// The generated decoder: a line that decodes encodes to JSON that decodes
/// to the same message, and encodes the same again (numbers included:
/// floats are parsed exactly, with serde_json's `float_roundtrip`, which
/// this crate enables as a client needing exact floats would). And the
/// same bytes as a stream through `Reader`: no panic, a line the reader
/// decodes decodes the same alone, and it stops at the end.
pub fn decode(data: &[u8]) {
    let mut reader = qmp_events::Reader::with_limit(data, 1 << 12);
    let mut lines = 0;
    while let Some(item) = reader.next() {
        lines += 1;
        assert!(lines <= data.len(), "more messages than bytes");
        if let Ok(message) = item {
            let alone: qmp_events::ServerMessage = reader
                .line()
                .parse()
                .unwrap_or_else(|err| panic!("the reader decoded {:?}: {err}", reader.line()));
            assert_eq!(alone, message);
        }
    }
    returns(data);
    let Ok(message) = serde_json::from_slice::<qmp_events::Message>(data) else {
        return;
    };
    let encoded = serde_json::to_string(&message).expect("a decoded message encodes");
    let again: qmp_events::Message = serde_json::from_str(&encoded)
        .unwrap_or_else(|err| panic!("{encoded} does not decode again: {err}"));
    assert_eq!(again, message, "decoded again from {encoded}");
    let twice = serde_json::to_string(&again).expect("encodes");
    assert_eq!(twice, encoded, "encodes the same twice");
}

/// A command's return as the recorded returns write it (`{"execute":
/// NAME, "return": VALUE}`, a `RecordedReturn`): decoded typed by the command's name
/// (`qmp_events::commands::decode_return`), it never panics and decodes
/// the same twice; a return the crate's type refuses is refused by the
/// name's type alone, never by the catch-all, and a command the crate does
/// not know always decodes (`Unknown`).
fn returns(data: &[u8]) {
    let Ok(line) = serde_json::from_slice::<crate::RecordedReturn>(data) else {
        return;
    };
    // The return as the line writes it: its members in their order.
    let (name, text) = (&line.execute, line.returned.get());
    let first = qmp_events::commands::decode_return(name, text);
    let second = qmp_events::commands::decode_return(name, text);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}: {text}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{name}: decoded once, not twice: {text}"),
    }
    if qmp_events::commands::CommandKind::from_name(name).is_none() {
        assert!(
            matches!(first, Ok(qmp_events::commands::Return::Unknown { .. })),
            "{name} is no command of the crate: {first:?}"
        );
    }
}

/// A seed input of a fuzz target.
pub struct Seed {
    pub target: &'static str,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The seed corpora: every vendored full text (text); every patch of the
/// history against its base, and git, cgit and lossy diffs between each two
/// consecutive revisions, rendered as `tests/src/render.rs` does (diff);
/// every example of the history, with a timestamp where it has none,
/// every line QEMU 7.2 sent and every return of the recorded query
/// batteries (decode); every file of QAPI release 7.2.0 and
/// the top files of 2.1.0 and 10.1.0 (qapi); QEMU 7.2's recorded
/// capture and bare reply (introspect).
pub fn seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    let qapi = crate::workspace_root().join("qmp-spec/qapi");
    let mut qapi_files: Vec<std::path::PathBuf> = std::fs::read_dir(qapi.join("7.2.0/qapi"))
        .expect("qmp-spec/qapi/7.2.0")
        .filter_map(|e| Some(e.ok()?.path()))
        .chain([
            qapi.join("2.1.0/qapi-schema.json"),
            qapi.join("10.1.0/qapi/qapi-schema.json"),
        ])
        .collect();
    qapi_files.sort();
    for path in qapi_files {
        seeds.push(Seed {
            target: "qapi",
            name: path
                .strip_prefix(&qapi)
                .unwrap_or(&path)
                .display()
                .to_string()
                .replace('/', "-"),
            bytes: std::fs::read(&path).expect("a vendored schema file"),
        });
    }
    for file in crate::spec_files() {
        seeds.push(Seed {
            target: "text",
            name: file.name,
            bytes: file.text.into_bytes(),
        });
    }
    let history = crate::history();
    let texts: Vec<&qmp_spec::history::Revision> = history
        .revisions
        .iter()
        .filter(|r| !r.is_release())
        .collect();
    // A base's index among the text revisions, as `bases` lists them.
    let index = |name: &str| {
        texts
            .iter()
            .position(|r| r.name() == name)
            .expect("a text revision of the history") as u8
    };
    let root = crate::workspace_root().join("qmp-spec/history");
    for revision in &history.revisions {
        if let qmp_spec::history::Origin::Patch { file, base, .. } = &revision.origin {
            let mut bytes = vec![index(base)];
            bytes.extend(std::fs::read(root.join(file)).expect("a vendored patch"));
            seeds.push(Seed {
                target: "diff",
                name: format!("{}-{file}", revision.name()),
                bytes,
            });
        }
    }
    for pair in texts.windows(2) {
        let (old, new) = (pair[0], pair[1]);
        for (dialect, rendered) in [
            ("git", crate::render::git(&old.text, &new.text)),
            ("cgit", crate::render::cgit(&old.text, &new.text)),
            ("lossy", crate::render::lossy(&old.text, &new.text)),
        ] {
            let mut bytes = vec![index(old.name())];
            bytes.extend(rendered.into_bytes());
            seeds.push(Seed {
                target: "diff",
                name: format!("{}-to-{}.{dialect}", old.name(), new.name()),
                bytes,
            });
        }
    }
    for revision in &history.revisions {
        for (event, section) in revision.spec.events() {
            for (n, example) in section.examples.iter().enumerate() {
                let Some(json) = &example.json else { continue };
                if json["event"] != event {
                    continue;
                }
                let mut json = json.clone();
                if json.get("timestamp").is_none() {
                    json["timestamp"] =
                        serde_json::json!({"seconds": 1267061043, "microseconds": 959568});
                }
                seeds.push(Seed {
                    target: "decode",
                    name: format!("{}-{event}-{n}", revision.name()),
                    bytes: json.to_string().into_bytes(),
                });
            }
        }
    }
    for (fixture, prefix) in crate::QEMU_7_2_RECORDINGS
        .into_iter()
        .zip(["qemu-7.2", "qemu-7.2-jobs"])
    {
        for (n, line) in crate::fixture(fixture).lines().enumerate() {
            seeds.push(Seed {
                target: "decode",
                name: format!("{prefix}-{n:02}"),
                bytes: line.as_bytes().to_vec(),
            });
        }
    }
    // Every return QEMU 7.2, 10.0 and 11.1 sent to the query battery.
    for fixture in crate::RETURN_RECORDINGS {
        let prefix = fixture.trim_end_matches("-returns.jsonl");
        for (n, line) in crate::fixture(fixture).lines().enumerate() {
            seeds.push(Seed {
                target: "decode",
                name: format!("{prefix}-return-{n:02}"),
                bytes: line.as_bytes().to_vec(),
            });
        }
    }
    // A release in one file, its includes inlined: every type defined, so
    // the fuzzer reaches the conversion and the generators.
    let mut whole = String::new();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(qapi.join("7.2.0/qapi"))
        .expect("qmp-spec/qapi/7.2.0")
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a vendored schema file");
        for line in text.lines() {
            if !line.trim_start().starts_with("{ 'include'") {
                whole.push_str(line);
                whole.push('\n');
            }
        }
    }
    seeds.push(Seed {
        target: "qapi",
        name: "7.2.0-whole".into(),
        bytes: whole.into_bytes(),
    });
    for fixture in [crate::introspect::CAPTURE_7_2, "qemu-7.2-qmp-schema.json"] {
        seeds.push(Seed {
            target: "introspect",
            name: fixture.into(),
            bytes: crate::fixture(fixture).into_bytes(),
        });
    }
    seeds
}

/// The full texts of the history's text revisions, oldest first: the bases
/// the diff target picks from.
fn bases() -> &'static [String] {
    static BASES: OnceLock<Vec<String>> = OnceLock::new();
    BASES.get_or_init(|| {
        crate::history()
            .revisions
            .into_iter()
            .filter(|revision| !revision.is_release())
            .map(|revision| revision.text)
            .collect()
    })
}

/// An error names a place inside its input: a line that exists (or the one
/// after the last), a column within that line (or just past its end).
fn check_position(data: &[u8], error: &ParseError) {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(error.line >= 1 && error.column >= 1, "{error}");
    let line = error.line as usize;
    assert!(
        line <= lines.len(),
        "line {line} of {}: {error}",
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    assert!(
        error.column as usize <= width + 1,
        "column {} of a line of {width} characters: {error}",
        error.column
    );
}
