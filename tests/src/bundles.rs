//! A revision's command bundles compiled for checking: what the command
//! bundles' tests and the live query battery check requests and returns
//! with.

use std::collections::BTreeSet;

use codegen::schema::commands::{Direction, bundle};
use qmp_spec::Spec;
use serde_json::{Map, Value, json};

/// A release's two bundles, compiled: the request root, and validators of
/// `{<command>: <request>}` and `{<command>: <return value>}` objects (one
/// compilation serves every command, and names what is wrong where the
/// root's `oneOf` only says that nothing matched).
pub struct Bundles {
    pub requests: jsonschema::Validator,
    by_request: jsonschema::Validator,
    returns: jsonschema::Validator,
    pub commands: BTreeSet<String>,
}

impl Bundles {
    pub fn new(name: &str, spec: &Spec) -> Bundles {
        let requests = bundle(name, spec, Direction::Request);
        let returns = bundle(name, spec, Direction::Return);
        for (what, schema) in [("commands", &requests), ("returns", &returns)] {
            assert!(
                jsonschema::meta::is_valid(schema),
                "{name}: {what}.json is not a valid Draft 2020-12 schema"
            );
        }
        let commands: BTreeSet<String> = spec.commands.iter().map(|c| c.name.clone()).collect();
        let properties: Map<String, Value> = commands
            .iter()
            .map(|c| (c.clone(), json!({ "$ref": format!("#/$defs/{c}") })))
            .collect();
        let by_command = |bundle: &Value| {
            let schema = json!({
                "$schema": bundle["$schema"],
                "properties": properties,
                "$defs": bundle["$defs"],
            });
            jsonschema::validator_for(&schema).expect("the bundle compiles")
        };
        Bundles {
            requests: jsonschema::validator_for(&requests).expect("commands.json compiles"),
            by_request: by_command(&requests),
            returns: by_command(&returns),
            commands,
        }
    }

    /// What is wrong with a request: nothing, the command it lacks, or
    /// each error of the command's schema with its JSON path.
    pub fn request_errors(&self, request: &Value) -> Vec<String> {
        if self.requests.is_valid(request) {
            return Vec::new();
        }
        let execute = request["execute"].as_str().unwrap_or_default();
        if !self.commands.contains(execute) {
            return vec![format!("no command `{execute}`")];
        }
        let errors: Vec<String> = self
            .by_request
            .iter_errors(&json!({ execute: request }))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(!errors.is_empty(), "the root and `{execute}` disagree");
        errors
    }

    /// Each error of `command`'s return schema for `value`, with its JSON
    /// path.
    pub fn return_errors(&self, command: &str, value: &Value) -> Vec<String> {
        self.returns
            .iter_errors(&json!({ command: value }))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }
}
