//! How the work grows on every adversarial family (`tests/support/hostile.rs`):
//! each is read (and applied both ways) at size n and 8n in one run; linear
//! work costs about 8× the time, quadratic 64×. `cargo bench -p qmp-spec --features bench
//! --bench hostile`; the ratios are printed at the end.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

#[path = "../tests/support/hostile.rs"]
mod hostile;

const N: usize = 2_500;

fn families(c: &mut Criterion) {
    for family in hostile::FAMILIES {
        let mut group = c.benchmark_group(format!("hostile/{}", family.name));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        for n in [N, 8 * N] {
            let input = (family.input)(n);
            group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
                b.iter(|| input.run())
            });
        }
        group.finish();
    }
}

/// The same ratios, measured plainly (the median of 9 runs at each size),
/// printed as one table for the record.
fn ratios(_: &mut Criterion) {
    println!("\nfamily            bytes(n)  t(n)       t(8n)      t(8n)/t(n)");
    for family in hostile::FAMILIES {
        let time = |n: usize| {
            let input = (family.input)(n);
            let mut runs: Vec<Duration> = (0..9)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(input.run());
                    start.elapsed()
                })
                .collect();
            runs.sort();
            (input.len(), runs[4])
        };
        let (bytes, small) = time(N);
        let (_, large) = time(8 * N);
        println!(
            "{:<17} {bytes:>8}  {small:>9.2?}  {large:>9.2?}  {:>6.1}",
            family.name,
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
}

criterion_group!(benches, families, ratios);
criterion_main!(benches);
