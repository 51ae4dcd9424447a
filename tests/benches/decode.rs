//! Decoding streams of QMP event lines: into the generated `Message` (with
//! `serde_json::from_str`, generic, and with `line.parse()`, its decoders
//! compiled in the crate), into `serde_json::Value`, and through
//! `serde::de::IgnoredAny` (parsing alone, the floor). All run in one
//! process on the same lines, so their ratios can be read off one run.
//!
//! Groups, each about 8 MB of lines:
//! - `qemu-7.2`: what a real QEMU 7.2 sent in the two recorded sessions
//!   (`tests/fixtures/qemu-7.2-*events.jsonl`), as it wrote it; every line
//!   has a variant of its own. Beside them `serde_floor`: the same lines
//!   into the cheapest type serde's derive can decode them into (one flat
//!   struct of every member these lines have, strings borrowed, nothing
//!   allocated, no dispatch by event), the floor of typed decoding with
//!   serde_json;
//! - `qemu-7.2-unknown`: the same lines under event names no revision has
//!   (`X_` before the name), which decode into `Event::Unknown`;
//! - `history`: every valid example of the newest QAPI schema release (10.1.0),
//!   as QEMU writes messages;
//! - `stream`: the 7.2 lines as one stream, ended with `\r\n` as QEMU ends
//!   them, read through `qmp_events::Reader` (every line a `ServerMessage`),
//!   against what a client writes without it,
//!   `serde_json::Deserializer::from_reader(..).into_iter::<Message>()`,
//!   both from a `BufReader` over the bytes, in the same run;
//! - `returns`: every return QEMU 7.2, 10.0 and 11.1 sent to the query
//!   battery (`tests/fixtures/qemu-*-returns.jsonl`, the 190 KB
//!   `query-qmp-schema` replies included), each return value's JSON text,
//!   as QEMU wrote it, decoded by its command's name with `commands::decode_return`, against
//!   `serde_json::Value` and `IgnoredAny` on the same texts;
//! - `returns-qmp-schema`: the three recorded `query-qmp-schema` replies
//!   (60% of the returns' bytes) the same ways, and into the cheapest
//!   serde types for them (one flat struct for every kind of entry, no
//!   union): with strings borrowed (`serde_floor_borrowed`) and owned, as a
//!   return's types hold them (`serde_floor_owned`);
//! - `schema`: QEMU 7.2's `query-qmp-schema` reply read for checking
//!   requests (`commands::Schema::from_reply`) against read into a `Value`;
//!   `check`: every request example of release 9.2.0 checked against its
//!   schema (`Schema::check`).

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;

/// `lines` repeated to about 8 MB.
fn repeat(lines: &[String]) -> Vec<String> {
    let one: usize = lines.iter().map(String::len).sum();
    let copies = (8 << 20) / one.max(1) + 1;
    lines
        .iter()
        .cycle()
        .take(lines.len() * copies)
        .cloned()
        .collect()
}

fn is_unknown(line: &str) -> bool {
    let message: qmp_events::Message = serde_json::from_str(line).expect("decodes");
    matches!(message.event, qmp_events::Event::Unknown { .. })
}

fn history_examples() -> Vec<String> {
    let history = qmp_tests::history();
    let newest = history
        .revisions
        .iter()
        .rev()
        .find(|r| r.name() == "qemu-10.1.0")
        .expect("revision");
    let mut lines = Vec::new();
    for section in &newest.spec.sections {
        for example in &section.examples {
            if !qmp_spec::defects::is_valid_example(&newest.spec.types, section, example) {
                continue;
            }
            let json = example.json.as_ref().expect("valid");
            // QEMU's own order: event, data, timestamp.
            let mut line = format!("{{\"event\":{}", json["event"]);
            if let Some(data) = json.get("data") {
                line.push_str(&format!(",\"data\":{data}"));
            }
            line.push_str(&format!(",\"timestamp\":{}}}", json["timestamp"]));
            lines.push(line);
        }
    }
    lines
}

/// The cheapest types serde's derive decodes the recorded QEMU 7.2 event
/// lines into: every member the lines have, in one flat struct, strings
/// borrowed. No allocation and no dispatch by the event's name: the floor
/// of typed decoding with serde_json, which the generated decoders are
/// measured against.
mod event_floor {
    // Decoded, never read: the decoding is what is measured.
    #![allow(dead_code)]

    use serde::Deserialize;
    use serde::de::IgnoredAny;

    #[derive(Deserialize)]
    pub struct Message<'a> {
        #[serde(borrow)]
        pub event: &'a str,
        #[serde(borrow)]
        pub data: Option<Data<'a>>,
        pub timestamp: Timestamp,
    }

    #[derive(Deserialize)]
    pub struct Timestamp {
        pub seconds: i64,
        pub microseconds: i64,
    }

    #[derive(Deserialize)]
    pub struct Data<'a> {
        pub guest: Option<bool>,
        pub reason: Option<&'a str>,
        pub device: Option<&'a str>,
        #[serde(rename = "tray-open")]
        pub tray_open: Option<bool>,
        pub id: Option<&'a str>,
        pub status: Option<&'a str>,
        pub len: Option<i64>,
        pub offset: Option<i64>,
        pub speed: Option<i64>,
        #[serde(rename = "type")]
        pub kind: Option<&'a str>,
        #[serde(borrow)]
        pub server: Option<Address<'a>>,
        #[serde(borrow)]
        pub client: Option<Address<'a>>,
        #[serde(rename = "netdev-id")]
        pub netdev_id: Option<&'a str>,
        #[serde(borrow)]
        pub addr: Option<Address<'a>>,
        pub path: Option<&'a str>,
        pub pass: Option<i64>,
        pub result: Option<IgnoredAny>,
    }

    #[derive(Deserialize)]
    pub struct Address<'a> {
        pub auth: Option<&'a str>,
        pub family: Option<&'a str>,
        pub service: Option<&'a str>,
        pub host: Option<&'a str>,
        pub websocket: Option<bool>,
        pub path: Option<&'a str>,
        #[serde(rename = "type")]
        pub kind: Option<&'a str>,
    }
}

/// The cheapest serde types for a `query-qmp-schema` reply: one flat
/// struct for every kind of entry (no union, no dispatch), generic over
/// its strings: `&str` (borrowed, nothing allocated) or `String` (owned,
/// as a return's types hold them).
mod schema_floor {
    // Decoded, never read: the decoding is what is measured.
    #![allow(dead_code)]

    use serde::Deserialize;
    use serde::de::IgnoredAny;

    #[derive(Deserialize)]
    pub struct Entry<S> {
        pub name: S,
        #[serde(rename = "meta-type")]
        pub meta_type: S,
        pub features: Option<Vec<S>>,
        #[serde(rename = "arg-type")]
        pub arg_type: Option<S>,
        #[serde(rename = "ret-type")]
        pub ret_type: Option<S>,
        #[serde(rename = "allow-oob")]
        pub allow_oob: Option<bool>,
        pub members: Option<Vec<Member<S>>>,
        pub values: Option<Vec<S>>,
        #[serde(rename = "element-type")]
        pub element_type: Option<S>,
        pub tag: Option<S>,
        pub variants: Option<Vec<Variant<S>>>,
        #[serde(rename = "json-type")]
        pub json_type: Option<S>,
    }

    /// An object's member, an enumeration's or an alternate's.
    #[derive(Deserialize)]
    pub struct Member<S> {
        pub name: Option<S>,
        #[serde(rename = "type")]
        pub kind: Option<S>,
        pub default: Option<IgnoredAny>,
        pub features: Option<Vec<S>>,
    }

    #[derive(Deserialize)]
    pub struct Variant<S> {
        pub case: S,
        #[serde(rename = "type")]
        pub kind: S,
    }
}

/// The baselines of every group, on its texts: parsing alone
/// (`IgnoredAny`, the floor) and into a `serde_json::Value`.
fn baselines<T: AsRef<str>>(group: &mut BenchmarkGroup<'_, WallTime>, texts: &[T]) {
    group.bench_function("ignored_any", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| serde_json::from_str::<IgnoredAny>(t.as_ref()).is_ok())
                .count()
        })
    });
    group.bench_function("value", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| serde_json::from_str::<serde_json::Value>(t.as_ref()).is_ok())
                .count()
        })
    });
}

fn group(c: &mut Criterion, name: &str, lines: &[String], floor: bool) {
    let lines = repeat(lines);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    baselines(&mut group, &lines);
    group.bench_function("generated_message", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| serde_json::from_str::<qmp_events::Message>(l).is_ok())
                .count()
        })
    });
    // What the README recommends: the decoders compiled in the crate.
    group.bench_function("parse", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| l.parse::<qmp_events::Message>().is_ok())
                .count()
        })
    });
    if floor {
        assert!(
            lines
                .iter()
                .all(|l| serde_json::from_str::<event_floor::Message>(l).is_ok())
        );
        group.bench_function("serde_floor", |b| {
            b.iter(|| {
                lines
                    .iter()
                    .filter(|l| serde_json::from_str::<event_floor::Message>(l).is_ok())
                    .count()
            })
        });
    }
    group.finish();
}

/// The stream benchmarks: both readers from the same buffered bytes.
fn stream(c: &mut Criterion, lines: &[String]) {
    let text = repeat(lines).join("\r\n") + "\r\n";
    let count = text.lines().count();
    let mut group = c.benchmark_group("stream");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("reader", |b| {
        b.iter(|| {
            let read = qmp_events::Reader::new(std::io::BufReader::new(text.as_bytes()))
                .filter(|m| matches!(m, Ok(qmp_events::ServerMessage::Event(_))))
                .count();
            assert_eq!(read, count);
        })
    });
    group.bench_function("serde_json_from_reader", |b| {
        b.iter(|| {
            let read =
                serde_json::Deserializer::from_reader(std::io::BufReader::new(text.as_bytes()))
                    .into_iter::<qmp_events::Message>()
                    .filter(Result::is_ok)
                    .count();
            assert_eq!(read, count);
        })
    });
    group.finish();
}

/// The recorded returns: (command, the return value's JSON text), repeated
/// to about 8 MB, decoded typed, as `Value` and as `IgnoredAny`.
fn returns(c: &mut Criterion) {
    let mut returns: Vec<(String, String)> = Vec::new();
    for file in qmp_tests::RETURN_RECORDINGS {
        for line in qmp_tests::recorded_returns(file) {
            returns.push((line.execute, line.returned.get().to_owned()));
        }
    }
    let schema_replies: Vec<String> = returns
        .iter()
        .filter(|(name, _)| name == "query-qmp-schema")
        .map(|(_, text)| text.clone())
        .collect();
    for (name, text) in &returns {
        let decoded = qmp_events::commands::decode_return(name, text).expect("decodes");
        assert!(
            !matches!(decoded, qmp_events::commands::Return::Unknown { .. }),
            "{name}"
        );
    }
    let one: usize = returns.iter().map(|(_, t)| t.len()).sum();
    let copies = (8 << 20) / one.max(1) + 1;
    let returns: Vec<&(String, String)> = returns
        .iter()
        .cycle()
        .take(returns.len() * copies)
        .collect();
    let bytes: usize = returns.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("returns");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    let texts: Vec<&str> = returns.iter().map(|(_, t)| t.as_str()).collect();
    baselines(&mut group, &texts);
    group.bench_function("decode_return", |b| {
        b.iter(|| {
            returns
                .iter()
                .filter(|(n, t)| qmp_events::commands::decode_return(n, t).is_ok())
                .count()
        })
    });
    group.finish();
    schema_returns(c, &schema_replies);
}

/// The recorded `query-qmp-schema` replies, about 8 MB of them: decoded by
/// `decode_return`, into `Value`, through `IgnoredAny`, and into the
/// cheapest serde types for them, borrowed and owned.
fn schema_returns(c: &mut Criterion, replies: &[String]) {
    let texts = repeat(replies);
    for text in replies {
        serde_json::from_str::<Vec<schema_floor::Entry<String>>>(text).expect("a schema");
        serde_json::from_str::<Vec<schema_floor::Entry<&str>>>(text).expect("no escapes");
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("returns-qmp-schema");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    baselines(&mut group, &texts);
    group.bench_function("serde_floor_borrowed", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| serde_json::from_str::<Vec<schema_floor::Entry<&str>>>(t).is_ok())
                .count()
        })
    });
    group.bench_function("serde_floor_owned", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| serde_json::from_str::<Vec<schema_floor::Entry<String>>>(t).is_ok())
                .count()
        })
    });
    group.bench_function("decode_return", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| qmp_events::commands::decode_return("query-qmp-schema", t).is_ok())
                .count()
        })
    });
    group.finish();
}

/// Reading a QEMU's `query-qmp-schema` reply for checking requests
/// (`commands::Schema::from_reply`, what `Client::execute_checked` does
/// once per connection) against reading it into a `Value`, and checking
/// every request example of release 9.2.0 against that release's schema.
fn schema(c: &mut Criterion) {
    use qmp_events::commands::{Request, Schema};
    let reply = qmp_tests::fixture("qemu-7.2-qmp-schema.json");
    let mut group = c.benchmark_group("schema");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(reply.len() as u64));
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(&reply).is_ok())
    });
    group.bench_function("from_reply", |b| {
        b.iter(|| Schema::from_reply(&reply).is_ok())
    });
    group.finish();
    let history = qmp_tests::history();
    let release = history
        .revisions
        .iter()
        .find(|r| r.name() == "qemu-9.2.0")
        .expect("9.2.0");
    let requests: Vec<Request> = release
        .spec
        .commands
        .iter()
        .flat_map(|c| &c.examples)
        .filter_map(|e| e.json.as_ref()?.to_string().parse().ok())
        .collect();
    let schema = qmp_events::Revision::Qemu9_2_0.schema().expect("a schema");
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("revision_9_2", |b| {
        b.iter(|| requests.iter().filter(|r| schema.check(r).is_ok()).count())
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let fixture: Vec<String> = qmp_tests::QEMU_7_2_RECORDINGS
        .iter()
        .flat_map(|name| {
            qmp_tests::fixture(name)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(fixture.iter().all(|l| !is_unknown(l)));
    let unknown: Vec<String> = fixture
        .iter()
        .map(|l| l.replacen("\"event\": \"", "\"event\": \"X_", 1))
        .collect();
    assert!(unknown.iter().all(|l| is_unknown(l)));
    let history = history_examples();
    assert!(history.iter().all(|l| !is_unknown(l)));
    group(c, "qemu-7.2", &fixture, true);
    group(c, "qemu-7.2-unknown", &unknown, true);
    group(c, "history", &history, false);
    stream(c, &fixture);
    returns(c);
    schema(c);
}

criterion_group!(benches, decode);
criterion_main!(benches);
