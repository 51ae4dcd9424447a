//! Bad input gets an error or a report, never a panic: every vendored text
//! and diff, cut short at many places, with lines dropped, and with bytes
//! changed, is parsed (and the diffs applied).

use std::panic::catch_unwind;

use qmp_spec::diff::{self, Direction};

fn vendored() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in ["history", "corpus"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Variants of `bytes`: cut at many offsets, each line dropped in turn (for
/// short files), and bytes replaced by a pseudo-random sequence.
fn mangled(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let step = (bytes.len() / 60).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        out.push(bytes[..cut].to_vec());
    }
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    for skip in (0..lines.len()).step_by((lines.len() / 40).max(1)) {
        let kept: Vec<&[u8]> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        out.push(kept.join(&b'\n'));
    }
    let mut state: u32 = 0x9e37_79b9;
    for _ in 0..20 {
        let mut copy = bytes.to_vec();
        for _ in 0..8 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let at = state as usize % copy.len().max(1);
            if let Some(byte) = copy.get_mut(at) {
                const ALPHABET: &[u8] = b"{}()\"-+ \n\t:,x\0\xff";
                *byte = ALPHABET[(state >> 16) as usize % ALPHABET.len()];
            }
        }
        out.push(copy);
    }
    out
}

#[test]
fn mangled_specs_parse_or_fail_without_panicking() {
    let mut cases = 0;
    for (name, bytes) in vendored()
        .into_iter()
        .filter(|(n, _)| !n.contains(".lossy") && !n.contains(".cgit"))
    {
        for variant in mangled(&bytes) {
            cases += 1;
            let result = catch_unwind(|| {
                qmp_spec::parse_bytes(&name, &variant).map(|s| s.canonical().sections.len())
            });
            assert!(
                result.is_ok(),
                "{name}: parse panicked on a variant of {} bytes",
                variant.len()
            );
        }
    }
    assert!(cases > 2000, "{cases}");
}

#[test]
fn mangled_diffs_parse_and_apply_without_panicking() {
    let files = vendored();
    let base = files
        .iter()
        .find(|(n, _)| n.ends_with("qemu_1bf9c315.txt"))
        .unwrap()
        .1
        .clone();
    let base = String::from_utf8(base).unwrap();
    for (name, bytes) in files
        .iter()
        .filter(|(n, _)| n.contains(".lossy") || n.contains(".cgit"))
    {
        for variant in mangled(bytes) {
            let result = catch_unwind(|| {
                if let Ok(patch) = diff::parse_bytes(name, &variant) {
                    for direction in [Direction::Forward, Direction::Reverse] {
                        let applied = diff::apply(&base, &patch, direction);
                        // Every change is accounted for.
                        assert!(!applied.report.is_empty() || patch.hunks.is_empty());
                    }
                }
            });
            assert!(
                result.is_ok(),
                "{name}: a variant of {} bytes panicked",
                variant.len()
            );
        }
    }
}

/// The QAPI reader on every third file of release 7.2.0, mangled the same way
/// (each read as a top file whose includes are missing): a schema or an
/// error inside the input, never a panic.
#[test]
fn mangled_qapi_files_read_or_fail_without_panicking() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi/7.2.0/qapi");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut cases = 0;
    for path in files.into_iter().step_by(3) {
        let bytes = std::fs::read(&path).unwrap();
        for variant in mangled(&bytes) {
            cases += 1;
            let result = catch_unwind(|| {
                qmp_spec::qapi::read_text("top.json", &variant)
                    .map(|schema| schema.definitions.len())
            });
            match result {
                Ok(Err(err)) => {
                    let lines = String::from_utf8_lossy(&variant).split('\n').count();
                    assert!(
                        err.line >= 1 && err.line as usize <= lines,
                        "{}: an error outside the input: {err}",
                        path.display()
                    );
                }
                Ok(Ok(_)) => {}
                Err(_) => panic!(
                    "{}: the reader panicked on a variant of {} bytes",
                    path.display(),
                    variant.len()
                ),
            }
        }
    }
    assert!(cases > 1000, "{cases}");
}
