//! Watches a QEMU's events: connects to its QMP unix socket, negotiates,
//! and prints each event typed, with the history's revision for the QEMU
//! that greeted.
//!
//! ```sh
//! qemu-system-x86_64 -qmp unix:/tmp/qmp.sock,server=on,wait=off ...
//! cargo run -p qmp-events --example watch -- /tmp/qmp.sock
//! ```
//!
//! It prints one line per event, `SECONDS.MICROSECONDS NAME: DATA`, the data
//! as its Rust type's `Debug`, and says when an event is one the crate does
//! not know, or one its revision does not send. It ends when QEMU closes the
//! connection. A line that does not decode is reported on stderr, and
//! watching goes on.

use std::error::Error;
use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;

use qmp_events::{Event, Reader, Revision, ServerMessage};

fn main() -> ExitCode {
    let Some(socket) = std::env::args_os().nth(1) else {
        eprintln!("usage: watch SOCKET (a QEMU's QMP unix socket)");
        return ExitCode::from(2);
    };
    match watch(Path::new(&socket)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("watch: {err}");
            ExitCode::FAILURE
        }
    }
}

fn watch(socket: &Path) -> Result<(), Box<dyn Error>> {
    let stream =
        UnixStream::connect(socket).map_err(|err| format!("{}: {err}", socket.display()))?;
    let mut commands = stream.try_clone()?;
    let mut reader = Reader::new(BufReader::new(stream));

    let greeting = match reader.next() {
        Some(Ok(ServerMessage::Greeting(greeting))) => greeting,
        Some(Ok(other)) => return Err(format!("QEMU did not greet first: {other:?}").into()),
        Some(Err(err)) => return Err(err.into()),
        None => return Err("QEMU closed the connection before its greeting".into()),
    };
    let version = greeting.version;
    let revision = Revision::for_qemu(version.major, version.minor, version.micro);

    // Events flow once the capabilities are negotiated.
    commands.write_all(b"{\"execute\": \"qmp_capabilities\", \"id\": \"watch\"}\r\n")?;
    loop {
        match reader.next() {
            Some(Ok(ServerMessage::Return(_))) => break,
            Some(Ok(ServerMessage::Error(error))) => {
                return Err(format!("qmp_capabilities: {} ({})", error.desc, error.class).into());
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(err.into()),
            None => return Err("QEMU closed the connection while negotiating".into()),
        }
    }
    match revision {
        Some(revision) => println!("watching QEMU {version}: revision {revision}"),
        None => println!("watching QEMU {version}: older than every release of the history"),
    }
    std::io::stdout().flush()?;

    for message in reader {
        let message = match message {
            Ok(ServerMessage::Event(message)) => message,
            Ok(_) => continue,
            Err(err) => {
                eprintln!("watch: {err}");
                continue;
            }
        };
        let stamp = message.timestamp;
        let name = message.event.name().to_owned();
        let note = match (message.event.kind(), revision) {
            (None, _) => " (an event this crate does not know)",
            (Some(kind), Some(revision)) if !kind.sent_by(revision) => {
                " (an event its revision does not send)"
            }
            _ => "",
        };
        let data = match message.event {
            Event::Unknown { data, .. } => data.map(|d| d.to_string()).unwrap_or_default(),
            event => format!("{event:?}"),
        };
        println!(
            "{}.{:06} {name}{note}: {data}",
            stamp.seconds, stamp.microseconds
        );
        std::io::stdout().flush()?;
    }
    Ok(())
}
