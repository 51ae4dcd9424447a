//! A typed QMP client: connects to a QEMU's QMP unix socket, asks its
//! status, block devices and CPUs with typed commands, then prints each
//! event typed until QEMU closes the connection. Needs the crate's feature
//! `commands`.
//!
//! ```sh
//! qemu-system-x86_64 -qmp unix:/tmp/qmp.sock,server=on,wait=off ...
//! cargo run -p qmp-events --features commands --example client -- /tmp/qmp.sock
//! ```

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use qmp_events::commands::{QueryBlock, QueryCpusFast, QueryStatus};
use qmp_events::{Client, ClientError};

fn main() -> ExitCode {
    let Some(socket) = std::env::args_os().nth(1) else {
        eprintln!("usage: client SOCKET (a QEMU's QMP unix socket)");
        return ExitCode::from(2);
    };
    match run(Path::new(&socket)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("client: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(socket: &Path) -> Result<(), Box<dyn Error>> {
    // Reads time out after a minute without a line: a QEMU that hangs.
    let mut client = Client::connect_unix(socket, Duration::from_secs(60))?;
    let version = client.greeting().version;
    match client.revision() {
        Some(revision) => println!("QEMU {version}: revision {}", revision.name()),
        None => println!("QEMU {version}: older than the history"),
    }
    let status = client.execute(&QueryStatus::new())?;
    println!("status: {} (running: {})", status.status, status.running);
    for block in client.execute(&QueryBlock::new())? {
        let medium = block
            .inserted
            .as_ref()
            .map_or("no medium", |i| i.file.as_str());
        println!("block {}: {} ({medium})", block.device, block.type_);
    }
    for cpu in client.execute(&QueryCpusFast::new())? {
        println!("cpu: {cpu:?}");
    }
    println!("watching events");
    for event in client.events() {
        match event {
            Ok(message) => println!("event {}", message.event.name()),
            // A timeout: QEMU is quiet; keep watching.
            Err(ClientError::Io(error)) if error.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}
