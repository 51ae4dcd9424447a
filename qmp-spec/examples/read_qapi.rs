//! Reads every vendored QAPI release N times (default 5): a target for a
//! profiler (`perf record cargo run --release -p qmp-spec --example read_qapi`).

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi");
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let mut tops: Vec<_> = std::fs::read_dir(&root)
        .expect("qapi folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|dir| {
            let nested = dir.join("qapi/qapi-schema.json");
            if nested.exists() {
                nested
            } else {
                dir.join("qapi-schema.json")
            }
        })
        .collect();
    tops.sort();
    let start = std::time::Instant::now();
    let mut definitions = 0;
    for _ in 0..times {
        for top in &tops {
            definitions += qmp_spec::qapi::read(top).expect("reads").definitions.len();
        }
    }
    eprintln!("{definitions} definitions in {:?}", start.elapsed());
}
