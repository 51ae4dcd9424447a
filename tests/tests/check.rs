//! Checking requests before they are sent (`qmp_events::commands::Schema`,
//! `Revision::check`): the issue's cases, agreement with the JSON Schema
//! bundles on every request example of every release, the recorded
//! `query-qmp-schema` replies read as the history's schemas are, and
//! replies that are not replies refused with where and why.

use qmp_events::Revision;
use qmp_events::commands::{Finding, Problem, Request, Schema};
use qmp_tests::bundles::Bundles;

fn request(line: &str) -> Request {
    line.parse().unwrap_or_else(|err| panic!("{line}: {err}"))
}

/// The errors of a request QEMU would refuse, as `path: problem` lines.
fn errors(schema: &Schema, line: &str) -> Vec<String> {
    match schema.check(&request(line)) {
        Ok(warnings) => panic!("{line} passes, with {warnings:?}"),
        Err(error) => error.errors.iter().map(Finding::to_string).collect(),
    }
}

fn warnings(schema: &Schema, line: &str) -> Vec<String> {
    match schema.check(&request(line)) {
        Ok(warnings) => warnings.iter().map(Finding::to_string).collect(),
        Err(error) => panic!("{line} is refused: {error}"),
    }
}

#[test]
fn every_release_has_a_schema_and_text_revisions_before_qapi_have_none() {
    // Every release; a revision of `qmp-events.txt` has the schema of the
    // release that shipped it, if a QAPI release did.
    for revision in Revision::ALL.into_iter().filter(|r| r.qemu().is_some()) {
        let schema = revision
            .schema()
            .unwrap_or_else(|| panic!("{}: no schema", revision.name()));
        assert!(schema.has_command("query-status"), "{}", revision.name());
        assert!(schema.commands().len() > 100, "{}", revision.name());
        // The protocol's own command, in QAPI from 2.8 only.
        revision
            .check(&request(r#"{"execute": "qmp_capabilities"}"#))
            .unwrap();
    }
    assert_eq!(
        errors(
            Revision::Qemu2_7_0.schema().unwrap(),
            r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}"#
        ),
        ["arguments.enable: no such member"]
    );
    Revision::Qemu2_12_0
        .check(&request(
            r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}"#,
        ))
        .unwrap();
    for before in [Revision::PreResume, Revision::GuestPanicked] {
        assert!(before.schema().is_none(), "{}", before.name());
        let error = before
            .check(&request(r#"{"execute": "query-status"}"#))
            .unwrap_err();
        assert_eq!(error.errors[0].problem, Problem::NoSchema);
    }
    assert_eq!(
        Revision::QuorumAndAcpi.schema().map(Schema::commands),
        Revision::Qemu2_1_0.schema().map(Schema::commands)
    );
    assert_eq!(
        Revision::MovedToQapi.schema().map(Schema::commands),
        Revision::Qemu2_9_0.schema().map(Schema::commands)
    );
}

#[test]
fn what_qemu_refuses_is_an_error_with_its_path() {
    let schema = Revision::Qemu9_2_0.schema().unwrap();
    // The class of error QEMU 9.2's strict typing turned into failures.
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "set-numa-node", "arguments": {"type": "cpu", "node-id": 0, "core-id": "1"}}"#
        ),
        ["arguments.core-id: expected an integer (int64), found a string"]
    );
    assert_eq!(
        errors(schema, r#"{"execute": "querry-status"}"#),
        [r#"execute: no such command (did you mean "query-status"?)"#]
    );
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "device_del", "arguments": {"id": "net0", "idd": 1}}"#
        ),
        [r#"arguments.idd: no such member (did you mean "id"?)"#]
    );
    assert_eq!(
        errors(schema, r#"{"execute": "device_del"}"#),
        ["arguments.id: required, and missing"]
    );
    // The branch's members are not reported too: which branch they belong
    // to is what is wrong.
    let unknown_value = errors(
        schema,
        r#"{"execute": "blockdev-add", "arguments": {"driver": "nope", "node-name": "n", "filename": "f"}}"#,
    );
    assert_eq!(unknown_value.len(), 1, "{unknown_value:?}");
    assert!(
        unknown_value[0].starts_with(
            r#"arguments.driver: not a value of BlockdevDriver, which has "blkdebug", "blklogwrites""#
        ),
        "{unknown_value:?}"
    );
    // A union's branch is checked once the tag picks it.
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "blockdev-add", "arguments": {"driver": "file", "node-name": "n", "filename": 3, "bogus": true}}"#
        ),
        [
            "arguments.filename: expected a string, found an integer",
            "arguments.bogus: no such member"
        ]
    );
    // Arrays, nested objects and sized integers.
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"capability": "xbzrle", "state": true}, {"capability": "events"}]}}"#
        ),
        ["arguments.capabilities[1].state: required, and missing"]
    );
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "migrate-set-parameters", "arguments": {"cpu-throttle-initial": 1.5, "throttle-trigger-threshold": 300}}"#
        ),
        [
            "arguments.throttle-trigger-threshold: out of the range of uint8",
            "arguments.cpu-throttle-initial: expected an integer (uint8), found a number with a fraction or exponent",
        ]
    );
    assert_eq!(
        errors(schema, r#"{"exec-oob": "query-status"}"#),
        ["exec-oob: the command cannot run out of band (exec-oob)"]
    );
    assert!(
        schema
            .check(&request(r#"{"exec-oob": "migrate-pause"}"#))
            .is_ok()
    );
    // Every error at once, in the order of the schema's members.
    let error = schema
        .check(&request(
            r#"{"execute": "block_set_io_throttle", "arguments": {"bps": "1", "iops": -1.5}}"#,
        ))
        .unwrap_err();
    assert!(error.errors.len() > 3, "{error:?}");
    assert!(error.to_string().ends_with(" more errors)"), "{error}");
}

#[test]
fn deprecated_unstable_and_conditional_use_are_warnings() {
    let schema = Revision::Qemu9_2_0.schema().unwrap();
    assert_eq!(
        warnings(schema, r#"{"execute": "query-migrationthreads"}"#),
        ["execute: deprecated"]
    );
    assert_eq!(
        warnings(schema, r#"{"execute": "x-query-roms"}"#),
        ["execute: unstable"]
    );
    assert_eq!(
        warnings(schema, r#"{"execute": "x-query-jit"}"#),
        [
            "execute: unstable",
            "execute: only in builds of QEMU where CONFIG_TCG"
        ]
    );
    // Before the feature (6.0), `x-` said so.
    assert_eq!(
        warnings(
            Revision::Qemu5_2_0.schema().unwrap(),
            r#"{"execute": "x-blockdev-change", "arguments": {"parent": "p"}}"#
        ),
        ["execute: unstable"]
    );
    assert_eq!(
        warnings(schema, r#"{"execute": "query-sev"}"#),
        ["execute: only in builds of QEMU where TARGET_I386"]
    );
    // A deprecated member, and a deprecated enumeration value.
    assert_eq!(
        warnings(
            schema,
            r#"{"execute": "eject", "arguments": {"device": "ide0-cd0"}}"#
        ),
        ["arguments.device: deprecated"]
    );
    let value = warnings(
        schema,
        r#"{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"capability": "zero-blocks", "state": false}]}}"#,
    );
    assert_eq!(value, ["arguments.capabilities[0].capability: deprecated"]);
}

#[test]
fn device_properties_pass_unchecked_and_say_so() {
    let schema = Revision::Qemu9_2_0.schema().unwrap();
    assert_eq!(
        warnings(
            schema,
            r#"{"execute": "device_add", "arguments": {"driver": "virtio-net-pci", "id": "net0", "netdev": "n0", "mac": "52:54:00:12:34:56"}}"#
        ),
        [
            "arguments.mac: not described by the QAPI schema (a device or object property): unchecked",
            "arguments.netdev: not described by the QAPI schema (a device or object property): unchecked"
        ]
    );
    // What QAPI lists is still checked.
    assert_eq!(
        errors(
            schema,
            r#"{"execute": "device_add", "arguments": {"driver": 1}}"#
        ),
        ["arguments.driver: expected a string, found an integer"]
    );
}

#[test]
fn older_and_newer_releases_answer_for_themselves() {
    let line = r#"{"execute": "migrate", "arguments": {"channels": [{"channel-type": "main", "addr": {"transport": "socket", "type": "inet", "host": "h", "port": "1"}}]}}"#;
    // `channels` came in 8.2; before, `uri` was required.
    assert_eq!(
        Revision::Qemu8_1_0
            .check(&request(line))
            .unwrap_err()
            .errors
            .iter()
            .map(Finding::to_string)
            .collect::<Vec<_>>(),
        [
            "arguments.uri: required, and missing",
            "arguments.channels: no such member"
        ]
    );
    Revision::Qemu9_1_0.check(&request(line)).unwrap();
    // query-cpus went in 6.0.
    assert!(
        Revision::Qemu5_2_0
            .check(&request(r#"{"execute": "query-cpus"}"#))
            .is_ok()
    );
    assert_eq!(
        errors(
            Revision::Qemu6_0_0.schema().unwrap(),
            r#"{"execute": "query-cpus"}"#
        ),
        ["execute: no such command (QEMU had it from qemu-2.1.0 to qemu-5.2.0)"]
    );
    // query-cryptodev came in 8.0.
    assert_eq!(
        errors(
            Revision::Qemu7_2_0.schema().unwrap(),
            r#"{"execute": "query-cryptodev"}"#
        ),
        ["execute: no such command (QEMU has it from qemu-8.0.0 on)"]
    );
}

/// Every request example of QAPI's documentation, of every release: the
/// check and the release's JSON Schema bundle (a separate implementation,
/// checked by a JSON Schema validator) accept and refuse the same ones.
#[test]
fn the_check_agrees_with_the_bundles_on_every_request_example() {
    let history = qmp_tests::history();
    let mut checked = 0;
    let mut refused = 0;
    let mut disagreements = Vec::new();
    for revision in &history.revisions {
        let spec = &revision.spec;
        if spec.commands.is_empty() || spec.build.is_some() {
            continue;
        }
        let name = revision.name();
        let schema = Revision::from_name(name)
            .and_then(Revision::schema)
            .expect("a schema");
        let bundles = Bundles::new(name, spec);
        for command in &spec.commands {
            for example in &command.examples {
                let Some(json) = &example.json else { continue };
                if json.get("execute").is_none() && json.get("exec-oob").is_none() {
                    continue;
                }
                checked += 1;
                let bundle = bundles.request_errors(json);
                let ours = match json.to_string().parse::<Request>() {
                    Ok(request) => schema.check(&request).map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                };
                refused += usize::from(ours.is_err());
                if ours.is_ok() != bundle.is_empty() {
                    disagreements.push(format!(
                        "{name} {} line {}: {json}\n    check: {ours:?}\n    bundle: {bundle:?}",
                        command.name, example.span.line
                    ));
                }
            }
        }
    }
    eprintln!("{checked} request examples, {refused} refused by both");
    assert!(checked > 4000, "{checked} request examples");
    assert!(
        disagreements.is_empty(),
        "{} of {checked} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // The examples QEMU's documentation gets wrong are refused by both.
    assert!(refused > 10 && refused * 20 < checked, "{refused} refused");
}

/// A QEMU's own reply reads into the same checker: the recorded 7.2.22 and
/// 10.0.13 replies have the commands their builds have, and check as the
/// history's schema of their release does, but for what the build lacks.
#[test]
fn recorded_replies_check_as_their_release_does() {
    for (fixture, release) in [
        ("qemu-7.2-qmp-schema.json", Revision::Qemu7_2_0),
        ("qemu-7.2-introspection.json", Revision::Qemu7_2_0),
        ("qemu-10.0-introspection.json", Revision::Qemu10_0_0),
    ] {
        let reply = Schema::from_reply(&qmp_tests::fixture(fixture))
            .unwrap_or_else(|err| panic!("{fixture}: {err}"));
        let history = release.schema().unwrap();
        let built = reply.commands();
        assert!(built.len() > 200, "{fixture}: {}", built.len());
        for command in &built {
            assert!(
                history.has_command(command),
                "{fixture}: {command} not in {}",
                release.name()
            );
        }
        // Every request example of the release that the build has.
        let spec_history = qmp_tests::history();
        let spec = &spec_history
            .revisions
            .iter()
            .find(|r| r.name() == release.name())
            .unwrap()
            .spec;
        let mut compared = 0;
        for command in spec.commands.iter().filter(|c| reply.has_command(&c.name)) {
            for example in &command.examples {
                let Some(json) = &example.json else { continue };
                let Ok(request) = json.to_string().parse::<Request>() else {
                    continue;
                };
                if !reply.has_command(&request.name) {
                    continue;
                }
                compared += 1;
                let ours = history.check(&request).map_err(|e| e.errors);
                let theirs = reply.check(&request).map_err(|e| e.errors);
                assert_eq!(
                    ours.is_ok(),
                    theirs.is_ok(),
                    "{fixture}: {json}\n  history: {ours:?}\n  reply: {theirs:?}"
                );
            }
        }
        assert!(compared > 100, "{fixture}: {compared}");
        // The build decided its conditions: nothing is conditional there.
        let warnings = reply
            .check(&request(r#"{"execute": "query-sev"}"#))
            .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        // and its integers are all `int`: a uint64 beyond int64 passes.
        reply
            .check(&request(
                r#"{"execute": "migrate-set-parameters", "arguments": {"max-bandwidth": 18446744073709551615}}"#,
            ))
            .unwrap();
        // device_add is open there too, known by the arguments QAPI lists.
        let device = reply
            .check(&request(
                r#"{"execute": "device_add", "arguments": {"driver": "e1000", "mac": "52:54:00:12:34:56"}}"#,
            ))
            .unwrap();
        assert_eq!(device.len(), 1, "{device:?}");
        assert_eq!(device[0].problem, Problem::Unchecked);
        // A wrong type is the same error as against the history.
        assert_eq!(
            errors(
                &reply,
                r#"{"execute": "set-numa-node", "arguments": {"type": "cpu", "node-id": 0, "core-id": "1"}}"#
            ),
            ["arguments.core-id: expected an integer (int64), found a string"]
        );
    }
}

/// What is not a reply is refused with where and why, never a panic.
#[test]
fn broken_replies_are_refused_with_where_and_why() {
    let reply = qmp_tests::fixture("qemu-7.2-qmp-schema.json");
    let cases: Vec<(String, &str)> = vec![
        (reply[..reply.len() / 2].to_owned(), "line 1 column"),
        ("".to_owned(), "not a list of SchemaInfo entries"),
        ("\"query\"".to_owned(), "not a list of SchemaInfo entries"),
        (r#"{"id": 1}"#.to_owned(), "missing field `return`"),
        (
            r#"[{"name": "c", "meta-type": "command", "arg-type": "9", "ret-type": "9"}]"#
                .to_owned(),
            r#"entry 0 ("c"): arg-type "9" is no type of the reply"#,
        ),
        (
            r#"[{"name": "o", "meta-type": "object", "members": [{"name": "a", "type": "int"}], "tag": "t", "variants": []},
                {"name": "int", "meta-type": "builtin", "json-type": "int"}]"#
                .to_owned(),
            r#"entry 0 ("o"): the tag "t" is no member"#,
        ),
        (
            r#"[{"name": "x", "meta-type": "builtin", "json-type": "int"}, {"name": "x", "meta-type": "enum", "values": []}]"#
                .to_owned(),
            r#"entry 1 ("x"): a second type of that name"#,
        ),
        (
            r#"[{"name": "c", "meta-type": "command"}]"#.to_owned(),
            r#"entry 0 ("c"): no "arg-type""#,
        ),
    ];
    for (text, expected) in cases {
        let error = Schema::from_reply(&text).unwrap_err().to_string();
        assert!(
            error.contains(expected),
            "{:?}: {error} (wanted {expected:?})",
            text.chars().take(60).collect::<String>()
        );
    }
}

/// A reply whose types contain themselves through unions' branches and
/// alternates (which QEMU never sends) checks in bounded work.
#[test]
fn cycles_in_a_reply_are_bounded() {
    let reply = r#"[
        {"name": "c", "meta-type": "command", "arg-type": "u", "ret-type": "u"},
        {"name": "u", "meta-type": "object", "members": [{"name": "t", "type": "e"}, {"name": "v", "type": "a", "default": null}], "tag": "t", "variants": [{"case": "x", "type": "u"}]},
        {"name": "e", "meta-type": "enum", "values": ["x"]},
        {"name": "a", "meta-type": "alternate", "members": [{"type": "a"}, {"type": "u"}]}
    ]"#;
    let schema = Schema::from_reply(reply).unwrap();
    let line = r#"{"execute": "c", "arguments": {"t": "x", "v": 1}}"#;
    let errors = errors(&schema, line);
    assert_eq!(
        errors,
        ["arguments.v: expected an alternate or an object, found an integer"]
    );
    assert!(
        schema
            .check(&request(
                r#"{"execute": "c", "arguments": {"t": "x", "v": {"t": "x"}}}"#
            ))
            .is_ok()
    );
}

/// The crate's reader of a reply and the project's introspection reader
/// (`qmp_spec::introspect`, which reads replies into the model) agree on
/// what a real QEMU has: the same commands, and for each the same argument
/// names, optional alike.
#[test]
fn the_crates_reader_agrees_with_the_introspection_reader() {
    use std::collections::BTreeSet;
    for fixture in [
        "qemu-7.2-introspection.json",
        "qemu-10.0-introspection.json",
    ] {
        let text = qmp_tests::fixture(fixture);
        let spec = qmp_spec::introspect::Reply::parse(fixture, text.as_bytes())
            .and_then(|reply| reply.to_spec("reply", &[]))
            .unwrap_or_else(|err| panic!("{err}"));
        let schema = Schema::from_reply(&text).unwrap();
        let theirs: BTreeSet<&str> = spec.commands.iter().map(|c| c.name.as_str()).collect();
        let ours: BTreeSet<&str> = schema.commands().into_iter().collect();
        assert_eq!(theirs, ours, "{fixture}");
        // Every argument the model has is accepted where it is required,
        // and a request without the optional ones passes too.
        let mut compared = 0;
        for command in &spec.commands {
            let Some(arguments) = command.arguments else {
                continue;
            };
            let members = spec.types.members(arguments);
            if members.is_empty() || !spec.types.branches(arguments).is_empty() {
                continue;
            }
            let request = Request {
                name: command.name.clone(),
                arguments: Some(serde_json::Map::new()),
                id: None,
                oob: false,
            };
            let missing: BTreeSet<String> = match schema.check(&request) {
                Ok(_) => BTreeSet::new(),
                Err(error) => error
                    .errors
                    .iter()
                    .filter(|f| f.problem == Problem::MissingMember)
                    .map(|f| f.path.trim_start_matches("arguments.").to_owned())
                    .collect(),
            };
            let required: BTreeSet<String> = members
                .iter()
                .filter(|m| !m.optional)
                .map(|m| m.name.clone())
                .collect();
            assert_eq!(missing, required, "{fixture}: {}", command.name);
            compared += 1;
        }
        assert!(compared > 100, "{fixture}: {compared}");
    }
}
