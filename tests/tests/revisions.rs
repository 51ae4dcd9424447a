//! Every vendored revision of qmp-events.txt parses, and its model is pinned
//! by a snapshot (`tests/snapshots/revisions__model__NAME.snap`).

use qmp_spec::types::{Scalar, TypeId, TypeKind, Types};
use qmp_tests::{header_names, lossy_layout, spec_files};

#[test]
fn there_are_26_vendored_full_texts() {
    // Seed 004 and the 25 corpus files.
    assert_eq!(spec_files().len(), 26);
}

#[test]
fn every_revision_parses_with_one_event_per_header_name() {
    for file in spec_files() {
        let spec = qmp_spec::parse(&file.name, &file.text)
            .unwrap_or_else(|err| panic!("{}:\n{err}", file.path.display()));
        let events: Vec<&str> = spec.events().map(|(name, _)| name).collect();
        assert_eq!(events, header_names(&file.text), "{}", file.name);
        assert!(!events.is_empty(), "{}", file.name);
        for section in &spec.sections {
            if let Some(data) = section.data.ty() {
                assert_typed(&spec.types, data, &file.name);
            }
        }
    }
}

/// Every member has a JSON type or a named external type; no member was
/// left as "any value" by examples that disagree.
fn assert_typed(types: &Types, object: TypeId, file: &str) {
    for member in types.members(object) {
        let def = types.get(member.ty);
        match &def.kind {
            TypeKind::External => assert!(def.name.is_some(), "{file}: {}", member.name),
            TypeKind::Scalar {
                scalar: Scalar::Value,
            } => panic!("{file}: member {} has no definite type", member.name),
            TypeKind::Object { .. } => assert_typed(types, member.ty, file),
            _ => {}
        }
    }
}

#[test]
fn layout_does_not_change_the_canonical_model() {
    for file in spec_files() {
        let original = qmp_spec::parse(&file.name, &file.text).expect("parses");
        let lossy = qmp_spec::parse(&file.name, &lossy_layout(&file.text))
            .unwrap_or_else(|err| panic!("{} in lossy layout:\n{err}", file.name));
        assert_eq!(original.canonical(), lossy.canonical(), "{}", file.name);
    }
}

#[test]
fn model_snapshots() {
    for file in spec_files() {
        let spec = qmp_spec::parse(&file.name, &file.text).expect("parses");
        insta::assert_snapshot!(
            format!("model__{}", file.name),
            codegen::ir::render(&spec).unwrap()
        );
    }
}

/// Per revision of the history: the Rust code the history up to it
/// generates, its schema bundle and its reference. A new revision shows up
/// as new snapshots; their diff against the previous revision's is what it
/// changed.
#[test]
fn history_snapshots() {
    let history = qmp_tests::history();
    let views = codegen::Revision::all(&history);
    for (i, revision) in views.iter().enumerate() {
        let upto = &views[..=i];
        let catalog = codegen::catalog::Catalog::new(upto);
        if revision.is_release() {
            // A release: the outline of the crate's API as of the release;
            // its schema and docs are committed in `generated/` already.
            let outline: String =
                codegen::rust::generate(&catalog, upto, codegen::version::of(upto))
                    .expect("generates")
                    .into_iter()
                    .filter(|file| {
                        file.path.ends_with(".rs")
                            && !codegen::rust::HAND_WRITTEN.contains(&file.path.as_str())
                    })
                    .map(|file| {
                        let outline = qmp_tests::outline::outline(&file.contents)
                            .unwrap_or_else(|err| panic!("{}: {err}", file.path));
                        format!(
                            "==> {} <==
{outline}",
                            file.path
                        )
                    })
                    .collect();
            insta::assert_snapshot!(format!("revision__{}__api", revision.name()), outline);
            continue;
        }
        // The hand-written files are the same in every revision.
        let rust: String = codegen::rust::generate(&catalog, upto, codegen::version::of(upto))
            .expect("generates")
            .into_iter()
            .filter(|file| !codegen::rust::HAND_WRITTEN.contains(&file.path.as_str()))
            // The releases' wire schemas are data, reviewed in `generated/`.
            .filter(|file| file.path != codegen::rust::wire::PATH)
            .map(|file| format!("==> {} <==\n{}\n", file.path, file.contents))
            .collect();
        insta::assert_snapshot!(format!("revision__{}__rust", revision.name()), rust);
        let bundle =
            codegen::files::pretty_json(&codegen::schema::bundle(revision.name(), revision.spec))
                .expect("JSON");
        insta::assert_snapshot!(format!("revision__{}__schema", revision.name()), bundle);
        let docs = codegen::docs::revision_file(revision).contents;
        insta::assert_snapshot!(format!("revision__{}__docs", revision.name()), docs);
    }
}
