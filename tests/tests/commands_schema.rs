//! The command bundles (`commands.json`, `returns.json`): valid Draft
//! 2020-12 for every revision with commands; every request and return
//! example of QAPI's documentation passes its release's bundles, but for
//! the examples listed here, each wrong in QEMU's documentation for the
//! reason given; a request QEMU refuses fails, a return a newer QEMU sends
//! passes; conditions and features are visible.

use std::collections::BTreeSet;

use codegen::schema::commands::{Direction, bundle};
use qmp_tests::bundles::Bundles;
use serde_json::{Value, json};

/// A return example that lists fewer members than the release requires:
/// QEMU added required members to the type and left the example as it was.
const STALE_RETURN: &str = "the return example predates members the release requires";
/// Before 2.10 the `blockdev-add` examples of other commands kept the old
/// `options` wrapper, which 2.9 removed.
const OLD_BLOCKDEV_ADD: &str =
    "the example sends `blockdev-add` with `options`, which 2.9 removed (the arguments are flat)";
/// The examples of these commands write `data` where a request has
/// `arguments`.
const DATA_NOT_ARGUMENTS: &str = "the example sends `data`, where a request has `arguments`";

/// Where QEMU's documentation is wrong: the command an example is
/// documented under, a piece of the error the bundle gives (of a union,
/// whose `oneOf` names no branch's error, the piece of the value that is
/// wrong), and why the
/// example (not the bundle) is at fault. The releases are in comments. A
/// failing example passes the test only if each of its errors is listed
/// under its command, and each entry must excuse an example (so the list
/// shrinks as QEMU mends its documentation, and a new failure fails).
#[rustfmt::skip]
const WRONG_IN_QEMU: &[(&str, &str, &str)] = &[
    ("blockdev-snapshot", r#"{"options":{"#, OLD_BLOCKDEV_ADD), // 2.9.0
    ("dump-guest-memory", r#""paging" is a required property"#, "the example leaves out `paging`, which the command requires"), // 2.9.0–6.2.0
    ("migrate", r#""offset":"0x1000""#, "the example gives `offset` as a string, where the schema has an integer (`uint64`)"), // 8.2.0–10.2.0
    ("migrate", r#""uri" is a required property"#, "the example has `channels` only; 8.2.0 still requires `uri` (optional from 9.0)"), // 8.2.0
    ("migrate-incoming", r#""uri" is a required property"#, "an example of `migrate` (it shows `channels` only, as 8.2.0's `migrate` still requires `uri`)"), // 8.2.0
    ("netdev_add", r#"{"dnssearch":"example.org""#, "the example gives `dnssearch` as a string, where the schema has a list of `String` objects"), // 5.0.0–6.2.0
    ("query-block", r#""active" is a required property"#, STALE_RETURN), // 10.0.0–10.2.0
    ("query-block", r#""cache" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-block", r#""children" is a required property"#, STALE_RETURN), // 10.1.0–10.2.0
    ("query-block", r#""encryption_key_missing" is a required property"#, STALE_RETURN), // 2.9.0–5.2.0
    ("query-block", r#""node-name" is a required property"#, STALE_RETURN), // 10.1.0–10.2.0
    ("query-colo-status", r#""last-mode" is a required property"#, STALE_RETURN), // 4.0.0–6.2.0
    ("query-cpus-fast", r#""qom-type" is a required property"#, STALE_RETURN), // 10.1.0–10.2.0
    ("query-iothreads", r#""aio-max-batch" is a required property"#, STALE_RETURN), // 6.1.0–10.2.0
    ("query-iothreads", r#""poll-grow" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-iothreads", r#""poll-max-ns" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-iothreads", r#""poll-shrink" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-memdev", r#""share" is a required property"#, STALE_RETURN), // 6.1.0–6.2.0
    ("query-migrate", r#""blocked" is a required property"#, STALE_RETURN), // 6.0.0
    ("query-migrate", r#""dirty-pages-rate" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-migrate", r#""dirty-sync-missed-zero-copy" is a required property"#, STALE_RETURN), // 7.1.0–10.2.0
    ("query-migrate", r#""downtime-bytes" is a required property"#, STALE_RETURN), // 7.0.0–10.2.0
    ("query-migrate", r#""mbps" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-migrate", r#""multifd-bytes" is a required property"#, STALE_RETURN), // 3.0.0–10.2.0
    ("query-migrate", r#""page-size" is a required property"#, STALE_RETURN), // 2.10.0–10.2.0
    ("query-migrate", r#""pages-per-second" is a required property"#, STALE_RETURN), // 4.0.0–10.2.0
    ("query-migrate", r#""postcopy-bytes" is a required property"#, STALE_RETURN), // 7.0.0–10.2.0
    ("query-migrate", r#""postcopy-requests" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-migrate", r#""precopy-bytes" is a required property"#, STALE_RETURN), // 7.0.0–10.2.0
    ("query-migrate", r#""skipped" is a required property"#, STALE_RETURN), // 2.9.0–9.0.0
    ("query-named-block-nodes", r#""active" is a required property"#, STALE_RETURN), // 10.0.0–10.2.0
    ("query-named-block-nodes", r#""cache" is a required property"#, STALE_RETURN), // 2.9.0–10.2.0
    ("query-named-block-nodes", r#""children" is a required property"#, STALE_RETURN), // 10.1.0–10.2.0
    ("query-named-block-nodes", r#""detect_zeroes" is a required property"#, STALE_RETURN), // 2.9.0–6.2.0
    ("query-named-block-nodes", r#""encryption_key_missing" is a required property"#, STALE_RETURN), // 2.9.0–5.2.0
    ("query-pci", r#""irq_pin" is a required property"#, STALE_RETURN), // 5.1.0–9.0.0
    ("query-sev", r#""sev-type" is a required property"#, STALE_RETURN), // 9.1.0–10.2.0
    ("query-sgx-capabilities", r#""sections" is a required property"#, STALE_RETURN), // 7.0.0–10.2.0
    ("query-vnc", r#""websocket" is a required property"#, STALE_RETURN), // 2.9.0–6.2.0
    ("replay-break", r#""arguments" is a required property"#, DATA_NOT_ARGUMENTS), // 5.2.0–6.2.0
    ("replay-break", r#"Additional properties are not allowed ('data' was unexpected)"#, DATA_NOT_ARGUMENTS), // 5.2.0–6.2.0
    ("replay-seek", r#""arguments" is a required property"#, DATA_NOT_ARGUMENTS), // 5.2.0–6.2.0
    ("replay-seek", r#"Additional properties are not allowed ('data' was unexpected)"#, DATA_NOT_ARGUMENTS), // 5.2.0–6.2.0
    ("snapshot-delete", r#""arguments" is a required property"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("snapshot-delete", r#"Additional properties are not allowed ('data' was unexpected)"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("snapshot-load", r#""arguments" is a required property"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("snapshot-load", r#"Additional properties are not allowed ('data' was unexpected)"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("snapshot-save", r#""arguments" is a required property"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("snapshot-save", r#"Additional properties are not allowed ('data' was unexpected)"#, DATA_NOT_ARGUMENTS), // 6.0.0–6.2.0
    ("trace-event-get-state", r#""vcpu" is a required property"#, STALE_RETURN), // 2.9.0–6.2.0
    ("trace-event-set-state", r#""true" is not of type "boolean""#, "the example gives `enable` as the string \"true\", where the schema has a boolean"), // 2.9.0–6.1.0
    ("x-block-latency-histogram-set", r#"a return of `block-latency-histogram-set`, which qemu-2.12.0 lacks"#, "the example runs `block-latency-histogram-set`, the name before the command became experimental (`x-`)"), // 2.12.0
    ("x-block-latency-histogram-set", r#"a return of `block-latency-histogram-set`, which qemu-3.0.0 lacks"#, "the example runs `block-latency-histogram-set`, the name before the command became experimental (`x-`)"), // 3.0.0
    ("x-block-latency-histogram-set", r#"a return of `block-latency-histogram-set`, which qemu-3.1.0 lacks"#, "the example runs `block-latency-histogram-set`, the name before the command became experimental (`x-`)"), // 3.1.0
    ("x-block-latency-histogram-set", r#"no command `block-latency-histogram-set`"#, "the example runs `block-latency-histogram-set`, the name before the command became experimental (`x-`)"), // 2.12.0–3.1.0
    ("x-blockdev-change", r#"{"options":{"#, OLD_BLOCKDEV_ADD), // 2.9.0
    ("x-blockdev-insert-medium", r#"{"options":{"#, OLD_BLOCKDEV_ADD), // 2.9.0
    ("x-query-virtio-status", r#""disable-legacy-check" is a required property"#, STALE_RETURN), // 7.2.0–10.2.0
];

/// The entry that excuses an error of an example documented under
/// `command`.
fn excuse(command: &str, error: &str) -> Option<usize> {
    WRONG_IN_QEMU
        .iter()
        .position(|(c, piece, _)| *c == command && error.contains(piece))
}

#[test]
fn every_request_and_return_example_passes_its_release() {
    let history = qmp_tests::history();
    let mut checked = 0;
    let mut excused = 0;
    let mut used = vec![false; WRONG_IN_QEMU.len()];
    let mut failures = Vec::new();
    for revision in &history.revisions {
        let spec = &revision.spec;
        if spec.commands.is_empty() || spec.build.is_some() {
            continue;
        }
        let name = revision.name();
        let bundles = Bundles::new(name, spec);
        for command in &spec.commands {
            // A return answers the request before it, which may be of
            // another command.
            let mut asked = command.name.clone();
            for example in &command.examples {
                let Some(json) = &example.json else { continue };
                let errors = if let Some(execute) = json.get("execute") {
                    asked = execute.as_str().unwrap_or_default().to_string();
                    bundles.request_errors(json)
                } else if bundles.commands.contains(&asked) {
                    bundles.return_errors(&asked, &json["return"])
                } else {
                    vec![format!("a return of `{asked}`, which {name} lacks")]
                };
                checked += 1;
                if errors.is_empty() {
                    continue;
                }
                let excuses: Vec<Option<usize>> =
                    errors.iter().map(|e| excuse(&command.name, e)).collect();
                if excuses.iter().all(Option::is_some) {
                    excuses.into_iter().flatten().for_each(|i| used[i] = true);
                    excused += 1;
                    continue;
                }
                failures.push(format!(
                    "{name} {} line {}: {}\n    {}",
                    command.name,
                    example.span.line,
                    example.raw.chars().take(120).collect::<String>(),
                    errors.join("\n    ")
                ));
            }
        }
    }
    assert!(checked > 9000, "{checked} examples checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let unused: Vec<_> = WRONG_IN_QEMU
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(entry, _)| entry)
        .collect();
    assert!(unused.is_empty(), "entries excuse nothing: {unused:#?}");
    // Most examples are right: the list is the exception.
    assert!(excused * 20 < checked, "{excused} of {checked} excused");
}

fn release(name: &str) -> (qmp_spec::history::History, usize) {
    let history = qmp_tests::history();
    let at = history
        .revisions
        .iter()
        .position(|r| r.name() == name)
        .unwrap_or_else(|| panic!("{name} in the history"));
    (history, at)
}

/// A request is checked as QEMU checks it; a return is read as a client
/// should read it.
#[test]
fn requests_are_strict_and_returns_open() {
    let (history, at) = release("qemu-10.2.0");
    let bundles = Bundles::new("qemu-10.2.0", &history.revisions[at].spec);
    let refused = |request: Value| {
        let errors = bundles.request_errors(&request);
        assert!(!errors.is_empty(), "{request} passes");
        errors.join("; ")
    };
    let numa = |core: Value| {
        json!({ "execute": "set-numa-node", "arguments": {
            "type": "cpu", "node-id": 0, "socket-id": 0, "core-id": core,
        } })
    };
    // QEMU 9.2's strict typing: a string where the schema has an integer.
    assert_eq!(
        bundles.request_errors(&numa(json!(1))),
        Vec::<String>::new()
    );
    assert!(refused(numa(json!("1"))).contains("core-id"));
    // An argument the command lacks, a missing required one, a value of
    // an enumeration it lacks, a command it lacks.
    assert!(refused(json!({ "execute": "query-status", "arguments": { "x": 1 } })).contains("'x'"));
    assert!(refused(json!({ "execute": "blockdev-del", "arguments": {} })).contains("node-name"));
    let add = |driver: &str| {
        json!({ "execute": "blockdev-add", "arguments": {
            "driver": driver, "node-name": "n", "filename": "/dev/null",
        } })
    };
    assert_eq!(bundles.request_errors(&add("file")), Vec::<String>::new());
    assert!(!refused(add("teleport")).is_empty());
    // An argument of the `file` branch under another branch.
    assert!(refused(add("null-co")).contains("filename"));
    assert_eq!(
        refused(json!({ "execute": "query-cpus" })),
        "no command `query-cpus`"
    );
    // `exec-oob` for a command that allows it, and only then.
    assert_eq!(
        bundles.request_errors(&json!({ "exec-oob": "migrate-pause", "id": 1 })),
        Vec::<String>::new()
    );
    assert!(
        !bundles
            .requests
            .is_valid(&json!({ "exec-oob": "query-status" }))
    );
    // device_add's device properties are outside the schema: unchecked.
    let device = json!({ "execute": "device_add", "arguments": {
        "driver": "virtio-net-pci", "id": "n1", "mac": "52:54:00:12:34:56",
    } });
    assert_eq!(bundles.request_errors(&device), Vec::<String>::new());
    // A return may carry members, values and branches of a newer QEMU.
    let status = json!({ "running": true, "status": "hibernating", "singlestep": false });
    assert_eq!(
        bundles.return_errors("query-status", &status),
        Vec::<String>::new()
    );
    assert!(
        !bundles
            .return_errors("query-status", &json!({ "status": "running" }))
            .is_empty()
    );
    assert_eq!(
        bundles.return_errors("stop", &json!({})),
        Vec::<String>::new()
    );
}

/// Conditions and features are visible in QAPI's own syntax, in the
/// command bundles and the event bundles.
#[test]
fn conditions_and_features_are_visible() {
    let (history, at) = release("qemu-9.2.0");
    let spec = &history.revisions[at].spec;
    let requests = bundle("qemu-9.2.0", spec, Direction::Request);
    let defs = &requests["$defs"];
    let unix = &defs["UnixSocketAddress"]["properties"];
    assert_eq!(unix["abstract"]["x-if"], json!("CONFIG_LINUX"));
    assert_eq!(unix["path"].get("x-if"), None);
    assert_eq!(
        defs["BlockdevAioOptions"]["x-if-values"]["io_uring"],
        json!("CONFIG_LINUX_IO_URING")
    );
    let backup = &defs["drive-backup"];
    assert_eq!(backup["deprecated"], json!(true), "{backup:#}");
    assert_eq!(backup["x-features"], json!(["deprecated"]));
    // A condition of several symbols is QAPI's JSON form.
    let any = defs
        .as_object()
        .unwrap()
        .values()
        .find_map(|d| d.get("x-if").filter(|c| c.is_object()))
        .expect("a compound condition");
    assert!(
        ["all", "any", "not"].iter().any(|k| any.get(k).is_some()),
        "{any}"
    );
    let events = codegen::schema::bundle("qemu-9.2.0", spec);
    let text = events.to_string();
    assert!(
        text.contains("\"x-if\""),
        "the event bundle shows no condition"
    );
}

/// Every revision with commands (QAPI releases and builds' introspection)
/// has valid bundles, each command once in each.
#[test]
fn every_revision_with_commands_has_both_bundles() {
    let history = qmp_tests::history();
    let mut revisions = 0;
    for revision in &history.revisions {
        let spec = &revision.spec;
        if spec.commands.is_empty() {
            continue;
        }
        revisions += 1;
        let name = revision.name();
        let requests = bundle(name, spec, Direction::Request);
        let returns = bundle(name, spec, Direction::Return);
        for (what, schema) in [("commands", &requests), ("returns", &returns)] {
            assert!(jsonschema::meta::is_valid(schema), "{name}: {what}.json");
            for command in &spec.commands {
                assert!(
                    schema["$defs"].get(&command.name).is_some(),
                    "{name}: {what}.json lacks {}",
                    command.name
                );
            }
        }
        assert_eq!(
            requests["oneOf"].as_array().map(Vec::len),
            Some(spec.commands.len())
        );
    }
    let releases = history
        .revisions
        .iter()
        .filter(|r| r.id.is_release())
        .count();
    assert!(revisions >= releases - 1, "{revisions} of {releases}");
}

/// `schema/latest/`: every command of the history, each as the newest
/// revision that has it defines it, with when it came and went.
#[test]
fn the_latest_bundles_have_every_command_of_the_history() {
    let history = qmp_tests::history();
    let views = codegen::Revision::all(&history);
    let availability = codegen::availability::Availability::new(&views);
    let files = codegen::schema::commands::latest_files(&availability);
    let parsed: Vec<Value> = files
        .iter()
        .map(|f| serde_json::from_str(&f.contents).expect("JSON"))
        .collect();
    assert_eq!(
        files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        ["schema/latest/commands.json", "schema/latest/returns.json"]
    );
    let every: BTreeSet<&str> = history
        .timeline()
        .iter()
        .flat_map(|r| r.spec.commands.iter().map(|c| c.name.as_str()))
        .collect();
    for bundle in &parsed {
        assert!(jsonschema::meta::is_valid(bundle));
        for name in &every {
            assert!(bundle["$defs"].get(*name).is_some(), "latest lacks {name}");
        }
    }
    let requests = &parsed[0];
    assert_eq!(
        requests["oneOf"].as_array().map(Vec::len),
        Some(every.len())
    );
    let cpus = &requests["$defs"]["query-cpus"];
    assert_eq!(cpus["x-since"], "qemu-2.1.0");
    assert_eq!(cpus["x-until"], "qemu-5.2.0");
    assert_eq!(requests["$defs"]["query-status"].get("x-until"), None);
    // A request of an old QEMU passes `latest`, and not the newest release.
    let latest = jsonschema::validator_for(requests).expect("compiles");
    let old = json!({ "execute": "query-cpus" });
    assert!(latest.is_valid(&old));
    let (history, at) = release("qemu-10.2.0");
    let newest = Bundles::new("qemu-10.2.0", &history.revisions[at].spec);
    assert!(!newest.requests.is_valid(&old));
}

/// The recorded start-up queries of three real QEMUs (7.2, 10.0, 11.1):
/// every request passes its revision's `commands.json`, every return its
/// `returns.json` (found by the QEMU's version, as a client finds it).
#[test]
fn the_recorded_returns_of_real_qemus_pass_their_revision() {
    let history = qmp_tests::history();
    let mut checked = 0;
    for name in qmp_tests::RETURN_RECORDINGS {
        let text = qmp_tests::fixture(name);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let version: Value = serde_json::from_str(&lines[0]).expect("query-version first");
        let (version, _) =
            qmp_spec::QemuVersion::from_query_version(&version["return"]).expect("a version");
        let (revision, _) =
            qmp_tests::live::revision_for(&history, version).unwrap_or_else(|why| panic!("{why}"));
        let failures = qmp_tests::live::check_battery(&revision, &lines);
        assert!(failures.is_empty(), "{name}: {failures:#?}");
        assert!(lines.len() >= 30, "{name}: {} lines", lines.len());
        checked += lines.len();
    }
    assert!(checked >= 90);
}

/// GitHub's anchor of a Markdown heading: lower case, spaces as `-`,
/// punctuation but `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Every in-page link of the commands' references reaches a heading, and
/// every link of `docs/COMMANDS.md` a reference and a heading in it; the
/// history's member notes say when a member came or went.
#[test]
fn the_command_references_link_within_themselves() {
    let docs = qmp_tests::workspace_root().join("generated/docs");
    let anchors = |text: &str| -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
            .map(slug)
            .collect()
    };
    let targets = |text: &str| -> Vec<String> {
        text.split("](")
            .skip(1)
            .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.to_string()))
            .collect()
    };
    let mut references = 0;
    for entry in std::fs::read_dir(docs.join("commands")).expect("docs/commands") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a reference");
        let have = anchors(&text);
        for target in targets(&text) {
            if let Some(fragment) = target.strip_prefix('#') {
                assert!(
                    have.contains(fragment),
                    "{}: no heading for #{fragment}",
                    path.display()
                );
            }
        }
        references += 1;
    }
    assert!(references >= 36, "{references} references");
    let index = std::fs::read_to_string(docs.join("COMMANDS.md")).expect("COMMANDS.md");
    for target in targets(&index) {
        let (file, fragment) = target.split_once('#').expect("a fragment");
        let text = std::fs::read_to_string(docs.join(file)).expect("the linked reference");
        assert!(
            anchors(&text).contains(fragment),
            "{file}: no heading for #{fragment}"
        );
    }
    let old = std::fs::read_to_string(docs.join("commands/qemu-8.2.0.md")).expect("8.2.0");
    assert!(
        old.lines().any(|l| l.starts_with("| `singlestep` |")
            && l.contains("(in the history: until `qemu-8.2.0`)")),
        "StatusInfo.singlestep went after 8.2.0"
    );
    let new = std::fs::read_to_string(docs.join("commands/qemu-10.2.0.md")).expect("10.2.0");
    assert!(
        new.lines().any(|l| l.starts_with("| `keep-alive-count` |")
            && l.contains("(in the history: since `qemu-10.1.0`)")),
        "InetSocketAddress.keep-alive-count came in 10.1.0"
    );
}
