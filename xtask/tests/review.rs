//! Reviewing a QEMU patch to `qapi/`: a git repository made here holds a
//! small QEMU tree and one commit of each kind a reviewer meets (a return
//! member removed; an argument added as required; an event added; a member
//! added to a struct two events and a command's arguments share; an enum
//! value added to an enumeration an event, a command's return and another
//! command's arguments use; a union branch added; a member made optional;
//! a documentation change). `cargo xtask diff DIR@BASE DIR@HEAD` must name
//! every event and command each commit changes, each classified at its
//! place (what a client reads, or what it sends), with the type it passes
//! through and the line of the definition; the three formats are golden files; `--fail-on` exits 2 at
//! its class or worse; and the GitHub workflow of `docs/qapi-review.yml`
//! runs as written.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TOP: &str = "\
# -*- Mode: Python -*-
#
# The QMP schema of a small QEMU.

{ 'include': 'sockets.json' }
{ 'include': 'migration.json' }
{ 'include': 'net.json' }
";

const SOCKETS: &str = "\
# -*- Mode: Python -*-

##
# = Socket data types
##

##
# @InetSocketAddress:
#
# Captures a socket address in the network.
#
# @host: host part of the address
#
# @port: port part of the address
#
# @keep-alive: enable keep-alive
#
# Since: 1.3
##
{ 'struct': 'InetSocketAddress',
  'data': {
    'host': 'str',
    'port': 'str',
    '*keep-alive': 'bool' } }

##
# @UnixSocketAddress:
#
# A local socket address.
#
# @path: filesystem path to use
#
# Since: 1.3
##
{ 'struct': 'UnixSocketAddress',
  'data': {
    'path': 'str' } }

##
# @SocketAddressType:
#
# Available SocketAddress types
#
# @inet: Internet address
#
# @unix: Unix domain socket
#
# Since: 2.9
##
{ 'enum': 'SocketAddressType',
  'data': [ 'inet', 'unix' ] }

##
# @SocketAddress:
#
# Captures the address of a socket, which could also be a socket file
# descriptor
#
# @type: Transport type
#
# Since: 2.9
##
{ 'union': 'SocketAddress',
  'base': { 'type': 'SocketAddressType' },
  'discriminator': 'type',
  'data': { 'inet': 'InetSocketAddress',
            'unix': 'UnixSocketAddress' } }
";

const MIGRATION: &str = "\
# -*- Mode: Python -*-

##
# = Migration
##

##
# @MigrationStatus:
#
# An enumeration of migration status.
#
# @none: no migration has ever happened.
#
# @active: in the process of doing migration.
#
# @completed: migration is finished.
#
# Since: 2.3
##
{ 'enum': 'MigrationStatus',
  'data': [ 'none', 'active', 'completed' ] }

##
# @MIGRATION:
#
# Emitted when a migration event happens
#
# @status: @MigrationStatus describing the current migration status.
#
# Since: 2.4
##
{ 'event': 'MIGRATION',
  'data': { 'status': 'MigrationStatus' } }

##
# @MIGRATION_PASS:
#
# Emitted from the source side of a migration at the start of each
# pass
#
# @pass: An incrementing count (starting at 1 on the first pass)
#
# @error: why the pass stopped, if it did
#
# Since: 2.6
##
{ 'event': 'MIGRATION_PASS',
  'data': { 'pass': 'int', 'error': 'str' } }

##
# @MigrationInfo:
#
# Information about current migration process.
#
# @status: the migration's status
#
# @total-time: milliseconds since the migration started
#
# Since: 0.14
##
{ 'struct': 'MigrationInfo',
  'data': { 'status': 'MigrationStatus', 'total-time': 'int' } }

##
# @query-migrate:
#
# Returns information about current migration process.
#
# Since: 0.14
##
{ 'command': 'query-migrate', 'returns': 'MigrationInfo' }

##
# @migrate-continue:
#
# Continue migration when it's in a paused state.
#
# @state: The state the migration is currently expected to be in
#
# Since: 2.11
##
{ 'command': 'migrate-continue', 'data': { 'state': 'MigrationStatus' } }
";

const NET: &str = "\
# -*- Mode: Python -*-

##
# = Net devices
##

{ 'include': 'sockets.json' }

##
# @NETDEV_STREAM_CONNECTED:
#
# Emitted when the netdev stream backend is connected
#
# @netdev-id: QEMU netdev id that is connected
#
# @addr: The destination address
#
# Since: 7.2
##
{ 'event': 'NETDEV_STREAM_CONNECTED',
  'data': { 'netdev-id': 'str',
            'addr': 'SocketAddress' } }

##
# @NETDEV_STREAM_LISTENING:
#
# Emitted when the netdev stream backend listens
#
# @netdev-id: QEMU netdev id that listens
#
# @addr: The address listened on
#
# Since: 7.2
##
{ 'event': 'NETDEV_STREAM_LISTENING',
  'data': { 'netdev-id': 'str',
            'addr': 'SocketAddress' } }

##
# @netdev-stream-connect:
#
# Connects a stream netdev.
#
# @addr: The destination address
#
# Since: 7.2
##
{ 'command': 'netdev-stream-connect',
  'data': { 'addr': 'SocketAddress' } }
";

/// Each commit of the patch series: its message and its edits (file, text
/// replaced, replacement).
/// An edit: the file, the text replaced, its replacement.
type Edit = (&'static str, &'static str, &'static str);

const COMMITS: &[(&str, &[Edit])] = &[
    (
        "migration: query-migrate no longer returns total-time",
        &[(
            "qapi/migration.json",
            "'status': 'MigrationStatus', 'total-time': 'int' }",
            "'status': 'MigrationStatus' }",
        )],
    ),
    (
        "net: netdev-stream-connect takes the netdev's id",
        &[(
            "qapi/net.json",
            "  'data': { 'addr': 'SocketAddress' } }",
            "  'data': { 'id': 'str', 'addr': 'SocketAddress' } }",
        )],
    ),
    (
        "net: add NETDEV_STREAM_DISCONNECTED",
        &[(
            "qapi/net.json",
            "##\n# @NETDEV_STREAM_LISTENING:",
            "##\n# @NETDEV_STREAM_DISCONNECTED:\n#\n\
             # Emitted when the netdev stream backend is disconnected\n#\n\
             # @netdev-id: QEMU netdev id that is disconnected\n#\n# Since: 7.2\n##\n\
             { 'event': 'NETDEV_STREAM_DISCONNECTED',\n  'data': { 'netdev-id': 'str' } }\n\n\
             ##\n# @NETDEV_STREAM_LISTENING:",
        )],
    ),
    (
        "sockets: add keep-alive-count",
        &[(
            "qapi/sockets.json",
            "    '*keep-alive': 'bool' } }",
            "    '*keep-alive': 'bool',\n    '*keep-alive-count': 'uint32' } }",
        )],
    ),
    (
        "migration: add the failing status",
        &[(
            "qapi/migration.json",
            "'active', 'completed' ]",
            "'active', 'completed', 'failing' ]",
        )],
    ),
    (
        "sockets: add the fd branch",
        &[
            (
                "qapi/sockets.json",
                "  'data': [ 'inet', 'unix' ] }",
                "  'data': [ 'inet', 'unix', 'fd' ] }",
            ),
            (
                "qapi/sockets.json",
                "            'unix': 'UnixSocketAddress' } }",
                "            'unix': 'UnixSocketAddress',\n            'fd': 'FdSocketAddress' } }",
            ),
            (
                "qapi/sockets.json",
                "##\n# @SocketAddressType:",
                "##\n# @FdSocketAddress:\n#\n# A file descriptor name or number.\n#\n\
                 # @str: decimal file descriptor number\n#\n# Since: 1.2\n##\n\
                 { 'struct': 'FdSocketAddress',\n  'data': {\n    'str': 'str' } }\n\n\
                 ##\n# @SocketAddressType:",
            ),
        ],
    ),
    (
        "migration: the error of a pass is optional",
        &[(
            "qapi/migration.json",
            "'pass': 'int', 'error': 'str' }",
            "'pass': 'int', '*error': 'str' }",
        )],
    ),
    (
        "migration: reword MIGRATION",
        &[(
            "qapi/migration.json",
            "# Emitted when a migration event happens\n",
            "# Emitted whenever the migration status changes\n",
        )],
    ),
];

/// The repository: a base commit, then one per entry of [`COMMITS`]. Made
/// once per test process (in its own temporary folder), with fixed dates
/// so that the commits are the same everywhere.
fn repository() -> PathBuf {
    static REPO: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    REPO.get_or_init(make_repository).clone()
}

fn make_repository() -> PathBuf {
    let parent = common::temp_path("review", "");
    let repo = parent.join("qemu");
    let _ = std::fs::remove_dir_all(&repo);
    let staging = parent.join("qemu.tmp");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(staging.join("qapi")).unwrap();
    for (file, text) in [
        ("VERSION", "11.2.50\n"),
        ("qapi/qapi-schema.json", TOP),
        ("qapi/sockets.json", SOCKETS),
        ("qapi/migration.json", MIGRATION),
        ("qapi/net.json", NET),
    ] {
        std::fs::write(staging.join(file), text).unwrap();
    }
    git(&staging, &["init", "-q", "-b", "master"]);
    git(&staging, &["add", "."]);
    git(&staging, &["commit", "-q", "-m", "base"]);
    git(&staging, &["tag", "base"]);
    for (message, edits) in COMMITS {
        for (file, from, to) in *edits {
            let path = staging.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{message}: {file} lacks {from:?}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        }
        git(&staging, &["commit", "-q", "-a", "-m", message]);
    }
    std::fs::rename(&staging, &repo).unwrap();
    repo
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_NAME", "A Reviewer")
        .env("GIT_AUTHOR_EMAIL", "reviewer@example.org")
        .env("GIT_AUTHOR_DATE", "2026-12-01T12:00:00Z")
        .env("GIT_COMMITTER_NAME", "A Reviewer")
        .env("GIT_COMMITTER_EMAIL", "reviewer@example.org")
        .env("GIT_COMMITTER_DATE", "2026-12-01T12:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `cargo xtask diff` run beside the repository, so that it is named
/// `qemu@REV` in the reports.
fn diff(old: &str, new: &str, extra: &[&str]) -> Output {
    let repo = repository();
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(repo.parent().unwrap())
        .args(["diff", &format!("qemu@{old}"), &format!("qemu@{new}")])
        .args(extra)
        .output()
        .expect("xtask runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The changes of one commit: `EVENT member kind via file:line` each.
fn commit_changes(n: usize) -> Vec<String> {
    let rev = format!("master~{}", COMMITS.len() - 1 - n);
    let parent = format!("{rev}~1");
    let report: Value =
        serde_json::from_str(&stdout(&diff(&parent, &rev, &["--format", "json"]))).expect("JSON");
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let value = c.get("value").and_then(Value::as_str).unwrap_or("");
            format!(
                "{} {} {}{} {} {} via={} at={}:{}",
                c["event"].as_str().unwrap(),
                c["member"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
                if value.is_empty() {
                    String::new()
                } else {
                    format!("={value}")
                },
                c["class"].as_str().unwrap(),
                c["semver"].as_str().unwrap(),
                c["via"].as_str().unwrap_or("-"),
                c["location"]["file"].as_str().unwrap_or("-"),
                c["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The line of `needle` in `file` at the head of the repository.
fn line_of(file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(repository().join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{file} lacks {needle:?}"))
        + 1
}

#[test]
fn every_commit_names_the_events_it_changes_through_the_types_it_edits() {
    let keep = line_of("qapi/sockets.json", "'*keep-alive-count'");
    let failing = line_of("qapi/migration.json", "'failing'");
    let fd = line_of("qapi/sockets.json", "'fd': 'FdSocketAddress'");
    let fd_value = line_of("qapi/sockets.json", "'inet', 'unix', 'fd'");
    let error = line_of("qapi/migration.json", "'*error'");
    let migration = line_of("qapi/migration.json", "{ 'event': 'MIGRATION',");
    let disconnected = line_of("qapi/net.json", "{ 'event': 'NETDEV_STREAM_DISCONNECTED',");
    let info = line_of("qapi/migration.json", "{ 'struct': 'MigrationInfo',");
    // As the commit has it (a later commit adds an event above it).
    let connect = {
        let rev = format!("master~{}", COMMITS.len() - 2);
        let text = git(&repository(), &["show", &format!("{rev}:qapi/net.json")]);
        1 + text
            .lines()
            .position(|l| l.contains("{ 'command': 'netdev-stream-connect',"))
            .expect("the command")
    };
    let expected: [Vec<String>; 8] = [
        // What a client reads, gone: breaking. The base's line: the
        // definition as it was (a removal is located on the old side).
        vec![format!(
            "query-migrate returns.total-time member-removed breaking patch \
             via=MigrationInfo at=qapi/migration.json:{}",
            info + 1
        )],
        // What a client must now send: breaking.
        vec![format!(
            "netdev-stream-connect arguments.id member-added breaking patch \
             via=- at=qapi/net.json:{}",
            connect + 1
        )],
        vec![format!(
            "NETDEV_STREAM_DISCONNECTED  event-added compatible minor via=- at=qapi/net.json:{disconnected}"
        )],
        // A struct two events and a command's arguments share.
        ["NETDEV_STREAM_CONNECTED", "NETDEV_STREAM_LISTENING"]
            .map(|event| {
                format!(
                    "{event} addr.inet.keep-alive-count member-added compatible minor \
                     via=InetSocketAddress at=qapi/sockets.json:{keep}"
                )
            })
            .into_iter()
            .chain([format!(
                "netdev-stream-connect arguments.addr.inet.keep-alive-count member-added \
                 compatible patch via=InetSocketAddress at=qapi/sockets.json:{keep}"
            )])
            .collect(),
        // One enumeration, read by an event and a return (a client may
        // not know the value), sent as an argument (a client may send it).
        vec![
            format!(
                "MIGRATION status value-added=failing potentially-breaking minor \
                 via=MigrationStatus at=qapi/migration.json:{failing}"
            ),
            format!(
                "query-migrate returns.status value-added=failing potentially-breaking patch \
                 via=MigrationStatus at=qapi/migration.json:{failing}"
            ),
            format!(
                "migrate-continue arguments.state value-added=failing compatible patch \
                 via=MigrationStatus at=qapi/migration.json:{failing}"
            ),
        ],
        ["NETDEV_STREAM_CONNECTED", "NETDEV_STREAM_LISTENING"]
            .into_iter()
            .flat_map(|event| {
                [
                    format!(
                        "{event} addr.type value-added=fd potentially-breaking minor \
                         via=SocketAddressType at=qapi/sockets.json:{fd_value}"
                    ),
                    format!(
                        "{event} addr.fd branch-added compatible minor \
                         via=SocketAddress at=qapi/sockets.json:{fd}"
                    ),
                ]
            })
            .chain([
                format!(
                    "netdev-stream-connect arguments.addr.type value-added=fd compatible patch \
                     via=SocketAddressType at=qapi/sockets.json:{fd_value}"
                ),
                format!(
                    "netdev-stream-connect arguments.addr.fd branch-added compatible patch \
                     via=SocketAddress at=qapi/sockets.json:{fd}"
                ),
            ])
            .collect(),
        vec![format!(
            "MIGRATION_PASS error made-optional breaking major via=- at=qapi/migration.json:{error}"
        )],
        vec![format!(
            "MIGRATION  description-changed documentation patch via=- at=qapi/migration.json:{migration}"
        )],
    ];
    for (n, expected) in expected.iter().enumerate() {
        let mut found = commit_changes(n);
        found.sort();
        let mut expected = expected.clone();
        expected.sort();
        assert_eq!(found, expected, "commit {n}: {}", COMMITS[n].0);
    }
}

/// The report with the commits' ids (which depend on git's object format)
/// replaced.
fn golden(text: &str) -> String {
    let repo = repository();
    let mut text = text.to_string();
    for rev in ["base", "master"] {
        let id = git(&repo, &["rev-parse", rev]);
        text = text.replace(&id[..12], &format!("<{rev}>"));
    }
    text
}

#[test]
fn the_three_formats_are_golden() {
    let markdown = golden(&stdout(&diff("base", "master", &[])));
    insta::assert_snapshot!("review.md", markdown);
    let github = golden(&stdout(&diff("base", "master", &["--format", "github"])));
    insta::assert_snapshot!("review.github", github);
    let json = golden(&stdout(&diff("base", "master", &["--format", "json"])));
    insta::assert_snapshot!("review.json", json);
    // Documentation in full only when asked for.
    let full = stdout(&diff("master~1", "master", &["--docs", "full"]));
    assert!(
        full.contains("Emitted whenever the migration status changes"),
        "{full}"
    );
    let collapsed = stdout(&diff("master~1", "master", &[]));
    assert!(
        collapsed.contains("documentation only (patch): the description changed")
            && !collapsed.contains("Emitted whenever"),
        "{collapsed}"
    );
}

#[test]
fn fail_on_exits_2_at_its_class_or_worse() {
    let code = |old: &str, new: &str, class: &str| {
        diff(old, new, &["--format", "github", "--fail-on", class])
            .status
            .code()
    };
    // The whole series has a breaking change.
    assert_eq!(code("base", "master", "breaking"), Some(2));
    assert_eq!(code("base", "master", "potentially-breaking"), Some(2));
    // A value added is potentially breaking, not breaking.
    assert_eq!(code("master~4", "master~3", "breaking"), Some(0));
    assert_eq!(
        code("master~4", "master~3", "potentially-breaking"),
        Some(2)
    );
    // Documentation alone fails neither.
    assert_eq!(code("master~1", "master", "potentially-breaking"), Some(0));
    // The old spelling.
    let alias = diff("base", "master", &["--fail-on-breaking"]);
    assert_eq!(alias.status.code(), Some(2));
    // A usage error, as every command's.
    let bad = diff("base", "master", &["--fail-on", "everything"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--fail-on is breaking"));
}

/// The `run: |` block of the workflow's review step, as written.
fn workflow_script() -> String {
    let text = std::fs::read_to_string(common::project("docs/qapi-review.yml")).unwrap();
    let mut lines = text.lines().skip_while(|l| l.trim() != "run: |").skip(1);
    let first = lines.next().expect("a run block");
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(lines.take_while(|l| l.len() > indent && l[..indent].trim().is_empty()))
        .map(|l| format!("{}\n", &l[indent..]))
        .collect()
}

#[test]
fn the_github_workflow_runs_as_written() {
    let repo = repository();
    let script = workflow_script();
    assert!(script.contains("--fail-on breaking"), "{script}");
    let summary = common::temp_path("review", "summary.md");
    let _ = std::fs::remove_file(&summary);
    // `cargo xtask` is this build of it.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -e\ncargo() {{ [ \"$1\" = xtask ] && shift && \"$XTASK\" \"$@\"; }}\n{script}"
        ))
        .current_dir(common::project("."))
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("QEMU", &repo)
        .env("BASE_SHA", git(&repo, &["rev-parse", "base"]))
        .env("HEAD_SHA", git(&repo, &["rev-parse", "master"]))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("bash runs");
    // The series breaks a client: the job fails, after annotating.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert!(
        annotations.contains("::error file=qapi/migration.json,line="),
        "{annotations}"
    );
    assert!(
        annotations.contains("::warning file=qapi/sockets.json,line="),
        "{annotations}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("## QMP events and commands: ")
            && summary.contains("**3 breaking, 4 potentially breaking,"),
        "{summary}"
    );
}
