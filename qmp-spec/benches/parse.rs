//! Parse throughput on large synthetic specs: the sections of real revisions
//! repeated under new event names, from 1 MB up to 32 MB, to show how parse
//! time grows with size (it should be linear: equal MB/s at every size).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const REVISIONS: [&str; 3] = [
    include_str!("../corpus/qemu_586fc27e.txt"),
    include_str!("../corpus/C2Devel_051046ab.txt"),
    include_str!("../corpus/patchew-project_099db352.txt"),
];

/// A spec of at least `size` bytes: the title, then the revisions' sections
/// over and over, each copy's event names suffixed with its copy number.
fn synthetic_spec(size: usize) -> String {
    let mut out = String::from("QEMU Machine Protocol Events\n============================\n\n");
    let bodies: Vec<&str> = REVISIONS
        .iter()
        .map(|text| {
            let start = text.find("=\n").map_or(0, |i| i + 2);
            &text[start..]
        })
        .collect();
    let mut copy = 0;
    while out.len() < size {
        for body in &bodies {
            copy += 1;
            let lines: Vec<&str> = body.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let underlined = lines.get(i + 1).is_some_and(|next| next.starts_with("---"));
                if underlined {
                    let renamed: Vec<String> = line
                        .split(',')
                        .map(|name| format!("{}_{copy}", name.trim()))
                        .collect();
                    out.push_str(&renamed.join(", "));
                } else if let Some(rest) = line.strip_prefix("{ \"event\": \"") {
                    let end = rest.find('"').unwrap_or(0);
                    out.push_str(&format!(
                        "{{ \"event\": \"{}_{copy}{}",
                        &rest[..end],
                        &rest[end..]
                    ));
                } else {
                    out.push_str(line);
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out
}

fn parse_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for megabytes in [1, 4, 16, 32] {
        let text = synthetic_spec(megabytes << 20);
        assert!(
            qmp_spec::parse("synthetic", &text).is_ok(),
            "the synthetic spec parses"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{megabytes}MB")),
            &text,
            |b, text| b.iter(|| qmp_spec::parse("synthetic", text)),
        );
    }
    group.finish();
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
