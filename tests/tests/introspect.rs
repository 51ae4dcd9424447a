//! The model of QAPI release 7.2.0 against QEMU 7.2's own account of its
//! schema (`query-qmp-schema`): the same events once the conditions are
//! evaluated for Debian's x86_64 system build, and for each event the same
//! members, optionality, JSON types, enum values (recursively through
//! structs, unions, alternates and arrays) and features.
//!
//! Always checked against the reply recorded in
//! `tests/fixtures/qemu-7.2-qmp-schema.json`; live too where QEMU is
//! installed (required with `QMP_LIVE=1`). `QMP_RECORD_SCHEMA=PATH` writes a
//! new recording.

use qmp_tests::introspect::{DEBIAN_7_2_X86_64, differences, introspected_events, model_events};
use qmp_tests::live::{Qemu, binaries_or_skip};
use serde_json::Value;

fn model() -> std::collections::BTreeMap<String, qmp_tests::introspect::EventShape> {
    let top = qmp_tests::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    let schema = qmp_spec::qapi::read(&top).unwrap_or_else(|err| panic!("{err}"));
    model_events(&schema, &|symbol| DEBIAN_7_2_X86_64.contains(&symbol))
}

fn check(reply: &[Value]) {
    let model = model();
    let live = introspected_events(reply);
    let found = differences(&model, &live);
    assert!(
        found.is_empty(),
        "{} differences:\n{}",
        found.len(),
        found.join("\n")
    );
    assert_eq!(model.len(), live.len());
    eprintln!("{} events agree with QEMU's introspection", model.len());
}

#[test]
fn the_recorded_introspection_of_qemu_7_2_agrees_with_the_model() {
    let path = qmp_tests::workspace_root().join("tests/fixtures/qemu-7.2-qmp-schema.json");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let reply: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    check(&reply);
}

#[test]
fn live_qemu_7_2_introspection_agrees_with_the_model() {
    let Some(binaries) = binaries_or_skip("live_qemu_7_2_introspection_agrees_with_the_model")
    else {
        return;
    };
    let mut qemu = Qemu::start_bare(&binaries.qemu);
    qemu.execute("qmp_capabilities", Value::Null);
    let reply = qemu.execute("query-qmp-schema", Value::Null);
    drop(qemu); // Killed: only its answer was wanted.
    let reply = reply.as_array().cloned().expect("a list");
    if let Ok(path) = std::env::var("QMP_RECORD_SCHEMA") {
        let mut text = serde_json::to_string(&reply).expect("encodes");
        text.push('\n');
        std::fs::write(&path, text).expect("writes the recording");
    }
    check(&reply);
}
/// The symbol list decides every condition the 7.2.0 events reach.
#[test]
fn the_build_symbols_decide_every_condition_the_events_reach() {
    let top = qmp_tests::workspace_root().join("qmp-spec/qapi/7.2.0/qapi/qapi-schema.json");
    let schema = qmp_spec::qapi::read(&top).unwrap_or_else(|err| panic!("{err}"));
    let named = qmp_tests::introspect::condition_symbols(&schema.event_view());
    assert_eq!(
        named.into_iter().collect::<Vec<_>>(),
        [
            "CONFIG_LINUX",
            "CONFIG_SPICE",
            "CONFIG_VNC",
            "HAVE_IPPROTO_MPTCP"
        ]
    );
}

/// A reply that differs is reported with the path of each difference.
#[test]
fn a_differing_reply_is_reported_with_paths() {
    let path = qmp_tests::workspace_root().join("tests/fixtures/qemu-7.2-qmp-schema.json");
    let mut reply: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("JSON");
    let arg_type = reply
        .iter()
        .find(|i| i["name"] == "SHUTDOWN")
        .and_then(|i| i["arg-type"].as_str())
        .expect("SHUTDOWN")
        .to_string();
    for info in &mut reply {
        if info["name"] == arg_type.as_str() {
            // `guest` becomes a string, `reason` optional.
            info["members"][0]["type"] = "str".into();
            info["members"][1]["default"] = Value::Null;
        }
        if info["name"] == "STOP" {
            info["features"] = serde_json::json!(["deprecated"]);
        }
    }
    reply.retain(|i| i["name"] != "POWERDOWN");
    let found = differences(&model(), &introspected_events(&reply));
    assert_eq!(
        found,
        [
            "POWERDOWN: in the model, not in QEMU",
            "SHUTDOWN.data.guest: Json(\"boolean\") in the model, Json(\"string\") in QEMU",
            "SHUTDOWN.data.reason: optional false in the model, true in QEMU",
            "STOP: features {} in the model, {\"deprecated\"} in QEMU",
        ]
    );
}
