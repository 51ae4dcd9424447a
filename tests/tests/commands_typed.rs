//! The `commands` feature of the generated crate, used as a client uses
//! it: the returns real QEMUs sent decode typed, every return example of
//! every release decodes, and requests are made, parsed and written.

use qmp_events::Revision;
use qmp_events::commands::{
    self, Command, CommandKind, CpuInfoFast, DeviceDel, QueryCpusFast, QueryStatus, Request, Return,
};

/// The recorded returns of one QEMU: (command, return as JSON text).
fn recorded(file: &str) -> Vec<(String, String)> {
    qmp_tests::recorded_returns(file)
        .into_iter()
        .map(|line| (line.execute, line.returned.get().to_owned()))
        .collect()
}

#[test]
fn every_recorded_return_decodes_typed() {
    let mut decoded = 0;
    for file in qmp_tests::RETURN_RECORDINGS {
        let returns = recorded(file);
        assert!(returns.len() >= 39, "{file}: {} returns", returns.len());
        for (name, json) in returns {
            match commands::decode_return(&name, &json) {
                Ok(Return::Unknown { .. }) => panic!("{file}: {name} decodes as unknown"),
                Ok(_) => decoded += 1,
                Err(err) => panic!("{file}: the return of {name} does not decode: {err}"),
            }
        }
    }
    assert!(decoded >= 117, "{decoded} returns decoded");
}

#[test]
fn typed_returns_keep_what_qemu_said() {
    let returns = recorded("qemu-11.1-returns.jsonl");
    let status = &returns
        .iter()
        .find(|(n, _)| n == "query-status")
        .expect("recorded")
        .1;
    let status: <QueryStatus as Command>::Returns = serde_json::from_str(status).expect("status");
    assert_eq!(status.status.as_str(), "prelaunch");
    assert!(!status.running);
    let cpus = &returns
        .iter()
        .find(|(n, _)| n == "query-cpus-fast")
        .expect("recorded")
        .1;
    // As QEMU wrote it: the union's tag after the members of its branch.
    assert!(
        cpus.find("\"target\"") > cpus.find("\"props\""),
        "the recording keeps QEMU's order: {cpus}"
    );
    let cpus: <QueryCpusFast as Command>::Returns = serde_json::from_str(cpus).expect("cpus");
    assert!(!cpus.is_empty());
    // A union branched by target, x86_64's the common members alone.
    let CpuInfoFast::X8664(first) = &cpus[0] else {
        panic!("an x86_64 CPU: {:?}", cpus[0]);
    };
    assert_eq!(first.cpu_index, 0);
    assert!(
        first.qom_path.starts_with("/machine/"),
        "{}",
        first.qom_path
    );
}

#[test]
fn returns_are_forward_compatible() {
    // A member, an enumeration value and a command this crate does not know.
    let json = r#"{"running": true, "status": "teleporting", "new-member": [1, 2]}"#;
    let Return::QueryStatus(status) =
        commands::decode_return("query-status", json).expect("decodes")
    else {
        panic!("query-status's return");
    };
    assert_eq!(status.status.as_str(), "teleporting");
    let unknown = commands::decode_return("query-future", r#"{"a": 1}"#).expect("decodes");
    assert!(matches!(unknown, Return::Unknown { ref name, .. } if name == "query-future"));
}

/// Every request and return example of every QAPI release, typed: a
/// return decodes into its command's type and a request parses as a
/// `Request`, unless the example is wrong (its release's bundle refuses it
/// too: `commands_schema.rs` lists why).
#[test]
fn every_example_of_every_release_decodes_typed_unless_qemu_documents_it_wrong() {
    let history = qmp_tests::history();
    let (mut returns, mut requests, mut wrong) = (0, 0, 0);
    let mut failures = Vec::new();
    for revision in &history.revisions {
        let spec = &revision.spec;
        if spec.commands.is_empty() || spec.build.is_some() {
            continue;
        }
        let mut bundles = None;
        for command in &spec.commands {
            let mut asked = command.name.clone();
            for example in &command.examples {
                let Some(json) = &example.json else { continue };
                let outcome = if let Some(execute) = json.get("execute").and_then(|e| e.as_str()) {
                    asked = execute.to_string();
                    requests += 1;
                    match json.to_string().parse::<Request>() {
                        Ok(request) if request.to_value() == *json => Ok(()),
                        Ok(request) => Err(format!("written back as {request}")),
                        Err(err) => Err(err.to_string()),
                    }
                } else if let Some(value) = json.get("return") {
                    returns += 1;
                    commands::decode_return(&asked, &value.to_string())
                        .map(|_| ())
                        .map_err(|err| err.to_string())
                } else {
                    continue;
                };
                let Err(error) = outcome else { continue };
                let bundles = bundles
                    .get_or_insert_with(|| qmp_tests::bundles::Bundles::new(revision.name(), spec));
                let refused = if json.get("execute").is_some() {
                    bundles.request_errors(json)
                } else if bundles.commands.contains(&asked) {
                    bundles.return_errors(&asked, &json["return"])
                } else {
                    vec!["not a command of the release".to_string()]
                };
                if refused.is_empty() {
                    failures.push(format!(
                        "{} {asked} line {}: {error}",
                        revision.name(),
                        example.span.line
                    ));
                } else {
                    wrong += 1;
                }
            }
        }
    }
    assert!(
        returns > 4000 && requests > 4000,
        "{returns} returns, {requests} requests"
    );
    assert!(
        failures.is_empty(),
        "{} examples that their release's bundle accepts fail typed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The wrong examples are the exception.
    assert!(wrong * 50 < returns + requests, "{wrong} wrong examples");
}

#[test]
fn requests_are_made_parsed_and_written() {
    let request = Request::new(&QueryStatus::new()).expect("a request");
    assert_eq!(request.to_string(), r#"{"execute":"query-status"}"#);
    assert_eq!(request.kind(), Some(CommandKind::QueryStatus));

    let mut request = Request::new(&DeviceDel::new("net0".into())).expect("a request");
    request.id = Some(7.into());
    let line = request.to_string();
    assert_eq!(
        line,
        r#"{"arguments":{"id":"net0"},"execute":"device_del","id":7}"#
    );
    assert_eq!(line.parse::<Request>(), Ok(request));

    let oob: Request = r#"{"exec-oob": "migrate-pause", "id": "x"}"#
        .parse()
        .expect("parses");
    assert!(oob.oob);
    assert_eq!(oob.name, "migrate-pause");
    for bad in [
        "[]",
        r#"{"arguments": {}}"#,
        r#"{"execute": 1}"#,
        r#"{"execute": "stop", "arguments": []}"#,
        r#"{"execute": "stop", "exec-oob": "stop"}"#,
        r#"{"execute": "stop", "extra": 1}"#,
        "{",
    ] {
        assert!(bad.parse::<Request>().is_err(), "{bad} parses");
    }
}

#[test]
fn commands_know_when_qemu_had_them() {
    let kind = CommandKind::from_name("query-cpus").expect("in the history");
    let revisions = kind.revisions();
    assert_eq!(revisions.first().map(|r| r.name()), Some("qemu-2.1.0"));
    assert_eq!(revisions.last().map(|r| r.name()), Some("qemu-5.2.0"));
    assert!(
        CommandKind::QueryCpusFast
            .revisions()
            .contains(&Revision::for_qemu(7, 2, 0).expect("7.2"))
    );
    assert_eq!(kind.since().name(), "qemu-2.1.0");
    assert_eq!(kind.until().map(|r| r.name()), Some("qemu-5.2.0"));
    assert_eq!(CommandKind::QueryStatus.until(), None);
    // Arguments and return members, as QEMU added them.
    let migrate = CommandKind::from_name("migrate").expect("migrate");
    assert_eq!(
        migrate.member_since("arguments.channels").map(|r| r.name()),
        Some("qemu-8.2.0")
    );
    assert_eq!(
        migrate.member_since("arguments.uri").map(|r| r.name()),
        Some("qemu-2.1.0")
    );
    assert_eq!(migrate.member_since("arguments.no-such"), None);
    let incoming = CommandKind::from_name("migrate-incoming").expect("migrate-incoming");
    assert_eq!(
        incoming
            .member_since("arguments.exit-on-error")
            .map(|r| r.name()),
        Some("qemu-9.1.0")
    );
    assert_eq!(
        CommandKind::QueryCpusFast
            .member_since("return.qom-type")
            .map(|r| r.name()),
        Some("qemu-10.1.0")
    );
    assert_eq!(CommandKind::QueryStatus.member_until("return.status"), None);
    assert_eq!(QueryStatus::KIND.name(), QueryStatus::NAME);
    assert_eq!(CommandKind::ALL.len(), 269);
}

/// A QAPI type that a command has over other releases than another command
/// (or an event) is a type of its own, named after the first command that
/// has it: `blockdev-reopen`'s `BlockdevOptions` (6.0 on) is not
/// `blockdev-add`'s (2.x on), and neither is numbered.
#[test]
fn a_commands_own_view_of_a_qapi_type_is_named_after_it() {
    use qmp_events::commands::{
        BlockdevReopen, BlockdevReopenBlockdevOptions, XInputSendEvent, XInputSendEventInputEvent,
    };
    let reopen: fn(Vec<BlockdevReopenBlockdevOptions>) -> BlockdevReopen = BlockdevReopen::new;
    let send: fn(Vec<XInputSendEventInputEvent>) -> XInputSendEvent = XInputSendEvent::new;
    let _ = (reopen, send);
    // Few names are still numbered: where the prefixed name is taken too
    // (`blockdev-add` has two views of `SocketAddress`).
    let source =
        std::fs::read_to_string(qmp_tests::workspace_root().join("generated/src/commands.rs"))
            .expect("commands.rs");
    let numbered: Vec<&str> = source
        .lines()
        .filter_map(|line| {
            let name = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))?;
            let name = name.split([' ', '{', '(']).next()?;
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            let digits = &name[stem.len()..];
            // A QAPI name ends in digits of its own (`Qcow2`, `X509`,
            // `L2tpv3`, `VncInfo2`).
            (matches!(digits, "2" | "3" | "4" | "5")
                && ![
                    "Qcow",
                    "QCow",
                    "Sha",
                    "X",
                    "S",
                    "L2tpv",
                    "VncInfo",
                    "VncServerInfo",
                ]
                .iter()
                .any(|s| stem.ends_with(s)))
            .then_some(name)
        })
        .collect();
    assert!(numbered.len() <= 1, "{numbered:?}");
}

/// A command's union finds its tag wherever the object has it, however it
/// is written (escapes, nesting, a key that only starts like it), from any
/// serde_json source; an object without it (a struct before it became a
/// union) or with a tag the crate does not know is kept whole, and a tag
/// that is not a string is an error.
#[test]
fn a_commands_union_finds_its_tag_anywhere() {
    use qmp_events::commands::{Return, SevInfo, decode_return};
    let sev = |text: &str| match decode_return("query-sev", text) {
        Ok(Return::QuerySev(info)) => Ok(info),
        Ok(other) => panic!("{other:?}"),
        Err(error) => Err(error),
    };
    for text in [
        r#"{"enabled": true, "sev-type": "sev", "policy": 1, "handle": 2}"#,
        r#"{"policy": 1, "x": {"sev-type": "no", "y": ["}", "\"", {}]}, "handle": 2, "sev-type" : "sev"}"#,
        r#"{"a": "sev-type", "policy": 1, "handle": 2, "sev-type": "sev"}"#,
        r#" { "s\u0065v-type": "sev", "policy": 1, "handle": 2 } "#,
        r#"{"sev-type": "\u0073ev", "policy": 1, "handle": 2}"#,
        r#"{"sev-typ": "x", "sev-type2": "y", "sev-type": "sev", "policy": 1, "handle": 2}"#,
    ] {
        match sev(text) {
            Ok(SevInfo::Sev(branch)) => assert_eq!((branch.policy, branch.handle), (1, 2)),
            other => panic!("{text}: {other:?}"),
        }
        // From a `Value` too, as `serde_json::from_value` decodes.
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(matches!(
            serde_json::from_value::<SevInfo>(value),
            Ok(SevInfo::Sev(_))
        ));
    }
    // `query-sev` of QEMU 9.0: a struct, before it became a union.
    let old = r#"{"enabled": true, "state": "running", "policy": 1}"#;
    assert!(matches!(sev(old), Ok(SevInfo::Unknown(value)) if value["policy"] == 1));
    assert!(matches!(
        sev(r#"{"sev-type": "tdx", "td": 1}"#),
        Ok(SevInfo::Unknown(_))
    ));
    for bad in [
        r#"{"sev-type": 1}"#,
        r#"{"sev-type": null}"#,
        r#""sev""#,
        "[1]",
        r#"{"sev-type": "sev", "policy": 1}"#,
    ] {
        assert!(sev(bad).is_err(), "{bad}");
    }
}

/// Since and until of members deeper than a command's arguments and
/// return, through arrays and a union's branches by their tag's value,
/// from the releases' schemas.
#[test]
fn deeper_members_are_dated_from_the_releases_schemas() {
    use qmp_events::commands::CommandKind;
    let migrate = CommandKind::from_name("migrate").expect("migrate");
    let since = |kind: CommandKind, path: &str| kind.member_since(path).map(|r| r.name());
    assert_eq!(
        since(migrate, "arguments.channels.addr.socket.type"),
        Some("qemu-8.2.0")
    );
    assert_eq!(
        since(migrate, "arguments.channels.addr.transport"),
        Some("qemu-8.2.0")
    );
    assert_eq!(since(migrate, "arguments.channels.addr.socket.nope"), None);
    let add = CommandKind::from_name("blockdev-add").expect("blockdev-add");
    // libblkio's drivers came in 7.2 (behind CONFIG_BLKIO).
    assert_eq!(
        since(add, "arguments.io_uring.filename"),
        Some("qemu-7.2.0")
    );
    assert_eq!(since(add, "arguments.no_such_driver.filename"), None);
    assert!(since(add, "arguments.file.filename").is_some());
    assert_eq!(
        since(add, "arguments.file.aio-max-batch"),
        Some("qemu-6.2.0")
    );
    // A member removed: until the last release that had it.
    let query = CommandKind::QueryMigrate;
    assert_eq!(
        query.member_until("return.ram.skipped").map(|r| r.name()),
        Some("qemu-9.0.0")
    );
    assert_eq!(query.member_until("return.ram.total"), None);
    assert_eq!(since(query, "return.ram.total"), Some("qemu-2.1.0"));
    // The top level still comes from the crate's own table.
    assert_eq!(since(migrate, "arguments.channels"), Some("qemu-8.2.0"));
}

/// Which QEMUs have a command and its members, by each revision's schema.
#[test]
fn a_revision_has_a_command_and_its_members_or_not() {
    use qmp_events::Revision;
    use qmp_events::commands::CommandKind;
    let cpus = CommandKind::from_name("query-cpus").expect("query-cpus");
    assert!(cpus.available_in(Revision::Qemu5_2_0));
    assert!(!cpus.available_in(Revision::Qemu6_0_0));
    // A text revision answers as the release that shipped it; one before
    // QAPI has no schema.
    assert!(CommandKind::QueryStatus.available_in(Revision::MovedToQapi));
    assert!(!CommandKind::QueryStatus.available_in(Revision::PreResume));
    // The build of 11.1.3, by its own schema.
    assert!(CommandKind::QueryStatus.available_in(Revision::Qemu11_1_3));
    let migrate = CommandKind::from_name("migrate").expect("migrate");
    let path = "arguments.channels.addr.socket.type";
    assert!(!migrate.member_available_in(path, Revision::Qemu8_1_0));
    assert!(migrate.member_available_in(path, Revision::Qemu8_2_0));
    assert!(
        CommandKind::QueryMigrate.member_available_in("return.ram.skipped", Revision::Qemu9_0_0)
    );
    assert!(
        !CommandKind::QueryMigrate.member_available_in("return.ram.skipped", Revision::Qemu9_1_0)
    );
}
