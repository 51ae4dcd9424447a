//! The typed client (`qmp_events::Client`, feature `commands`) against a
//! scripted QEMU: the greeting and capabilities, ids matched, QMP errors
//! kept, events queued while a command waits and never lost, a timeout
//! that leaves the client usable, and what is not QMP refused.

use std::io::{self, Read, Write};

use qmp_events::commands::{DeviceDel, QueryStatus};
use qmp_events::{Client, ClientError, Event};

/// A stream that answers with `script` (a line at a time, a `None` being
/// a read that times out) and keeps what the client writes.
struct Scripted {
    script: Vec<Option<Vec<u8>>>,
    written: Vec<u8>,
}

impl Scripted {
    fn new(lines: &[Option<&str>]) -> Scripted {
        Scripted {
            script: lines
                .iter()
                .rev()
                .map(|line| line.map(|l| format!("{l}\r\n").into_bytes()))
                .collect(),
            written: Vec::new(),
        }
    }
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.script.pop() {
            None => Ok(0),
            Some(None) => Err(io::Error::new(io::ErrorKind::WouldBlock, "timed out")),
            Some(Some(mut line)) => {
                let n = line.len().min(buf.len());
                buf[..n].copy_from_slice(&line[..n]);
                if n < line.len() {
                    self.script.push(Some(line.split_off(n)));
                }
                Ok(n)
            }
        }
    }
}

impl Write for Scripted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const GREETING: &str = r#"{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian"}, "capabilities": ["oob"]}}"#;
const STOP: &str = r#"{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}"#;
const RESUME: &str = r#"{"timestamp": {"seconds": 3, "microseconds": 4}, "event": "RESUME"}"#;

#[test]
fn a_session_matches_ids_keeps_errors_and_queues_events() {
    let stream = Scripted::new(&[
        Some(GREETING),
        Some(r#"{"return": {}, "id": 1}"#),
        // While query-status waits: an event, and an answer that is not
        // its own.
        Some(STOP),
        Some(r#"{"return": {}, "id": 99}"#),
        Some(r#"{"return": {"running": false, "singlestep": false, "status": "paused"}, "id": 2}"#),
        Some(
            r#"{"error": {"class": "DeviceNotFound", "desc": "Device 'net9' not found"}, "id": 3}"#,
        ),
        Some(RESUME),
    ]);
    let mut client = Client::connect(stream).expect("connects");
    assert_eq!(client.greeting().version.to_string(), "7.2.22");
    assert_eq!(client.revision().map(|r| r.name()), Some("qemu-7.2.0"));

    let status = client.execute(&QueryStatus::new()).expect("query-status");
    assert_eq!(status.status.as_str(), "paused");
    assert!(!status.running);

    match client.execute(&DeviceDel::new("net9".into())) {
        Err(ClientError::Qmp { class, desc }) => {
            assert_eq!(class, "DeviceNotFound");
            assert_eq!(desc, "Device 'net9' not found");
        }
        other => panic!("{other:?}"),
    }

    // The event queued while query-status waited comes first.
    assert_eq!(client.next_event().expect("queued").event, Event::Stop);
    let rest: Vec<Event> = client
        .events()
        .map(|e| e.expect("an event").event)
        .collect();
    assert_eq!(rest, vec![Event::Resume]);
    assert!(matches!(client.next_event(), Err(ClientError::Closed)));

    let (stream, queued) = client.into_inner();
    assert!(queued.is_empty());
    let sent: Vec<serde_json::Value> = String::from_utf8(stream.written)
        .expect("text")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(
        sent,
        vec![
            serde_json::json!({"execute": "qmp_capabilities", "id": 1}),
            serde_json::json!({"execute": "query-status", "id": 2}),
            serde_json::json!({"execute": "device_del", "arguments": {"id": "net9"}, "id": 3}),
        ]
    );
}

#[test]
fn a_timeout_is_an_error_and_the_client_reads_on() {
    let answer = r#"{"return": {"running": true, "status": "running"}, "id": 2}"#;
    let (first, second) = answer.split_at(20);
    let mut stream = Scripted::new(&[Some(GREETING), Some(r#"{"return": {}, "id": 1}"#)]);
    // Read after the capabilities (the script is a stack): half of
    // query-status's answer, a read that times out, the rest of it, an
    // event, and the answer to the next request.
    for chunk in [
        Some(first.to_string()),
        None,
        Some(format!("{second}\r\n")),
        Some(format!("{STOP}\r\n")),
        Some(r#"{"return": {"running": false, "status": "paused"}, "id": 3}"#.to_string() + "\r\n"),
    ] {
        stream.script.insert(0, chunk.map(String::into_bytes));
    }
    let mut client = Client::connect(stream).expect("connects");
    match client.execute(&QueryStatus::new()) {
        Err(ClientError::Io(error)) => assert_eq!(error.kind(), io::ErrorKind::WouldBlock),
        other => panic!("{other:?}"),
    }
    // The cut line is read on; its answer is the abandoned request's.
    let status = client
        .execute(&QueryStatus::new())
        .expect("the next request");
    assert_eq!(status.status.as_str(), "paused");
    assert_eq!(client.next_event().expect("queued").event, Event::Stop);
}

#[test]
fn what_is_not_qmp_is_refused() {
    let not_greeting = Scripted::new(&[Some(r#"{"return": {}}"#)]);
    assert!(matches!(
        Client::connect(not_greeting),
        Err(ClientError::Protocol(_))
    ));
    assert!(matches!(
        Client::connect(Scripted::new(&[])),
        Err(ClientError::Closed)
    ));
    let garbage = Scripted::new(&[Some("{\"QMP\": ")]);
    assert!(matches!(
        Client::connect(garbage),
        Err(ClientError::Read(_))
    ));
    // A return that does not decode into the command's type.
    let stream = Scripted::new(&[
        Some(GREETING),
        Some(r#"{"return": {}, "id": 1}"#),
        Some(r#"{"return": {"running": "yes"}, "id": 2}"#),
    ]);
    let mut client = Client::connect(stream).expect("connects");
    match client.execute(&QueryStatus::new()) {
        Err(ClientError::Decode { command, .. }) => assert_eq!(command, "query-status"),
        other => panic!("{other:?}"),
    }
}

/// `execute_checked` asks the QEMU for its schema once, and what that QEMU
/// would refuse is refused before anything is sent.
#[test]
fn execute_checked_refuses_what_the_connected_qemu_lacks() {
    let schema = qmp_tests::fixture("qemu-7.2-qmp-schema.json");
    let reply = format!(r#"{{"return": {}, "id": 2}}"#, schema.trim());
    let stream = Scripted::new(&[
        Some(GREETING),
        Some(r#"{"return": {}, "id": 1}"#),
        Some(&reply),
        Some(r#"{"return": {"running": true, "status": "running"}, "id": 3}"#),
    ]);
    let mut client = Client::connect(stream).expect("connects");
    // query-cryptodev came in 8.0: this 7.2 refuses it, so it is not sent.
    match client.execute_checked(&qmp_events::commands::QueryCryptodev::new()) {
        Err(ClientError::Check(error)) => {
            assert_eq!(error.errors[0].path, "execute");
            assert_eq!(
                error.to_string(),
                "execute: no such command (QEMU has it from qemu-8.0.0 on)"
            );
        }
        other => panic!("{other:?}"),
    }
    let status = client
        .execute_checked(&QueryStatus::new())
        .expect("query-status");
    assert!(status.running);
    // A wrong request line, checked against the same schema (kept).
    let wrong: qmp_events::commands::Request =
        r#"{"execute": "device_del", "arguments": {"id": 1}}"#
            .parse()
            .unwrap();
    let refused = client.check(&wrong).unwrap_err().to_string();
    assert_eq!(
        refused,
        "refused before sending: arguments.id: expected a string, found an integer"
    );
    let (stream, _) = client.into_inner();
    let sent: Vec<String> = String::from_utf8(stream.written)
        .expect("text")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        sent,
        [
            r#"{"execute":"qmp_capabilities","id":1}"#,
            r#"{"execute":"query-qmp-schema","id":2}"#,
            r#"{"execute":"query-status","id":3}"#,
        ]
    );
}

/// A reply to `query-qmp-schema` that is not one is an error that says so.
#[test]
fn a_broken_schema_reply_is_an_error() {
    let stream = Scripted::new(&[
        Some(GREETING),
        Some(r#"{"return": {}, "id": 1}"#),
        Some(r#"{"return": [{"name": "c", "meta-type": "command"}], "id": 2}"#),
    ]);
    let mut client = Client::connect(stream).expect("connects");
    match client.execute_checked(&QueryStatus::new()) {
        Err(error @ ClientError::Schema(_)) => assert_eq!(
            error.to_string(),
            r#"query-qmp-schema reply: entry 0 ("c"): no "arg-type""#
        ),
        other => panic!("{other:?}"),
    }
}
