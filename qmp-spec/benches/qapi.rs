//! QAPI reader throughput: every vendored release (`qmp-spec/qapi/`, 16 MB
//! in all) read from memory, top file and includes (one thread; one thread
//! per core, as the history loads them; and with the conversion into the
//! model of both eras); and how the time grows
//! with the input (one release's files concatenated 1×, 2×, 4× and 8× under
//! renamed definitions: linear reading gives equal MB/s at every size).

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
