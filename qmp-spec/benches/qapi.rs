//! QAPI reader throughput: every vendored release (`qmp-spec/qapi/`, 16 MB
//! in all) read from memory, top file and includes (one thread; one thread
//! per core, as the history loads them; and with the conversion into the
//! model of both eras); and how the time grows
//! with the input (one release's files concatenated 1×, 2×, 4× and 8× under
//! renamed definitions: linear reading gives equal MB/s at every size).
//!
//! Beside the QAPI reader, in one group, the introspection reader on QEMU
//! 7.2's `query-qmp-schema` reply (`tests/fixtures/`), read into the model
//! with and without release 7.2.0 lending names and documentation; and its
//! growth, the reply's entries repeated 1×, 4× and 16× under new names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Every file of every release, in memory, by path.
fn load() -> (Vec<PathBuf>, BTreeMap<PathBuf, Vec<u8>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi");
    let mut tops = Vec::new();
    let mut files = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.insert(path.clone(), std::fs::read(&path).expect("file"));
                if path.file_name().is_some_and(|n| n == "qapi-schema.json") {
                    tops.push(path);
                }
            }
        }
    }
    tops.sort();
    (tops, files)
}

/// One release's schema, its files read from `files`.
fn read(top: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> qmp_spec::qapi::Schema {
    qmp_spec::qapi::read_with(top, &mut |path| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    })
    .expect("reads")
}

fn read_all(tops: &[PathBuf], files: &BTreeMap<PathBuf, Vec<u8>>) -> usize {
    tops.iter()
        .map(|top| read(top, files).definitions.len())
        .sum()
}

/// One release's files as one text without its includes, `copies` times,
/// each copy's definition names (wherever a quoted string is one) suffixed
/// with the copy's number, so that the copies define distinct names.
fn scaled(files: &BTreeMap<PathBuf, Vec<u8>>, release: &str, copies: usize) -> String {
    let mut one = String::new();
    for (path, bytes) in files {
        if path.to_string_lossy().contains(&format!("/{release}/")) {
            for line in String::from_utf8_lossy(bytes).lines() {
                if !line.trim_start().starts_with("{ 'include'") {
                    one.push_str(line);
                    one.push('\n');
                }
            }
        }
    }
    let schema =
        qmp_spec::qapi::read_text("one.json", one.as_bytes()).expect("the concatenation reads");
    let names: std::collections::BTreeSet<&str> =
        schema.definitions.iter().map(|d| d.name.as_str()).collect();
    let mut out = String::with_capacity(one.len() * copies);
    for copy in 0..copies {
        let mut rest = one.as_str();
        while let Some(i) = rest.find(['\'', '#']) {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            if rest.starts_with('#') {
                let end = rest.find('\n').unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                rest = &rest[end..];
                continue;
            }
            let end = rest[1..].find('\'').map_or(rest.len(), |e| e + 2);
            let quoted = &rest[..end];
            let inner = quoted.trim_matches('\'');
            if names.contains(inner) {
                out.push_str(&format!("'{inner}_{copy}'"));
            } else {
                out.push_str(quoted);
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
    }
    out
}

/// QEMU 7.2's recorded introspection: the capture with its version.
fn reply_7_2() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/qemu-7.2-introspection.json");
    std::fs::read(path).expect("the recorded capture")
}

/// The capture's entries `copies` times, every name but a built-in's (and
/// every reference to one) suffixed with the copy's number; the built-ins
/// once.
fn scaled_reply(capture: &[u8], copies: usize) -> Vec<u8> {
    let capture: serde_json::Value = serde_json::from_slice(capture).expect("JSON");
    let entries = capture["return"].as_array().expect("a list");
    let builtin = |name: &str| {
        entries
            .iter()
            .any(|e| e["name"] == name && e["meta-type"] == "builtin")
    };
    let rename = |value: &mut serde_json::Value, copy: usize| {
        if let Some(name) = value.as_str().filter(|n| !builtin(n)) {
            *value = format!("{name}_{copy}").into();
        }
    };
    let mut out = Vec::new();
    for copy in 0..copies {
        for entry in entries {
            if entry["meta-type"] == "builtin" && copy > 0 {
                continue;
            }
            let mut entry = entry.clone();
            for key in ["name", "arg-type", "ret-type", "element-type"] {
                if let Some(value) = entry.get_mut(key) {
                    rename(value, copy);
                }
            }
            let meta = entry["meta-type"].as_str().unwrap_or_default().to_string();
            for list in ["members", "variants"] {
                if meta == "enum" {
                    continue;
                }
                if let Some(items) = entry.get_mut(list).and_then(|l| l.as_array_mut()) {
                    for item in items {
                        if let Some(ty) = item.get_mut("type") {
                            rename(ty, copy);
                        }
                    }
                }
            }
            out.push(entry);
        }
    }
    serde_json::to_vec(&serde_json::json!({ "return": out })).expect("encodes")
}

fn introspect(bytes: &[u8], reference: &[(&str, &qmp_spec::Spec)]) -> usize {
    qmp_spec::introspect::Reply::parse("reply.json", bytes)
        .expect("parses")
        .to_spec("bench", reference)
        .expect("converts")
        .sections
        .len()
}

fn bench(c: &mut Criterion) {
    let (tops, files) = load();
    let bytes: usize = files.values().map(Vec::len).sum();
    let mut group = c.benchmark_group("qapi");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("all-releases", |b| b.iter(|| read_all(&tops, &files)));
    // As the history loads them: the releases side by side, one thread per
    // core.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    group.bench_function(format!("all-releases-{threads}-threads"), |b| {
        b.iter(|| {
            let chunks: Vec<&[PathBuf]> = tops.chunks(tops.len().div_ceil(threads)).collect();
            std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|chunk| scope.spawn(|| read_all(chunk, &files)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("reads"))
                    .sum::<usize>()
            })
        })
    });
    // Read, then converted into the model of both eras, as the history
    // does.
    group.bench_function("all-releases-converted", |b| {
        b.iter(|| {
            tops.iter()
                .map(|top| {
                    let schema = read(top, &files);
                    schema.to_spec("bench").expect("converts").sections.len()
                })
                .sum::<usize>()
        })
    });
    group.finish();

    // The two readers of release 7.2, side by side.
    let top = Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi/7.2.0/qapi/qapi-schema.json");
    let release_bytes: usize = files
        .iter()
        .filter(|(path, _)| path.to_string_lossy().contains("/7.2.0/"))
        .map(|(_, b)| b.len())
        .sum();
    let release = read(&top, &files).to_spec("qemu-7.2.0").expect("converts");
    let reply = reply_7_2();
    let mut group = c.benchmark_group("readers-7.2");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(release_bytes as u64));
    group.bench_function("qapi-release-converted", |b| {
        b.iter(|| {
            read(&top, &files)
                .to_spec("bench")
                .expect("converts")
                .sections
                .len()
        })
    });
    group.throughput(Throughput::Bytes(reply.len() as u64));
    // Baselines: serde_json skipping the reply, and reading it as a Value.
    group.bench_function("baseline-serde-json-ignored", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(&reply).expect("JSON"))
    });
    group.bench_function("baseline-serde-json-value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&reply).expect("JSON"))
    });
    group.bench_function("introspection-reply-parsed-and-checked", |b| {
        b.iter(|| {
            qmp_spec::introspect::Reply::parse("reply.json", &reply)
                .expect("parses")
                .len()
        })
    });
    group.bench_function("introspection-reply", |b| {
        b.iter(|| introspect(&reply, &[]))
    });
    group.bench_function("introspection-reply-named-from-7.2.0", |b| {
        b.iter(|| introspect(&reply, &[("qemu-7.2.0", &release)]))
    });
    group.finish();

    let mut group = c.benchmark_group("introspection-scaled");
    group.sample_size(20);
    for copies in [1, 4, 16] {
        let bytes = scaled_reply(&reply, copies);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(copies), &bytes, |b, bytes| {
            b.iter(|| introspect(bytes, &[]))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("qapi-scaled");
    group.sample_size(10);
    for copies in [1, 2, 4, 8] {
        let text = scaled(&files, "7.2.0", copies);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(copies), &text, |b, text| {
            b.iter(|| {
                qmp_spec::qapi::read_text("scaled.json", text.as_bytes())
                    .expect("reads")
                    .definitions
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
