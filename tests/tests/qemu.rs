//! Conformance against a real QEMU: the events a QEMU 7.2 emits decode with
//! the generated types and pass the JSON Schemas.
//!
//! The live test drives `qemu-system-x86_64` (no guest) through QMP and
//! records every event. Where QEMU is missing it says it was skipped and
//! why; with `QMP_LIVE=1` (as in CI) it fails instead. Each session's
//! stream is kept in `tests/fixtures/` (`qemu-7.2-events.jsonl`,
//! `qemu-7.2-jobs-events.jsonl`), so the decode and schema checks run
//! everywhere; `QMP_RECORD=PATH` and `QMP_RECORD_JOBS=PATH` write new
//! recordings.

use qmp_spec::QemuVersion;
use qmp_tests::live::{
    Binaries, Qemu, StreamReport, binaries_or_skip, check_stream, check_stream_against,
    find_binaries_in, qemu_img, summarize, vnc_handshake,
};
use serde_json::{Value, json};

/// A recording's lines (`qmp_tests::QEMU_7_2_RECORDINGS`: the first
/// session; the second, with jobs, hot-unplug, NBD, migration and dump).
fn recording(index: usize) -> Vec<String> {
    qmp_tests::fixture(qmp_tests::QEMU_7_2_RECORDINGS[index])
        .lines()
        .map(str::to_string)
        .collect()
}

/// Each event was recorded at least so many times.
fn assert_counts(report: &StreamReport, expected: &[(&str, usize)]) {
    for &(event, at_least) in expected {
        let count = report.counts.get(event).copied().unwrap_or(0);
        assert!(
            count >= at_least,
            "{event}: {count} recorded, expected at least {at_least}: {:?}",
            report.counts
        );
    }
}

/// What the second session's stream must show: every event typed.
fn assert_jobs_session_conforms(report: &StreamReport) {
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    assert_counts(
        report,
        &[
            ("JOB_STATUS_CHANGE", 6),
            ("BLOCK_JOB_READY", 1),
            ("BLOCK_JOB_PENDING", 1),
            ("BLOCK_JOB_COMPLETED", 1),
            ("DEVICE_DELETED", 1),
            ("BLOCK_EXPORT_DELETED", 1),
            ("MIGRATION", 3),
            ("MIGRATION_PASS", 1),
            ("STOP", 1),
            ("RESUME", 1),
            ("DUMP_COMPLETED", 1),
            ("SHUTDOWN", 1),
        ],
    );
}

#[test]
fn live_qemu_jobs_unplug_nbd_migration_and_dump_decode_typed() {
    let Some(binaries) =
        binaries_or_skip("live QEMU jobs session (the recorded fixture is still checked)")
    else {
        return;
    };
    let (version, events) = run_jobs_session(&binaries);
    if let Ok(path) = std::env::var("QMP_RECORD_JOBS") {
        std::fs::write(&path, events.join("\n") + "\n").expect("write recording");
    }
    let report = check_stream_against(&events, &revision(version));
    eprintln!("recorded: {:?}\ntyped: {:?}", report.counts, report.typed);
    assert_jobs_session_conforms(&report);
    summarize(version, &report);
}

#[test]
fn the_recorded_jobs_stream_decodes_typed_and_passes_the_schema() {
    let lines = recording(1);
    let report = check_stream(&lines);
    assert_jobs_session_conforms(&report);
    // SHUTDOWN of a QEMU 7.2 carries its cause, typed.
    let shutdown = lines
        .iter()
        .find(|l| l.contains("\"SHUTDOWN\""))
        .expect("SHUTDOWN");
    let message: qmp_events::Message = serde_json::from_str(shutdown).unwrap();
    let qmp_events::Event::Shutdown(Some(data)) = &message.event else {
        panic!("{message:?}")
    };
    assert_eq!(data.guest, Some(false));
    assert_eq!(data.reason, Some(qmp_events::ShutdownCause::HostQmpQuit));
}

/// A mirror with a finalize left pending, a USB device hot-unplugged, a
/// block node exported over NBD, a migration to a file and a memory dump.
fn run_jobs_session(binaries: &Binaries) -> (QemuVersion, Vec<String>) {
    let mut qemu = Qemu::start_with(
        &binaries.qemu,
        &[
            "-m",
            "32",
            "-device",
            "qemu-xhci,id=xhci",
            "-device",
            "usb-tablet,id=tablet0,bus=xhci.0",
        ],
    );
    let dir = qemu.dir.clone();
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();

    qemu.execute("qmp_capabilities", Value::Null);
    let version = qemu.version();
    qemu.execute("cont", Value::Null);
    qemu.wait_for("RESUME", Value::Null);

    // A mirror whose finalize waits for the client.
    std::fs::write(file("source.raw"), vec![0x5a; 1 << 20]).expect("source image");
    qemu_img(
        &binaries.qemu_img,
        &["create", "-q", "-f", "raw", &file("target.raw"), "1M"],
    );
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "source", "file": { "driver": "file", "filename": file("source.raw") } }));
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "target", "file": { "driver": "file", "filename": file("target.raw") } }));
    qemu.execute(
        "blockdev-mirror",
        json!({ "job-id": "mirror0", "device": "source", "target": "target", "sync": "full", "auto-finalize": false, "auto-dismiss": false }),
    );
    qemu.wait_for("BLOCK_JOB_READY", json!({ "device": "mirror0" }));
    qemu.execute("block-job-complete", json!({ "device": "mirror0" }));
    qemu.wait_for("BLOCK_JOB_PENDING", json!({ "id": "mirror0" }));
    qemu.execute("job-finalize", json!({ "id": "mirror0" }));
    qemu.wait_for("BLOCK_JOB_COMPLETED", json!({ "device": "mirror0" }));
    qemu.wait_for(
        "JOB_STATUS_CHANGE",
        json!({ "id": "mirror0", "status": "concluded" }),
    );
    qemu.execute("job-dismiss", json!({ "id": "mirror0" }));
    qemu.wait_for(
        "JOB_STATUS_CHANGE",
        json!({ "id": "mirror0", "status": "null" }),
    );

    // A USB device unplugged: no guest is asked.
    qemu.execute("device_del", json!({ "id": "tablet0" }));
    qemu.wait_for("DEVICE_DELETED", json!({ "device": "tablet0" }));

    // A block node exported over NBD, then the export removed.
    qemu.execute(
        "nbd-server-start",
        json!({ "addr": { "type": "unix", "data": { "path": file("nbd.sock") } } }),
    );
    qemu.execute(
        "block-export-add",
        json!({ "type": "nbd", "id": "export0", "node-name": "target" }),
    );
    qemu.execute("block-export-del", json!({ "id": "export0" }));
    qemu.wait_for("BLOCK_EXPORT_DELETED", json!({ "id": "export0" }));
    qemu.execute("nbd-server-stop", Value::Null);

    // A migration into a file, with its events.
    qemu.execute(
        "migrate-set-capabilities",
        json!({ "capabilities": [{ "capability": "events", "state": true }] }),
    );
    qemu.execute(
        "migrate",
        json!({ "uri": format!("exec:cat > {}", file("migration.bin")) }),
    );
    qemu.wait_for("MIGRATION", json!({ "status": "completed" }));
    qemu.wait_for("STOP", Value::Null);
    // QEMU refuses `cont` until it has finalized the migration.
    qemu.execute_when_ready("cont", Value::Null);
    qemu.wait_for("RESUME", Value::Null);

    // A memory dump in the background.
    qemu.execute(
        "dump-guest-memory",
        json!({ "paging": false, "protocol": format!("file:{}", file("memory.dump")), "detach": true }),
    );
    qemu.wait_for("DUMP_COMPLETED", Value::Null);
    (version, qemu.quit())
}

/// What every stream of this session must show.
fn assert_conforms(report: &StreamReport) {
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_counts(
        report,
        &[
            ("RESUME", 2),
            ("STOP", 1),
            ("RESET", 1),
            ("DEVICE_TRAY_MOVED", 2),
            ("BLOCK_JOB_COMPLETED", 2),
            ("BLOCK_JOB_READY", 1),
            ("BLOCK_JOB_CANCELLED", 1),
            ("VNC_CONNECTED", 1),
            ("VNC_INITIALIZED", 1),
            ("VNC_DISCONNECTED", 1),
            ("POWERDOWN", 1),
            ("SHUTDOWN", 1),
            ("JOB_STATUS_CHANGE", 1),
            ("NETDEV_STREAM_CONNECTED", 2),
            ("NETDEV_STREAM_DISCONNECTED", 2),
        ],
    );
    // Every event is typed: the QAPI era documents JOB_STATUS_CHANGE.
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
}

#[test]
fn live_qemu_events_decode_and_pass_the_schemas() {
    let Some(binaries) = binaries_or_skip("live QEMU test (the recorded fixture is still checked)")
    else {
        return;
    };
    let (version, events) = run_session(&binaries);
    if let Ok(path) = std::env::var("QMP_RECORD") {
        std::fs::write(&path, events.join("\n") + "\n").expect("write recording");
    }
    let report = check_stream_against(&events, &revision(version));
    eprintln!(
        "recorded: {:?}\ntyped: {:?}\nunknown: {:?}",
        report.counts, report.typed, report.unknown
    );
    assert_conforms(&report);
    summarize(version, &report);
}

/// Drives QEMU through the session of the issue; returns its version and
/// every event line.
fn run_session(binaries: &Binaries) -> (QemuVersion, Vec<String>) {
    let mut qemu = Qemu::start(&binaries.qemu);
    let dir = qemu.dir.clone();
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();

    qemu.execute("qmp_capabilities", Value::Null);
    let version = qemu.version();
    qemu.execute("cont", Value::Null);
    qemu.wait_for("RESUME", Value::Null);
    qemu.execute("stop", Value::Null);
    qemu.wait_for("STOP", Value::Null);
    qemu.execute("cont", Value::Null);
    qemu.execute("system_reset", Value::Null);
    qemu.wait_for("RESET", Value::Null);

    qemu.execute("blockdev-open-tray", json!({ "id": "cdrom0" }));
    qemu.wait_for("DEVICE_TRAY_MOVED", json!({ "tray-open": true }));
    qemu.execute("blockdev-close-tray", json!({ "id": "cdrom0" }));
    qemu.wait_for("DEVICE_TRAY_MOVED", json!({ "tray-open": false }));

    // block-stream into a qcow2 overlay of a qcow2 base.
    qemu_img(
        &binaries.qemu_img,
        &["create", "-q", "-f", "qcow2", &file("base.qcow2"), "4M"],
    );
    qemu_img(
        &binaries.qemu_img,
        &[
            "create",
            "-q",
            "-f",
            "qcow2",
            "-b",
            &file("base.qcow2"),
            "-F",
            "qcow2",
            &file("overlay.qcow2"),
        ],
    );
    qemu.execute("blockdev-add", json!({ "driver": "qcow2", "node-name": "overlay", "file": { "driver": "file", "filename": file("overlay.qcow2") } }));
    qemu.execute(
        "block-stream",
        json!({ "job-id": "stream0", "device": "overlay" }),
    );
    qemu.wait_for("BLOCK_JOB_COMPLETED", json!({ "device": "stream0" }));

    // A mirror left to become ready, then completed.
    std::fs::write(file("source.raw"), vec![0x5a; 4 << 20]).expect("source image");
    qemu_img(
        &binaries.qemu_img,
        &["create", "-q", "-f", "raw", &file("target.raw"), "4M"],
    );
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "source", "file": { "driver": "file", "filename": file("source.raw") } }));
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "target", "file": { "driver": "file", "filename": file("target.raw") } }));
    qemu.execute(
        "blockdev-mirror",
        json!({ "job-id": "mirror0", "device": "source", "target": "target", "sync": "full" }),
    );
    qemu.wait_for("BLOCK_JOB_READY", json!({ "device": "mirror0" }));
    qemu.execute("block-job-complete", json!({ "device": "mirror0" }));
    qemu.wait_for("BLOCK_JOB_COMPLETED", json!({ "device": "mirror0" }));

    // A slow mirror cancelled before it is ready.
    std::fs::write(file("slow.raw"), vec![0xa5; 16 << 20]).expect("slow image");
    qemu_img(
        &binaries.qemu_img,
        &["create", "-q", "-f", "raw", &file("slow-target.raw"), "16M"],
    );
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "slow", "file": { "driver": "file", "filename": file("slow.raw") } }));
    qemu.execute("blockdev-add", json!({ "driver": "raw", "node-name": "slow-target", "file": { "driver": "file", "filename": file("slow-target.raw") } }));
    qemu.execute("blockdev-mirror", json!({ "job-id": "slow0", "device": "slow", "target": "slow-target", "sync": "full", "speed": 65536 }));
    qemu.execute("block-job-cancel", json!({ "device": "slow0" }));
    qemu.wait_for("BLOCK_JOB_CANCELLED", json!({ "device": "slow0" }));

    // An RFB handshake over loopback.
    let vnc = qemu.execute("query-vnc", Value::Null);
    let port: u16 = vnc["service"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("VNC port");
    assert_eq!(vnc["host"], "127.0.0.1");
    vnc_handshake(port);
    qemu.wait_for("VNC_CONNECTED", Value::Null);
    qemu.wait_for("VNC_INITIALIZED", Value::Null);
    qemu.wait_for("VNC_DISCONNECTED", Value::Null);

    // A network backend listening on a unix socket and on loopback TCP:
    // a peer connects and goes (NETDEV_STREAM_CONNECTED carries its address,
    // a SocketAddress union; QEMU 7.2 added the stream backend).
    let socket = file("net.sock");
    qemu.execute(
        "netdev_add",
        json!({ "type": "stream", "id": "net0", "server": true,
                "addr": { "type": "unix", "path": socket } }),
    );
    // QEMU listens once the backend is set up, just after it answers.
    let peer = retry(|| std::os::unix::net::UnixStream::connect(&socket));
    qemu.wait_for("NETDEV_STREAM_CONNECTED", json!({ "netdev-id": "net0" }));
    drop(peer);
    qemu.wait_for("NETDEV_STREAM_DISCONNECTED", json!({ "netdev-id": "net0" }));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    qemu.execute(
        "netdev_add",
        json!({ "type": "stream", "id": "net1", "server": true,
                "addr": { "type": "inet", "host": "127.0.0.1", "port": port.to_string() } }),
    );
    let peer = retry(|| std::net::TcpStream::connect(("127.0.0.1", port)));
    qemu.wait_for("NETDEV_STREAM_CONNECTED", json!({ "netdev-id": "net1" }));
    drop(peer);
    qemu.wait_for("NETDEV_STREAM_DISCONNECTED", json!({ "netdev-id": "net1" }));

    qemu.execute("system_powerdown", Value::Null);
    qemu.wait_for("POWERDOWN", Value::Null);
    (version, qemu.quit())
}

/// `connect` until it succeeds, for up to ten seconds.
fn retry<T>(connect: impl Fn() -> std::io::Result<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match connect() {
            Ok(connected) => return connected,
            Err(err) if std::time::Instant::now() > deadline => panic!("cannot connect: {err}"),
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// The history's revision for a live QEMU: the newest release not newer
/// than it; a QEMU newer than the history is a notice, an older one fails.
fn revision(version: QemuVersion) -> String {
    let history = qmp_tests::history();
    match qmp_tests::live::revision_for(&history, version) {
        Ok((name, notice)) => {
            if let Some(notice) = notice {
                eprintln!("{notice}");
            }
            name
        }
        Err(why) => panic!("{why}"),
    }
}

#[test]
fn the_recorded_stream_decodes_and_passes_the_schemas() {
    let report = check_stream(&recording(0));
    assert_conforms(&report);
}

/// The checks can fail: a documented member with the wrong type, and a
/// required member missing, are both rejected by decoding and by the schema.
#[test]
fn a_broken_copy_of_the_recording_is_rejected() {
    let lines = recording(0);
    let break_line = |event: &str, edit: &dyn Fn(&mut Value)| -> String {
        let line = lines
            .iter()
            .find(|l| l.contains(&format!("\"event\": \"{event}\"")))
            .expect(event);
        let mut value: Value = serde_json::from_str(line).unwrap();
        edit(&mut value);
        value.to_string()
    };
    let wrong_type = break_line("DEVICE_TRAY_MOVED", &|v| {
        v["data"]["tray-open"] = json!("yes")
    });
    let missing = break_line("BLOCK_JOB_COMPLETED", &|v| {
        v["data"].as_object_mut().unwrap().remove("len");
    });
    let wrong_nested = break_line("VNC_CONNECTED", &|v| {
        v["data"]["client"]["host"] = json!(127)
    });
    for broken in [&wrong_type, &missing, &wrong_nested] {
        assert!(
            serde_json::from_str::<qmp_events::Message>(broken).is_err(),
            "decodes: {broken}"
        );
        let report = check_stream(std::slice::from_ref(broken));
        assert!(
            report
                .failures
                .iter()
                .any(|f| f.contains("does not decode")),
            "{:?}",
            report.failures
        );
        assert!(
            report.failures.iter().any(|f| f.contains("fails schema/")),
            "{:?}",
            report.failures
        );
    }
}

/// A failed check in the middle of a session still kills QEMU and removes
/// its files.
#[test]
fn qemu_is_cleaned_up_when_a_check_fails() {
    let Some(binaries) = binaries_or_skip("QEMU clean-up test") else {
        return;
    };
    let seen = std::sync::Mutex::new(None);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut qemu = Qemu::start(&binaries.qemu);
        *seen.lock().unwrap() = Some((qemu.pid(), qemu.dir.clone()));
        qemu.execute("qmp_capabilities", Value::Null);
        qemu.execute("no-such-command", Value::Null);
    }));
    assert!(result.is_err(), "the failing command panics");
    let (pid, dir) = seen.lock().unwrap().clone().expect("started");
    assert!(!dir.exists(), "{} was left behind", dir.display());
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    assert!(
        status.is_empty() || status.contains("State:\tZ"),
        "QEMU {pid} still runs"
    );
}

/// A machine with QEMU but no `qemu-img` (Debian's qemu-system-x86 7.2 removes
/// a qemu-utils of another release) is told which program is missing.
#[test]
fn a_missing_program_is_named() {
    let dir = std::env::temp_dir().join(format!("qmp-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("qemu-system-x86_64");
    std::fs::write(&fake, "#!/bin/sh\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let only_qemu = find_binaries_in(dir.as_os_str()).unwrap_err();
    std::fs::remove_file(&fake).unwrap();
    let neither = find_binaries_in(dir.as_os_str()).unwrap_err();
    std::fs::remove_dir(&dir).unwrap();
    assert_eq!(only_qemu, "not on the PATH: qemu-img (Debian: qemu-utils)");
    assert_eq!(
        neither,
        "not on the PATH: qemu-system-x86_64 (Debian: qemu-system-x86), qemu-img (Debian: qemu-utils)"
    );
}

/// `target/debug/examples/NAME`, an example of the crate, which `cargo
/// test --workspace` builds (and `.ci/live-qemus` before its runs).
fn example_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    // target/debug/deps/qemu-HASH → target/debug/examples/NAME
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a target folder");
    let example = profile.join("examples").join(name);
    assert!(
        example.is_file(),
        "{} is missing: `cargo build -p qmp-events --all-features --examples` builds it",
        example.display()
    );
    example
}

/// Kills an example on every way out.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs an example on `socket`, and its stdout's lines as they come.
fn run_example(
    name: &str,
    socket: &std::path::Path,
) -> (Running, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut running = Running(
        Command::new(example_binary(name))
            .arg(socket)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the example starts"),
    );
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = running.0.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (running, received)
}

/// The crate's example client against a live QEMU: it connects to a second
/// QMP socket, negotiates, and prints each event typed, with the revision
/// matched to the greeting, while this test drives QEMU on the first.
#[test]
fn live_watch_example_prints_each_event_typed() {
    use std::time::Duration;

    let Some(binaries) = binaries_or_skip("live test of examples/watch.rs") else {
        return;
    };
    let socket = std::env::temp_dir().join(format!("qmp-watch-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let spec = format!("unix:{},server=on,wait=off", socket.display());
    let mut qemu = Qemu::start_with(&binaries.qemu, &["-qmp", &spec]);
    qemu.execute("qmp_capabilities", Value::Null);
    let version = qemu.version();

    let (mut watch, received) = run_example("watch", &socket);
    let next = || {
        received
            .recv_timeout(Duration::from_secs(30))
            .expect("a line from the example within 30 s")
    };
    // Its first line says it has negotiated: events reach it from now on.
    let revision = revision(version);
    assert_eq!(
        next(),
        format!("watching QEMU {version}: revision {revision}")
    );
    qemu.execute("cont", Value::Null);
    qemu.wait_for("RESUME", Value::Null);
    qemu.execute("stop", Value::Null);
    qemu.wait_for("STOP", Value::Null);
    qemu.quit();
    let printed = [next(), next(), next()];
    let names: Vec<&str> = printed
        .iter()
        .map(|line| line.split_whitespace().nth(1).unwrap_or_default())
        .collect();
    assert_eq!(names, ["RESUME:", "STOP:", "SHUTDOWN:"], "{printed:#?}");
    assert!(printed[0].ends_with(": Resume"), "{}", printed[0]);
    assert!(printed[1].ends_with(": Stop"), "{}", printed[1]);
    assert!(printed[2].contains(": Shutdown("), "{}", printed[2]);
    // QEMU closed the connection: the example ends, and well.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = watch.0.try_wait().expect("the example's status") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the example still runs"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = watch.0.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(stderr, "");
    let _ = std::fs::remove_file(&socket);
}

/// The start-up queries of a management layer against the live QEMU: every
/// request passes its revision's `commands.json` and every return its
/// `returns.json` (`QMP_RECORD_RETURNS=PATH` records them, as
/// `tests/fixtures/qemu-*-returns.jsonl` were).
#[test]
fn live_query_battery_passes_the_command_bundles() {
    let Some(binaries) =
        binaries_or_skip("live query battery (the recorded returns are still checked)")
    else {
        return;
    };
    let mut qemu = Qemu::start(&binaries.qemu);
    qemu.execute("qmp_capabilities", Value::Null);
    let version = qemu.version();
    let lines = qmp_tests::live::query_battery(&mut qemu);
    qemu.quit();
    if let Ok(path) = std::env::var("QMP_RECORD_RETURNS") {
        std::fs::write(&path, lines.join("\n") + "\n").expect("write recording");
    }
    assert!(lines.len() >= 30, "{} of the battery answered", lines.len());
    let failures = qmp_tests::live::check_battery(&revision(version), &lines);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The typed client on a second QMP monitor of a live QEMU: typed
/// commands, every command of the battery sent as a request and its
/// return decoded typed (none `Unknown`), and the events of `cont` and
/// `stop` read typed.
#[test]
fn live_typed_client_sends_the_battery_and_reads_events() {
    use qmp_events::commands::{
        self, Cont, QueryBlock, QueryChardev, QueryCommands, QueryCpusFast, QueryMachines,
        QueryMigrateCapabilities, QueryNamedBlockNodes, QueryQmpSchema, QueryStatus, QueryVersion,
        Request, Return, Stop,
    };
    use qmp_events::{Client, ClientError, Event};

    let Some(binaries) = binaries_or_skip("live typed client") else {
        return;
    };
    let socket = std::env::temp_dir().join(format!(
        "qmp-typed-{}-{:?}.sock",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_file(&socket);
    let monitor = format!("unix:{},server=on,wait=off", socket.display());
    let mut qemu = Qemu::start_with(&binaries.qemu, &["-qmp", &monitor]);
    qemu.execute("qmp_capabilities", Value::Null);
    let timeout = std::time::Duration::from_secs(30);
    let mut client = Client::connect_unix(&socket, timeout).expect("the typed client connects");
    let version = client.greeting().version;

    let reported = client.execute(&QueryVersion::new()).expect("query-version");
    assert_eq!(reported.qemu.major, i64::from(version.major));
    let status = client.execute(&QueryStatus::new()).expect("query-status");
    assert_eq!(status.status.as_str(), "prelaunch");
    assert!(
        !client
            .execute(&QueryCpusFast::new())
            .expect("cpus")
            .is_empty()
    );
    assert!(
        !client
            .execute(&QueryMachines::new())
            .expect("machines")
            .is_empty()
    );
    assert!(
        !client
            .execute(&QueryCommands::new())
            .expect("commands")
            .is_empty()
    );
    assert!(
        client
            .execute(&QueryQmpSchema::new())
            .expect("schema")
            .len()
            > 1000
    );
    client.execute(&QueryBlock::new()).expect("query-block");
    client.execute(&QueryNamedBlockNodes::new()).expect("nodes");
    client.execute(&QueryChardev::new()).expect("query-chardev");
    client
        .execute(&QueryMigrateCapabilities::new())
        .expect("capabilities");

    let mut decoded = 0;
    for &(name, arguments) in qmp_tests::live::QUERY_BATTERY {
        let arguments: Value = serde_json::from_str(arguments).expect("JSON");
        let request = Request {
            name: name.to_string(),
            arguments: arguments.as_object().cloned(),
            id: None,
            oob: false,
        };
        let checked = client.check(&request);
        let value = match client.request(request) {
            Ok(value) => value,
            // What this QEMU lacks (no TPM, an older QEMU).
            Err(ClientError::Qmp { .. }) => continue,
            Err(error) => panic!("{name}: {error}"),
        };
        // What QEMU ran passes the check against its own schema.
        checked.unwrap_or_else(|error| panic!("{name} ran on QEMU {version}: {error}"));
        match commands::decode_return(name, value.get()) {
            Ok(Return::Unknown { .. }) => panic!("{name} decodes as unknown"),
            Ok(_) => decoded += 1,
            Err(error) => panic!("{name} on QEMU {version}: {error}"),
        }
    }
    assert!(decoded >= 30, "{decoded} of the battery decoded typed");
    eprintln!("typed client, QEMU {version}: {decoded} returns of the battery decoded typed");

    client.execute(&Cont::new()).expect("cont");
    client.execute(&Stop::new()).expect("stop");
    let mut seen = Vec::new();
    while !seen.contains(&Event::Stop) {
        seen.push(client.next_event().expect("an event").event);
    }
    assert!(seen.contains(&Event::Resume), "{seen:?}");
    drop(client);
    qemu.quit();
    let _ = std::fs::remove_file(&socket);
}

/// Checking against the live QEMU's own schema (`Client::check`,
/// `execute_checked`) agrees with that QEMU: what the check refuses, QEMU
/// refuses, and what it passes, QEMU runs; the history's schema of its
/// release agrees too.
#[test]
fn live_check_agrees_with_qemu() {
    use qmp_events::commands::{QueryStatus, Request};
    use qmp_events::{Client, ClientError};

    let Some(binaries) = binaries_or_skip("live check") else {
        return;
    };
    let socket = std::env::temp_dir().join(format!("qmp-check-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let monitor = format!("unix:{},server=on,wait=off", socket.display());
    let mut qemu = Qemu::start_with(&binaries.qemu, &["-qmp", &monitor]);
    qemu.execute("qmp_capabilities", Value::Null);
    let mut client = Client::connect_unix(&socket, std::time::Duration::from_secs(30))
        .expect("the typed client connects");
    let version = client.greeting().version;
    let release = client.revision().and_then(|r| r.schema());
    let status = client
        .execute_checked(&QueryStatus::new())
        .expect("query-status, checked");
    assert_eq!(status.status.as_str(), "prelaunch");
    let commands = client.schema().expect("the QEMU's schema").commands().len();

    // (request, whether QEMU runs it): none changes what the others do.
    let cases: &[(&str, bool)] = &[
        (r#"{"execute": "query-status"}"#, true),
        (r#"{"execute": "query-block"}"#, true),
        (
            r#"{"execute": "query-command-line-options", "arguments": {"option": "machine"}}"#,
            true,
        ),
        (
            r#"{"execute": "migrate-set-parameters", "arguments": {"throttle-trigger-threshold": 50}}"#,
            true,
        ),
        (r#"{"execute": "querry-status"}"#, false),
        (
            r#"{"execute": "query-status", "arguments": {"verbose": true}}"#,
            false,
        ),
        (r#"{"execute": "device_del"}"#, false),
        (
            r#"{"execute": "device_del", "arguments": {"id": 1}}"#,
            false,
        ),
        (
            r#"{"execute": "query-command-line-options", "arguments": {"option": 7}}"#,
            false,
        ),
        (
            r#"{"execute": "blockdev-add", "arguments": {"driver": "nope", "node-name": "n"}}"#,
            false,
        ),
        (
            r#"{"execute": "blockdev-add", "arguments": {"driver": "null-co", "node-name": "n", "size": "1"}}"#,
            false,
        ),
        (
            r#"{"execute": "migrate-set-parameters", "arguments": {"throttle-trigger-threshold": 1.5}}"#,
            false,
        ),
        (
            r#"{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"capability": "events"}]}}"#,
            false,
        ),
        (
            r#"{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"capability": "nope", "state": true}]}}"#,
            false,
        ),
    ];
    for &(line, runs) in cases {
        let request: Request = line.parse().expect("a request");
        let checked = client.check(&request);
        let history = release.map(|schema| schema.check(&request));
        let answered = client.request(request);
        match (&checked, &answered) {
            (Ok(_), Ok(_)) | (Err(ClientError::Check(_)), Err(ClientError::Qmp { .. })) => {}
            _ => panic!("QEMU {version}: {line}\n  check: {checked:?}\n  QEMU: {answered:?}"),
        }
        assert_eq!(
            answered.is_ok(),
            runs,
            "QEMU {version}: {line}: {answered:?}"
        );
        if let Some(history) = history {
            assert_eq!(history.is_ok(), runs, "qemu history, {line}: {history:?}");
        }
    }
    eprintln!(
        "check, QEMU {version}: {} requests, as QEMU answered ({commands} commands)",
        cases.len()
    );
    drop(client);
    qemu.quit();
    let _ = std::fs::remove_file(&socket);
}

/// The crate's typed client example against a live QEMU: its status, block
/// devices and CPUs asked typed, then the events of `cont` and `stop`.
#[test]
fn live_client_example_queries_typed_and_prints_events() {
    use std::time::Duration;

    let Some(binaries) = binaries_or_skip("live test of examples/client.rs") else {
        return;
    };
    let socket = std::env::temp_dir().join(format!("qmp-client-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let spec = format!("unix:{},server=on,wait=off", socket.display());
    let cdrom = ["-device", "ide-cd,id=cdrom0,bus=ide.1"];
    let mut qemu = Qemu::start_with(&binaries.qemu, &["-qmp", &spec, cdrom[0], cdrom[1]]);
    qemu.execute("qmp_capabilities", Value::Null);
    let version = qemu.version();
    let (_client, received) = run_example("client", &socket);
    let next = || {
        received
            .recv_timeout(Duration::from_secs(30))
            .expect("a line from the example within 30 s")
    };
    assert_eq!(
        next(),
        format!("QEMU {version}: revision {}", revision(version))
    );
    assert_eq!(next(), "status: prelaunch (running: false)");
    let mut printed = Vec::new();
    loop {
        let line = next();
        if line == "watching events" {
            break;
        }
        printed.push(line);
    }
    // The CD-ROM drive, empty.
    assert!(
        printed
            .iter()
            .any(|l| l.starts_with("block ") && l.ends_with(" (no medium)")),
        "{printed:?}"
    );
    assert!(
        printed.iter().any(|l| l.starts_with("cpu: X8664(")),
        "{printed:?}"
    );
    qemu.execute("cont", Value::Null);
    qemu.wait_for("RESUME", Value::Null);
    qemu.execute("stop", Value::Null);
    qemu.wait_for("STOP", Value::Null);
    assert_eq!(next(), "event RESUME");
    assert_eq!(next(), "event STOP");
    qemu.quit();
    let _ = std::fs::remove_file(&socket);
}

/// The client over tokio on a second QMP monitor of a live QEMU: typed
/// commands, and the events of `cont` and `stop` as a `Stream`.
#[test]
fn live_async_client_queries_typed_and_streams_events() {
    use qmp_events::commands::{Cont, QueryCpusFast, QueryStatus, Stop};
    use qmp_events::{AsyncClient, ClientError, Event};

    let Some(binaries) = binaries_or_skip("live async client") else {
        return;
    };
    let socket = std::env::temp_dir().join(format!("qmp-async-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let monitor = format!("unix:{},server=on,wait=off", socket.display());
    let mut qemu = Qemu::start_with(&binaries.qemu, &["-qmp", &monitor]);
    qemu.execute("qmp_capabilities", Value::Null);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let events = runtime.block_on(async {
        let stream = tokio::net::UnixStream::connect(&socket)
            .await
            .map_err(ClientError::Io)?;
        let mut client = AsyncClient::connect(stream).await?;
        client.set_timeout(Some(std::time::Duration::from_secs(30)));
        let status = client.execute_checked(&QueryStatus::new()).await?;
        assert_eq!(status.status.as_str(), "prelaunch");
        assert!(
            !client
                .execute_checked(&QueryCpusFast::new())
                .await?
                .is_empty()
        );
        client.execute(&Cont::new()).await?;
        client.execute(&Stop::new()).await?;
        let mut events = client.into_events();
        let mut seen = Vec::new();
        while !seen.contains(&Event::Stop) {
            let next = std::future::poll_fn(|context| {
                futures_core::Stream::poll_next(std::pin::Pin::new(&mut events), context)
            })
            .await;
            seen.push(next.expect("an event")?.event);
        }
        Ok::<_, ClientError>(seen)
    });
    qemu.quit();
    let _ = std::fs::remove_file(&socket);
    let events = events.expect("the async session");
    assert!(events.contains(&Event::Resume), "{events:?}");
}
