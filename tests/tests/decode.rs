//! The generated types decode every valid example of the revision each type
//! was generated from, and what a real QEMU 7.2 sends.

use qmp_events::{Event, JobType, Message, NetworkAddressFamily, ShutdownCause};
use qmp_spec::defects;
use serde_json::{Value, json};

/// Every example of every revision of the history that is JSON of its own
/// event (a QEMU of that revision's time), given a timestamp where it has
/// none, decodes into its own typed variant: a member added by a later
/// revision is optional in the types. The examples lint finds nothing wrong
/// with encode back to the same JSON; the others, with what they have that
/// their section does not document left out.
#[test]
fn every_example_of_every_revision_decodes_into_its_own_variant() {
    let history = qmp_tests::history();
    let (mut decoded, mut exact, mut failures) = (0, 0, Vec::new());
    let mut excused = std::collections::BTreeSet::new();
    for revision in &history.revisions {
        for (name, section) in revision.spec.events() {
            for example in &section.examples {
                let Some(mut json) = example.json.clone() else {
                    continue; // Not JSON: reported by lint.
                };
                if json["event"] != name {
                    continue; // A shared section's example of its other event.
                }
                if json.get("timestamp").is_none() {
                    json = with_timestamp(json);
                }
                let label = format!("{name} (revision {})", revision.name());
                let message = match serde_json::from_value::<Message>(json.clone()) {
                    Ok(message) => message,
                    Err(_) if WRONG_EXAMPLES.iter().any(|(event, _)| *event == name) => {
                        excused.insert(name);
                        continue;
                    }
                    Err(err) => {
                        failures.push(format!("{label}: {err}\n{json}"));
                        continue;
                    }
                };
                if matches!(message.event, Event::Unknown { .. }) {
                    failures.push(format!("{label}: decoded into Event::Unknown"));
                    continue;
                }
                decoded += 1;
                let example = qmp_spec::Example {
                    json: Some(json.clone()),
                    ..example.clone()
                };
                let encoded = serde_json::to_value(&message).unwrap();
                if defects::is_valid_example(&revision.spec.types, section, &example) {
                    exact += 1;
                    if encoded != json {
                        failures.push(format!("{label}: encodes to {encoded}, not {json}"));
                    }
                } else if !is_subset(&encoded, &json) {
                    failures.push(format!("{label}: encodes to {encoded}, beyond {json}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The wrong examples are still wrong somewhere in the history: when one
    // is fixed everywhere, it leaves the list.
    let wrong: Vec<&str> = WRONG_EXAMPLES.iter().map(|(event, _)| *event).collect();
    assert_eq!(excused.into_iter().collect::<Vec<_>>(), wrong);
    eprintln!(
        "{decoded} examples of {} revisions decode, {exact} of them to the same JSON",
        history.revisions.len()
    );
    assert!(
        decoded >= 1000 && exact >= 900,
        "{decoded} decoded, {exact} exact"
    );
}

/// Examples QEMU's own documentation gets wrong: what the code sends (and
/// the types decode) is not what they show. They are skipped, by event,
/// and the test fails when one no longer needs to be.
const WRONG_EXAMPLES: &[(&str, &str)] = &[
    (
        "ACPI_DEVICE_OST",
        "the text era and the QAPI examples up to 4.1 show ACPIOSTInfo's members as the data; \
         the schema has always said `'data': { 'info': 'ACPIOSTInfo' }`, and QEMU sends \
         `{\"info\": {...}}`",
    ),
    (
        "FAILOVER_NEGOTIATED",
        "the example gives the data as a string (`\"data\": \"net1\"`); the schema says \
         `{'device-id': 'str'}`",
    ),
];

/// Whether `a` says nothing `b` does not: objects' members a subset, all
/// else equal.
fn is_subset(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(key, value)| b.get(key).is_some_and(|other| is_subset(value, other))),
        _ => a == b,
    }
}

fn decode(value: Value) -> Message {
    serde_json::from_value(value).unwrap_or_else(|err| panic!("{err}"))
}

const TIMESTAMP: Value = Value::Null;

fn with_timestamp(mut message: Value) -> Value {
    let _ = TIMESTAMP;
    message["timestamp"] = json!({"seconds": 1700000000, "microseconds": 1});
    message
}

#[test]
fn qemu_7_2_block_job_completed_with_a_mirror_job() {
    let message = decode(with_timestamp(json!({
        "event": "BLOCK_JOB_COMPLETED",
        "data": {"device": "mirror0", "len": 1048576, "offset": 1048576, "speed": 0, "type": "mirror"}
    })));
    let Event::BlockJobCompleted(data) = &message.event else {
        panic!("{message:?}")
    };
    // "mirror" was unknown to the text era; the QAPI era documents it.
    assert_eq!(data.type_, JobType::Mirror);
    assert_eq!(data.device, "mirror0");
    // A job type newer than 9.2 decodes into `Unknown` and survives a
    // round trip.
    let message = decode(with_timestamp(json!({
        "event": "BLOCK_JOB_COMPLETED",
        "data": {"device": "j", "len": 1, "offset": 1, "speed": 0, "type": "teleport"}
    })));
    let Event::BlockJobCompleted(data) = &message.event else {
        panic!("{message:?}")
    };
    let JobType::Unknown(value) = &data.type_ else {
        panic!("{data:?}")
    };
    assert_eq!(value.as_str(), "teleport");
    assert_eq!(data.type_.as_str(), "teleport");
    assert_eq!(data.type_.to_string(), "teleport");
    assert_eq!(data.type_, JobType::from("teleport"));
    assert_eq!(JobType::from("stream"), JobType::Stream);
    assert_eq!(
        serde_json::to_value(&message).unwrap()["data"]["type"],
        "teleport"
    );
}

#[test]
fn qemu_7_2_vnc_events_with_websocket_and_unix_family() {
    for name in ["VNC_CONNECTED", "VNC_INITIALIZED", "VNC_DISCONNECTED"] {
        let message = decode(with_timestamp(json!({
            "event": name,
            "data": {
                "server": {"auth": "none", "family": "ipv4", "service": "5900", "host": "127.0.0.1", "websocket": false},
                "client": {"family": "unix", "service": "", "host": "", "websocket": false}
            }
        })));
        let family = match &message.event {
            Event::VncConnected(data) => data.client.family.clone(),
            Event::VncInitialized(data) => data.client.family.clone(),
            Event::VncDisconnected(data) => data.client.family.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(family, NetworkAddressFamily::Unix, "{name}");
        assert_eq!(family, "unix".parse().unwrap());
    }
}

#[test]
fn qemu_7_2_reset_and_shutdown_with_data() {
    let reset = decode(with_timestamp(
        json!({"event": "RESET", "data": {"guest": false, "reason": "host-qmp-system-reset"}}),
    ));
    let Event::Reset(Some(data)) = &reset.event else {
        panic!("{reset:?}")
    };
    assert_eq!(data.guest, Some(false));
    assert_eq!(data.reason, Some(ShutdownCause::HostQmpSystemReset));
    let shutdown = decode(with_timestamp(
        json!({"event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}),
    ));
    let Event::Shutdown(Some(data)) = &shutdown.event else {
        panic!("{shutdown:?}")
    };
    assert_eq!(data.reason, Some(ShutdownCause::HostQmpQuit));
    // A QEMU of the text era sends SHUTDOWN without data.
    let old = decode(with_timestamp(json!({"event": "SHUTDOWN"})));
    assert_eq!(old.event, Event::Shutdown(None));
}

#[test]
fn an_undocumented_event_keeps_its_name_and_data() {
    let message = decode(with_timestamp(
        json!({"event": "TELEPORT_STATUS_CHANGE", "data": {"id": "job0", "status": "created"}}),
    ));
    let Event::Unknown {
        name,
        data: Some(data),
    } = &message.event
    else {
        panic!("{message:?}")
    };
    assert_eq!(name, "TELEPORT_STATUS_CHANGE");
    assert_eq!(data.to_value(), json!({"id": "job0", "status": "created"}));
    assert_eq!(message.event.kind(), None);
    assert_eq!(message.event.name(), "TELEPORT_STATUS_CHANGE");
    assert_eq!(
        serde_json::to_value(&message).unwrap()["data"]["status"],
        "created"
    );
    // Parsed on demand, into any type.
    #[derive(serde::Deserialize)]
    struct JobStatus<'a> {
        id: &'a str,
        status: &'a str,
    }
    let job: JobStatus = data.parse().unwrap();
    assert_eq!((job.id, job.status), ("job0", "created"));
}

#[test]
fn wrong_types_and_missing_members_are_rejected() {
    let wrong_type = with_timestamp(json!({"event": "RTC_CHANGE", "data": {"offset": "78"}}));
    assert!(serde_json::from_value::<Message>(wrong_type).is_err());
    let missing = with_timestamp(
        json!({"event": "DEVICE_TRAY_MOVED", "data": {"device": "ide1-cd0", "id": "x"}}),
    );
    let err = serde_json::from_value::<Message>(missing).unwrap_err();
    assert!(err.to_string().contains("tray-open"), "{err}");
    let no_timestamp = json!({"event": "STOP"});
    assert!(serde_json::from_value::<Message>(no_timestamp).is_err());
}

#[test]
fn decodes_from_text_borrowing_the_data() {
    let line = r#"{"event": "DEVICE_TRAY_MOVED", "data": {"device": "ide1-cd0", "id": "/machine/unattached/device[22]", "tray-open": true}, "timestamp": {"seconds": 1265044230, "microseconds": 450486}}"#;
    let message: Message = serde_json::from_str(line).unwrap();
    let Event::DeviceTrayMoved(data) = &message.event else {
        panic!("{message:?}")
    };
    assert!(data.tray_open);
    assert_eq!(message.timestamp.seconds, 1265044230);
}

/// Examples whose only defect is a missing timestamp still exercise their
/// event's data type: with a timestamp added they decode and re-encode too.
#[test]
fn examples_without_a_timestamp_decode_once_given_one() {
    use qmp_spec::WarningKind;
    let history = qmp_tests::history();
    let mut events = Vec::new();
    let sections = history
        .revisions
        .iter()
        .flat_map(|r| {
            r.spec
                .events()
                .map(|(name, section)| (name, section, &r.spec.types))
        })
        .filter(|(name, _, _)| WRONG_EXAMPLES.iter().all(|(wrong, _)| wrong != name));
    for (name, section, types) in sections {
        for example in &section.examples {
            let Some(json) = &example.json else { continue };
            let lines = example.raw.lines().count() as u32;
            let inside = |line: u32| line >= example.span.line && line < example.span.line + lines;
            let kinds: Vec<WarningKind> = section
                .warnings
                .iter()
                .filter(|w| inside(w.span.line))
                .map(|w| w.kind)
                .collect();
            if kinds != [WarningKind::ExampleWithoutTimestamp]
                || !defects::check_example(types, section, example).is_empty()
                || json["event"] != name
            {
                continue;
            }
            let message = with_timestamp(json.clone());
            let decoded = decode(message.clone());
            assert_eq!(decoded.event.name(), name);
            assert!(!matches!(decoded.event, Event::Unknown { .. }));
            assert_eq!(serde_json::to_value(&decoded).unwrap(), message, "{name}");
            events.push(name);
        }
    }
    events.sort_unstable();
    events.dedup();
    assert_eq!(
        events,
        ["DUMP_COMPLETED", "GUEST_CRASHLOADED", "GUEST_PANICKED"]
    );
}

/// The API a client uses besides decoding: kinds, names, parsing and
/// printing of kinds and values, encoding of events, timestamps.
#[test]
fn kinds_values_and_timestamps_as_a_client_uses_them() {
    use qmp_events::{EventKind, UnknownEventName};
    use std::str::FromStr;

    // A kind per event the history documents (61 when this was written),
    // each round-tripping through its name.
    let history = qmp_tests::history();
    let events: std::collections::BTreeSet<&str> = history
        .timeline()
        .iter()
        .flat_map(|r| r.spec.events().map(|(name, _)| name))
        .collect();
    assert_eq!(EventKind::ALL.len(), events.len());
    assert!(EventKind::ALL.len() >= 61);
    for kind in EventKind::ALL {
        assert_eq!(EventKind::from_str(kind.name()), Ok(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
    assert!(EventKind::ALL.windows(2).all(|w| w[0].name() < w[1].name()));
    assert_eq!(
        "TELEPORT_STATUS_CHANGE".parse::<EventKind>(),
        Err(UnknownEventName("TELEPORT_STATUS_CHANGE".into()))
    );
    assert_eq!(qmp_events::BlockIoErrorData::KIND, EventKind::BlockIoError);

    // An open enumeration parses any string, never into `Unknown` for a
    // value it knows, and compares by the wire string.
    let known: JobType = "stream".parse().unwrap();
    assert_eq!(known, JobType::Stream);
    let unknown: JobType = "teleport".parse().unwrap();
    assert!(matches!(unknown, JobType::Unknown(_)));
    assert_eq!(unknown, JobType::from("teleport"));
    assert_ne!(unknown, JobType::from("beam"));
    assert_eq!(format!("{unknown}"), "teleport");

    // `Event` encodes as QEMU writes an event, without a timestamp, and
    // decodes from that.
    let message = decode(with_timestamp(json!({
        "event": "BLOCK_JOB_READY",
        "data": {"device": "m0", "len": 2, "offset": 2, "speed": 0, "type": "mirror"}
    })));
    let event_json = serde_json::to_value(&message.event).unwrap();
    assert_eq!(event_json["event"], "BLOCK_JOB_READY");
    assert!(event_json.get("timestamp").is_none());
    let event: Event = serde_json::from_value(event_json).unwrap();
    assert_eq!(event, message.event);

    // Data is boxed: an event is as small as the catch-all.
    assert!(std::mem::size_of::<Event>() <= 48);

    // Timestamps are points in time.
    let time = std::time::SystemTime::try_from(message.timestamp).unwrap();
    let since = time.duration_since(std::time::UNIX_EPOCH).unwrap();
    assert_eq!((since.as_secs(), since.subsec_micros()), (1700000000, 1));
    assert_eq!(qmp_events::Timestamp::from(time), message.timestamp);
}
