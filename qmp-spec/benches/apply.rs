//! Apply time on large synthetic inputs, to show how it grows with the size
//! of the base and of the patch (it should be near-linear, not quadratic).
//!
//! The base is a real revision's sections repeated under new event names;
//! the patch changes every k-th section (a description fixed, a field added)
//! and adds a section, rendered as a lossy HTML diff (the dialect whose
//! anchoring searches the base) and as a git diff.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use qmp_spec::diff::{self, Direction};

const REVISION: &str = include_str!("../corpus/qemu_586fc27e.txt");

/// `copies` copies of the revision's sections, each copy's names suffixed.
fn base(copies: usize) -> Vec<String> {
    let body = &REVISION[REVISION.find("=\n").map_or(0, |i| i + 2)..];
    let lines: Vec<&str> = body.lines().collect();
    let mut out = vec![
        "QEMU Machine Protocol Events".to_string(),
        "============================".to_string(),
        String::new(),
    ];
    for copy in 0..copies {
        for (i, line) in lines.iter().enumerate() {
            let header = lines.get(i + 1).is_some_and(|next| next.starts_with("---"));
            if header {
                out.push(
                    line.split(',')
                        .map(|n| format!("{}_{copy}", n.trim()))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            } else if let Some(rest) = line.strip_prefix("{ \"event\": \"") {
                let end = rest.find('"').unwrap_or(0);
                out.push(format!(
                    "{{ \"event\": \"{}_{copy}{}",
                    &rest[..end],
                    &rest[end..]
                ));
            } else {
                out.push(line.to_string());
            }
        }
    }
    out
}

/// The base with every `every`-th "Emitted" line reworded and a line added
/// after it, and the git diff (three lines of context) that does that.
fn revise(base: &[String], every: usize) -> (Vec<String>, String) {
    let mut new = Vec::with_capacity(base.len());
    let mut diff = String::from("--- a/qmp-events.txt\n+++ b/qmp-events.txt\n");
    let mut seen = 0;
    for (i, line) in base.iter().enumerate() {
        if line.starts_with("Emitted ") {
            seen += 1;
            if seen % every == 0 {
                let start = i.saturating_sub(3);
                let end = (i + 4).min(base.len());
                let new_start = new.len() - (i - start);
                diff.push_str(&format!(
                    "@@ -{},{} +{},{} @@\n",
                    start + 1,
                    end - start,
                    new_start + 1,
                    end - start + 1
                ));
                base[start..i]
                    .iter()
                    .for_each(|l| diff.push_str(&format!(" {l}\n")));
                let reworded = line.replace("Emitted", "Sent");
                let added = format!("(revised {seen})");
                diff.push_str(&format!("-{line}\n+{reworded}\n+{added}\n"));
                base[i + 1..end]
                    .iter()
                    .for_each(|l| diff.push_str(&format!(" {l}\n")));
                new.push(reworded);
                new.push(added);
                continue;
            }
        }
        new.push(line.clone());
    }
    (new, diff)
}

/// The lossy rendering of that diff: no headers, blank context gone,
/// indentation stripped.
fn lossy(git: &str) -> String {
    git.lines()
        .filter(|l| !l.starts_with("@@") && !l.starts_with("---") && !l.starts_with("+++"))
        .filter_map(|l| {
            let (marker, rest) = l.split_at(1);
            let words = rest.split_whitespace().collect::<Vec<_>>().join(" ");
            match marker {
                " " if words.is_empty() => None,
                " " => Some(words),
                _ => Some(format!("{marker}{words}")),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn apply_growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply");
    group.sample_size(10);
    // Base and patch grow together: 4x the base, 4x the changes.
    for copies in [8, 32, 128] {
        let old = base(copies);
        let (_, git) = revise(&old, 3);
        let old_text = old.join("\n") + "\n";
        let lossy_text = lossy(&git);
        for (dialect, text) in [("git", &git), ("lossy", &lossy_text)] {
            let patch = diff::parse("bench", text).expect("the synthetic patch parses");
            let applied = diff::apply(&old_text, &patch, Direction::Forward);
            assert!(
                applied.fully_applied(),
                "{dialect}: the synthetic patch applies: {:?}",
                applied
                    .not_applied()
                    .take(3)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            );
            group.throughput(Throughput::Bytes((old_text.len() + text.len()) as u64));
            group.bench_with_input(
                BenchmarkId::new(dialect, format!("{copies}x")),
                &patch,
                |b, patch| b.iter(|| diff::apply(&old_text, patch, Direction::Forward)),
            );
        }
    }
    // The base grows, the patch stays one change near the end.
    for copies in [8, 32, 128] {
        let old = base(copies);
        let every = old.iter().filter(|l| l.starts_with("Emitted ")).count();
        let (_, git) = revise(&old, every);
        let old_text = old.join("\n") + "\n";
        let patch = diff::parse("bench", &lossy(&git)).expect("parses");
        assert!(diff::apply(&old_text, &patch, Direction::Forward).fully_applied());
        group.throughput(Throughput::Bytes(old_text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("lossy-one-change", format!("{copies}x")),
            &patch,
            |b, patch| b.iter(|| diff::apply(&old_text, patch, Direction::Forward)),
        );
    }
    group.finish();
}

criterion_group!(benches, apply_growth);
criterion_main!(benches);
