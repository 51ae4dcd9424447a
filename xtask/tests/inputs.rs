//! Every kind of input through every command that takes one (`ir`, `lint`,
//! `schema`, `diff`): QAPI schemas by top file, `qapi/` folder and tree
//! root; `DIR@REV` in a git repository made here; `query-qmp-schema`
//! replies (bare, wrapped, a capture); `qemu:PROGRAM` and `unix:PATH`, with
//! fake QEMUs for the errors and the real one under `QMP_LIVE=1`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{project, temp_path, xtask};
use serde_json::Value;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(args: &[&str]) -> Output {
    let out = xtask(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

fn fails(args: &[&str]) -> String {
    let out = xtask(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    stderr(&out)
}

/// `ir --canonical` of an input, without its title (which names the input).
fn canonical(input: &str) -> Value {
    let mut value: Value =
        serde_json::from_slice(&ok(&["ir", "--canonical", input]).stdout).expect("ir prints JSON");
    value["title"] = Value::Null;
    value
}

#[test]
fn a_qapi_schema_is_read_by_top_file_folder_or_tree_root() {
    let top = project("qmp-spec/qapi/9.1.0/qapi/qapi-schema.json");
    let expected = canonical(&top);
    assert_eq!(canonical(&project("qmp-spec/qapi/9.1.0/qapi")), expected);
    assert_eq!(canonical(&project("qmp-spec/qapi/9.1.0")), expected);
    // 2.x: the top file at the tree's root.
    assert_eq!(
        canonical(&project("qmp-spec/qapi/2.1.0")),
        canonical(&project("qmp-spec/qapi/2.1.0/qapi-schema.json"))
    );
    // What the issue found: schema, lint and diff of a QAPI top file.
    let out = temp_path("qapi-schema", "out");
    ok(&["schema", &top, "--out", out.to_str().unwrap()]);
    assert!(out.join("events.json").is_file() && out.join("SHUTDOWN.json").is_file());
    let lint = ok(&["lint", &project("qmp-spec/qapi/9.1.0")]);
    assert!(stderr(&lint).contains("lint: "), "{}", stderr(&lint));
    let diff = ok(&[
        "diff",
        "qemu-9.1.0",
        &project("qmp-spec/qapi/9.1.0"),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&diff.stdout).expect("JSON");
    let wire: Vec<&Value> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["class"] != "documentation")
        .collect();
    assert!(wire.is_empty(), "{wire:?}");
}

#[test]
fn a_folder_without_a_schema_is_an_error() {
    let dir = temp_path("no-schema", "tree");
    std::fs::create_dir_all(&dir).unwrap();
    let error = fails(&["ir", dir.to_str().unwrap()]);
    assert!(error.contains("a folder with no QAPI schema"), "{error}");
    // A tree of the text era reads its qmp-events.txt.
    std::fs::create_dir_all(dir.join("QMP")).unwrap();
    std::fs::copy(
        project("qmp-spec/corpus/Pating_c258c933.txt"),
        dir.join("QMP/qmp-events.txt"),
    )
    .unwrap();
    let ir: Value = serde_json::from_slice(&ok(&["ir", dir.to_str().unwrap()]).stdout).unwrap();
    assert!(ir["sections"].as_array().unwrap().len() > 30);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A repository with release 7.2.0's `qapi/` committed, then a commit
/// that adds an optional member to `InetSocketAddress`, then an edit of
/// the work tree and the index that is never committed.
fn repository() -> PathBuf {
    let repo = temp_path("git", "qemu");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    copy_dir(
        Path::new(&project("qmp-spec/qapi/7.2.0/qapi")),
        &repo.join("qapi"),
    );
    git(&repo, &["add", "qapi"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let sockets = repo.join("qapi/sockets.json");
    let text = std::fs::read_to_string(&sockets).unwrap();
    let edited = text.replacen(
        "'*keep-alive': 'bool',",
        "'*keep-alive': 'bool',\n    '*keep-alive-count': 'uint32',",
        1,
    );
    assert_ne!(text, edited, "InetSocketAddress has '*keep-alive'");
    std::fs::write(&sockets, edited).unwrap();
    git(&repo, &["commit", "-q", "-a", "-m", "keep-alive-count"]);
    // Never committed: a broken schema in the work tree, a staged file.
    std::fs::write(repo.join("qapi/qapi-schema.json"), "{ broken").unwrap();
    std::fs::write(repo.join("staged.txt"), "staged").unwrap();
    git(&repo, &["add", "staged.txt"]);
    repo
}

#[test]
fn a_git_revision_is_read_from_the_objects_alone() {
    let repo = repository();
    let status = git(&repo, &["status", "--porcelain"]);
    let index = std::fs::read(repo.join(".git/index")).unwrap();
    let base = format!("{}@HEAD~1", repo.display());
    let head = format!("{}@HEAD", repo.display());
    // The committed 7.2.0 reads as the release does.
    assert_eq!(canonical(&base), canonical(&project("qmp-spec/qapi/7.2.0")));
    let commit = git(&repo, &["rev-parse", "HEAD"]);
    let diff = ok(&["diff", &base, &head, "--format", "json"]);
    let report: Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert!(
        report["new"]
            .as_str()
            .unwrap()
            .ends_with(&format!("@HEAD ({})", &commit[..12])),
        "{}",
        report["new"]
    );
    let wire: Vec<String> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["class"] != "documentation")
        .map(|c| format!("{} {} {} {}", c["on"], c["event"], c["member"], c["kind"]))
        .collect();
    // One member added to `InetSocketAddress`: reported at the event, and
    // at every argument and return of a command that reaches the type.
    assert_eq!(
        wire[0],
        "\"event\" \"NETDEV_STREAM_CONNECTED\" \"addr.inet.keep-alive-count\" \"member-added\""
    );
    assert!(wire.len() > 20, "{wire:#?}");
    assert!(
        wire[1..]
            .iter()
            .all(|w| w.starts_with("\"command\"")
                && w.ends_with(".keep-alive-count\" \"member-added\"")),
        "{wire:#?}"
    );
    for place in [
        "\"netdev_add\" \"arguments.stream.addr.inet.keep-alive-count\"",
        "\"query-migrate\" \"returns.socket-address[].inet.keep-alive-count\"",
    ] {
        assert!(
            wire.iter().any(|w| w.contains(place)),
            "{place} in {wire:#?}"
        );
    }
    // lint and schema of a revision.
    ok(&["lint", &head]);
    let out = temp_path("git", "schema");
    ok(&["schema", &head, "--out", out.to_str().unwrap()]);
    assert!(out.join("NETDEV_STREAM_CONNECTED.json").is_file());
    // The work tree and the index are as they were.
    assert_eq!(git(&repo, &["status", "--porcelain"]), status);
    assert_eq!(std::fs::read(repo.join(".git/index")).unwrap(), index);
}

#[test]
fn git_errors_are_clear() {
    let repo = repository();
    let error = fails(&["ir", &format!("{}@no-such-branch", repo.display())]);
    assert!(
        error.contains("unknown revision \"no-such-branch\""),
        "{error}"
    );
    // A revision without a schema.
    let empty = temp_path("git-empty", "repo");
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(&empty).unwrap();
    git(&empty, &["init", "-q"]);
    std::fs::write(empty.join("README"), "no schema").unwrap();
    git(&empty, &["add", "README"]);
    git(&empty, &["commit", "-q", "-m", "readme"]);
    let error = fails(&["ir", &format!("{}@HEAD", empty.display())]);
    assert!(error.contains("has no QAPI schema"), "{error}");
    // Not a repository.
    let plain = temp_path("git-plain", "dir");
    std::fs::create_dir_all(&plain).unwrap();
    let error = fails(&["ir", &format!("{}@HEAD", plain.display())]);
    assert!(error.contains("unknown revision \"HEAD\""), "{error}");
    // No git at all.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["ir", &format!("{}@HEAD", repo.display())])
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("git is not installed"),
        "{}",
        stderr(&out)
    );
}

fn fixture(name: &str) -> String {
    project(&format!("tests/fixtures/{name}"))
}

#[test]
fn a_reply_is_read_bare_wrapped_or_captured() {
    let capture = fixture("qemu-7.2-introspection.json");
    let bare = fixture("qemu-7.2-qmp-schema.json");
    let text = std::fs::read_to_string(&bare).unwrap();
    let wrapped = temp_path("reply", "wrapped.json");
    std::fs::write(&wrapped, format!("{{\"return\": {text}, \"id\": 3}}")).unwrap();
    let mut models = Vec::new();
    for input in [&capture, &bare, &wrapped.to_string_lossy().into_owned()] {
        let value = canonical(input);
        assert_eq!(value["sections"].as_array().unwrap().len(), 52, "{input}");
        models.push(value);
    }
    // The bare and the wrapped reply say the same, named from one release.
    assert_eq!(models[1], models[2]);
    let lint = ok(&["lint", &capture]);
    assert!(stderr(&lint).contains("lint: "));
    assert_only_absent_from_build("qemu-7.2.0", &capture);
}

/// The diff from `old` to the binary `new` of the same release: nothing
/// but what the build lacks by a condition (a target's commands, a
/// library's values).
fn assert_only_absent_from_build(old: &str, new: &str) {
    let diff = ok(&["diff", old, new, "--format", "json"]);
    let report: Value = serde_json::from_slice(&diff.stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        assert_eq!(change["kind"], "absent-from-build", "{change:#}");
    }
    assert!(
        changes
            .iter()
            .any(|c| c["event"] == "query-gic-capabilities"),
        "an Arm command is absent from an x86 build"
    );
}

/// What `schema` writes for an input: each file's JSON by its name.
fn schemas(input: &str, test: &str) -> std::collections::BTreeMap<String, Value> {
    let out = temp_path(test, "schema");
    let _ = std::fs::remove_dir_all(&out);
    ok(&["schema", input, "--out", out.to_str().unwrap()]);
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                json,
            )
        })
        .collect()
}

/// Only what a client checks: no descriptions, examples or titles, and no
/// `$id` (which names the input).
fn wire(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    // A build has its conditions decided: no `x-if`.
                    ![
                        "description",
                        "examples",
                        "title",
                        "$id",
                        "$comment",
                        "x-if",
                        "x-if-values",
                        "x-if-features",
                    ]
                    .contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), wire(v)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.iter().map(wire).collect()),
        Value::String(s) if s.starts_with("urn:") => Value::Null,
        other => other.clone(),
    }
}

#[test]
fn the_bundles_of_a_release_tree_and_of_its_binary_agree() {
    let tree = schemas(&project("qmp-spec/qapi/7.2.0"), "bundle-tree");
    let binary = schemas(&fixture("qemu-7.2-introspection.json"), "bundle-binary");
    assert_eq!(
        tree.keys().collect::<Vec<_>>(),
        binary.keys().collect::<Vec<_>>(),
        "event for event"
    );
    let defs = |files: &std::collections::BTreeMap<String, Value>| {
        files["events.json"]["$defs"].as_object().unwrap().clone()
    };
    let (tree_defs, binary_defs) = (defs(&tree), defs(&binary));
    assert_eq!(tree_defs.len(), binary_defs.len());
    for (name, def) in &tree_defs {
        assert_eq!(
            wire(def),
            wire(&binary_defs[name]),
            "member for member: {name}"
        );
    }
    assert_eq!(wire(&tree["events.json"]), wire(&binary["events.json"]));
    // From the bare reply, named from another release, the same shapes.
    let bare = schemas(&fixture("qemu-7.2-qmp-schema.json"), "bundle-bare");
    assert_eq!(tree.len(), bare.len());
}

#[test]
fn a_bad_reply_is_an_error_naming_its_place() {
    let text = std::fs::read_to_string(fixture("qemu-7.2-qmp-schema.json")).unwrap();
    let truncated = temp_path("bad-reply", "truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 3]).unwrap();
    let error = fails(&["ir", truncated.to_str().unwrap()]);
    assert!(
        error.contains("truncated.json:1:") && error.contains("not JSON"),
        "{error}"
    );
    let unknown = temp_path("bad-reply", "unknown.json");
    std::fs::write(
        &unknown,
        text.replacen("\"meta-type\":\"enum\"", "\"meta-type\":\"flags\"", 1),
    )
    .unwrap();
    let error = fails(&["schema", unknown.to_str().unwrap(), "--out", "/nonexistent"]);
    assert!(error.contains("unknown meta-type \"flags\""), "{error}");
    assert!(error.contains("entry \""), "{error}");
}

/// A program (a shell script) standing in for QEMU.
fn fake_qemu(name: &str, script: &str) -> String {
    let path = temp_path("fake-qemu", name);
    std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("qemu:{}", path.display())
}

#[test]
fn a_program_that_is_not_qemu_is_an_error_and_never_left_running() {
    let error = fails(&["ir", "qemu:/no/such/qemu-system-x86_64"]);
    assert!(
        error.contains("cannot start /no/such/qemu-system-x86_64"),
        "{error}"
    );
    let error = fails(&["ir", &fake_qemu("true", "exit 3\n")]);
    assert!(error.contains("waiting for the QMP greeting"), "{error}");
    assert!(error.contains("exited with exit status: 3"), "{error}");
    let error = fails(&["ir", &fake_qemu("echo", "echo '{\"hello\": 1}'\nsleep 5\n")]);
    assert!(error.contains("not a QMP greeting"), "{error}");
    // One that never answers: timed out, and killed.
    let pid_file = temp_path("fake-qemu", "silent.pid");
    let _ = std::fs::remove_file(&pid_file);
    let silent = fake_qemu(
        "silent",
        &format!("echo $$ > {}\nexec sleep 60\n", pid_file.display()),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["ir", &silent])
        .env("QMP_TIMEOUT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let alive = Command::new("kill")
        .args(["-0", pid.trim()])
        .output()
        .unwrap();
    assert!(
        !alive.status.success(),
        "the silent program {pid} still runs"
    );
}

#[test]
fn a_qmp_error_is_an_error() {
    let qemu = fake_qemu(
        "no-introspection",
        r#"echo '{"QMP": {"version": {"qemu": {"major": 1, "minor": 2, "micro": 3}, "package": ""}, "capabilities": []}}'
while read line; do
  case "$line" in
    *qmp_capabilities*) echo '{"return": {}, "id": 1}';;
    *query-version*) echo '{"return": {"qemu": {"major": 1, "minor": 2, "micro": 3}, "package": ""}, "id": 2}';;
    *query-qmp-schema*) echo '{"error": {"class": "CommandNotFound", "desc": "The command query-qmp-schema has not been found"}, "id": 3}';;
  esac
done
"#,
    );
    let error = fails(&["diff", "qemu-7.2.0", &qemu]);
    assert!(
        error.contains("query-qmp-schema failed: The command query-qmp-schema has not been found (CommandNotFound)"),
        "{error}"
    );
    let error = fails(&["ir", "unix:/nonexistent/qmp.sock"]);
    assert!(
        error.contains("cannot connect to the QMP socket"),
        "{error}"
    );
}

/// `qemu-system-x86_64` on the PATH; with `QMP_LIVE=1` it must be there.
fn live_qemu(test: &str) -> Option<String> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("qemu-system-x86_64"))
        .find(|p| p.is_file());
    match found {
        Some(path) => Some(path.to_string_lossy().into_owned()),
        None if std::env::var("QMP_LIVE").as_deref() == Ok("1") => {
            panic!("QMP_LIVE=1 but qemu-system-x86_64 is not on the PATH")
        }
        None => {
            eprintln!("SKIPPED {test}: qemu-system-x86_64 is not on the PATH");
            None
        }
    }
}

/// A QEMU listening on a socket: killed when dropped.
struct Listening(std::process::Child, PathBuf);

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

#[test]
fn live_qemu_works_in_every_command() {
    let Some(qemu) = live_qemu("live_qemu_works_in_every_command") else {
        return;
    };
    let program = format!("qemu:{qemu}");
    let ir: Value = serde_json::from_slice(&ok(&["ir", &program]).stdout).unwrap();
    assert!(
        ir["title"]
            .as_str()
            .unwrap()
            .starts_with("query-qmp-schema of QEMU ")
    );
    ok(&["lint", &program]);
    let out = temp_path("live", "schema");
    ok(&["schema", &program, "--out", out.to_str().unwrap()]);
    assert!(out.join("SHUTDOWN.json").is_file());
    let socket = temp_path("live", "qmp.sock");
    let _ = std::fs::remove_file(&socket);
    let child = Command::new(&qemu)
        .args([
            "-machine",
            "none",
            "-nodefaults",
            "-display",
            "none",
            "-S",
            "-qmp",
        ])
        .arg(format!("unix:{},server=on,wait=off", socket.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _running = Listening(child, socket.clone());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !socket.exists() {
        assert!(std::time::Instant::now() < deadline, "no socket");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let unix = format!("unix:{}", socket.display());
    // The Debian 7.2 binary against its release, and against itself.
    assert_only_absent_from_build("qemu-7.2.0", &unix);
    let diff = ok(&["diff", &unix, &program, "--format", "json"]);
    let report: Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(report["changes"], Value::Array(vec![]));
    assert!(
        report["old"].as_str().unwrap().starts_with("QEMU 7.2."),
        "{}",
        report["old"]
    );
}
