//! The crate as a QMP client uses it: every line of a QMP stream through
//! `qmp_events::Reader`, from what a real QEMU 7.2 sent.

use qmp_events::{Event, ReadError, Reader, Revision, ServerMessage};
use qmp_tests::{QEMU_7_2_RECORDINGS, fixture};
use serde_json::Value;

/// A session as QEMU 7.2 writes it, lines ended with `\r\n`: its greeting,
/// the capabilities' return, `query-version`, `query-qmp-schema` (one line
/// of 190 KB), a command it does not know, then every event it sent in the
/// two recorded sessions. Returns the lines.
fn session() -> Vec<String> {
    let capture: Value = serde_json::from_str(&fixture("qemu-7.2-introspection.json")).unwrap();
    let mut lines = vec![
        capture["greeting"].to_string(),
        r#"{"return": {}}"#.to_string(),
        serde_json::json!({"return": capture["query-version"]["return"], "id": 1}).to_string(),
        serde_json::json!({"return": capture["return"], "id": "schema"}).to_string(),
        r#"{"id": 3, "error": {"class": "CommandNotFound", "desc": "The command frobnicate has not been found"}}"#.to_string(),
    ];
    for recording in QEMU_7_2_RECORDINGS {
        lines.extend(fixture(recording).lines().map(str::to_string));
    }
    lines
}

#[test]
fn a_recorded_session_reads_line_by_line() {
    let lines = session();
    let stream = lines.join("\r\n") + "\r\n";
    let events_recorded = lines.len() - 5;
    let mut reader = Reader::new(stream.as_bytes());
    let mut revision = None;
    let (mut returns, mut errors, mut events) = (0, 0, 0);
    for message in reader.by_ref() {
        match message.unwrap_or_else(|err| panic!("{err}")) {
            ServerMessage::Greeting(greeting) => {
                assert_eq!(greeting.version.to_string(), "7.2.22");
                assert_eq!(greeting.capabilities, ["oob"]);
                let (major, minor, micro) = (
                    greeting.version.major,
                    greeting.version.minor,
                    greeting.version.micro,
                );
                revision = Revision::for_qemu(major, minor, micro);
            }
            ServerMessage::Return(reply) => {
                returns += 1;
                if reply.id == Some("schema".into()) {
                    let schema: Vec<Value> = reply.parse().unwrap();
                    assert!(schema.len() > 1000, "{}", schema.len());
                }
            }
            ServerMessage::Error(error) => {
                errors += 1;
                assert_eq!(error.class, "CommandNotFound");
                assert_eq!(error.id, Some(3.into()));
            }
            ServerMessage::Event(message) => {
                events += 1;
                let kind = message
                    .event
                    .kind()
                    .unwrap_or_else(|| panic!("untyped: {}", lines[4 + events]));
                let revision = revision.expect("the greeting first");
                assert!(kind.sent_by(revision), "{kind} not sent by {revision}");
                assert!(!matches!(message.event, Event::Unknown { .. }));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(revision.map(Revision::name), Some("qemu-7.2.0"));
    assert_eq!((returns, errors, events), (3, 1, events_recorded));
    assert_eq!(reader.line_number(), lines.len() as u64);
    assert_eq!(reader.line(), lines.last().unwrap().as_str());
}

#[test]
fn a_limit_skips_the_long_line_and_the_rest_still_reads() {
    let lines = session();
    let stream = lines.join("\r\n");
    let schema_line = lines[3].len();
    let results: Vec<Result<ServerMessage, ReadError>> =
        Reader::with_limit(stream.as_bytes(), 64 * 1024).collect();
    assert_eq!(results.len(), lines.len());
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(schema_line > 64 * 1024);
    assert_eq!(failed, ["line 4: longer than 65536 bytes"]);
}

#[test]
fn broken_lines_are_errors_naming_their_line_and_reading_goes_on() {
    // Each line of the fixture holds a broken event message; the stream
    // puts a good line between them.
    let broken: Vec<Value> = fixture("broken-messages.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let good = r#"{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}}"#;
    let mut stream = String::new();
    for case in &broken {
        stream.push_str(&case["message"].to_string());
        stream.push_str("\r\n");
        stream.push_str(good);
        stream.push_str("\r\n");
    }
    let results: Vec<_> = Reader::new(stream.as_bytes()).collect();
    assert_eq!(results.len(), 2 * broken.len());
    let mut rejected = 0;
    for (i, case) in broken.iter().enumerate() {
        let line = 2 * i as u64 + 1;
        // Some cases break only the schema's bounds, which the types do
        // not check (negative seconds): the reader decodes what `Message`
        // does.
        let message = serde_json::from_value::<qmp_events::Message>(case["message"].clone());
        match (&results[2 * i], message) {
            (Err(err), Err(_)) => {
                rejected += 1;
                assert_eq!(err.line(), line, "{err}");
                assert!(
                    err.to_string()
                        .starts_with(&format!("line {line}, column ")),
                    "{err}"
                );
            }
            (Ok(ServerMessage::Event(ours)), Ok(theirs)) => assert_eq!(ours, &theirs),
            (ours, theirs) => panic!(
                "{}: the reader gave {ours:?}, Message {theirs:?}",
                case["why"]
            ),
        }
        assert!(matches!(results[2 * i + 1], Ok(ServerMessage::Event(_))));
    }
    assert!(
        rejected * 2 > broken.len(),
        "{rejected} of {}",
        broken.len()
    );
}

#[test]
fn the_reader_is_the_serde_json_stream_deserializer_on_event_lines() {
    // What a client would write without the reader, on every recorded line.
    for recording in QEMU_7_2_RECORDINGS {
        let text = fixture(recording);
        let ours: Vec<qmp_events::Message> = Reader::new(text.as_bytes())
            .map(|m| match m.unwrap() {
                ServerMessage::Event(message) => message,
                other => panic!("{other:?}"),
            })
            .collect();
        let theirs: Vec<qmp_events::Message> =
            serde_json::Deserializer::from_reader(text.as_bytes())
                .into_iter()
                .collect::<Result<_, _>>()
                .unwrap();
        assert_eq!(ours, theirs);
    }
}
