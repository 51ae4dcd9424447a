//! `cargo xtask since`: which QEMU has an event, command, member or value,
//! across the history and in one QEMU.

mod common;

use common::{project, xtask};
use serde_json::Value;

fn since(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["since"];
    all.extend(args);
    let out = xtask(&all);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, stdout, stderr) = since(&all);
    assert_eq!(code, Some(0), "{stderr}");
    serde_json::from_str(&stdout).expect("JSON")
}

/// The history's own releases, as the paths' answers name them: from
/// history.json, so an import changes nothing here.
fn newest_release() -> String {
    let history =
        qmp_spec::history::History::load(std::path::Path::new(&project("qmp-spec/history")))
            .expect("history");
    history
        .timeline()
        .iter()
        .rev()
        .find(|r| r.id.is_release() && r.spec.build.is_none())
        .expect("a release")
        .name()
        .to_string()
}

#[test]
fn a_removed_command_has_since_and_until() {
    let cpus = json(&["query-cpus"]);
    assert_eq!(cpus["since"], "qemu-2.1.0");
    assert_eq!(cpus["until"], "qemu-5.2.0", "QEMU 6.0 removed query-cpus");
    assert_eq!(
        cpus["newest"]["features"],
        serde_json::json!(["deprecated"])
    );
    let (code, text, _) = since(&["query-cpus"]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("since qemu-2.1.0, until qemu-5.2.0"),
        "{text}"
    );
}

#[test]
fn a_value_within_branches_has_its_condition() {
    let aio = json(&["blockdev-add.arguments.aio=io_uring"]);
    assert_eq!(aio["since"], "qemu-5.0.0");
    assert_eq!(aio["until"], Value::Null);
    assert_eq!(aio["newest_in"], newest_release().as_str());
    assert_eq!(aio["newest"]["kind"], "value");
    assert_eq!(
        aio["newest"]["conditions"][0]["if"],
        "CONFIG_LINUX_IO_URING"
    );
    let branches = aio["newest"]["branches"].as_array().expect("branches");
    assert!(branches.contains(&Value::from("file")), "{branches:?}");
    let status = json(&["MIGRATION.data.status=postcopy-active"]);
    assert_eq!(status["since"], "qemu-2.5.0");
    let singlestep = json(&["query-status.returns.singlestep"]);
    assert_eq!(singlestep["until"], "qemu-8.2.0");
    assert_eq!(singlestep["newest"]["optional"], false);
}

#[test]
fn an_event_of_the_text_era_starts_in_2010s_revisions() {
    let shutdown = json(&["SHUTDOWN"]);
    let first = shutdown["since"].as_str().expect("since");
    assert!(
        !first.starts_with("qemu-"),
        "SHUTDOWN predates QAPI: {first}"
    );
}

#[test]
fn nothing_has_it_is_exit_1_with_where_the_name_is() {
    let (code, stdout, stderr) = since(&["blockdev-add.arguments.driver=threads"]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert!(stderr.contains("no revision of the history"), "{stderr}");
    assert!(
        stderr.contains("blockdev-add.arguments.aio=threads"),
        "{stderr}"
    );
    let (code, _, stderr) = since(&["no-such-command"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no event or command is named"), "{stderr}");
    let (code, _, stderr) = since(&["query-cpus.options"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("`arguments` or `returns`"), "{stderr}");
    let (code, _, _) = since(&[]);
    assert_eq!(code, Some(2));
}

#[test]
fn in_one_qemu_from_its_capture() {
    let capture = project("tests/fixtures/qemu-7.2-qmp-schema.json");
    let (code, text, stderr) = since(&["blockdev-add.arguments.aio=io_uring", "--in", &capture]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(text.contains("a build's answer"), "{text}");
    let (code, _, stderr) = since(&["query-cpus", "--in", &capture]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("does not have query-cpus"), "{stderr}");
    let found = json(&["query-status", "--in", "qemu-7.2.0"]);
    assert_eq!(found["found"]["kind"], "command");
}
