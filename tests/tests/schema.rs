//! The JSON Schemas: valid Draft 2020-12, and every example of every revision
//! (of the history and of the corpus) passes its revision's schema unless
//! lint reports it.

use codegen::schema;
use qmp_spec::{Spec, lint};
use qmp_tests::spec_files;
use serde_json::{Value, json};

fn schemas(name: &str, spec: &Spec) -> Vec<(String, Value)> {
    schema::revision_files("", name, spec)
        .into_iter()
        .map(|file| {
            let value: Value = serde_json::from_str(&file.contents)
                .unwrap_or_else(|err| panic!("{}: {err}", file.path));
            (file.path, value)
        })
        .collect()
}

/// Checks the revision's schemas and examples; returns (passed, reported).
fn check_revision(name: &str, spec: &Spec) -> (usize, usize) {
    let files = schemas(name, spec);
    for (path, schema) in &files {
        assert!(
            jsonschema::meta::is_valid(schema),
            "{name}{path} is not a valid Draft 2020-12 schema"
        );
        let text = schema.to_string();
        assert!(
            !text.contains("\"$ref\":\"http") && !text.contains("\"$ref\":\"urn"),
            "{name}{path} refers outside itself"
        );
    }
    let bundle = &files
        .iter()
        .find(|(path, _)| path.ends_with("/events.json"))
        .unwrap()
        .1;
    let bundle = jsonschema::validator_for(bundle).unwrap();
    let (mut passed, mut reported) = (0, 0);
    for section in &spec.sections {
        for example in &section.examples {
            let valid = lint::is_valid_example(section, example);
            let passes = example
                .json
                .as_ref()
                .is_some_and(|json| bundle.is_valid(json));
            assert!(
                passes || !valid,
                "{name}: example at line {} is valid but fails the schema",
                example.span.line
            );
            if valid {
                passed += 1;
            } else {
                reported += 1;
            }
            // Each example also passes its own event's schema.
            if let (true, Some(json)) = (valid, &example.json) {
                let event = json["event"].as_str().unwrap();
                let own = &files
                    .iter()
                    .find(|(path, _)| path == &format!("/{event}.json"))
                    .unwrap()
                    .1;
                assert!(
                    jsonschema::is_valid(own, json),
                    "{name}: {event} example fails {event}.json"
                );
            }
        }
    }
    (passed, reported)
}

#[test]
fn every_history_example_passes_or_is_reported() {
    let history = qmp_tests::history();
    let (mut passed, mut reported) = (0, 0);
    for revision in &history.revisions {
        let (p, r) = check_revision(&revision.name, &revision.spec);
        passed += p;
        reported += r;
    }
    assert!(passed >= 284, "{passed} passed, {reported} reported");
}

#[test]
fn every_corpus_example_passes_or_is_reported() {
    for file in spec_files() {
        let spec = qmp_spec::parse(&file.name, &file.text).unwrap();
        check_revision(&file.name, &spec);
    }
}

fn newest_bundle() -> jsonschema::Validator {
    let history = qmp_tests::history();
    let revision = history.get("block-node-names").unwrap();
    let files = schemas(&revision.name, &revision.spec);
    jsonschema::validator_for(
        &files
            .iter()
            .find(|(p, _)| p.ends_with("/events.json"))
            .unwrap()
            .1,
    )
    .unwrap()
}

#[test]
fn newer_members_values_and_events_pass() {
    let bundle = newest_bundle();
    let timestamp = json!({"seconds": 1, "microseconds": 2});
    for message in [
        json!({"event": "BLOCK_JOB_COMPLETED", "data": {"device": "m0", "len": 1, "offset": 1, "speed": 0, "type": "mirror"}, "timestamp": timestamp}),
        json!({"event": "RESET", "data": {"guest": false, "reason": "host-qmp-system-reset"}, "timestamp": timestamp}),
        json!({"event": "JOB_STATUS_CHANGE", "data": {"id": "job0", "status": "created"}, "timestamp": timestamp}),
        json!({"event": "VNC_CONNECTED", "data": {
            "server": {"host": "127.0.0.1", "service": "5900", "family": "ipv4", "websocket": false, "auth": "none"},
            "client": {"host": "", "service": "", "family": "unix", "websocket": false}}, "timestamp": timestamp}),
    ] {
        assert!(bundle.is_valid(&message), "{message}");
    }
}

#[test]
fn wrong_types_and_missing_members_fail() {
    let bundle = newest_bundle();
    let timestamp = json!({"seconds": 1, "microseconds": 2});
    for message in [
        json!({"event": "RTC_CHANGE", "data": {"offset": "78"}, "timestamp": timestamp}),
        json!({"event": "DEVICE_TRAY_MOVED", "data": {"device": "ide1-cd0", "id": "x"}, "timestamp": timestamp}),
        json!({"event": "BLOCK_IO_ERROR", "data": {"device": "d", "node-name": "n", "operation": "read"}, "timestamp": timestamp}),
        json!({"event": "STOP"}),
        json!({"event": "WATCHDOG", "timestamp": timestamp}),
    ] {
        assert!(!bundle.is_valid(&message), "{message}");
    }
}

/// A release's per-event files refer to its bundle: valid Draft 2020-12,
/// and with the bundle at hand each accepts its event's valid examples and
/// refuses another event's message.
#[test]
fn release_event_files_refer_to_their_bundle() {
    let history = qmp_tests::history();
    let mut checked = 0;
    for revision in history.revisions.iter().filter(|r| r.is_qapi()) {
        let files = schema::release_files("", &revision.name, &revision.spec);
        let (mut bundle, mut events) = (None, Vec::new());
        for file in files {
            let value: Value = serde_json::from_str(&file.contents).unwrap();
            assert!(jsonschema::meta::is_valid(&value), "{}", file.path);
            if file.path == "/events.json" {
                bundle = Some(value);
            } else {
                events.push(value);
            }
        }
        let bundle = bundle.expect("a bundle");
        let id = bundle["$id"].as_str().unwrap().to_string();
        for event in events {
            let validator = jsonschema::options()
                .with_resource(
                    id.clone(),
                    jsonschema::Resource::from_contents(bundle.clone()),
                )
                .build(&event)
                .unwrap_or_else(|err| panic!("{}: {err}", revision.name));
            let name = event["title"].as_str().unwrap();
            let (_, section) = revision
                .spec
                .events()
                .find(|(event, _)| *event == name)
                .unwrap();
            for example in &section.examples {
                if lint::is_valid_example(section, example) {
                    assert!(validator.is_valid(example.json.as_ref().unwrap()));
                    checked += 1;
                }
            }
            let other =
                json!({"event": "NOT_THIS_ONE", "timestamp": {"seconds": 1, "microseconds": 1}});
            assert!(!validator.is_valid(&other), "{}: {name}", revision.name);
        }
    }
    assert!(checked >= 500, "{checked} examples checked");
}
