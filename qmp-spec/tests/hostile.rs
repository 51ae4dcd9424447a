//! Every adversarial family, at sizes up to 8× the fuzz findings', ends in
//! an error, a report or a result: no panic, no stack overflow, and an
//! apply never spends more than its budget. How the time grows is measured
//! by `benches/hostile.rs`, not asserted here.

#[path = "support/hostile.rs"]
mod hostile;

use hostile::FAMILIES;

#[test]
fn every_family_ends_in_an_error_a_report_or_a_result() {
    for family in FAMILIES {
        for n in [1, 10, 2_500, 20_000] {
            let input = (family.input)(n);
            let outcome = input.run();
            eprintln!("{} n={n} ({} bytes): {outcome}", family.name, input.len());
        }
    }
}

#[test]
fn the_families_end_as_they_should() {
    let outcome = |name: &str, n: usize| {
        let family = FAMILIES.iter().find(|f| f.name == name).unwrap();
        (family.input)(n).run()
    };
    // Nothing of these applies; each is reported, both ways.
    for name in ["cgit_hint", "cgit_split", "lossy_anchor"] {
        assert!(
            outcome(name, 2_500).contains("Forward: 1 changes, 1 not applied"),
            "{name}: {}",
            outcome(name, 2_500)
        );
    }
    // A 20 000-line hunk applies (its context is the whole base).
    assert!(outcome("cgit_deep", 20_000).starts_with("Forward: 1 changes, 0 not applied"));
    // The annotation after 2 500 `(a "b"` groups is still found.
    assert_eq!(outcome("text_paren_words", 2_500), "parsed: 1 sections");
    assert!(outcome("text_paren", 20_000).starts_with("error at 9:"));
    assert_eq!(
        outcome("qapi_long_line", 20_000),
        "read: 1 definitions, 0 events"
    );
    assert_eq!(
        outcome("qapi_open_doc", 20_000),
        "read: 1 definitions, 1 events"
    );
    // 2^1000 fields if spelled out: an error at the event, quickly.
    assert_eq!(
        outcome("qapi_doubling_types", 1_000),
        "conversion error at 1002:3"
    );
    assert_eq!(
        outcome("qapi_wide_types", 5_000),
        "read: 10001 definitions, 1 events"
    );
}
