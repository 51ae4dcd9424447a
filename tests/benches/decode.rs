//! Decoding a stream of QMP event lines: into the generated `Message`, into
//! `serde_json::Value`, and through `serde::de::IgnoredAny` (parsing alone,
//! the floor). All three run in one process on the same lines.
//!
//! The stream is every valid example of the history, as QEMU writes messages
//! (one compact line each, `event` before `data`), repeated to 8 MB.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;

fn stream() -> Vec<String> {
    let history = qmp_tests::history();
    let newest = history
        .revisions
        .iter()
        .rev()
        .find(|r| r.name == "block-node-names")
        .expect("revision");
    let mut lines = Vec::new();
    for section in &newest.spec.sections {
        for example in &section.examples {
            if !qmp_spec::lint::is_valid_example(section, example) {
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
    let one: usize = lines.iter().map(String::len).sum();
    let copies = (8 << 20) / one.max(1) + 1;
    lines
        .iter()
        .cycle()
        .take(lines.len() * copies)
        .cloned()
        .collect()
}

fn decode(c: &mut Criterion) {
    let lines = stream();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    for line in &lines[..50] {
        let message: qmp_events::Message = serde_json::from_str(line).expect("decodes");
        assert!(
            !matches!(message.event, qmp_events::Event::Unknown { .. }),
            "{line}"
        );
    }
    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("ignored_any", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| serde_json::from_str::<IgnoredAny>(l).is_ok())
                .count()
        })
    });
    group.bench_function("value", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
                .count()
        })
    });
    group.bench_function("generated_event", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| serde_json::from_str::<qmp_events::Message>(l).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
