//! The reader on small schemas held in memory: every kind of definition,
//! includes, documentation, and bad input with exact positions.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::*;

/// Reads `top` from the files given as (path, text).
fn read_files(files: &[(&str, &str)], top: &str) -> Result<Schema, ParseError> {
    let map: BTreeMap<String, String> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    read_with(Path::new(top), &mut |path| {
        map.get(&normalize(path).display().to_string())
            .map(|t| t.clone().into_bytes())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    })
}

fn read_one(text: &str) -> Result<Schema, ParseError> {
    read_files(&[("s.json", text)], "s.json")
}

fn error(text: &str) -> (u32, u32, String) {
    let err = read_one(text).expect_err("an error");
    (err.line, err.column, err.message)
}

const EVENT: &str = "##
# @SHUTDOWN:
#
# Emitted when the virtual machine has shut down.
#
# @guest: If true, the guest asked.
#     (since 2.10)
#
# @reason: The cause. (since 4.0)
#
# .. note:: A STOP event may follow.
#
# Since: 0.12
#
# .. qmp-example::
#
#     <- { \"event\": \"SHUTDOWN\",
#          \"data\": { \"guest\": true, \"reason\": \"guest-shutdown\" },
#          \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }
##
{ 'event': 'SHUTDOWN', 'data': { 'guest': 'bool', 'reason': 'ShutdownCause' },
  'features': [ 'unstable' ] }

{ 'enum': 'ShutdownCause', 'data': [ 'none', { 'name': 'guest-shutdown', 'if': 'CONFIG_X' } ] }
";

#[test]
fn an_event_with_its_documentation() {
    let schema = read_one(EVENT).unwrap();
    assert_eq!(schema.events().count(), 1);
    let event = schema.get("SHUTDOWN").unwrap();
    let DefinitionKind::Event {
        data: EventData::Members { members },
        boxed: false,
    } = &event.kind
    else {
        panic!("{:?}", event.kind)
    };
    assert_eq!(members.len(), 2);
    assert_eq!(members[1].ty, TypeRef::Named("ShutdownCause".into()));
    assert_eq!(event.features[0].name, "unstable");
    let doc = event.doc.as_ref().unwrap();
    assert_eq!(
        doc.description,
        "Emitted when the virtual machine has shut down."
    );
    assert_eq!(doc.members[0].name, "guest");
    assert_eq!(
        doc.members[0].text,
        "If true, the guest asked. (since 2.10)"
    );
    assert_eq!(doc.since.as_deref(), Some("0.12"));
    assert_eq!(doc.notes, ["A STOP event may follow."]);
    assert_eq!(doc.examples.len(), 1);
    assert_eq!(doc.examples[0].direction, "<-");
    assert_eq!(
        doc.examples[0].json.as_ref().unwrap()["data"]["guest"],
        true
    );
    assert!(schema.warnings.is_empty(), "{:?}", schema.warnings);
    let cause = schema.get("ShutdownCause").unwrap();
    let DefinitionKind::Enum { values, .. } = &cause.kind else {
        panic!()
    };
    assert_eq!(
        values[1].condition,
        Some(Condition::Name("CONFIG_X".into()))
    );
}

#[test]
fn every_kind_of_definition() {
    let text = "
{ 'struct': 'Base', 'data': { 'type': 'DefinitionKind', '*id': 'str' } }
{ 'enum': 'DefinitionKind', 'data': [ 'a', 'b' ], 'prefix': 'K' }
{ 'struct': 'A', 'base': 'Base', 'data': { 'x': ['int'], 'y': { 'type': 'size', 'if': { 'not': 'CONFIG_Y' } } } }
{ 'union': 'U', 'base': 'Base', 'discriminator': 'type', 'data': { 'a': 'A', 'b': 'A' } }
{ 'union': 'Simple', 'data': { 'one': 'str', 'two': 'int' } }
{ 'alternate': 'Alt', 'data': { 's': 'str', 'n': 'null' } }
{ 'command': 'do-it', 'data': { 'x': 'int' }, 'returns': 'A', 'allow-preconfig': true }
{ 'event': 'BOXED', 'data': 'U', 'boxed': true, 'if': 'defined(CONFIG_A) || !defined(CONFIG_B)' }
{ 'pragma': { 'doc-required': true } }
{ 'type': 'Old', 'data': { 'z': 'number' } }
";
    let schema = read_one(text).unwrap();
    let names: Vec<&str> = schema.definitions.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Base",
            "DefinitionKind",
            "A",
            "U",
            "Simple",
            "Alt",
            "do-it",
            "BOXED",
            "Old"
        ]
    );
    let boxed = schema.get("BOXED").unwrap();
    assert_eq!(
        boxed.condition,
        Some(Condition::Any(vec![
            Condition::Name("CONFIG_A".into()),
            Condition::Not(Box::new(Condition::Name("CONFIG_B".into())))
        ]))
    );
    assert!(
        boxed
            .condition
            .as_ref()
            .unwrap()
            .holds(&|s| s == "CONFIG_B" || s == "CONFIG_A")
    );
    let a = schema.get("A").unwrap();
    let DefinitionKind::Struct { members, base } = &a.kind else {
        panic!()
    };
    assert_eq!(base.as_deref(), Some("Base"));
    assert_eq!(members[0].ty, TypeRef::Array("int".into()));
    assert!(matches!(members[1].condition, Some(Condition::Not(_))));
}

#[test]
fn includes_are_read_once_relative_to_the_including_file() {
    let files = [
        (
            "top.json",
            "{ 'include': 'qapi/a.json' }\n{ 'include': 'qapi/b.json' }\n",
        ),
        (
            "qapi/a.json",
            "{ 'include': 'common.json' }\n{ 'event': 'A', 'data': 'C' }\n",
        ),
        (
            "qapi/b.json",
            "{ 'include': 'common.json' }\n{ 'event': 'B' }\n",
        ),
        ("qapi/common.json", "{ 'struct': 'C', 'data': {} }\n"),
    ];
    let schema = read_files(&files, "top.json").unwrap();
    assert_eq!(
        schema.files,
        ["top.json", "qapi/a.json", "qapi/common.json", "qapi/b.json"]
    );
    let names: Vec<&str> = schema.definitions.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["C", "A", "B"]);
}

#[test]
fn a_missing_include_and_a_cycle_are_errors_at_the_include() {
    let err = read_files(
        &[("top.json", "\n  { 'include': 'gone.json' }\n")],
        "top.json",
    )
    .unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.line, err.column),
        ("top.json", 2, 3)
    );
    assert!(
        err.message.contains("cannot read included file gone.json"),
        "{err}"
    );
    let files = [
        ("a.json", "{ 'include': 'b.json' }\n"),
        ("b.json", "# b\n{ 'include': 'a.json' }\n"),
    ];
    let err = read_files(&files, "a.json").unwrap_err();
    assert_eq!((err.file.as_str(), err.line, err.column), ("b.json", 2, 1));
    assert!(err.message.contains("include cycle"), "{err}");
}

#[test]
fn bad_input_is_an_error_with_its_position() {
    // Broken syntax.
    assert_eq!(
        error("{ 'event': 'A',\n  'data': { 'x' 'int' } }"),
        (2, 17, "expected ':'".into())
    );
    let (line, column, message) = error("{ 'event': 'A' }\n}");
    assert_eq!((line, column), (2, 1), "{message}");
    // An unknown key.
    assert_eq!(
        error("{ 'event': 'A', 'dta': {} }"),
        (1, 17, "unknown key 'dta' in event definition".into())
    );
    // A type that does not exist.
    assert_eq!(
        error("{ 'event': 'A',\n  'data': { 'x': 'Nope' } }"),
        (
            2,
            13,
            "member 'x' has type 'Nope', which does not exist".into()
        )
    );
    // A duplicate definition.
    let (line, column, message) = error("{ 'event': 'A' }\n{ 'event': 'A' }");
    assert_eq!((line, column), (2, 3));
    assert!(
        message.contains("'A' is defined twice (first at s.json:1)"),
        "{message}"
    );
    // A discriminator that is not an enum member of the base.
    let text = "{ 'struct': 'B', 'data': { 'kind': 'str' } }\n\
                { 'union': 'U', 'base': 'B', 'discriminator': 'kind', 'data': {} }";
    assert_eq!(
        error(text),
        (
            2,
            3,
            "union 'U' has discriminator 'kind', which is not an enum member of its base".into()
        )
    );
    // A duplicate key, an unknown escape, an unknown definition.
    assert_eq!(error("{ 'event': 'A', 'event': 'B' }").0, 1);
    assert_eq!(
        error("{ 'event': 'A\\q' }"),
        (1, 14, "unknown escape in a string".into())
    );
    assert_eq!(
        error("{ 'thing': 'A' }").2,
        "unknown definition 'thing': expected one of struct, enum, union, alternate, command, event, include, pragma"
    );
    // A string that runs past its line.
    assert_eq!(
        error("{ 'event': 'A\nB' }"),
        (
            1,
            14,
            "a string ends on its line: the closing quote is missing".into()
        )
    );
    assert_eq!(error("{ 'event': 'A\\\nB' }").0, 1);
    // Too deep, binary, empty-ish.
    assert!(error(&"[".repeat(100)).2.contains("nest deeper"));
    assert!(read_one("{ 'event': 'A' }\0").is_err());
    assert_eq!(read_one("# nothing\n").unwrap().definitions.len(), 0);
}

#[test]
fn documentation_that_disagrees_with_the_code_is_a_warning() {
    let text = "##\n# @E:\n#\n# @gone: not there\n##\n{ 'event': 'E', 'data': { 'x': 'int' } }\n\
                ##\n# @OTHER:\n##\n{ 'event': 'F' }\n";
    let schema = read_one(text).unwrap();
    let messages: Vec<String> = schema
        .warnings
        .iter()
        .map(|w| format!("{}:{}: {}", w.location.line, w.location.column, w.message))
        .collect();
    assert_eq!(
        messages,
        [
            "8:1: the documentation of 'OTHER' stands before the definition of 'F'",
            "4:1: 'E' documents member 'gone', which it does not have",
            "6:27: member 'x' of 'E' has no documentation",
        ]
    );
}

/// The one model: a schema's events with their types spelled out in place.
#[test]
fn events_convert_into_the_model_of_both_eras() {
    let schema = read_one(
        "{ 'enum': 'Color', 'data': [ 'red', { 'name': 'blue', 'if': 'CONFIG_BLUE' } ] }
{ 'struct': 'Base', 'data': { 'id': 'str' } }
{ 'struct': 'Node', 'base': 'Base', 'data': { '*next': 'Node', 'size': 'size' } }
{ 'struct': 'Inet', 'data': { 'host': 'str', '*to': 'uint16' } }
{ 'struct': 'Path', 'data': { 'path': 'str' } }
{ 'enum': 'DefinitionKind', 'data': [ 'inet', 'unix' ] }
{ 'union': 'Address', 'base': { 'type': 'DefinitionKind' }, 'discriminator': 'type',
  'data': { 'inet': 'Inet', 'unix': 'Path' } }
{ 'alternate': 'Limit', 'data': { 'number': 'int', 'name': 'str' } }
{ 'event': 'E', 'data': { 'color': 'Color', 'nodes': [ 'Node' ], 'addr': 'Address',
  '*limit': 'Limit', 'small': 'int8', 'anything': 'any' },
  'features': [ 'deprecated' ], 'if': 'CONFIG_E' }
{ 'event': 'BOXED', 'data': 'Inet', 'boxed': true }
{ 'event': 'NONE' }",
    )
    .expect("reads");
    let spec = schema.to_spec("test").expect("converts");
    let events: Vec<&str> = spec.events().map(|(name, _)| name).collect();
    assert_eq!(events, ["E", "BOXED", "NONE"]);
    let e = &spec.sections[0];
    assert_eq!(e.condition, Some(Condition::Name("CONFIG_E".into())));
    assert_eq!(e.features[0].name, "deprecated");
    let fields = crate::spelled::data_fields(&spec, e);
    let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap();
    let color = field("color");
    assert_eq!(
        (color.ty.clone(), color.type_name.as_deref()),
        (crate::spelled::JsonType::String, Some("Color"))
    );
    assert_eq!(
        color.values[1].condition,
        Some(Condition::Name("CONFIG_BLUE".into()))
    );
    // An array of a struct with a base, which contains itself: spelled out
    // once, referred to by name inside.
    let nodes = field("nodes");
    assert_eq!(nodes.ty, crate::spelled::JsonType::Array);
    let node = nodes.items.as_deref().unwrap();
    assert_eq!(node.type_name.as_deref(), Some("Node"));
    let members: Vec<&str> = node.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(members, ["id", "next", "size"]);
    assert_eq!(
        node.fields[1].ty,
        crate::spelled::JsonType::External("Node".into())
    );
    assert_eq!(node.fields[2].ty, crate::spelled::JsonType::Size);
    // A union: its common members, the discriminator, a branch per value.
    let addr = field("addr");
    assert_eq!(addr.ty, crate::spelled::JsonType::Union);
    assert_eq!(addr.discriminator.as_deref(), Some("type"));
    assert_eq!(addr.fields[0].values.len(), 2);
    let branches: Vec<(&str, Option<&str>)> = addr
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.type_name.as_deref()))
        .collect();
    assert_eq!(branches, [("inet", Some("Inet")), ("unix", Some("Path"))]);
    assert_eq!(
        addr.variants[0].fields[1].ty,
        crate::spelled::JsonType::Uint16
    );
    // An alternate: its branches by JSON type.
    let limit = field("limit");
    assert!(limit.optional);
    assert_eq!(limit.ty, crate::spelled::JsonType::Alternate);
    let kinds: Vec<crate::spelled::JsonType> =
        limit.variants.iter().map(|v| v.ty.clone()).collect();
    assert_eq!(
        kinds,
        [
            crate::spelled::JsonType::Int,
            crate::spelled::JsonType::String
        ]
    );
    assert_eq!(field("small").ty, crate::spelled::JsonType::Int8);
    assert_eq!(field("anything").ty, crate::spelled::JsonType::Value);
    // Boxed data is the struct's members; no data is `None`.
    assert_eq!(
        crate::spelled::data_fields(&spec, &spec.sections[1]).len(),
        2
    );
    assert_eq!(spec.sections[2].data, crate::Data::None);
}

/// Old simple unions: `{"type": BRANCH, "data": {...}}` on the wire.
#[test]
fn simple_unions_convert_with_their_type_and_data_wrapper() {
    let schema = read_one(
        "{ 'struct': 'A', 'data': { 'a': 'int' } }
{ 'union': 'U', 'data': { 'one': 'A', 'two': 'str' } }
{ 'event': 'E', 'data': { 'u': 'U' } }",
    )
    .expect("reads");
    let spec = schema.to_spec("test").expect("converts");
    let u = &crate::spelled::data_fields(&spec, &spec.sections[0])[0];
    assert_eq!(u.discriminator.as_deref(), Some("type"));
    assert_eq!(u.fields[0].name, "type");
    let branch = &u.variants[0];
    assert_eq!(branch.name, "one");
    assert_eq!(branch.fields[0].name, "data");
    assert_eq!(branch.fields[0].type_name.as_deref(), Some("A"));
}

/// Spelling types out in place is bounded: a chain of types each using the
/// next twice (2^n fields spelled out) and a chain nested deeper than
/// MAX_NESTING are errors at the event, found quickly.
#[test]
fn hostile_type_graphs_are_errors_not_blowups() {
    let mut doubling = String::new();
    for i in 0..40 {
        doubling.push_str(&format!(
            "{{ 'struct': 'T{i}', 'data': {{ 'a': 'T{}', 'b': 'T{}' }} }}\n",
            i + 1,
            i + 1
        ));
    }
    doubling.push_str(
        "{ 'struct': 'T40', 'data': { 'x': 'int' } }\n{ 'event': 'BOOM', 'data': { 't': 'T0' } }\n",
    );
    let err = read_one(&doubling).unwrap().to_spec("t").unwrap_err();
    assert_eq!((err.line, err.column), (42, 3), "{err}");
    assert_eq!(err.line_text, "{ 'event': 'BOOM', 'data': { 't': 'T0' } }");
    assert!(err.message.contains("'BOOM'"), "{err}");

    let mut deep = String::new();
    for i in 0..100 {
        deep.push_str(&format!(
            "{{ 'struct': 'D{i}', 'data': {{ 'next': 'D{}' }} }}\n",
            i + 1
        ));
    }
    deep.push_str("{ 'struct': 'D100', 'data': { 'x': 'int' } }\n{ 'event': 'DEEP', 'data': { 'd': 'D0' } }\n");
    let err = read_one(&deep).unwrap().to_spec("t").unwrap_err();
    assert!(err.message.contains("nest deeper than 32"), "{err}");
}

#[test]
fn locate_follows_bases_branches_arrays_and_simple_unions() {
    let text = "\
{ 'struct': 'Base', 'data': { 'a': 'str' } }
{ 'struct': 'Derived', 'base': 'Base',
  'data': { 'b': 'DefinitionKind' } }
{ 'enum': 'DefinitionKind', 'data': [ 'one',
                            'two' ] }
{ 'union': 'Simple', 'data': { 'x': 'Derived' } }
{ 'event': 'E', 'data': 'Derived' }
{ 'event': 'F', 'data': { 'u': 'Simple', 'list': [ 'Derived' ] } }
";
    let schema = read_text("t.json", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let at = |event: &str, path: &str, value: Option<&str>| {
        let found = schema.locate(event, path, value).expect("the event");
        (found.via, found.location.line)
    };
    // A base's member is the base's.
    assert_eq!(at("E", "a", None), (Some("Base"), 1));
    assert_eq!(at("E", "b", None), (Some("Derived"), 3));
    // A value is the enumeration's, on its own line.
    assert_eq!(at("E", "b", Some("two")), (Some("DefinitionKind"), 5));
    // A member written in the event has no type to pass through.
    assert_eq!(at("F", "u", None), (None, 8));
    // An old simple union's branch, and the members of its `data`.
    assert_eq!(at("F", "u.x", None), (Some("Simple"), 6));
    assert_eq!(at("F", "u.x.data.a", None), (Some("Base"), 1));
    // An array's elements.
    assert_eq!(at("F", "list[].b", None), (Some("Derived"), 3));
    // What the schema lacks ends at its nearest ancestor; the event itself
    // is where its definition starts.
    assert_eq!(at("F", "u.x.data.gone", None), (Some("Simple"), 6));
    assert_eq!(at("F", "", None), (None, 8));
    assert!(schema.locate("NO_SUCH_EVENT", "", None).is_none());
}

/// The table of types: each definition once, whatever uses it; a type
/// within itself a cycle of ids; bases, documentation, conditions and
/// features on the definition.
#[test]
fn definitions_are_converted_once_into_the_table_of_types() {
    use crate::types::TypeKind;
    let schema = read_one(
        "##
# @Node:
#
# A node.
#
# @next: the next one
#
# Since: 2.5
##
{ 'struct': 'Node', 'data': { '*next': 'Node', 'size': 'size' },
  'if': 'CONFIG_NODE', 'features': [ 'unstable' ] }
{ 'struct': 'Base', 'data': { 'type': 'Kind' } }
{ 'enum': 'Kind', 'data': [ 'a', 'b' ] }
{ 'union': 'U', 'base': 'Base', 'discriminator': 'type',
  'data': { 'a': 'Node', 'b': 'Node' } }
{ 'event': 'E', 'data': { 'first': 'Node', 'second': 'Node', 'nodes': [ 'Node' ],
  'more': [ 'Node' ], 'u': 'U' } }
{ 'event': 'F', 'data': 'Node', 'boxed': true }",
    )
    .expect("reads");
    let spec = schema.to_spec("test").expect("converts");
    let types = &spec.types;
    let data = spec.sections[0].data.ty().expect("members");
    let members = types.members(data);
    // Every use of Node is the one entry; an array of it is one too.
    let node = members[0].ty;
    assert_eq!(members[1].ty, node);
    assert_eq!(members[2].ty, members[3].ty);
    assert_eq!(types.element(members[2].ty), node);
    let named: Vec<&str> = types
        .iter()
        .filter_map(|(_, def)| def.name.as_deref())
        .collect();
    assert_eq!(
        named.iter().filter(|n| **n == "Node").count(),
        1,
        "{named:?}"
    );
    // Node within itself: its member refers back to it.
    assert_eq!(types.members(node)[0].ty, node);
    let def = types.get(node);
    assert_eq!(def.description, "A node.");
    assert_eq!(def.since.as_deref(), Some("2.5"));
    assert_eq!(def.condition, Some(Condition::Name("CONFIG_NODE".into())));
    assert_eq!(def.features[0].name, "unstable");
    assert_eq!(types.members(node)[0].description, "the next one");
    // The union: its base, its tag among the common members, a branch per
    // value, each the one Node.
    let u = members[4].ty;
    let TypeKind::Union { tag, base, .. } = &types.get(u).kind else {
        panic!("a union")
    };
    assert_eq!(tag, "type");
    assert_eq!(
        base.map(|b| types.get(b).name.as_deref()),
        Some(Some("Base"))
    );
    assert!(types.branches(u).iter().all(|b| b.ty == node));
    // Boxed data is the struct itself.
    assert_eq!(spec.sections[1].data.ty(), Some(node));
    // The generators' walk of the types stays within a small budget.
    let mut budget = 100;
    for data in spec.sections.iter().filter_map(|s| s.data.ty()) {
        types
            .check_spelling(data, &mut budget, 32)
            .expect("bounded");
    }
    assert!(budget < 100);
}

/// A command: its arguments (members, or boxed a named type), its return
/// (an array here), how QEMU runs it, and its documentation, condition and
/// features; the pseudo-types of releases before 2.5 are `any`.
#[test]
fn commands_convert_with_their_arguments_return_and_flags() {
    use crate::types::{Scalar, TypeKind};
    let schema = read_one(
        "{ 'struct': 'Info', 'data': { 'name': 'str' } }
##
# @query-things:
#
# Lists the things.
#
# @verbose: say more
#
# Since: 7.1
##
{ 'command': 'query-things', 'data': { '*verbose': 'bool' }, 'returns': [ 'Info' ],
  'allow-preconfig': true, 'if': 'CONFIG_THINGS', 'features': [ 'unstable' ] }
{ 'command': 'set-info', 'data': 'Info', 'boxed': true, 'allow-oob': true }
{ 'command': 'qom-get', 'data': { 'path': 'str' }, 'returns': 'visitor', 'gen': false }
{ 'command': 'quiet', 'success-response': false }",
    )
    .expect("reads");
    let spec = schema.to_spec("test").expect("converts");
    let names: Vec<&str> = spec.commands.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["query-things", "set-info", "qom-get", "quiet"]);
    let types = &spec.types;
    let query = &spec.commands[0];
    assert_eq!(query.description, "Lists the things.");
    assert_eq!(query.since.as_deref(), Some("7.1"));
    assert_eq!(
        query.condition,
        Some(Condition::Name("CONFIG_THINGS".into()))
    );
    assert_eq!(query.features[0].name, "unstable");
    assert!(query.allow_preconfig && !query.allow_oob && query.success_response);
    let arguments = types.members(query.arguments.expect("arguments"));
    assert_eq!(arguments[0].name, "verbose");
    assert!(arguments[0].optional);
    assert_eq!(arguments[0].description, "say more");
    let returns = query.returns.expect("a return");
    let info = types.element(returns);
    assert_ne!(info, returns);
    assert_eq!(types.get(info).name.as_deref(), Some("Info"));
    // Boxed: the arguments are the struct itself, the one Info.
    let set = &spec.commands[1];
    assert_eq!(set.arguments, Some(info));
    assert!(set.allow_oob);
    assert_eq!(set.returns, None);
    let qom_get = &spec.commands[2];
    assert_eq!(
        qom_get.returns.map(|r| types.get(r).kind.clone()),
        Some(TypeKind::Scalar {
            scalar: Scalar::Value
        })
    );
    let quiet = &spec.commands[3];
    assert_eq!((quiet.arguments, quiet.success_response), (None, false));
}

/// A command's references are checked as a type's are.
#[test]
fn a_command_returning_a_missing_type_is_an_error() {
    let err = read_one("{ 'command': 'c', 'returns': 'Nowhere' }").expect_err("refused");
    assert!(
        err.message
            .contains("command 'c' returns 'Nowhere', which does not exist"),
        "{err}"
    );
    let err =
        read_one("{ 'command': 'c', 'data': 'Nowhere', 'boxed': true }").expect_err("refused");
    assert!(
        err.message
            .contains("command 'c' has data 'Nowhere', which does not exist"),
        "{err}"
    );
    let err = read_one("{ 'command': 'c', 'allow-oob': 'yes' }").expect_err("refused");
    assert!(
        err.message.contains("'allow-oob' is true or false"),
        "{err}"
    );
}

/// The top-level scan ([`scan_file`]) against the grammar's `file` on one
/// text: where the scan gives items (or an error in building them), the
/// grammar gives the same; where it gives up, `parse_file` uses the grammar.
/// Returns whether the scan took the text.
fn scan_agrees_with_the_grammar(name: &str, text: &str) -> bool {
    let src = Source::new(name, text);
    let file: Arc<str> = Arc::from(name);
    let Some(scanned) = scan_file(&Walk::new(&src, &file, 0)) else {
        return false;
    };
    let parsed = parse_file_with_pest(&Walk::new(&src, &file, 0));
    assert_eq!(
        format!("{scanned:?}"),
        format!("{parsed:?}"),
        "{name}: the scan and the grammar disagree on\n{text}"
    );
    true
}

#[test]
fn the_top_level_scan_reads_every_release_as_the_grammar_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi");
    let mut files = 0;
    for release in std::fs::read_dir(&root).expect("releases") {
        let dir = release.expect("entry").path().join("qapi");
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir).expect("files") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("text");
                // The scan takes every real file: giving up is only for bad
                // input, else the reader loses its speed.
                assert!(
                    scan_agrees_with_the_grammar(&path.display().to_string(), &text),
                    "{}: the scan gave up on a real file",
                    path.display()
                );
                files += 1;
            }
        }
    }
    assert!(files > 900, "{files} files");
}

#[test]
fn the_top_level_scan_agrees_with_the_grammar_on_edited_text() {
    // Each edit of a real file's opening puts one of the characters the
    // language turns on at one place, or deletes one; the edits cover the
    // doc blocks (open, close, `###`, blank and `\r` lines), comments,
    // strays and expressions.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("qapi/9.2.0/qapi/run-state.json"),
    )
    .expect("text");
    // The opening up to the first documentation block after 2,500 bytes:
    // whole items, so that most edits still parse.
    let cut = text[2_500..].find("\n\n##\n").expect("a block") + 2_502;
    let head = text[..cut].to_string();
    let inserts = [
        "#", "##", "\n", "\r", " ", "\t", "'", "{", "}", ",", "x", "\\",
    ];
    let (mut taken, mut given_up) = (0, 0);
    for (at, _) in head.char_indices() {
        let mut deleted = head.clone();
        deleted.remove(at);
        let mut edits = vec![deleted];
        for insert in inserts {
            let mut edited = head.clone();
            edited.insert_str(at, insert);
            edits.push(edited);
        }
        for edited in edits {
            if scan_agrees_with_the_grammar("edited.json", &edited) {
                taken += 1;
            } else {
                given_up += 1;
            }
        }
    }
    // Both kinds of outcome are exercised.
    assert!(
        taken > 1_000 && given_up > 1_000,
        "{taken} taken, {given_up} given up"
    );
}

#[test]
fn the_top_level_scan_keeps_the_grammars_corner_cases() {
    for text in [
        "##\n# @A:\n##\n{ 'enum': 'A', 'data': [] }\n",
        "  ##  \r\n  # indented\n  ###\r\n",
        "##\n# never closed\n{ 'enum': 'A', 'data': [] }\n",
        "## @ACPISlotType\n# stray\n",
        "##\n#\n##",
        "##\n# no newline at the end",
        "##\n#\n## trailing\n",
        "##\n#\n####\n",
        "##\n\n##\n",
        "# comment\n{ 'enum': 'A', # inside\n 'data': [] }",
        "{ 'enum': 'A', 'enum': 'B' }\n{ 'x' ",
        "{ 'enum': 'A', 'enum': 'B' }\n{ 'x': 'y' }",
        "{ 'a': '\\q' }",
        "\x0c{ 'a': true }",
    ] {
        scan_agrees_with_the_grammar("corner.json", text);
    }
}
