"""The generated JSON Schemas, checked with other ecosystems' tools.

Run by `.ci/ecosystem` (which installs the pinned tools of
`requirements.txt` in a virtual environment), after `cargo xtask regen`:

- Python's `jsonschema` (Draft 2020-12, a validator independent of the Rust
  tests' one) checks every schema under `generated/schema/` against the
  meta-schema; every example a bundle carries passes the bundle and its
  event's file (a reference into the bundle, resolved through a registry of
  every bundle); every line of both recorded QEMU 7.2 sessions passes
  `latest` and `qemu-7.2.0`; every message of
  `tests/fixtures/broken-messages.jsonl` fails and every message of
  `tests/fixtures/forward-messages.jsonl` passes `latest` and
  `qemu-11.1.3`.
- `datamodel-code-generator` generates pydantic models from
  `schema/latest/events.json`: its root must be one union naming every
  event's model and the unknown event, no class name may be a numbered
  collision, and the models must parse every recorded line into its own
  event's class.
- The command bundles (`commands.json`, `returns.json` of every revision
  with commands) are valid schemas; the newest release's and 7.2.0's accept
  good requests and refuse bad ones as QEMU does (a string where QEMU wants
  an integer, an argument or command the release lacks), and read returns
  open to newer members; pydantic models generated from the newest
  release's two bundles (class names from titles) have no numbered class,
  one request class per command in the root union, and parse and refuse
  the same requests.

Exits non-zero, naming what failed.
"""

import importlib.util
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import typing

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "generated" / "schema"
FIXTURES = ROOT / "tests" / "fixtures"

failures = []


def fail(message):
    failures.append(message)


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def validate_schemas():
    bundles = {}
    resources = []
    for path in sorted(SCHEMA.glob("*/events.json")):
        bundle = json.loads(path.read_text())
        Draft202012Validator.check_schema(bundle)
        bundles[path.parent.name] = bundle
        resources.append((bundle["$id"], Resource(contents=bundle, specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    examples = files = 0
    for folder, bundle in bundles.items():
        validator = Draft202012Validator(bundle, registry=registry)
        event_files = {}
        for path in sorted((SCHEMA / folder).glob("*.json")):
            if path.name == "events.json":
                continue
            schema = json.loads(path.read_text())
            Draft202012Validator.check_schema(schema)
            event_files[path.stem] = Draft202012Validator(schema, registry=registry)
            files += 1
        for name, definition in bundle["$defs"].items():
            for example in definition.get("examples", []):
                examples += 1
                for error in validator.iter_errors(example):
                    fail(f"{folder}: an example of {name} fails the bundle: {error.message}")
                own = event_files.get(example.get("event"))
                if own is None:
                    fail(f"{folder}: no file for {example.get('event')}")
                elif not own.is_valid(example):
                    fail(f"{folder}: an example of {name} fails its event's file")
    print(f"jsonschema: {len(bundles)} bundles and {files} event files valid, {examples} examples pass")
    return bundles, registry


def check_messages(bundles, registry):
    recorded = lines(FIXTURES / "qemu-7.2-events.jsonl") + lines(FIXTURES / "qemu-7.2-jobs-events.jsonl")
    for folder in ["latest", "qemu-7.2.0"]:
        validator = Draft202012Validator(bundles[folder], registry=registry)
        for message in recorded:
            for error in validator.iter_errors(message):
                fail(f"{folder}: a recorded {message.get('event')} fails: {error.message}")
    broken = lines(FIXTURES / "broken-messages.jsonl")
    forward = lines(FIXTURES / "forward-messages.jsonl")
    for folder in ["latest", "qemu-11.1.3"]:
        validator = Draft202012Validator(bundles[folder], registry=registry)
        for case in broken:
            if validator.is_valid(case["message"]):
                fail(f"{folder} accepts a broken message ({case['why']}): {case['message']}")
        for case in forward:
            for error in validator.iter_errors(case["message"]):
                fail(f"{folder} refuses {case['why']}: {error.message}")
    print(f"jsonschema: {len(recorded)} recorded lines pass, {len(broken)} broken messages fail, {len(forward)} newer ones pass")
    return recorded


def check_codegen(bundle, recorded):
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "qmp_models.py"
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(SCHEMA / "latest" / "events.json"),
                "--input-file-type", "jsonschema",
                "--output-model-type", "pydantic_v2.BaseModel",
                "--output", str(out),
            ],
            check=True,
            capture_output=True,
        )
        source = out.read_text()
        spec = importlib.util.spec_from_file_location("qmp_models", out)
        module = importlib.util.module_from_spec(spec)
        sys.modules["qmp_models"] = module
        spec.loader.exec_module(module)
    classes = re.findall(r"^class (\w+)\(", source, re.MULTILINE)
    wanted = {case["$ref"].rsplit("/", 1)[1] for case in bundle["oneOf"]}
    numbered = [c for c in classes if re.search(r"\d$", c) and c not in bundle["$defs"]]
    if numbered:
        fail(f"datamodel-code-generator: numbered class names {numbered}")
    root = getattr(module, bundle["title"], None)
    if root is None:
        fail(f"datamodel-code-generator: no class {bundle['title']}")
        return
    members = {t.__name__ for t in typing.get_args(root.model_fields["root"].annotation)}
    if members != wanted:
        fail(f"datamodel-code-generator: the root union has {sorted(members ^ wanted)} in one only")
    by_event = {
        definition["properties"]["event"]["const"]: name
        for name, definition in bundle["$defs"].items()
        if "const" in definition.get("properties", {}).get("event", {})
    }
    parsed = 0
    for message in recorded:
        model = root.model_validate(message)
        expected = by_event.get(message["event"], "UnknownEvent")
        if type(model.root).__name__ != expected:
            fail(f"pydantic: {message['event']} parses into {type(model.root).__name__}, not {expected}")
        parsed += 1
    unknown = root.model_validate({"event": "TELEPORTED", "timestamp": {"seconds": 1, "microseconds": 2}})
    if type(unknown.root).__name__ != "UnknownEvent":
        fail(f"pydantic: an unknown event parses into {type(unknown.root).__name__}")
    print(f"datamodel-code-generator: {len(classes)} classes, one union of {len(members)} "
          f"(every event and UnknownEvent), {parsed} recorded lines parse into their own class")


def version_key(folder):
    return tuple(int(part) for part in folder.removeprefix("qemu-").split("."))


def newest_release():
    """The newest QAPI release with command bundles (not a build's)."""
    releases = [
        path.parent.name
        for path in SCHEMA.glob("qemu-*/commands.json")
        if "QAPI schema" in json.loads(path.read_text())["description"]
    ]
    return max(releases, key=version_key)


GOOD_REQUESTS = [
    {"execute": "query-status"},
    {"execute": "query-status", "id": {"any": ["json"]}},
    {"execute": "set-numa-node", "arguments": {"type": "cpu", "node-id": 0, "socket-id": 0, "core-id": 1}},
    {"execute": "blockdev-add", "arguments": {"driver": "file", "node-name": "n", "filename": "/dev/null"}},
    {"execute": "device_add", "arguments": {"driver": "virtio-net-pci", "id": "n1", "mac": "52:54:00:12:34:56"}},
]
BAD_REQUESTS = [
    ({"execute": "set-numa-node", "arguments": {"type": "cpu", "node-id": 0, "socket-id": 0, "core-id": "1"}},
     "a string core-id"),
    ({"execute": "query-status", "arguments": {"verbose": True}}, "an argument query-status lacks"),
    ({"execute": "blockdev-del", "arguments": {}}, "no node-name"),
    ({"execute": "blockdev-add", "arguments": {"driver": "teleport", "node-name": "n"}}, "a driver no release has"),
    ({"execute": "blockdev-add", "arguments": {"driver": "null-co", "node-name": "n", "filename": "/x"}},
     "a member of another branch"),
    ({"execute": "query-cpus"}, "a command removed in 6.0"),
]


def check_command_bundles():
    count = 0
    for path in sorted(SCHEMA.glob("*/commands.json")) + sorted(SCHEMA.glob("*/returns.json")):
        Draft202012Validator.check_schema(json.loads(path.read_text()))
        count += 1
    newest = newest_release()
    for folder in ["qemu-7.2.0", newest]:
        requests = Draft202012Validator(json.loads((SCHEMA / folder / "commands.json").read_text()))
        for request in GOOD_REQUESTS:
            for error in requests.iter_errors(request):
                fail(f"{folder}/commands.json refuses {request}: {error.message}")
        for request, why in BAD_REQUESTS:
            if requests.is_valid(request):
                fail(f"{folder}/commands.json accepts {why}: {request}")
        returns = json.loads((SCHEMA / folder / "returns.json").read_text())
        status = Draft202012Validator({"$defs": returns["$defs"], "$ref": "#/$defs/query-status"})
        for value, valid in [
            # 7.2 still has `singlestep`, which 10.2 no longer sends.
            ({"running": True, "singlestep": False, "status": "running", "newer-member": 1}, True),
            ({"running": True, "singlestep": False, "status": "a-newer-status"}, True),
            ({"status": "running"}, False),
        ]:
            if status.is_valid(value) != valid:
                fail(f"{folder}/returns.json: query-status {value} should be {'valid' if valid else 'invalid'}")
    print(f"jsonschema: {count} command bundles valid; qemu-7.2.0 and {newest} accept "
          f"{len(GOOD_REQUESTS)} requests and refuse {len(BAD_REQUESTS)}")
    return newest


def generate_models(bundle_path, module_name):
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / f"{module_name}.py"
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(bundle_path),
                "--input-file-type", "jsonschema",
                "--output-model-type", "pydantic_v2.BaseModel",
                "--use-title-as-name",
                "--output", str(out),
            ],
            check=True,
            capture_output=True,
        )
        source = out.read_text()
        spec = importlib.util.spec_from_file_location(module_name, out)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return source, module


def bundle_models(folder, file, module_name):
    """The bundle, its pydantic models' module and class names; no class
    may be a numbered collision (a name ending in digits that no `$defs`
    entry has)."""
    path = SCHEMA / folder / file
    bundle = json.loads(path.read_text())
    source, module = generate_models(path, module_name)
    classes = re.findall(r"^class (\w+)\(", source, re.MULTILINE)
    numbered = [c for c in classes if re.search(r"\d$", c) and c not in bundle["$defs"]]
    if numbered:
        fail(f"datamodel-code-generator ({folder}/{file}): numbered class names {numbered}")
    return bundle, module, classes


def check_command_codegen(folder):
    import pydantic

    bundle, module, classes = bundle_models(folder, "commands.json", "qmp_requests")
    root = module.QmpRequest
    members = {t.__name__ for t in typing.get_args(root.model_fields["root"].annotation)}
    if len(members) != len(bundle["oneOf"]):
        fail(f"datamodel-code-generator: the request union has {len(members)} classes "
             f"for {len(bundle['oneOf'])} commands")
    # JSON in strict mode: pydantic's lax mode would take "1" for 1.
    def parse(request):
        return root.model_validate_json(json.dumps(request), strict=True)

    for request in GOOD_REQUESTS:
        try:
            model = parse(request)
        except pydantic.ValidationError as error:
            fail(f"pydantic refuses {request}: {error}")
            continue
        camel = "".join(part.capitalize() for part in re.split(r"[-_]", request["execute"]))
        if type(model.root).__name__ != f"{camel}Request":
            fail(f"pydantic: {request['execute']} parses into {type(model.root).__name__}")
    for request, why in BAD_REQUESTS[:3]:
        try:
            parse(request)
            fail(f"pydantic accepts {why}: {request}")
        except pydantic.ValidationError:
            pass
    _, module, classes_returns = bundle_models(folder, "returns.json", "qmp_returns")
    status = module.StatusInfo.model_validate({"running": True, "status": "running", "newer": 1})
    if not status.running:
        fail("pydantic: StatusInfo does not read a query-status return")
    print(f"datamodel-code-generator: {len(classes)} request classes, one union of {len(members)} "
          f"commands; {len(classes_returns)} return classes")


def main():
    bundles, registry = validate_schemas()
    recorded = check_messages(bundles, registry)
    check_codegen(bundles["latest"], recorded)
    check_command_codegen(check_command_bundles())
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        sys.exit(1)
    print("ecosystem checks: all passed")


if __name__ == "__main__":
    main()
