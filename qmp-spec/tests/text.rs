//! The text parser on each quirk of the real revisions, and on bad input.
//! Each test asserts the exact outcome: the model's values, or the error's
//! position and message.

use qmp_spec::spelled::{Field, JsonType, data_fields};
use qmp_spec::{
    Data, EnumValue, ParseError, Section, Span, Spec, TypeSource, WarningKind, parse, parse_bytes,
};

const TITLE: &str = "                   QEMU Monitor Protocol Events\n                   ============================\n\n";

fn doc(body: &str) -> String {
    format!("{TITLE}{body}")
}

fn parse_ok(body: &str) -> Spec {
    match parse("test.txt", &doc(body)) {
        Ok(spec) => spec,
        Err(err) => panic!("unexpected error:\n{err}"),
    }
}

fn parse_err(text: &str) -> ParseError {
    match parse("bad.txt", text) {
        Ok(spec) => panic!("expected an error, got {spec:#?}"),
        Err(err) => err,
    }
}

fn only_section(spec: &Spec) -> &Section {
    assert_eq!(spec.sections.len(), 1, "{spec:#?}");
    &spec.sections[0]
}

/// The section's data's members, spelled out.
fn fields(spec: &Spec, section: &Section) -> Vec<Field> {
    match &section.data {
        Data::Members { .. } => data_fields(spec, section),
        other => panic!("expected fields, got {other:?}"),
    }
}

fn values(list: &[(&str, Option<&str>)]) -> Vec<EnumValue> {
    list.iter()
        .map(|(value, meaning)| EnumValue::new(value.to_string(), meaning.map(str::to_string)))
        .collect()
}

fn warning_kinds(section: &Section) -> Vec<WarningKind> {
    section.warnings.iter().map(|w| w.kind).collect()
}

const BLOCK_IO_ERROR: &str = r#"BLOCK_IO_ERROR
--------------

Emitted when a disk I/O error occurs.

Data:

- "device": device name (json-string)
- "operation": I/O operation (json-string, "read" or "write")
- "action": action that has been taken, it's one of the following (json-string):
    "ignore": error has been ignored
    "report": error has been reported to the device
    "stop": error caused VM to be stopped

Example:

{ "event": "BLOCK_IO_ERROR",
    "data": { "device": "ide0-hd1",
              "operation": "write",
              "action": "stop" },
    "timestamp": { "seconds": 1265044230, "microseconds": 450486 } }

Note: If action is "stop", a STOP event will eventually follow the
BLOCK_IO_ERROR event.
"#;

#[test]
fn reads_a_whole_section() {
    let spec = parse_ok(BLOCK_IO_ERROR);
    assert_eq!(spec.title, "QEMU Monitor Protocol Events");
    let section = only_section(&spec);
    assert_eq!(section.names, ["BLOCK_IO_ERROR"]);
    assert_eq!(section.span, Span { line: 4, column: 1 });
    assert_eq!(section.description, "Emitted when a disk I/O error occurs.");
    let fields = fields(&spec, section);
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0].name, "device");
    assert_eq!(fields[0].ty, JsonType::String);
    assert_eq!(fields[0].description, "device name");
    assert!(!fields[0].optional);
    assert_eq!(
        fields[0].span,
        Span {
            line: 11,
            column: 1
        }
    );
    // Inline values.
    assert_eq!(fields[1].values, values(&[("read", None), ("write", None)]));
    assert_eq!(fields[1].description, "I/O operation");
    // Values on indented lines of their own, with meanings; the colon after
    // the annotation goes with it.
    assert_eq!(
        fields[2].values,
        values(&[
            ("ignore", Some("error has been ignored")),
            ("report", Some("error has been reported to the device")),
            ("stop", Some("error caused VM to be stopped")),
        ])
    );
    assert_eq!(
        fields[2].description,
        "action that has been taken, it's one of the following"
    );
    assert_eq!(section.examples.len(), 1);
    let example = &section.examples[0];
    assert_eq!(
        example.span,
        Span {
            line: 20,
            column: 1
        }
    );
    assert_eq!(example.json.as_ref().unwrap()["data"]["action"], "stop");
    assert!(
        example
            .raw
            .starts_with("{ \"event\": \"BLOCK_IO_ERROR\",\n    \"data\"")
    );
    assert_eq!(section.notes.len(), 1);
    assert_eq!(
        section.notes[0].text,
        "If action is \"stop\", a STOP event will eventually follow the BLOCK_IO_ERROR event."
    );
    assert!(section.warnings.is_empty(), "{:?}", section.warnings);
}

#[test]
fn one_header_defines_several_events() {
    let spec = parse_ok(
        "SPICE_CONNECTED, SPICE_DISCONNECTED\n-----------------------------------\n\n\
         Emitted when a SPICE client connects or disconnects.\n\nData: None.\n",
    );
    let section = only_section(&spec);
    assert_eq!(section.names, ["SPICE_CONNECTED", "SPICE_DISCONNECTED"]);
    assert_eq!(
        spec.events().map(|(name, _)| name).collect::<Vec<_>>(),
        section.names
    );
    assert_eq!(section.data, Data::None);
}

#[test]
fn underline_of_the_wrong_length_is_a_warning() {
    let spec = parse_ok("DEVICE_DELETED\n-----------------\n\nEmitted.\n\nData: None.\n");
    let section = only_section(&spec);
    assert_eq!(warning_kinds(section), [WarningKind::UnderlineLength]);
    assert_eq!(section.warnings[0].span, Span { line: 5, column: 1 });
    assert_eq!(
        section.warnings[0].message,
        "the underline has 17 dashes, the header 14 characters"
    );
}

#[test]
fn annotation_alone_on_a_continuation_line() {
    let spec = parse_ok(
        "DEVICE_TRAY_MOVED\n-----------------\n\nEmitted.\n\nData:\n\n\
         - \"tray-open\": true if the tray has been opened or false if it has been closed\n\
         \x20              (json-bool)\n",
    );
    let field = fields(&spec, only_section(&spec)).remove(0);
    assert_eq!(field.ty, JsonType::Bool);
    assert_eq!(
        field.description,
        "true if the tray has been opened or false if it has been closed"
    );
}

#[test]
fn annotation_split_across_lines_with_values() {
    let spec = parse_ok(
        "BLOCK_JOB_COMPLETED\n-------------------\n\nEmitted.\n\nData:\n\n\
         - \"type\":     Job type (json-string; \"stream\" for image streaming\n\
         \x20                                    \"commit\" for block commit)\n\
         - \"offset\":   Current progress value (json-int)\n\
         \x20             On success this is equal to len.\n",
    );
    let fields = fields(&spec, only_section(&spec));
    assert_eq!(fields[0].ty, JsonType::String);
    assert_eq!(
        fields[0].values,
        values(&[
            ("stream", Some("for image streaming")),
            ("commit", Some("for block commit"))
        ])
    );
    assert_eq!(fields[0].description, "Job type");
    // A continuation after the annotation stays in the description.
    assert_eq!(fields[1].ty, JsonType::Int);
    assert_eq!(
        fields[1].description,
        "Current progress value On success this is equal to len."
    );
}

#[test]
fn annotation_with_the_type_last() {
    let spec = parse_ok(
        "BLOCK_JOB_CANCELLED\n-------------------\n\nEmitted.\n\nData:\n\n\
         - \"type\": Job type (\"stream\" for image streaming, json-string)\n",
    );
    let field = fields(&spec, only_section(&spec)).remove(0);
    assert_eq!(field.ty, JsonType::String);
    assert_eq!(
        field.values,
        values(&[("stream", Some("for image streaming"))])
    );
}

#[test]
fn value_list_on_the_next_line() {
    let spec = parse_ok(
        "WATCHDOG\n--------\n\nEmitted.\n\nData:\n\n\
         - \"action\": Action that has been taken, it's one of the following (json-string):\n\
         \x20           \"reset\", \"shutdown\", \"poweroff\", \"pause\", \"debug\", or \"none\"\n",
    );
    let field = fields(&spec, only_section(&spec)).remove(0);
    let expected: Vec<_> = ["reset", "shutdown", "poweroff", "pause", "debug", "none"]
        .iter()
        .map(|v| (*v, None))
        .collect();
    assert_eq!(field.values, values(&expected));
}

#[test]
fn currently_always_is_a_single_value() {
    let spec = parse_ok(
        "GUEST_PANICKED\n--------------\n\nEmitted.\n\nData:\n\n\
         - \"action\": Action that has been taken (json-string, currently always \"pause\").\n",
    );
    let field = fields(&spec, only_section(&spec)).remove(0);
    assert_eq!(field.values, values(&[("pause", None)]));
    assert_eq!(field.description, "Action that has been taken.");
}

#[test]
fn values_indented_with_tabs() {
    let spec = parse_ok(
        "BLOCK_IO_ERROR\n--------------\n\nEmitted.\n\nData:\n\n\
         - \"__com.redhat_reason\": error reason, this is a RHEL7 extension, it's one of\n\
         \x20 the following (json-string):\n\
         \x20   \"eio\": errno EIO\n\
         \t\"eperm\": errno EPERM\n",
    );
    let field = fields(&spec, only_section(&spec)).remove(0);
    assert_eq!(field.name, "__com.redhat_reason");
    assert_eq!(field.ty, JsonType::String);
    assert_eq!(
        field.values,
        values(&[("eio", Some("errno EIO")), ("eperm", Some("errno EPERM"))])
    );
    assert_eq!(
        field.description,
        "error reason, this is a RHEL7 extension, it's one of the following"
    );
}

#[test]
fn external_types_of_the_qapi_schema() {
    let spec = parse_ok(
        "DUMP_COMPLETED\n--------------\n\nEmitted.\n\nData:\n\n\
         - \"result\": DumpQueryResult type described in qapi-schema.json\n\
         - \"error\": Error message (json-string, optional)\n\n\
         MIGRATION\n---------\n\nEmitted.\n\nData: None.\n\n \
         - \"status\": migration status\n     See MigrationStatus in ~/qapi-schema.json for possible values\n\n\
         ACPI_DEVICE_OST\n---------------\n\nEmitted.\n\n \
         - data: ACPIOSTInfo type as described in qapi-schema.json\n",
    );
    let dump = fields(&spec, &spec.sections[0]);
    assert_eq!(dump[0].ty, JsonType::External("DumpQueryResult".into()));
    assert_eq!(dump[0].type_source, TypeSource::Annotation);
    assert!(dump[1].optional);
    let migration = fields(&spec, &spec.sections[1]);
    assert_eq!(
        migration[0].ty,
        JsonType::External("MigrationStatus".into())
    );
    assert_eq!(
        spec.sections[2].data,
        Data::External {
            type_name: "ACPIOSTInfo".into(),
            description: "ACPIOSTInfo type as described in qapi-schema.json".into(),
        }
    );
}

#[test]
fn nested_fields_under_an_object_with_every_bullet_style() {
    let spec = parse_ok(
        "VNC_CONNECTED\n-------------\n\nEmitted.\n\nData:\n\n\
         - \"server\": Server information (json-object)\n\
         \x20 - \"host\": IP address (json-string)\n\
         \x20 - \"auth\": authentication method (json-string, optional)\n\
         \x20- \"client\": Client information (json-object)\n\
         \x20   - \"family\":   address family (json-string, \"ipv4\" or \"ipv6\")\n\
         - \"flag\": a flag (json-bool)\n",
    );
    let fields = fields(&spec, only_section(&spec));
    let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
    // ` - "client"` is indented, so it nests under "server", the last
    // top-level object: the rule the lossy diffs need.
    assert_eq!(names, ["server", "flag"]);
    let server: Vec<_> = fields[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(server, ["host", "auth", "client", "family"]);
    assert!(fields[0].fields[1].optional);
    assert_eq!(
        fields[0].fields[3].values,
        values(&[("ipv4", None), ("ipv6", None)])
    );
}

#[test]
fn indented_bullet_without_an_object_above_is_top_level() {
    let spec = parse_ok(
        "COLO_EXIT\n---------\n\nEmitted.\n\nData:\n\n \
         - \"mode\": COLO mode (json-string)\n \
         - \"error\": error message (json-string, operation)\n\n\
         Example:\n\n{\"timestamp\": {\"seconds\": 2032141960, \"microseconds\": 417172},\n \
         \"event\": \"COLO_EXIT\", \"data\": {\"mode\": \"primary\"} }\n",
    );
    let section = only_section(&spec);
    let fields = fields(&spec, section);
    assert_eq!(
        fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["mode", "error"]
    );
    // "operation" where "optional" was meant.
    assert!(fields[1].optional);
    assert_eq!(warning_kinds(section), [WarningKind::AnnotationWord]);
    assert_eq!(
        section.warnings[0].span,
        Span {
            line: 12,
            column: 41
        }
    );
}

#[test]
fn lossy_layout_reads_to_the_same_model() {
    // The layout an HTML scrape leaves: indentation stripped, runs collapsed,
    // nested bullets indented by one space.
    let original = parse_ok(
        "VNC_CONNECTED\n-------------\n\nEmitted when a VNC client\n   establishes a connection.\n\nData:\n\n\
         - \"server\": Server information (json-object)\n\
         \x20 - \"host\": IP address (json-string)\n\
         \x20 - \"family\": address family (json-string, \"ipv4\" or \"ipv6\")\n\
         - \"offset\":   Current progress value (json-int)\n\
         \x20             On success this is equal to len.\n\
         - \"action\": action, it's one of the following (json-string):\n\
         \x20   \"ignore\": error has been ignored\n\n\
         Example:\n\n{ \"event\": \"VNC_CONNECTED\",\n    \"data\": { \"offset\": 1 },\n    \
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n",
    );
    let lossy = parse_ok(
        "VNC_CONNECTED\n-------------\n\nEmitted when a VNC client\nestablishes a connection.\n\nData:\n\n\
         - \"server\": Server information (json-object)\n\
         \x20- \"host\": IP address (json-string)\n\
         \x20- \"family\": address family (json-string, \"ipv4\" or \"ipv6\")\n\
         - \"offset\": Current progress value (json-int)\n\
         On success this is equal to len.\n\
         - \"action\": action, it's one of the following (json-string):\n\
         \"ignore\": error has been ignored\n\n\
         Example:\n\n{ \"event\": \"VNC_CONNECTED\",\n\"data\": { \"offset\": 1 },\n\
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n",
    );
    assert_eq!(original.canonical(), lossy.canonical());
    assert_ne!(
        original, lossy,
        "the full models keep their source positions"
    );
}

#[test]
fn data_none_followed_by_fields_keeps_the_fields() {
    let spec = parse_ok(
        "MIGRATION_PASS\n--------------\n\nEmitted.\n\nData: None.\n\n  \
         - \"pass\": An incrementing count (starting at 1 on the first pass)\n\n\
         Example:\n{\"timestamp\": {\"seconds\": 1449669631, \"microseconds\": 239225},\n \
         \"event\": \"MIGRATION_PASS\", \"data\": {\"pass\": 2}}\n",
    );
    let section = only_section(&spec);
    let field = fields(&spec, section).remove(0);
    // No annotation: the type comes from the example.
    assert_eq!(field.ty, JsonType::Int);
    assert_eq!(field.type_source, TypeSource::Examples);
    assert_eq!(
        field.description,
        "An incrementing count (starting at 1 on the first pass)"
    );
    assert_eq!(
        warning_kinds(section),
        [WarningKind::DataNoneWithFields, WarningKind::TypeInferred]
    );
    assert_eq!(
        section.warnings[0].message,
        "`Data: None.` (line 9) is followed by fields; the fields are kept"
    );
}

#[test]
fn example_defects_are_warnings() {
    let spec = parse_ok(
        "WAKEUP\n------\n\nEmitted.\n\nData: None.\n\nExample:\n\n\
         { \"event\": \"WATCHDOG\",\n     \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n\n\
         GUEST_PANICKED\n--------------\n\nEmitted.\n\nData: None.\n\nExample:\n\n\
         { \"event\": \"GUEST_PANICKED\",\n     \"data\": { \"action\": \"pause\" } }\n\n\
         BLOCK_JOB_READY\n---------------\n\nEmitted.\n\nData: None.\n\nExample:\n\n\
         { \"event\": \"BLOCK_JOB_READY\",\n    \"data\": { \"device\": \"drive0\" }\n    \
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n\n\
         NIC_RX_FILTER_CHANGED\n---------------------\n\nEmitted.\n\nData: None.\n\nExample:\n\n\
         { \"event\": \"NIC_RX_FILTER_CHANGED\",\n  \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n}\n",
    );
    let kinds: Vec<_> = spec.sections.iter().map(warning_kinds).collect();
    assert_eq!(
        kinds,
        [
            vec![WarningKind::ExampleEventMismatch],
            vec![WarningKind::ExampleWithoutTimestamp],
            vec![WarningKind::ExampleNotJson],
            vec![WarningKind::ExampleNotJson],
        ]
    );
    assert_eq!(
        spec.sections[0].warnings[0].message,
        "the example is of event \"WATCHDOG\", not of WAKEUP"
    );
    // Missing comma: the position is the file's, not the example's.
    let missing_comma = &spec.sections[2].examples[0];
    assert_eq!(missing_comma.json, None);
    assert_eq!(
        missing_comma.error.as_deref(),
        Some("line 39, column 5: expected `,` or `}`")
    );
    // A stray closing brace.
    let stray = &spec.sections[3].examples[0];
    assert_eq!(
        stray.error.as_deref(),
        Some("line 52, column 1: trailing characters")
    );
}

#[test]
fn labelled_examples_and_examples_without_a_label() {
    let spec = parse_ok(
        "QUORUM_REPORT_BAD\n-----------------\n\nEmitted.\n\nData:\n\n\
         - \"type\":          Quorum operation type\n\nExample:\n\n\
         Read operation:\n{ \"event\": \"QUORUM_REPORT_BAD\",\n  \"data\": { \"type\": \"read\" },\n  \
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n\n\
         Flush operation:\n{ \"event\": \"QUORUM_REPORT_BAD\",\n  \"data\": { \"type\": \"flush\" },\n  \
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n\n\
         DEVICE_DELETED\n--------------\n\nEmitted.\n\nData:\n\n- \"path\": device path (json-string)\n\n\
         { \"event\": \"DEVICE_DELETED\",\n  \"data\": { \"path\": \"/machine/peripheral/x\" },\n  \
         \"timestamp\": { \"seconds\": 1, \"microseconds\": 2 } }\n",
    );
    let labels: Vec<_> = spec.sections[0]
        .examples
        .iter()
        .map(|e| e.label.as_deref())
        .collect();
    assert_eq!(labels, [Some("Read operation"), Some("Flush operation")]);
    assert_eq!(fields(&spec, &spec.sections[0])[0].ty, JsonType::String);
    assert_eq!(spec.sections[1].examples.len(), 1);
    assert_eq!(spec.sections[1].examples[0].label, None);
}

#[test]
fn note_continues_across_paragraph_lines() {
    let spec = parse_ok(
        "SHUTDOWN\n--------\n\nEmitted when the Virtual Machine is powered down.\n\nData: None.\n\n\
         Note: If the command-line option \"-no-shutdown\" has been specified, a STOP\n\
         event will eventually follow the SHUTDOWN event.\n\nNote: this event is rate-limited.\n",
    );
    let notes: Vec<_> = only_section(&spec)
        .notes
        .iter()
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "If the command-line option \"-no-shutdown\" has been specified, a STOP event will \
             eventually follow the SHUTDOWN event.",
            "this event is rate-limited.",
        ]
    );
}

// ------------------------------------------------------------------ bad input

#[test]
fn empty_input_is_an_error() {
    for text in ["", "\n\n   \n"] {
        let err = parse_err(text);
        assert_eq!((err.line, err.column), (1, 1));
        assert_eq!(
            err.message,
            "empty input: expected a QMP events document (a title underlined with '=')"
        );
    }
}

#[test]
fn binary_input_is_an_error() {
    let err = parse_err(&doc("RESET\n-----\n\nEmitted\0\u{1}\n"));
    assert_eq!((err.line, err.column), (7, 8));
    assert_eq!(
        err.message,
        "not a text file: NUL byte here (is this a binary file?)"
    );

    let mut bytes = doc("RESET\n-----\n\nEmit").into_bytes();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00]);
    let err = parse_bytes("bad.bin", &bytes).unwrap_err();
    assert_eq!((err.file.as_str(), err.line, err.column), ("bad.bin", 7, 5));
    assert_eq!(
        err.message,
        "not a text file: invalid UTF-8 here (is this a binary file?)"
    );
}

#[test]
fn text_that_is_not_this_format_is_an_error() {
    let err = parse_err("Hello, world.\nThis is not a spec.\n");
    assert_eq!((err.line, err.column), (2, 1));
    assert_eq!(
        err.message,
        "expected a title underline of '=', found \"This is not a spec.\""
    );
    assert_eq!(err.line_text, "This is not a spec.");

    let err = parse_err(&doc("Some preamble.\n\nRESET\n-----\n\nEmitted.\n"));
    assert_eq!((err.line, err.column), (4, 1));
    assert_eq!(
        err.message,
        "expected a section header (event names underlined with '-') or the end of the input, \
         found \"Some preamble.\""
    );
}

#[test]
fn missing_underline_is_an_error() {
    let err = parse_err(&doc(
        "RESET\n-----\n\nEmitted.\n\nSTOP\n\nEmitted when stopped.\n",
    ));
    assert_eq!(
        (err.line, err.column, err.line_text.as_str()),
        (9, 1, "STOP")
    );
    assert_eq!(
        err.message,
        "`STOP` looks like a section header, but the next line is not an underline of '-'"
    );
}

#[test]
fn unterminated_annotation_is_an_error() {
    let err = parse_err(&doc(
        "RESET\n-----\n\nEmitted.\n\nData:\n\n- \"device\": device name (json-string\n\nExample:\n",
    ));
    assert_eq!((err.line, err.column), (11, 25));
    assert_eq!(
        err.message,
        "unterminated annotation: \"(json-string\" is not closed with ')'"
    );
}

#[test]
fn unknown_json_type_is_an_error() {
    let err = parse_err(&doc(
        "RESET\n-----\n\nEmitted.\n\nData:\n\n- \"x\": thing (json-foo)\n",
    ));
    assert_eq!((err.line, err.column), (11, 15));
    assert!(
        err.message.starts_with("unknown JSON type json-foo"),
        "{}",
        err.message
    );
}

#[test]
fn truncated_input_is_an_error() {
    // Mid-example.
    let err = parse_err(&doc(
        "RESET\n-----\n\nEmitted.\n\nData: None.\n\nExample:\n\n{ \"event\": \"RESET\",\n    \"timestamp\": { \"sec",
    ));
    assert_eq!(
        err.message,
        "the input ends inside a JSON example (is it truncated?)"
    );
    assert_eq!(err.line, 14);
    // Right after a header.
    let err = parse_err(&doc(
        "RESET\n-----\n\nEmitted.\n\nData: None.\n\nSTOP\n----\n",
    ));
    assert_eq!((err.line, err.column), (11, 1));
    assert_eq!(
        err.message,
        "section `STOP` is empty: expected a description, `Data:` or an example (is the input truncated?)"
    );
    // After `Data:`.
    let err = parse_err(&doc("RESET\n-----\n\nEmitted.\n\nData:\n"));
    assert_eq!((err.line, err.column), (9, 1));
    assert!(
        err.message.starts_with("expected a field list"),
        "{}",
        err.message
    );
    // Mid-title.
    let err = parse_err("                   QEMU Monitor Protocol Events\n");
    assert_eq!(err.line, 2);
}

#[test]
fn field_without_any_type_is_an_error() {
    let err = parse_err(&doc(
        "QUORUM_FAILURE\n--------------\n\nEmitted.\n\nData:\n\n- \"reference\":     device name if defined.\n",
    ));
    assert_eq!((err.line, err.column), (11, 1));
    assert_eq!(
        err.message,
        "field \"reference\" has no type: expected an annotation such as (json-string), or an \
         example that shows its value"
    );
}

#[test]
fn error_display_names_file_line_and_column() {
    let err = parse_err(&doc("RESET\n-----\n\nEmitted.\n\nSTOP\n\nx\n"));
    assert_eq!(
        err.to_string(),
        "bad.txt:9:1: `STOP` looks like a section header, but the next line is not an underline of '-'\n  |\n9 | STOP\n  | ^"
    );
}
