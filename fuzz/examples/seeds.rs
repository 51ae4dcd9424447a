//! Writes the seed corpora to `fuzz/corpus/TARGET/` (see README.md):
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds`.

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let seeds = qmp_tests::fuzz::seeds();
    for seed in &seeds {
        let dir = root.join(seed.target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(&seed.name), &seed.bytes)?;
    }
    for target in ["text", "diff", "decode", "qapi", "introspect"] {
        let count = seeds.iter().filter(|s| s.target == target).count();
        println!("{target}: {count} seeds in {}", root.join(target).display());
    }
    Ok(())
}
