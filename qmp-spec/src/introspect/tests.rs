//! The introspection reader on small replies: each kind of type, the names
//! and documentation a QAPI release lends, and every kind of bad input
//! with the entry and JSON path it names.

use serde_json::{Value, json};

use super::{IntrospectError, Reply};
use crate::model::{Data, Spec};
use crate::spelled::{Field, JsonType, data_fields};

/// The builtins every reply has, then `entries`.
fn reply(entries: Value) -> Vec<u8> {
    let mut all = vec![
        json!({"name": "str", "meta-type": "builtin", "json-type": "string"}),
        json!({"name": "int", "meta-type": "builtin", "json-type": "int"}),
        json!({"name": "bool", "meta-type": "builtin", "json-type": "boolean"}),
        json!({"name": "null", "meta-type": "builtin", "json-type": "null"}),
        json!({"name": "0", "meta-type": "object", "members": []}),
    ];
    all.extend(entries.as_array().cloned().unwrap_or_default());
    serde_json::to_vec(&Value::Array(all)).unwrap()
}

fn read(bytes: &[u8]) -> Result<Spec, IntrospectError> {
    Reply::parse("reply.json", bytes)?.to_spec("t", &[])
}

fn fields(spec: &Spec, event: &str) -> Vec<Field> {
    let (_, section) = spec.events().find(|(n, _)| *n == event).expect("event");
    data_fields(spec, section)
}

/// An event of every kind of member: enum, optional int, union with an
/// empty branch, alternate, array, features.
fn rich() -> Vec<u8> {
    reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1", "features": ["unstable"]},
        {"name": "QUIET", "meta-type": "event", "arg-type": "0"},
        {"name": "1", "meta-type": "object", "members": [
            {"name": "status", "type": "2"},
            {"name": "count", "type": "int", "default": null, "features": ["deprecated"]},
            {"name": "addr", "type": "3"},
            {"name": "either", "type": "6"},
            {"name": "list", "type": "[2]"}
        ]},
        {"name": "2", "meta-type": "enum", "values": ["on", "off"],
         "members": [{"name": "on"}, {"name": "off", "features": ["deprecated"]}]},
        {"name": "[2]", "meta-type": "array", "element-type": "2"},
        {"name": "3", "meta-type": "object", "tag": "type",
         "members": [{"name": "type", "type": "4"}],
         "variants": [{"case": "inet", "type": "5"}, {"case": "none", "type": "0"}]},
        {"name": "4", "meta-type": "enum", "values": ["inet", "none"]},
        {"name": "5", "meta-type": "object", "members": [{"name": "host", "type": "str"}]},
        {"name": "6", "meta-type": "alternate", "members": [{"type": "str"}, {"type": "null"}]}
    ]))
}

#[test]
fn every_kind_of_type_is_read_into_the_model() {
    let spec = read(&rich()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.events().count(), 2);
    let (_, quiet) = spec.events().nth(1).unwrap();
    assert_eq!(quiet.data, Data::None);
    let (_, ev) = spec.events().next().unwrap();
    assert_eq!(ev.features[0].name, "unstable");
    let f = fields(&spec, "EV");
    assert_eq!(f[0].ty, JsonType::String);
    let values: Vec<_> = f[0].values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["on", "off"]);
    assert_eq!(f[0].values[1].features[0].name, "deprecated");
    assert!(!f[0].optional);
    assert_eq!((f[1].ty.clone(), f[1].optional), (JsonType::Int, true));
    assert_eq!(f[1].features[0].name, "deprecated");
    assert_eq!(f[2].ty, JsonType::Union);
    assert_eq!(f[2].discriminator.as_deref(), Some("type"));
    // The empty branch is no branch on the wire.
    let branches: Vec<_> = f[2].variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(branches, ["inet"]);
    assert_eq!(f[2].variants[0].fields[0].name, "host");
    assert_eq!(f[3].ty, JsonType::Alternate);
    let kinds: Vec<_> = f[3]
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.ty.clone()))
        .collect();
    assert_eq!(kinds, [("str", JsonType::String), ("null", JsonType::Null)]);
    assert_eq!(f[4].ty, JsonType::Array);
    assert_eq!(f[4].items.as_ref().unwrap().values.len(), 2);
    // No reference: named by the first path, never by QEMU's numbers.
    assert_eq!(f[0].type_name.as_deref(), Some("EvStatus"));
    assert_eq!(f[4].type_name.as_deref(), Some("EvStatus"));
    assert_eq!(f[2].type_name.as_deref(), Some("EvAddr"));
    assert_eq!(f[2].variants[0].type_name.as_deref(), Some("EvAddrInet"));
    assert_eq!(f[2].fields[0].type_name.as_deref(), Some("EvAddrType"));
    let build = spec.build.as_ref().expect("a build");
    assert_eq!(
        (build.version, build.documented_from.as_deref()),
        (None, None)
    );
}

#[test]
fn a_reply_may_be_wrapped_with_the_version_beside_it() {
    let list: Value = serde_json::from_slice(&rich()).unwrap();
    for wrapped in [
        json!({"return": list}),
        json!({"QMP": {"version": {"qemu": {"major": 11, "minor": 1, "micro": 3},
               "package": "Debian 1:11.1.3"}, "capabilities": []}, "return": list}),
        json!({"return": list, "query-version": {"return": {"qemu":
               {"major": 11, "minor": 1, "micro": 3}, "package": " Debian 1:11.1.3 "}}}),
    ] {
        let bytes = serde_json::to_vec(&wrapped).unwrap();
        let parsed = Reply::parse("r", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.len(), list.as_array().unwrap().len());
        if wrapped.as_object().unwrap().len() > 1 {
            let (version, package) = parsed.version().expect("a version");
            assert_eq!(
                (version.to_string().as_str(), package),
                ("11.1.3", "Debian 1:11.1.3")
            );
        }
        assert_eq!(
            parsed.to_spec("t", &[]).unwrap().sections,
            read(&rich()).unwrap().sections
        );
    }
}

/// A QAPI release's model for `rich()`'s event, as the QAPI reader gives
/// it: names, sized integers, documentation, and a value the build lacks.
fn reference() -> Spec {
    let text = r#"
##
# @Switch:
# @on: switched on
# @off: switched off
# @auto: decided by QEMU
##
{ 'enum': 'Switch', 'data': [ 'on', 'off', 'auto' ] }
##
# @AddrKind:
# @inet: an IP address
# @none: nothing
##
{ 'enum': 'AddrKind', 'data': [ 'inet', 'none' ] }
##
# @InetAddr:
# @host: the host
##
{ 'struct': 'InetAddr', 'data': { 'host': 'str' } }
##
# @Nothing:
##
{ 'struct': 'Nothing', 'data': {} }
##
# @Addr:
# @type: the kind
##
{ 'union': 'Addr', 'base': { 'type': 'AddrKind' }, 'discriminator': 'type',
  'data': { 'inet': 'InetAddr', 'none': 'Nothing' } }
##
# @StrOrNull:
# @s: a string
# @n: nothing
##
{ 'alternate': 'StrOrNull', 'data': { 's': 'str', 'n': 'null' } }
##
# @EV:
#
# Something happened.
#
# @status: the switch
# @count: how many
# @addr: where
# @either: one or the other
# @list: switches
#
# Since: 9.0
##
{ 'event': 'EV', 'data': { 'status': 'Switch', '*count': 'uint32',
  'addr': 'Addr', 'either': 'StrOrNull', 'list': [ 'Switch' ] } }
"#;
    crate::qapi::read_text("release.json", text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
        .to_spec("release")
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn names_sizes_and_documentation_come_from_the_release_where_the_wire_matches() {
    let reference = reference();
    let spec = Reply::parse("r", &rich())
        .unwrap()
        .to_spec("t", &[("qemu-9.0.0", &reference)])
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, ev) = spec.events().next().unwrap();
    assert_eq!(ev.description, "Something happened.");
    assert_eq!(ev.since.as_deref(), Some("9.0"));
    let f = fields(&spec, "EV");
    // The build lacks `auto`: still the release's Switch, by its place.
    assert_eq!(f[0].type_name.as_deref(), Some("Switch"));
    assert_eq!(f[0].description, "the switch");
    assert_eq!(f[0].values[0].meaning.as_deref(), Some("switched on"));
    assert_eq!(f[1].ty, JsonType::Uint32);
    assert_eq!(f[1].description, "how many");
    assert_eq!(f[2].type_name.as_deref(), Some("Addr"));
    assert_eq!(f[2].variants[0].type_name.as_deref(), Some("InetAddr"));
    // The release's empty branch, back where the build's tag has it.
    let branches: Vec<_> = f[2].variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(branches, ["inet", "none"]);
    let alternatives: Vec<_> = f[3].variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(alternatives, ["s", "n"]);
    assert_eq!(f[3].type_name.as_deref(), Some("StrOrNull"));
    assert_eq!(f[4].type_name.as_deref(), Some("Switch"));
    let build = spec.build.as_ref().unwrap();
    assert_eq!(build.documented_from.as_deref(), Some("qemu-9.0.0"));
    // QUIET is known only from the build: no documentation.
    let (_, quiet) = spec.events().nth(1).unwrap();
    assert!(quiet.description.is_empty());
}

#[test]
fn a_type_within_itself_is_referred_to_by_name() {
    let bytes = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1"},
        {"name": "1", "meta-type": "object", "members": [{"name": "node", "type": "2"}]},
        {"name": "2", "meta-type": "object", "members": [
            {"name": "children", "type": "[2]"},
            {"name": "parent", "type": "2", "default": null}
        ]},
        {"name": "[2]", "meta-type": "array", "element-type": "2"}
    ]));
    let spec = read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let f = fields(&spec, "EV");
    let node = &f[0];
    assert_eq!(node.type_name.as_deref(), Some("EvNode"));
    assert_eq!(
        node.fields[0].items.as_ref().unwrap().ty,
        JsonType::External("EvNode".into())
    );
    assert_eq!(node.fields[1].ty, JsonType::External("EvNode".into()));
}

/// The error of `bytes`, with its entry and path.
fn entry_error(bytes: &[u8]) -> (String, String, String) {
    match read(bytes) {
        Err(IntrospectError::Entry {
            entry,
            path,
            message,
            file,
        }) => {
            assert_eq!(file, "reply.json");
            (entry, path, message)
        }
        other => panic!("not an entry error: {other:?}"),
    }
}

#[test]
fn truncated_json_is_an_error_at_its_end() {
    let bytes = rich();
    let cut = &bytes[..bytes.len() / 2];
    match read(cut) {
        Err(IntrospectError::Json {
            line,
            column,
            message,
            ..
        }) => {
            assert_eq!(line, 1);
            assert!(column > 100, "{column}");
            assert!(message.starts_with("not JSON: EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let error = read(b"").unwrap_err().to_string();
    assert!(error.starts_with("reply.json:1:0: not JSON"), "{error}");
}

#[test]
fn a_reply_that_is_not_a_list_is_an_error() {
    for (bytes, expected) in [
        (&b"\"schema\""[..], "expected a query-qmp-schema reply"),
        (b"{\"return\": {\"qemu\": {}}}", "\"return\" holding a list"),
        (b"{\"greeting\": 1}", "has no \"return\""),
        (b"42", "expected a query-qmp-schema reply"),
    ] {
        let error = read(bytes).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.starts_with("reply.json:1:"), "{error}");
    }
}

#[test]
fn an_entry_of_the_wrong_shape_is_named_with_its_path() {
    let bytes = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1"},
        {"name": "1", "meta-type": "object", "members": [{"name": "a", "type": 7}]}
    ]));
    let (entry, path, message) = entry_error(&bytes);
    assert_eq!(entry, "1");
    assert_eq!(path, "$[6][\"members\"][0][\"type\"]");
    assert!(message.contains("invalid type: integer `7`"), "{message}");
}

#[test]
fn an_unknown_meta_type_is_an_error() {
    let bytes = reply(json!([{"name": "x", "meta-type": "struct", "members": []}]));
    let (entry, path, message) = entry_error(&bytes);
    assert_eq!(
        (entry.as_str(), path.as_str()),
        ("x", "$[5][\"meta-type\"]")
    );
    assert!(
        message.contains("unknown meta-type \"struct\""),
        "{message}"
    );
}

#[test]
fn a_reference_to_a_missing_type_is_an_error() {
    let bytes = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1"},
        {"name": "1", "meta-type": "object", "members": [{"name": "a", "type": "99"}]}
    ]));
    let (entry, path, message) = entry_error(&bytes);
    assert_eq!(entry, "1");
    assert_eq!(path, "$[6][\"members\"][0][\"type\"]");
    assert_eq!(message, "refers to type \"99\", which the reply lacks");
    let event_as_type = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "EV"}
    ]));
    let (_, path, message) = entry_error(&event_as_type);
    assert_eq!(path, "$[5][\"arg-type\"]");
    assert!(message.contains("a event, not a type"), "{message}");
}

#[test]
fn missing_keys_and_second_names_are_errors() {
    for (entries, path, expected) in [
        (
            json!([{"name": "e", "meta-type": "event"}]),
            "$[5]",
            "needs \"arg-type\"",
        ),
        (
            json!([{"name": "a", "meta-type": "array"}]),
            "$[5]",
            "needs \"element-type\"",
        ),
        (
            json!([{"name": "str", "meta-type": "enum", "values": []}]),
            "$[5][\"name\"]",
            "a second entry",
        ),
        (
            json!([{"name": "o", "meta-type": "object", "members": [], "tag": "t", "variants": []}]),
            "$[5][\"tag\"]",
            "not one of the object's members",
        ),
    ] {
        let (_, at, message) = entry_error(&reply(entries));
        assert_eq!(at, path);
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn cycles_no_value_can_have_are_errors() {
    // Arrays of themselves, with no object between.
    let arrays = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1"},
        {"name": "1", "meta-type": "object", "members": [{"name": "a", "type": "[x]"}]},
        {"name": "[x]", "meta-type": "array", "element-type": "[y]"},
        {"name": "[y]", "meta-type": "array", "element-type": "[x]"}
    ]));
    let (entry, path, message) = entry_error(&arrays);
    assert_eq!(
        (entry.as_str(), path.as_str()),
        ("EV", "$[5][\"arg-type\"]")
    );
    assert!(
        message.contains("through arrays or alternates only"),
        "{message}"
    );
    assert!(message.ends_with("at data.a[][]"), "{message}");
    // An object that requires itself.
    let required = reply(json!([
        {"name": "EV", "meta-type": "event", "arg-type": "1"},
        {"name": "1", "meta-type": "object", "members": [{"name": "a", "type": "2"}]},
        {"name": "2", "meta-type": "object", "members": [{"name": "b", "type": "3"}]},
        {"name": "3", "meta-type": "object", "members": [{"name": "c", "type": "2"}]}
    ]));
    let (_, _, message) = entry_error(&required);
    assert!(message.contains("required members only"), "{message}");
    assert!(message.ends_with("at data.a.b.c"), "{message}");
}

#[test]
fn a_chain_of_20000_arrays_is_an_error_not_a_stack_overflow() {
    let mut entries = vec![
        json!({"name": "EV", "meta-type": "event", "arg-type": "1"}),
        json!({"name": "1", "meta-type": "object", "members": [{"name": "deep", "type": "a0"}]}),
    ];
    for i in 0..20_000 {
        entries.push(json!({"name": format!("a{i}"), "meta-type": "array",
                            "element-type": format!("a{}", i + 1)}));
    }
    entries.push(json!({"name": "a20000", "meta-type": "builtin", "json-type": "int"}));
    let (entry, _, message) = entry_error(&reply(Value::Array(entries)));
    assert_eq!(entry, "EV");
    assert!(message.contains("nest deeper than 32"), "{message}");
}

#[test]
fn types_that_double_at_every_step_stay_within_the_budget() {
    // 40 objects each using the next twice: 2^40 fields spelled out.
    let mut entries = vec![json!({"name": "EV", "meta-type": "event", "arg-type": "t0"})];
    for i in 0..40 {
        let next = format!("t{}", i + 1);
        entries.push(json!({"name": format!("t{i}"), "meta-type": "object",
            "members": [{"name": "l", "type": next}, {"name": "r", "type": next}]}));
    }
    entries.push(json!({"name": "t40", "meta-type": "object", "members": []}));
    let (entry, _, message) = entry_error(&reply(Value::Array(entries)));
    assert_eq!(entry, "EV");
    assert!(
        message.contains("nest deeper than 32 or spell out more than 16"),
        "{message}"
    );
}

#[test]
fn a_name_with_an_escape_is_refused_with_its_place() {
    let bytes = reply(json!([{"name": "x", "meta-type": "enum", "values": ["a"]}]));
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("\"a\"", "\"\\u0061\"");
    let (entry, path, message) = entry_error(text.as_bytes());
    assert_eq!(
        (entry.as_str(), path.as_str()),
        ("x", "$[5][\"values\"][0]")
    );
    assert!(message.contains("has an escape"), "{message}");
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_at_their_place() {
    let error = read(b"[\n  {\"name\": \"\xff\"}]").unwrap_err().to_string();
    assert_eq!(
        error,
        "reply.json:2:13: not JSON: invalid UTF-8 here (is this a binary file?)"
    );
}
