//! The JSON Schemas: valid Draft 2020-12; every example of every revision
//! (of the history and of the corpus) passes its revision's bundle and its
//! event's file unless lint reports it; `schema/latest` accepts what the
//! crate decodes, and every line a real QEMU sent; a corpus of broken
//! messages fails.

use codegen::schema;
use qmp_spec::history::{Era, RevisionId};
use qmp_spec::{Spec, defects};
use qmp_tests::spec_files;
use serde_json::{Value, json};

/// A revision's files, parsed: the bundle and the per-event files.
struct Files {
    bundle: Value,
    events: Vec<(String, Value)>,
}

fn files_of(generated: Vec<codegen::GeneratedFile>) -> Files {
    let mut bundle = None;
    let mut events = Vec::new();
    for file in generated {
        let value: Value = serde_json::from_str(&file.contents)
            .unwrap_or_else(|err| panic!("{}: {err}", file.path));
        assert!(
            jsonschema::meta::is_valid(&value),
            "{} is not a valid Draft 2020-12 schema",
            file.path
        );
        if file.path.ends_with("/events.json") {
            bundle = Some(value);
        } else {
            events.push((file.path, value));
        }
    }
    Files {
        bundle: bundle.expect("a bundle"),
        events,
    }
}

fn revision_files(name: &str, spec: &Spec, qapi: bool) -> Files {
    let era = if qapi { Era::Schema } else { Era::Text };
    let id = RevisionId::alone(name, era);
    let revision = codegen::Revision::alone(&id, spec);
    files_of(schema::revision_files("", &revision))
}

/// A validator of `schema` with the bundle at hand for its references.
fn validator(schema: &Value, bundle: &Value) -> jsonschema::Validator {
    let id = bundle["$id"].as_str().expect("$id").to_string();
    jsonschema::options()
        .with_resource(id, jsonschema::Resource::from_contents(bundle.clone()))
        .build(schema)
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Checks the revision's schemas and examples; returns (passed, reported).
fn check_revision(name: &str, spec: &Spec, qapi: bool) -> (usize, usize) {
    let files = revision_files(name, spec, qapi);
    let text = files.bundle.to_string();
    assert!(
        !text.contains("\"$ref\":\"http") && !text.contains("\"$ref\":\"urn"),
        "{name}: the bundle refers outside itself"
    );
    let bundle = jsonschema::validator_for(&files.bundle).unwrap();
    let (mut passed, mut reported) = (0, 0);
    for (event, section) in spec.events() {
        let own = files
            .events
            .iter()
            .find(|(path, _)| path == &format!("/{event}.json"))
            .map(|(_, schema)| validator(schema, &files.bundle))
            .unwrap_or_else(|| panic!("{name}: no file for {event}"));
        for example in &section.examples {
            let Some(json) = &example.json else {
                reported += 1;
                continue;
            };
            if json["event"] != event {
                continue; // A shared section's example of its other event.
            }
            let valid = defects::is_valid_example(&spec.types, section, example);
            assert!(
                bundle.is_valid(json) || !valid,
                "{name}: example at line {} is valid but fails the bundle",
                example.span.line
            );
            if valid {
                assert!(own.is_valid(json), "{name}: {event} example fails its file");
                passed += 1;
            } else {
                reported += 1;
            }
        }
        // An event's file is about that event only.
        let other =
            json!({"event": "NOT_THIS_ONE", "timestamp": {"seconds": 1, "microseconds": 1}});
        assert!(!own.is_valid(&other), "{name}: {event}");
    }
    (passed, reported)
}

#[test]
fn every_history_example_passes_or_is_reported() {
    let history = qmp_tests::history();
    let (mut passed, mut reported) = (0, 0);
    for revision in &history.revisions {
        let (p, r) = check_revision(revision.name(), &revision.spec, revision.is_release());
        passed += p;
        reported += r;
    }
    eprintln!("{passed} examples passed, {reported} reported by lint");
    assert!(passed >= 1000, "{passed} passed, {reported} reported");
}

#[test]
fn every_corpus_example_passes_or_is_reported() {
    for file in spec_files() {
        let spec = qmp_spec::parse(&file.name, &file.text).unwrap();
        check_revision(&file.name, &spec, false);
    }
}

fn latest() -> Files {
    let history = qmp_tests::history();
    let views = codegen::Revision::all(&history);
    let catalog = codegen::catalog::Catalog::new(&views);
    files_of(schema::latest_files(&catalog))
}

fn release_bundle(name: &str) -> jsonschema::Validator {
    let history = qmp_tests::history();
    let revision = history.get(name).unwrap();
    jsonschema::validator_for(&revision_files(name, &revision.spec, true).bundle).unwrap()
}

/// `tests/fixtures/NAME`: one `{"why", "message"}` a line.
fn messages(name: &str) -> Vec<(String, Value)> {
    let path = qmp_tests::workspace_root()
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .lines()
        .map(|line| {
            let mut value: Value = serde_json::from_str(line).expect("JSON");
            let why = value["why"].as_str().expect("why").to_string();
            (why, value["message"].take())
        })
        .collect()
}

/// Messages every schema must refuse, each with why (the independent
/// validator of `tests/ecosystem/check.py` reads the same file).
fn broken_messages() -> Vec<(String, Value)> {
    messages("broken-messages.jsonl")
}

/// Messages every schema must accept: what newer QEMUs add passes.
fn forward_messages() -> Vec<Value> {
    messages("forward-messages.jsonl")
        .into_iter()
        .map(|(_, message)| message)
        .collect()
}

#[test]
fn broken_messages_fail_and_newer_ones_pass() {
    let latest = latest();
    let latest = jsonschema::validator_for(&latest.bundle).unwrap();
    let release = release_bundle("qemu-11.1.3");
    for (why, message) in broken_messages() {
        assert!(
            !latest.is_valid(&message),
            "latest accepts {why}: {message}"
        );
        assert!(
            !release.is_valid(&message),
            "11.1.3 accepts {why}: {message}"
        );
    }
    for message in forward_messages() {
        assert!(latest.is_valid(&message), "latest refuses {message}");
        assert!(release.is_valid(&message), "11.1.3 refuses {message}");
    }
}

/// `schema/latest` and the crate agree: every message the schema accepts
/// decodes, every line a real QEMU 7.2 sent passes both, and every example
/// the crate decodes typed passes the schema.
#[test]
fn the_latest_bundle_accepts_what_the_crate_decodes() {
    let files = latest();
    let latest = jsonschema::validator_for(&files.bundle).unwrap();
    let decodes =
        |message: &Value| serde_json::from_value::<qmp_events::Message>(message.clone()).is_ok();
    let mut corpus: Vec<Value> = broken_messages().into_iter().map(|(_, m)| m).collect();
    corpus.extend(forward_messages());
    for fixture in qmp_tests::QEMU_7_2_RECORDINGS {
        for line in qmp_tests::fixture(fixture).lines() {
            let message: Value = serde_json::from_str(line).unwrap();
            assert!(latest.is_valid(&message), "{fixture}: {line}");
            corpus.push(message);
        }
    }
    let history = qmp_tests::history();
    let mut examples = 0;
    for revision in &history.revisions {
        for (name, section) in revision.spec.events() {
            for example in &section.examples {
                let Some(json) = &example.json else { continue };
                if json["event"] != name || json.get("timestamp").is_none() {
                    continue;
                }
                if decodes(json)
                    && defects::is_valid_example(&revision.spec.types, section, example)
                {
                    assert!(latest.is_valid(json), "{} {name}: {json}", revision.name());
                    examples += 1;
                }
                corpus.push(json.clone());
            }
        }
    }
    assert!(examples >= 900, "{examples} examples");
    for message in &corpus {
        if latest.is_valid(message) {
            assert!(
                decodes(message),
                "the schema accepts what the crate refuses: {message}"
            );
        }
    }
    // One file per event, each a reference into the bundle.
    for (path, schema) in &files.events {
        let own = validator(schema, &files.bundle);
        let event = path
            .trim_start_matches("schema/latest/")
            .trim_end_matches(".json");
        let other =
            json!({"event": format!("X{event}"), "timestamp": {"seconds": 1, "microseconds": 1}});
        assert!(!own.is_valid(&other), "{path}");
    }
}

/// The shapes code generators name: a `oneOf` root over each event and the
/// unknown event, every definition titled, the timestamp and the named QAPI
/// types defined once.
#[test]
fn bundles_are_unions_of_titled_definitions() {
    let files = latest();
    let bundle = &files.bundle;
    let cases = bundle["oneOf"].as_array().expect("oneOf");
    let defs = bundle["$defs"].as_object().expect("$defs");
    assert_eq!(cases.len(), qmp_events::EventKind::ALL.len() + 1);
    for case in cases {
        let reference = case["$ref"].as_str().expect("$ref");
        let name = reference.strip_prefix("#/$defs/").expect("local");
        assert_eq!(defs[name]["title"], name);
    }
    for (name, def) in defs {
        assert_eq!(def["title"], name.as_str(), "{name}");
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "{name} is not PascalCase"
        );
    }
    for shared in [
        "Timestamp",
        "UnknownEvent",
        "ShutdownEvent",
        "ShutdownData",
        "ShutdownCause",
        "JobType",
        "SocketAddress",
        "InetSocketAddress",
        "VncServerInfo",
    ] {
        assert!(defs.contains_key(shared), "{shared}");
    }
    // Only references: no object is written twice in place.
    let text = bundle.to_string();
    assert_eq!(text.matches("\"seconds\":{").count(), 1);
}
