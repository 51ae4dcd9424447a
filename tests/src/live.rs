//! Checks of a recorded QMP event stream against the generated types and
//! schemas, and a small driver for a real QEMU.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use codegen::catalog::Catalog;
use serde_json::value::RawValue;
use serde_json::{Value, json};

/// What checking a stream found, by event name.
#[derive(Debug, Default)]
pub struct StreamReport {
    /// Events recorded, by name, with their count.
    pub counts: BTreeMap<String, usize>,
    /// The events that decoded into their own typed variant.
    pub typed: Vec<String>,
    /// Those that went to `Event::Unknown` (no revision documents them).
    pub unknown: Vec<String>,
    /// What failed: a documented event that did not decode into its
    /// variant, or did not pass its schema.
    pub failures: Vec<String>,
}

/// Decodes every line with the generated `Message`, and validates every
/// event against the schema of release 7.2.0, the QEMU of the recordings.
pub fn check_stream(lines: &[String]) -> StreamReport {
    check_stream_against(lines, "qemu-7.2.0")
}

/// The same, against the schema of `revision` (the history's revision for
/// the QEMU that sent the lines): every event must be one of its events
/// and fit its schema.
pub fn check_stream_against(lines: &[String], revision: &str) -> StreamReport {
    let history = crate::history();
    let views = codegen::Revision::all(&history);
    let catalog = Catalog::new(&views);
    let release = history
        .get(revision)
        .unwrap_or_else(|| panic!("{revision} in the history"));
    let bundle = codegen::schema::bundle(release.name(), &release.spec);
    let validator = jsonschema::validator_for(&bundle).expect("valid schema");
    let mut report = StreamReport::default();
    for line in lines {
        let json: Value = match serde_json::from_str(line) {
            Ok(json) => json,
            Err(err) => {
                report.failures.push(format!("not JSON ({err}): {line}"));
                continue;
            }
        };
        let name = json["event"].as_str().unwrap_or_default().to_string();
        *report.counts.entry(name.clone()).or_default() += 1;
        let documented = catalog.events.iter().find(|e| e.name == name);
        match serde_json::from_str::<qmp_events::Message>(line) {
            Ok(message) => match (&message.event, documented) {
                (qmp_events::Event::Unknown { .. }, None) => push_once(&mut report.unknown, &name),
                (qmp_events::Event::Unknown { .. }, Some(_)) => report
                    .failures
                    .push(format!("{name} decoded into Event::Unknown")),
                (_, _) => push_once(&mut report.typed, &name),
            },
            Err(err) => report
                .failures
                .push(format!("{name} does not decode: {err}: {line}")),
        }
        if release.spec.events().all(|(event, _)| event != name) {
            report
                .failures
                .push(format!("{name} is not an event of {revision}"));
        }
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        if !errors.is_empty() {
            report.failures.push(format!(
                "{name} fails schema/{revision}/events.json: {}",
                errors.join("; ")
            ));
        }
    }
    report
}

fn push_once(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

/// The QEMU programs the live tests run.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// `qemu-system-x86_64`.
    pub qemu: PathBuf,
    /// `qemu-img`, which makes the disk images of the block jobs.
    pub qemu_img: PathBuf,
}

/// Both programs on the PATH, or why not: the missing ones by name.
pub fn find_binaries() -> Result<Binaries, String> {
    find_binaries_in(&std::env::var_os("PATH").unwrap_or_default())
}

/// Both programs in the folders of `path` (a PATH value), or why not.
pub fn find_binaries_in(path: &std::ffi::OsStr) -> Result<Binaries, String> {
    let find = |name: &str| {
        std::env::split_paths(path)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    };
    match (find("qemu-system-x86_64"), find("qemu-img")) {
        (Some(qemu), Some(qemu_img)) => Ok(Binaries { qemu, qemu_img }),
        (qemu, qemu_img) => {
            let missing: Vec<&str> = [
                qemu.is_none()
                    .then_some("qemu-system-x86_64 (Debian: qemu-system-x86)"),
                qemu_img
                    .is_none()
                    .then_some("qemu-img (Debian: qemu-utils)"),
            ]
            .into_iter()
            .flatten()
            .collect();
            Err(format!("not on the PATH: {}", missing.join(", ")))
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The programs for a live test, or `None` after saying why the test is
/// skipped. With `QMP_LIVE=1` (as in CI) a missing program fails the test.
pub fn binaries_or_skip(test: &str) -> Option<Binaries> {
    match find_binaries() {
        Ok(binaries) => Some(binaries),
        Err(why) if std::env::var("QMP_LIVE").as_deref() == Ok("1") => {
            panic!("QMP_LIVE=1 but {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED {test}: {why}");
            None
        }
    }
}

/// A running QEMU with its QMP connection. Dropping it kills QEMU and
/// removes its files, on every way out (a failed assertion, a timeout).
pub struct Qemu {
    child: Child,
    pub dir: PathBuf,
    /// Every line QEMU sends goes through the crate's reader.
    reader: qmp_events::Reader<BufReader<UnixStream>>,
    writer: UnixStream,
    /// What QEMU's greeting said.
    pub greeting: Option<qmp_events::Greeting>,
    /// Every event line received, in order.
    pub events: Vec<String>,
    next_id: u64,
}

const TIMEOUT: Duration = Duration::from_secs(30);

impl Qemu {
    /// Starts QEMU with no guest: paused, no default devices, no display, a
    /// QMP socket in a temporary folder, VNC on 127.0.0.1 only, an empty
    /// IDE CD-ROM drive for the tray.
    pub fn start(binary: &Path) -> Qemu {
        Qemu::launch(
            binary,
            &[
                "-vnc",
                "127.0.0.1:0,to=99",
                "-device",
                "ide-cd,id=cdrom0,bus=ide.1",
            ],
        )
    }

    /// Starts QEMU as [`Qemu::start`] does, without VNC and devices: for a
    /// test that only asks QEMU questions, and may run beside another.
    pub fn start_bare(binary: &Path) -> Qemu {
        Qemu::launch(binary, &[])
    }

    /// Starts QEMU with these arguments besides the usual ones.
    pub fn start_with(binary: &Path, extra: &[&str]) -> Qemu {
        Qemu::launch(binary, extra)
    }

    fn launch(binary: &Path, extra: &[&str]) -> Qemu {
        let dir = std::env::temp_dir().join(format!("qmp-live-{}-{}", std::process::id(), nanos()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let socket = dir.join("qmp.sock");
        let child = Command::new(binary)
            .args(["-machine", "pc", "-nodefaults", "-display", "none", "-S"])
            .arg("-qmp")
            .arg(format!("unix:{},server=on,wait=off", socket.display()))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(dir.join("stderr.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .expect("qemu starts");
        // Connect as soon as the socket exists; the guard below cleans up.
        let deadline = Instant::now() + TIMEOUT;
        let stream = loop {
            match UnixStream::connect(&socket) {
                Ok(stream) => break stream,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(err) => {
                    let mut child = child;
                    let _ = child.kill();
                    let _ = child.wait();
                    let _ = std::fs::remove_dir_all(&dir);
                    panic!("no QMP socket after {TIMEOUT:?}: {err}");
                }
            }
        };
        stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        let writer = stream.try_clone().expect("socket");
        let mut qemu = Qemu {
            child,
            dir,
            reader: qmp_events::Reader::new(BufReader::new(stream)),
            writer,
            greeting: None,
            events: Vec::new(),
            next_id: 0,
        };
        match qemu.reader.next() {
            Some(Ok(qmp_events::ServerMessage::Greeting(greeting))) => {
                qemu.greeting = Some(greeting)
            }
            other => panic!("QEMU did not greet: {other:?}"),
        }
        qemu
    }

    /// What became of QEMU, when its connection broke: its exit status and
    /// what it wrote on stderr.
    fn why_gone(&mut self) -> String {
        std::thread::sleep(Duration::from_millis(100));
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("QEMU exited: {status}"),
            Ok(None) => "QEMU still runs".to_string(),
            Err(err) => format!("QEMU's status is unknown: {err}"),
        };
        let stderr = std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default();
        format!("{status}; its stderr: {:?}", stderr.trim())
    }

    /// Reads one message through the crate's reader (every line QEMU sends
    /// must decode: the greeting, returns, errors, events); keeps the line
    /// if it is an event. An event line that does not decode is kept too,
    /// for the stream's check to report; any other bad line fails.
    fn next_message(&mut self) -> Value {
        let decoded = match self.reader.next() {
            None => panic!("QMP closed the connection; {}", self.why_gone()),
            Some(decoded) => decoded,
        };
        let line = self.reader.line().to_string();
        let value: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        match decoded {
            Ok(qmp_events::ServerMessage::Event(_)) => self.events.push(line),
            Ok(_) => {}
            Err(_) if value.get("event").is_some() => self.events.push(line),
            Err(err) => panic!("the reader refused what QMP sent: {err}: {line:?}"),
        }
        value
    }

    /// Runs a command; panics on an error response.
    pub fn execute(&mut self, command: &str, arguments: Value) -> Value {
        match self.try_execute(command, arguments) {
            Ok(value) => value,
            Err(error) => panic!("{command} failed: {error}"),
        }
    }

    /// Runs a command until QEMU accepts it (it may refuse while it
    /// finishes something, as `cont` does right after a migration); panics
    /// on the last error after the timeout.
    pub fn execute_when_ready(&mut self, command: &str, arguments: Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.try_execute(command, arguments.clone()) {
                Ok(value) => return value,
                Err(error) if Instant::now() >= deadline => {
                    panic!("{command} still failed after {TIMEOUT:?}: {error}")
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// Runs a command: its return value, or QEMU's error.
    pub fn try_execute(&mut self, command: &str, arguments: Value) -> Result<Value, Value> {
        self.exchange(command, arguments)
            .map(|(reply, _)| reply["return"].clone())
    }

    /// Runs a command: its return value's JSON text exactly as QEMU wrote
    /// it (its members in QEMU's order, its spacing), or QEMU's error.
    pub fn try_execute_raw(
        &mut self,
        command: &str,
        arguments: Value,
    ) -> Result<Box<RawValue>, Value> {
        #[derive(serde::Deserialize)]
        struct Reply {
            #[serde(rename = "return")]
            returned: Box<RawValue>,
        }
        let (_, line) = self.exchange(command, arguments)?;
        let reply: Reply = serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("{command}'s reply has no return: {err}: {line:?}"));
        Ok(reply.returned)
    }

    /// Sends a command and reads until its reply: the reply, and its line
    /// as QEMU wrote it; QEMU's error as an error.
    fn exchange(&mut self, command: &str, arguments: Value) -> Result<(Value, String), Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut request = json!({ "execute": command, "id": id });
        if !arguments.is_null() {
            request["arguments"] = arguments;
        }
        // One write for the whole line: QEMU runs a command as soon as its
        // JSON closes, so after a `quit` a second write (the newline, as
        // `writeln!` makes it) can find QEMU gone (a broken pipe).
        let line = format!("{request}\n");
        if let Err(err) = self.writer.write_all(line.as_bytes()) {
            panic!("writing {command} to QMP: {err}; {}", self.why_gone());
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "no response to {command}");
            let message = self.next_message();
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    return Err(error.clone());
                }
                return Ok((message, self.reader.line().to_string()));
            }
        }
    }

    /// Waits for an event whose data matches `data` (a subset); returns it.
    pub fn wait_for(&mut self, event: &str, data: Value) -> Value {
        let matches = |line: &str| {
            let value: Value = serde_json::from_str(line).unwrap_or_default();
            value["event"] == event && subset(&data, &value["data"])
        };
        if let Some(line) = self.events.iter().find(|line| matches(line)) {
            return serde_json::from_str(line).unwrap_or_default();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(
                Instant::now() < deadline,
                "no {event} {data} within {TIMEOUT:?}"
            );
            let message = self.next_message();
            if message["event"] == event && subset(&data, &message["data"]) {
                return message;
            }
        }
    }

    /// QEMU's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What `query-version` says; the greeting said the same.
    pub fn version(&mut self) -> qmp_spec::QemuVersion {
        let answer = self.execute("query-version", Value::Null);
        let version = qmp_spec::QemuVersion::from_query_version(&answer)
            .expect("query-version gives a version")
            .0;
        let greeted = self.greeting.as_ref().map(|g| g.version);
        let asked = qmp_events::QemuVersion::new(version.major, version.minor, version.micro);
        assert_eq!(greeted, Some(asked), "the greeting's version");
        version
    }

    /// Sends `quit` and waits for QEMU to exit; returns the events.
    pub fn quit(mut self) -> Vec<String> {
        self.execute("quit", Value::Null);
        // The last events may follow the response; read to the end.
        let _ = self
            .reader
            .get_ref()
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(5)));
        while let Some(item) = self.reader.next() {
            let event = match item {
                Ok(message) => matches!(message, qmp_events::ServerMessage::Event(_)),
                Err(qmp_events::ReadError::Io { .. }) => break,
                Err(_) => self.reader.line().contains("\"event\""),
            };
            if event {
                self.events.push(self.reader.line().to_string());
            }
        }
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::mem::take(&mut self.events)
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn subset(want: &Value, have: &Value) -> bool {
    match (want, have) {
        (Value::Null, _) => true,
        (Value::Object(want), Value::Object(have)) => want
            .iter()
            .all(|(k, v)| have.get(k).is_some_and(|h| subset(v, h))),
        _ => want == have,
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Creates a disk image with `qemu-img`; a failure names the command and
/// what it printed.
pub fn qemu_img(binary: &Path, args: &[&str]) {
    let output = Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("{} could not be run: {err}", binary.display()));
    assert!(
        output.status.success(),
        "{} {args:?}: {}\n{}",
        binary.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Connects to a VNC server, does the RFB 3.8 handshake with no
/// authentication up to the server's init message, and hangs up.
pub fn vnc_handshake(port: u16) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("VNC connects");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    let mut version = [0u8; 12];
    stream.read_exact(&mut version).expect("RFB version");
    assert!(
        version.starts_with(b"RFB 003."),
        "{:?}",
        String::from_utf8_lossy(&version)
    );
    stream.write_all(b"RFB 003.008\n").expect("version");
    let mut count = [0u8; 1];
    stream.read_exact(&mut count).expect("security types");
    let mut types = vec![0u8; count[0] as usize];
    stream.read_exact(&mut types).expect("security types");
    assert!(types.contains(&1), "no 'None' security type: {types:?}");
    stream.write_all(&[1]).expect("security type");
    let mut result = [0u8; 4];
    stream.read_exact(&mut result).expect("security result");
    assert_eq!(result, [0, 0, 0, 0], "security failed");
    stream.write_all(&[1]).expect("client init (shared)");
    let mut init = [0u8; 24];
    stream.read_exact(&mut init).expect("server init");
    let name_length = u32::from_be_bytes([init[20], init[21], init[22], init[23]]) as usize;
    let mut name = vec![0u8; name_length];
    stream.read_exact(&mut name).expect("desktop name");
}

/// The history's revision for a QEMU of `version`: the newest release not
/// newer than it. `Err` for a QEMU older than every release (a failure);
/// for one newer than the newest, the newest with a notice that names the
/// command that adds it.
pub fn revision_for(
    history: &qmp_spec::history::History,
    version: qmp_spec::QemuVersion,
) -> Result<(String, Option<String>), String> {
    let releases: Vec<(qmp_spec::QemuVersion, &str)> = history
        .timeline()
        .into_iter()
        .filter(|r| r.is_release())
        .filter_map(|r| Some((r.id.version()?, r.name())))
        .collect();
    let newest = releases.iter().max().copied();
    match releases.iter().filter(|(v, _)| *v <= version).max() {
        None => Err(format!(
            "QEMU {version} is older than every release of the history ({})",
            releases.first().map_or("none", |(_, n)| n)
        )),
        Some((_, name)) => {
            // The crate answers the same at run time.
            let crate_says =
                qmp_events::Revision::for_qemu(version.major, version.minor, version.micro);
            assert_eq!(
                crate_says.map(|r| r.name()),
                Some(*name),
                "Revision::for_qemu({version})"
            );
            let notice = newest.filter(|(v, _)| *v < version).map(|(_, newest)| {
                format!(
                    "notice: QEMU {version} is newer than the history (its newest release is \
                     {newest}); add it with `cargo xtask import qemu:$(command -v \
                     qemu-system-x86_64)`"
                )
            });
            Ok((name.to_string(), notice))
        }
    }
}

/// Appends `live QEMU VERSION: N events, all typed` (or how many were not)
/// to the file `QMP_LIVE_SUMMARY` names, for `.ci/run` to print.
pub fn summarize(version: qmp_spec::QemuVersion, report: &StreamReport) {
    let Ok(path) = std::env::var("QMP_LIVE_SUMMARY") else {
        return;
    };
    let events: usize = report.counts.values().sum();
    let line = format!(
        "{version}\t{events}\t{}\n",
        report.unknown.len() + report.failures.len()
    );
    use std::io::Write as _;
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(line.as_bytes());
    }
}

/// A QEMU with no machine, listening on a QMP socket nobody has connected
/// to yet: for a client that connects by itself (`unix:PATH`). Dropping it
/// kills QEMU and removes its files.
pub struct Listening {
    child: Child,
    dir: PathBuf,
    pub socket: PathBuf,
}

impl Listening {
    /// Starts `binary` paused (`-S`) with `-machine none`, and waits until
    /// its socket exists.
    pub fn start(binary: &Path) -> Listening {
        let dir =
            std::env::temp_dir().join(format!("qmp-listen-{}-{}", std::process::id(), nanos()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let socket = dir.join("qmp.sock");
        let child = Command::new(binary)
            .args(["-machine", "none", "-nodefaults", "-display", "none", "-S"])
            .arg("-qmp")
            .arg(format!("unix:{},server=on,wait=off", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("qemu starts");
        let listening = Listening { child, dir, socket };
        let deadline = Instant::now() + TIMEOUT;
        while !listening.socket.exists() {
            assert!(Instant::now() < deadline, "no QMP socket after {TIMEOUT:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        listening
    }

    /// Whether QEMU still runs.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `query-*` commands a management layer runs at start-up, each with
/// its arguments: what the returns battery asks every live QEMU.
pub const QUERY_BATTERY: &[(&str, &str)] = &[
    ("query-version", "null"),
    ("query-status", "null"),
    ("query-name", "null"),
    ("query-uuid", "null"),
    ("query-kvm", "null"),
    ("query-target", "null"),
    ("query-machines", "null"),
    ("query-cpu-definitions", "null"),
    ("query-cpus-fast", "null"),
    ("query-hotpluggable-cpus", "null"),
    ("query-block", "null"),
    ("query-named-block-nodes", "null"),
    ("query-blockstats", "null"),
    ("query-block-jobs", "null"),
    ("query-jobs", "null"),
    ("query-chardev", "null"),
    ("query-chardev-backends", "null"),
    ("query-migrate", "null"),
    ("query-migrate-capabilities", "null"),
    ("query-migrate-parameters", "null"),
    ("query-memdev", "null"),
    ("query-memory-devices", "null"),
    ("query-memory-size-summary", "null"),
    ("query-iothreads", "null"),
    ("query-pci", "null"),
    ("query-vnc", "null"),
    ("query-vnc-servers", "null"),
    ("query-mice", "null"),
    ("query-display-options", "null"),
    ("query-fdsets", "null"),
    ("query-command-line-options", "null"),
    ("query-tpm-models", "null"),
    ("query-replay", "null"),
    ("query-acpi-ospm-status", "null"),
    ("query-commands", "null"),
    ("query-qmp-schema", "null"),
    ("qom-list-types", "{\"abstract\": true}"),
    ("qom-list", "{\"path\": \"/machine\"}"),
    (
        "query-cpu-model-expansion",
        "{\"type\": \"static\", \"model\": {\"name\": \"qemu64\"}}",
    ),
];

/// Runs [`QUERY_BATTERY`] on a started QEMU (what it has of it): each
/// command and its return as a JSON line
/// (`{"execute": ..., "arguments": ..., "return": ...}`, a
/// [`crate::RecordedReturn`]), the return exactly as QEMU wrote it; a
/// command QEMU answers with an error (no balloon, no TPM) is left out.
pub fn query_battery(qemu: &mut Qemu) -> Vec<String> {
    let commands = qemu.execute("query-commands", Value::Null);
    let has = |name: &str| {
        commands
            .as_array()
            .is_some_and(|list| list.iter().any(|c| c["name"] == name))
    };
    QUERY_BATTERY
        .iter()
        .filter(|(name, _)| has(name))
        .filter_map(|(name, arguments)| {
            let arguments: Value = serde_json::from_str(arguments).expect("the battery's JSON");
            let returned = qemu.try_execute_raw(name, arguments.clone()).ok()?;
            let line = crate::RecordedReturn {
                execute: name.to_string(),
                arguments: (!arguments.is_null()).then_some(arguments),
                returned,
            };
            Some(serde_json::to_string(&line).expect("a battery line"))
        })
        .collect()
}

/// What revision `revision`'s command bundles say of a battery's lines:
/// each request must pass `commands.json`, each return its command's
/// `$defs` entry of `returns.json`. The failures, each naming the command
/// and the JSON path.
pub fn check_battery(revision: &str, lines: &[String]) -> Vec<String> {
    let history = crate::history();
    let spec = &history
        .get(revision)
        .unwrap_or_else(|| panic!("{revision} in the history"))
        .spec;
    let bundles = crate::bundles::Bundles::new(revision, spec);
    let mut failures = Vec::new();
    for line in lines {
        let message: Value = serde_json::from_str(line).expect("a battery line");
        let name = message["execute"].as_str().unwrap_or_default();
        let mut request = json!({ "execute": name });
        if let Some(arguments) = message.get("arguments") {
            request["arguments"] = arguments.clone();
        }
        for error in bundles.request_errors(&request) {
            failures.push(format!(
                "{revision}: the request {request} fails commands.json: {error}"
            ));
        }
        for error in bundles.return_errors(name, &message["return"]) {
            failures.push(format!(
                "{revision}: the return of {name} fails returns.json: {error}"
            ));
        }
    }
    failures
}
