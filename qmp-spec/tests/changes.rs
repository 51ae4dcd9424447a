//! The spec diff: every kind of change and its class, on crafted pairs, and
//! the real history's steps the issue names.

use qmp_spec::changes::{Change, ChangeKind, Class, compare, summary};
use qmp_spec::history::History;

/// The revision the tests edit (shared with codegen's semver tests).
const BASE: &str = include_str!("fixtures/changes-base.txt");
fn spec(text: &str) -> qmp_spec::Spec {
    qmp_spec::parse("test", text).unwrap_or_else(|err| panic!("{err}"))
}

/// The changes from BASE to BASE with `edits` (pairs of from → to) applied.
fn changes(edits: &[(&str, &str)]) -> Vec<Change> {
    let mut new = BASE.to_string();
    for (from, to) in edits {
        assert!(new.contains(from), "{from}");
        new = new.replacen(from, to, 1);
    }
    compare(&spec(BASE), &spec(&new))
}

/// (event, member, kind, class) of each change.
fn brief(changes: &[Change]) -> Vec<(String, String, ChangeKind, Class)> {
    changes
        .iter()
        .map(|c| (c.event.clone(), c.member.clone(), c.kind.clone(), c.class))
        .collect()
}

fn one(
    event: &str,
    member: &str,
    kind: ChangeKind,
    class: Class,
) -> Vec<(String, String, ChangeKind, Class)> {
    vec![(event.into(), member.into(), kind, class)]
}

#[test]
fn identical_revisions_have_no_changes() {
    assert!(compare(&spec(BASE), &spec(BASE)).is_empty());
    // Layout alone is no change.
    let relaid = BASE
        .replace("- \"a\": a string", "- \"a\":     a string")
        .replace("  - \"p\"", " - \"p\"");
    assert!(compare(&spec(BASE), &spec(&relaid)).is_empty());
}

#[test]
fn events_added_removed_and_renamed() {
    let added = format!("{BASE}\nNEW_EVENT\n---------\n\nEmitted.\n\nData: None.\n");
    assert_eq!(
        brief(&compare(&spec(BASE), &spec(&added))),
        one("NEW_EVENT", "", ChangeKind::EventAdded, Class::Compatible)
    );
    let removed = BASE.replace(
        "BAR\n---\n\nEmitted when bar happens.\n\nData: None.\n\n",
        "",
    );
    assert_eq!(
        brief(&compare(&spec(BASE), &spec(&removed))),
        one(
            "BAR",
            "",
            ChangeKind::EventRemoved,
            Class::PotentiallyBreaking
        )
    );
    let renamed = changes(&[("OLD_NAME\n--------", "NEW_NAME\n--------")]);
    assert_eq!(
        brief(&renamed),
        one(
            "NEW_NAME",
            "",
            ChangeKind::EventRenamed {
                from: "OLD_NAME".into()
            },
            Class::Breaking
        )
    );
}

#[test]
fn members_added_removed_and_their_optionality() {
    let added = changes(&[(
        "- \"d\": free text (json-string)\n",
        "- \"d\": free text (json-string)\n- \"e\": new (json-bool, optional)\n- \"f\": newer (json-int)\n",
    )]);
    assert_eq!(
        brief(&added),
        [
            (
                "FOO".into(),
                "e".into(),
                ChangeKind::MemberAdded { optional: true },
                Class::Compatible
            ),
            (
                "FOO".into(),
                "f".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
        ]
    );
    let removed = changes(&[("- \"d\": free text (json-string)\n", "")]);
    assert_eq!(
        brief(&removed),
        one("FOO", "d", ChangeKind::MemberRemoved, Class::Breaking)
    );
    let optional = changes(&[("a string (json-string)", "a string (json-string, optional)")]);
    assert_eq!(
        brief(&optional),
        one("FOO", "a", ChangeKind::MadeOptional, Class::Breaking)
    );
    let required = changes(&[("an int (json-int, optional)", "an int (json-int)")]);
    assert_eq!(
        brief(&required),
        one("FOO", "b", ChangeKind::MadeRequired, Class::Compatible)
    );
}

#[test]
fn types_and_values() {
    let retyped = changes(&[(
        "an int (json-int, optional)",
        "an int (json-number, optional)",
    )]);
    assert_eq!(
        brief(&retyped),
        one("FOO", "b", ChangeKind::TypeChanged, Class::Breaking)
    );
    assert_eq!(
        (retyped[0].old.as_deref(), retyped[0].new.as_deref()),
        (Some("json-int"), Some("json-number"))
    );
    let value_added = changes(&[("\"x\" or \"y\"", "\"x\", \"y\" or \"z\"")]);
    assert_eq!(
        brief(&value_added),
        one(
            "FOO",
            "c",
            ChangeKind::ValueAdded { value: "z".into() },
            Class::PotentiallyBreaking
        )
    );
    let value_removed = changes(&[("\"x\" or \"y\"", "\"x\"")]);
    assert_eq!(
        brief(&value_removed),
        one(
            "FOO",
            "c",
            ChangeKind::ValueRemoved { value: "y".into() },
            Class::PotentiallyBreaking
        )
    );
    let enumerated = changes(&[(
        "free text (json-string)",
        "free text (json-string, \"t\" or \"u\")",
    )]);
    assert_eq!(
        brief(&enumerated),
        one(
            "FOO",
            "d",
            ChangeKind::ValuesEnumerated,
            Class::PotentiallyBreaking
        )
    );
    let open = changes(&[(
        "a choice (json-string, \"x\" or \"y\")",
        "a choice (json-string)",
    )]);
    assert_eq!(
        brief(&open),
        one(
            "FOO",
            "c",
            ChangeKind::ValuesNoLongerEnumerated,
            Class::PotentiallyBreaking
        )
    );
}

#[test]
fn nested_members_change_the_same_way() {
    let nested = changes(&[(
        "  - \"p\": nested (json-string)\n",
        "  - \"p\": nested (json-string, optional)\n  - \"q\": more (json-int)\n",
    )]);
    assert_eq!(
        brief(&nested),
        [
            (
                "FOO".into(),
                "o.p".into(),
                ChangeKind::MadeOptional,
                Class::Breaking
            ),
            (
                "FOO".into(),
                "o.q".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
        ]
    );
    let gone = changes(&[(
        "  - \"p\": nested (json-string)\n",
        "  - \"s\": renamed nested (json-string)\n",
    )]);
    assert_eq!(
        brief(&gone),
        [
            (
                "FOO".into(),
                "o.s".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
            (
                "FOO".into(),
                "o.p".into(),
                ChangeKind::MemberRemoved,
                Class::Breaking
            ),
        ]
    );
}

#[test]
fn data_appearing_and_disappearing() {
    let appears = changes(&[(
        "Emitted when bar happens.\n\nData: None.",
        "Emitted when bar happens.\n\nData:\n\n- \"z\": zed (json-string)",
    )]);
    assert_eq!(
        brief(&appears),
        one("BAR", "", ChangeKind::DataAdded, Class::Compatible)
    );
    let disappears = changes(&[(
        "Emitted when renamed.\n\nData:\n\n- \"r\": a member (json-string)",
        "Emitted when renamed.\n\nData: None.",
    )]);
    assert_eq!(
        brief(&disappears),
        one("OLD_NAME", "", ChangeKind::DataRemoved, Class::Breaking)
    );
}

#[test]
fn documentation_changes_keep_old_and_new_text() {
    let described = changes(&[
        ("Emitted when foo happens.", "Emitted whenever foo happens."),
        ("a string (json", "the string (json"),
    ]);
    assert_eq!(
        brief(&described),
        [
            (
                "FOO".into(),
                "".into(),
                ChangeKind::DescriptionChanged,
                Class::Documentation
            ),
            (
                "FOO".into(),
                "a".into(),
                ChangeKind::DescriptionChanged,
                Class::Documentation
            ),
        ]
    );
    assert_eq!(
        described[0].old.as_deref(),
        Some("Emitted when foo happens.")
    );
    assert_eq!(
        described[0].new.as_deref(),
        Some("Emitted whenever foo happens.")
    );
    let noted = changes(&[("Note: foo is rare.", "Note: foo is very rare.")]);
    assert_eq!(
        brief(&noted),
        one("FOO", "", ChangeKind::NotesChanged, Class::Documentation)
    );
    let example = changes(&[("\"seconds\": 1,", "\"seconds\": 7,")]);
    assert_eq!(
        brief(&example),
        one("FOO", "", ChangeKind::ExamplesChanged, Class::Documentation)
    );
    let titled = changes(&[(
        "QEMU Machine Protocol Events",
        "QEMU Monitor Protocol Events",
    )]);
    // A title names the side: not a change of its events.
    assert_eq!(brief(&titled), []);
}

fn history() -> History {
    History::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("history")).unwrap()
}

#[test]
fn seed_000_adds_device_tray_moved_and_fixes_a_description() {
    let history = history();
    let found = compare(
        &history.get("block-job-completion").unwrap().spec,
        &history.get("device-tray-moved").unwrap().spec,
    );
    assert_eq!(
        brief(&found),
        [
            (
                "DEVICE_TRAY_MOVED".into(),
                "".into(),
                ChangeKind::EventAdded,
                Class::Compatible
            ),
            (
                "VNC_DISCONNECTED".into(),
                "".into(),
                ChangeKind::DescriptionChanged,
                Class::Documentation
            ),
        ]
    );
    assert_eq!(
        found[1].old.as_deref(),
        Some("Emitted when the conection is closed.")
    );
    assert_eq!(
        found[1].new.as_deref(),
        Some("Emitted when the connection is closed.")
    );
}

#[test]
fn seed_003_adds_members_and_events() {
    let history = history();
    let found = compare(
        &history.get("migration-and-colo-exit").unwrap().spec,
        &history.get("block-node-names").unwrap().spec,
    );
    let interface: Vec<_> = brief(&found)
        .into_iter()
        .filter(|c| c.3 != Class::Documentation)
        .collect();
    assert_eq!(
        interface,
        [
            (
                "BLOCK_IO_ERROR".into(),
                "node-name".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
            (
                "DEVICE_TRAY_MOVED".into(),
                "id".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
            (
                "DUMP_COMPLETED".into(),
                "".into(),
                ChangeKind::EventAdded,
                Class::Compatible
            ),
            (
                "MIGRATION_PASS".into(),
                "".into(),
                ChangeKind::EventAdded,
                Class::Compatible
            ),
            (
                "QUORUM_REPORT_BAD".into(),
                "type".into(),
                ChangeKind::MemberAdded { optional: false },
                Class::Compatible
            ),
        ]
    );
    assert_eq!(summary(&found).map(|(_, n)| n), [0, 0, 5, 9]);
}

#[test]
fn the_move_to_qapi_removes_events_from_the_document() {
    let history = history();
    let found = compare(
        &history.get("block-node-names").unwrap().spec,
        &history.get("moved-to-qapi").unwrap().spec,
    );
    assert_eq!(found.len(), 8);
    assert!(
        found
            .iter()
            .all(|c| c.kind == ChangeKind::EventRemoved && c.class == Class::PotentiallyBreaking)
    );
}

/// A type every event reaches at several places is compared once, and its
/// change is reported at each place, in each event.
#[test]
fn a_shared_type_is_compared_once_and_reported_wherever_it_is_used() {
    let schema = |inet: &str| {
        let text = format!(
            "{{ 'struct': 'Inet', 'data': {{ {inet} }} }}
{{ 'struct': 'Pair', 'data': {{ 'server': 'Inet', 'client': 'Inet' }} }}
{{ 'event': 'A', 'data': {{ 'pair': 'Pair', 'all': [ 'Inet' ] }} }}
{{ 'event': 'B', 'data': {{ 'one': 'Inet' }} }}"
        );
        qmp_spec::qapi::read_text("s.json", text.as_bytes())
            .and_then(|schema| schema.to_spec("s"))
            .unwrap_or_else(|err| panic!("{err}"))
    };
    let old = schema("'host': 'str'");
    let new = schema("'host': 'str', '*port': 'int'");
    let added: Vec<(String, String)> = compare(&old, &new)
        .into_iter()
        .map(|c| {
            assert_eq!(c.kind, ChangeKind::MemberAdded { optional: true });
            (c.event, c.member)
        })
        .collect();
    let expected = [
        ("A", "pair.server.port"),
        ("A", "pair.client.port"),
        ("A", "all[].port"),
        ("B", "one.port"),
    ];
    assert_eq!(added, expected.map(|(e, m)| (e.to_string(), m.to_string())));
}
