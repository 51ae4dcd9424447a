//! Just enough of a QMP client to ask a QEMU what it is: the greeting,
//! `qmp_capabilities`, `query-version` and `query-qmp-schema`, never a
//! command that changes the VM. Over a running QEMU's socket (`unix:PATH`),
//! or a QEMU this module starts (`qemu:PROGRAM`, with QMP on its standard
//! input and output, no machine, no devices, no display) and quits; that
//! QEMU is killed on every way out, a timeout or an error included.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The longest line read from QEMU: a `query-qmp-schema` reply is one line
/// of a few hundred KiB.
const MAX_LINE: u64 = 64 << 20;

/// What a QEMU said of itself.
#[derive(Debug, Clone)]
pub struct Answers {
    /// The greeting, `{"QMP": {...}}`.
    pub greeting: Value,
    /// The return of `query-version`.
    pub version: Value,
    /// The reply line of `query-qmp-schema`, as QEMU sent it
    /// (`{"return": [...], "id": ...}`).
    pub schema: Vec<u8>,
}

impl Answers {
    /// The answers as one JSON document that every command reads back as a
    /// reply, the version beside it: `{"greeting": {"QMP": ...},
    /// "query-version": {"return": ...}, "return": [...]}`.
    pub fn capture(&self) -> Result<Value, String> {
        let mut reply: Value = serde_json::from_slice(&self.schema)
            .map_err(|err| format!("the query-qmp-schema reply: {err}"))?;
        Ok(serde_json::json!({
            "greeting": self.greeting,
            "query-version": { "return": self.version },
            "return": reply["return"].take(),
        }))
    }
}

/// A line from QEMU, or how the stream ended.
type Line = Result<Vec<u8>, String>;

/// Reads lines on a thread of its own, so every wait has a deadline.
fn line_reader(input: impl Read + Send + 'static) -> Receiver<Line> {
    let (send, receive) = sync_channel(4);
    std::thread::spawn(move || {
        let mut input = BufReader::new(input);
        loop {
            let mut line = Vec::new();
            let result = (&mut input).take(MAX_LINE + 1).read_until(b'\n', &mut line);
            let message = match result {
                Ok(0) => Err("QEMU closed the connection".to_string()),
                Ok(_) if line.len() as u64 > MAX_LINE => {
                    Err(format!("QEMU sent a line longer than {MAX_LINE} bytes"))
                }
                Ok(_) => Ok(line),
                Err(err) => Err(format!("reading from QEMU: {err}")),
            };
            let end = message.is_err();
            if send.send(message).is_err() || end {
                break;
            }
        }
    });
    receive
}

struct Session<'w> {
    lines: Receiver<Line>,
    writer: &'w mut dyn Write,
    deadline: Instant,
    next_id: u64,
}

impl Session<'_> {
    /// The next message, as sent and parsed, before the deadline.
    fn next(&mut self, waiting_for: &str) -> Result<(Vec<u8>, Value), String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(Ok(line)) => match serde_json::from_slice(&line) {
                Ok(message) => Ok((line, message)),
                Err(err) => Err(format!(
                    "not a QMP message ({err}) while waiting for {waiting_for}: {}",
                    String::from_utf8_lossy(&line[..line.len().min(200)]).trim_end()
                )),
            },
            Ok(Err(message)) => Err(format!("{message} while waiting for {waiting_for}")),
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "no answer while waiting for {waiting_for} (timed out)"
            )),
            Err(RecvTimeoutError::Disconnected) => Err(format!(
                "QEMU closed the connection while waiting for {waiting_for}"
            )),
        }
    }

    /// The raw reply line to `command`, events skipped.
    fn execute_raw(&mut self, command: &str) -> Result<Vec<u8>, String> {
        self.next_id += 1;
        let id = self.next_id;
        let request = format!("{{\"execute\":\"{command}\",\"id\":{id}}}\n");
        self.writer
            .write_all(request.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|err| format!("sending {command}: {err}"))?;
        let waiting_for = format!("the answer to {command}");
        loop {
            let (line, message) = self.next(&waiting_for)?;
            if message.get("id").and_then(Value::as_u64) != Some(id) {
                continue; // An event, or another client's answer.
            }
            if let Some(error) = message.get("error") {
                return Err(format!(
                    "{command} failed: {} ({})",
                    error["desc"].as_str().unwrap_or("no description"),
                    error["class"].as_str().unwrap_or("no class")
                ));
            }
            if message.get("return").is_none() {
                return Err(format!("the answer to {command} has no \"return\""));
            }
            return Ok(line);
        }
    }

    fn execute(&mut self, command: &str) -> Result<Value, String> {
        let line = self.execute_raw(command)?;
        let mut message: Value =
            serde_json::from_slice(&line).map_err(|err| format!("{command}: {err}"))?;
        Ok(message["return"].take())
    }

    fn ask(&mut self) -> Result<Answers, String> {
        let (_, greeting) = self.next("the QMP greeting")?;
        if greeting.get("QMP").is_none() {
            return Err(format!(
                "not a QMP greeting (is this QEMU?): {}",
                truncate(&greeting.to_string())
            ));
        }
        self.execute("qmp_capabilities")?;
        let version = self.execute("query-version")?;
        let schema = self.execute_raw("query-qmp-schema")?;
        Ok(Answers {
            greeting,
            version,
            schema,
        })
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Asks the QEMU listening on the QMP socket at `path`.
pub fn ask_socket(path: &Path, timeout: Duration) -> Result<Answers, String> {
    let stream = UnixStream::connect(path)
        .map_err(|err| format!("cannot connect to the QMP socket {}: {err}", path.display()))?;
    let _ = stream.set_write_timeout(Some(timeout));
    let reader = stream
        .try_clone()
        .map_err(|err| format!("socket {}: {err}", path.display()))?;
    let mut writer = stream;
    let answers = Session {
        lines: line_reader(reader),
        writer: &mut writer,
        deadline: Instant::now() + timeout,
        next_id: 0,
    }
    .ask();
    // Ends the reader thread; QEMU goes on running.
    let _ = writer.shutdown(std::net::Shutdown::Both);
    answers
}

/// A QEMU this module started: killed and reaped when dropped.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program` with no machine, no devices, no display and QMP on its
/// standard input and output, asks it, and quits it.
pub fn ask_program(program: &Path, timeout: Duration) -> Result<Answers, String> {
    let child = Command::new(program)
        .args([
            "-machine",
            "none",
            "-nodefaults",
            "-display",
            "none",
            "-qmp",
            "stdio",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", program.display()))?;
    let mut started = Started(child);
    let stderr = started.0.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = (&mut stderr).take(64 << 10).read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    });
    let (Some(mut stdin), Some(stdout)) = (started.0.stdin.take(), started.0.stdout.take()) else {
        return Err("cannot talk to the program".into());
    };
    let mut session = Session {
        lines: line_reader(stdout),
        writer: &mut stdin,
        deadline: Instant::now() + timeout,
        next_id: 0,
    };
    let answers = session.ask();
    if answers.is_ok() {
        // Quit, and give it a moment; the drop kills what is left.
        let _ = session.execute_raw("quit");
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(_)) = started.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    drop(stdin);
    let _ = started.0.kill();
    let status = started.0.wait().ok();
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    answers.map_err(|message| {
        let mut message = format!("{}: {message}", program.display());
        if let Some(status) = status.filter(|s| !s.success() && s.code().is_some()) {
            message.push_str(&format!("; it exited with {status}"));
        }
        let stderr = stderr.trim();
        if !stderr.is_empty() {
            message.push_str(&format!("; its stderr: {}", truncate(stderr)));
        }
        message
    })
}
