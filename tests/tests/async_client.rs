//! The client over tokio (`qmp_events::AsyncClient`, feature `tokio`)
//! against a scripted QEMU on an in-memory duplex stream, as the sync
//! client is tested: ids matched, errors kept, events queued and read as a
//! `Stream`, a timeout that leaves the client usable.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use qmp_events::commands::{DeviceDel, QueryStatus};
use qmp_events::{AsyncClient, ClientError, Event, Message};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const GREETING: &str = r#"{"QMP": {"version": {"qemu": {"micro": 3, "minor": 1, "major": 11}, "package": ""}, "capabilities": ["oob"]}}"#;
const STOP: &str = r#"{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}"#;
const RESUME: &str = r#"{"timestamp": {"seconds": 3, "microseconds": 4}, "event": "RESUME"}"#;

/// The next item of a stream.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|context| Pin::new(&mut *stream).poll_next(context)).await
}

/// A scripted QEMU on the other end of `theirs`: it greets, then answers
/// each of `requests` requests it reads with `answer(command, id)` (lines
/// of its own, events among them), and returns the requests.
fn scripted_qemu(
    theirs: tokio::io::DuplexStream,
    requests: usize,
    answer: fn(&str, &serde_json::Value) -> String,
) -> tokio::task::JoinHandle<Vec<serde_json::Value>> {
    tokio::spawn(async move {
        let (read, mut write) = tokio::io::split(theirs);
        let mut lines = BufReader::new(read).lines();
        write
            .write_all(format!("{GREETING}\r\n").as_bytes())
            .await
            .unwrap();
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            let request: serde_json::Value = serde_json::from_str(&line).unwrap();
            let answer = answer(request["execute"].as_str().unwrap(), &request["id"]);
            write
                .write_all(format!("{answer}\r\n").as_bytes())
                .await
                .unwrap();
            seen.push(request);
            if seen.len() == requests {
                break;
            }
        }
        seen
    })
}

#[tokio::test]
async fn a_session_over_tokio_matches_ids_keeps_errors_and_streams_events() {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    // The scripted QEMU: it answers each request it reads.
    let server = scripted_qemu(theirs, 3, |command, id| match command {
        "qmp_capabilities" => format!(r#"{{"return": {{}}, "id": {id}}}"#),
        "query-status" => format!(
            "{STOP}\r\n{{\"return\": {{}}, \"id\": 99}}\r\n{{\"return\": {{\"running\": false, \"status\": \"paused\"}}, \"id\": {id}}}"
        ),
        "device_del" => format!(
            r#"{{"error": {{"class": "DeviceNotFound", "desc": "Device 'net9' not found"}}, "id": {id}}}{}{RESUME}"#,
            "\r\n"
        ),
        other => panic!("{other}"),
    });

    let mut client = AsyncClient::connect(ours).await.expect("connects");
    assert_eq!(client.greeting().version.to_string(), "11.1.3");
    let status = client.execute(&QueryStatus::new()).await.expect("status");
    assert_eq!(status.status.as_str(), "paused");
    match client.execute(&DeviceDel::new("net9".into())).await {
        Err(ClientError::Qmp { class, .. }) => assert_eq!(class, "DeviceNotFound"),
        other => panic!("{other:?}"),
    }
    let sent = server.await.expect("the server");
    assert_eq!(sent[2]["arguments"]["id"], "net9");
    // Queued during query-status, then read; the stream ends with QEMU.
    let mut events = client.into_events();
    let mut names = Vec::new();
    while let Some(event) = next(&mut events).await {
        let event: Message = event.expect("an event");
        names.push(event.event);
    }
    assert_eq!(names, vec![Event::Stop, Event::Resume]);
}

#[tokio::test]
async fn a_timeout_over_tokio_is_an_error_and_the_client_reads_on() {
    let (ours, mut theirs) = tokio::io::duplex(1 << 16);
    theirs
        .write_all(format!("{GREETING}\r\n{{\"return\": {{}}, \"id\": 1}}\r\n").as_bytes())
        .await
        .unwrap();
    let mut client = AsyncClient::connect(ours).await.expect("connects");
    client.set_timeout(Some(Duration::from_millis(50)));
    // Half an answer, then nothing: the read times out.
    let answer = r#"{"return": {"running": false, "status": "paused"}, "id": 2}"#;
    theirs.write_all(&answer.as_bytes()[..20]).await.unwrap();
    match client.execute(&QueryStatus::new()).await {
        Err(ClientError::Io(error)) => assert_eq!(error.kind(), std::io::ErrorKind::TimedOut),
        other => panic!("{other:?}"),
    }
    // The rest of that line, an event, and the next request's answer.
    theirs.write_all(&answer.as_bytes()[20..]).await.unwrap();
    theirs
        .write_all(
            format!(
                "\r\n{STOP}\r\n{}\r\n",
                answer.replace("\"id\": 2", "\"id\": 3")
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let status = client
        .execute(&QueryStatus::new())
        .await
        .expect("the next request");
    assert_eq!(status.status.as_str(), "paused");
    assert_eq!(
        client.next_event().await.expect("queued").event,
        Event::Stop
    );
    drop(theirs);
    assert!(matches!(
        client.next_event().await,
        Err(ClientError::Closed)
    ));
}

#[tokio::test]
async fn what_is_not_qmp_is_refused_over_tokio() {
    let (ours, mut theirs) = tokio::io::duplex(1 << 16);
    theirs.write_all(b"{\"return\": {}}\r\n").await.unwrap();
    assert!(matches!(
        AsyncClient::connect(ours).await,
        Err(ClientError::Protocol(_))
    ));
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    drop(theirs);
    assert!(matches!(
        AsyncClient::connect(ours).await,
        Err(ClientError::Closed)
    ));
}

/// `execute_checked` over tokio: the schema asked once, a command the QEMU
/// lacks refused before it is sent.
#[tokio::test]
async fn execute_checked_over_tokio_checks_against_the_connected_qemu() {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    let server = scripted_qemu(theirs, 3, |command, id| match command {
        "qmp_capabilities" => format!(r#"{{"return": {{}}, "id": {id}}}"#),
        "query-qmp-schema" => format!(
            r#"{{"return": {}, "id": {id}}}"#,
            qmp_tests::fixture("qemu-7.2-qmp-schema.json").trim()
        ),
        "query-status" => {
            format!(r#"{{"return": {{"running": false, "status": "paused"}}, "id": {id}}}"#)
        }
        other => panic!("{other}"),
    });
    let mut client = AsyncClient::connect(ours).await.expect("connects");
    match client
        .execute_checked(&qmp_events::commands::QueryCryptodev::new())
        .await
    {
        Err(ClientError::Check(error)) => assert_eq!(error.errors[0].path, "execute"),
        other => panic!("{other:?}"),
    }
    let status = client
        .execute_checked(&QueryStatus::new())
        .await
        .expect("status");
    assert!(!status.running);
    assert!(
        client
            .schema()
            .await
            .expect("kept")
            .has_command("query-status")
    );
    let sent: Vec<serde_json::Value> = server.await.expect("the server");
    let commands: Vec<&str> = sent
        .iter()
        .map(|r| r["execute"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        ["qmp_capabilities", "query-qmp-schema", "query-status"]
    );
}
