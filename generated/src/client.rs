// Copied by `cargo xtask regen` from codegen/src/rust/client.rs. Do not edit by hand.

//! A QMP client over any stream (feature `commands`): it reads the
//! greeting, negotiates capabilities, sends typed commands and matches
//! their answers by id, and queues the events that arrive meanwhile.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufReader, Read, Write};

use super::commands::{CheckError, Command, Finding, Request, Schema, SchemaError};
use super::{Greeting, Message, RawData, ReadError, Reader, Revision, ServerMessage};

/// A QMP connection: `Client::connect(stream)` reads QEMU's greeting and
/// negotiates `qmp_capabilities`; [`Client::execute`] sends a typed command
/// and decodes its return; events that arrive while it waits are queued,
/// never lost, for [`Client::next_event`] and [`Client::events`].
///
/// It blocks on the stream. Set a read timeout on the stream (as
/// [`Client::connect_unix`] does) and a QEMU that does not answer is an
/// [`ClientError::Io`] of kind `WouldBlock` or `TimedOut`, after which the client
/// can still be used: a line cut by the timeout is read on.
///
/// ```no_run
/// use qmp_events::Client;
/// use qmp_events::commands::QueryStatus;
///
/// let mut client = Client::connect_unix("/tmp/qmp.sock", std::time::Duration::from_secs(5))?;
/// println!("QEMU {}, revision {:?}", client.greeting().version, client.revision());
/// let status = client.execute(&QueryStatus::new())?;
/// println!("{}", status.status);
/// while let Some(event) = client.events().next() {
///     println!("{:?}", event?.event);
/// }
/// # Ok::<(), qmp_events::ClientError>(())
/// ```
pub struct Client<S: Read + Write> {
    reader: Reader<BufReader<S>>,
    greeting: Greeting,
    events: VecDeque<Message>,
    next_id: u64,
    /// The QEMU's wire schema, once asked for.
    schema: Option<Schema>,
}

impl<S: Read + Write> fmt::Debug for Client<S> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Client")
            .field("greeting", &self.greeting)
            .field("queued_events", &self.events.len())
            .finish_non_exhaustive()
    }
}

impl Client<std::os::unix::net::UnixStream> {
    /// Connects to QEMU's QMP socket at `path` (`-qmp
    /// unix:PATH,server=on,wait=off`), with `timeout` for every read and
    /// write.
    pub fn connect_unix(
        path: impl AsRef<std::path::Path>,
        timeout: std::time::Duration,
    ) -> Result<Self, ClientError> {
        let stream = std::os::unix::net::UnixStream::connect(path).map_err(ClientError::Io)?;
        stream
            .set_read_timeout(Some(timeout))
            .and_then(|()| stream.set_write_timeout(Some(timeout)))
            .map_err(ClientError::Io)?;
        Client::connect(stream)
    }
}

impl<S: Read + Write> Client<S> {
    /// Reads QEMU's greeting from `stream` and leaves capabilities
    /// negotiation (`qmp_capabilities`), so that commands may be sent.
    pub fn connect(stream: S) -> Result<Self, ClientError> {
        let mut reader = Reader::new(BufReader::new(stream));
        let greeting = match reader.next() {
            Some(Ok(ServerMessage::Greeting(greeting))) => greeting,
            Some(Ok(_)) => {
                return Err(ClientError::Protocol(
                    "the first line is not QMP's greeting".to_owned(),
                ));
            }
            Some(Err(error)) => return Err(ClientError::read(error)),
            None => return Err(ClientError::Closed),
        };
        let mut client = Client {
            reader,
            greeting,
            events: VecDeque::new(),
            next_id: 0,
            schema: None,
        };
        client.request(bare("qmp_capabilities"))?;
        Ok(client)
    }

    /// What QEMU's greeting said: its version, package and capabilities.
    pub fn greeting(&self) -> &Greeting {
        &self.greeting
    }

    /// The history's revision for this QEMU (by its version); `None` for a
    /// QEMU older than the history or of an unknown version.
    pub fn revision(&self) -> Option<Revision> {
        revision_of(&self.greeting)
    }

    /// Sends `command` and decodes its return. A QMP error is
    /// [`ClientError::Qmp`], with QEMU's class and description.
    pub fn execute<C: Command>(&mut self, command: &C) -> Result<C::Returns, ClientError> {
        let request = Request::new(command).map_err(ClientError::Encode)?;
        returned::<C>(&self.request(request)?)
    }

    /// The wire schema of the QEMU connected to, from its answer to
    /// `query-qmp-schema`: asked once, then kept.
    pub fn schema(&mut self) -> Result<&Schema, ClientError> {
        let schema = match self.schema.take() {
            Some(schema) => schema,
            None => read_schema(&self.request(bare("query-qmp-schema"))?)?,
        };
        Ok(self.schema.insert(schema))
    }

    /// Checks `request` against the connected QEMU's own schema
    /// ([`Client::schema`]): its warnings, or [`ClientError::Check`] with
    /// what QEMU would refuse.
    pub fn check(&mut self, request: &Request) -> Result<Vec<Finding>, ClientError> {
        self.schema()?.check(request).map_err(ClientError::Check)
    }

    /// [`Client::execute`], after checking the request against the
    /// connected QEMU's own schema: a command or an argument this QEMU
    /// lacks, a wrong JSON type or an unknown value is
    /// [`ClientError::Check`], and nothing is sent.
    pub fn execute_checked<C: Command>(&mut self, command: &C) -> Result<C::Returns, ClientError> {
        let request = Request::new(command).map_err(ClientError::Encode)?;
        self.check(&request)?;
        returned::<C>(&self.request(request)?)
    }

    /// Sends any request (its `id` is replaced by the client's own) and
    /// returns its return value as the JSON text QEMU sent.
    pub fn request(&mut self, mut request: Request) -> Result<RawData, ClientError> {
        self.next_id += 1;
        let id = serde_json::Value::from(self.next_id);
        request.id = Some(id.clone());
        let mut line = request.to_string();
        line.push('\n');
        let stream = self.reader.get_mut().get_mut();
        stream
            .write_all(line.as_bytes())
            .and_then(|()| stream.flush())
            .map_err(ClientError::Io)?;
        loop {
            if let Some(answer) = answer(self.read()?, &id, &mut self.events) {
                return answer;
            }
        }
    }

    /// The next event: a queued one, else the next QEMU sends (waiting for
    /// it, up to the stream's read timeout).
    pub fn next_event(&mut self) -> Result<Message, ClientError> {
        if let Some(event) = self.events.pop_front() {
            return Ok(event);
        }
        loop {
            if let ServerMessage::Event(event) = self.read()? {
                return Ok(event);
            }
        }
    }

    /// The events, queued first, as an iterator: it ends when QEMU closes
    /// the connection.
    pub fn events(&mut self) -> Events<'_, S> {
        Events { client: self }
    }

    /// The stream, to set its options.
    pub fn get_ref(&self) -> &S {
        self.reader.get_ref().get_ref()
    }

    /// The stream, and the events still queued.
    pub fn into_inner(self) -> (S, Vec<Message>) {
        (
            self.reader.into_inner().into_inner(),
            self.events.into_iter().collect(),
        )
    }

    fn read(&mut self) -> Result<ServerMessage, ClientError> {
        match self.reader.next() {
            Some(Ok(message)) => Ok(message),
            Some(Err(error)) => Err(ClientError::read(error)),
            None => Err(ClientError::Closed),
        }
    }
}

/// A request for command `name` without arguments: the one that leaves
/// capabilities negotiation (`qmp_capabilities`), and the one for the
/// QEMU's wire schema (`query-qmp-schema`).
pub(crate) fn bare(name: &str) -> Request {
    Request {
        name: name.to_owned(),
        arguments: None,
        id: None,
        oob: false,
    }
}

/// The QEMU's answer to `query-qmp-schema`, read.
pub(crate) fn read_schema(reply: &RawData) -> Result<Schema, ClientError> {
    Schema::from_reply(reply.get()).map_err(ClientError::Schema)
}

/// The history's revision for the QEMU that greeted.
pub(crate) fn revision_of(greeting: &Greeting) -> Option<Revision> {
    let version = greeting.version;
    Revision::for_qemu(version.major, version.minor, version.micro)
}

/// A command's return value, decoded into its type.
pub(crate) fn returned<C: Command>(value: &RawData) -> Result<C::Returns, ClientError> {
    serde_json::from_str(value.get()).map_err(|error| ClientError::Decode {
        command: C::NAME,
        error,
    })
}

/// What a message read while a request (`id`) waits for its answer means
/// to it, for both clients: its answer (a return, or QEMU's error), or
/// none yet. An event is queued; the answer to a request given up on (its
/// read timed out), or a second greeting, is not this request's.
pub(crate) fn answer(
    message: ServerMessage,
    id: &serde_json::Value,
    events: &mut VecDeque<Message>,
) -> Option<Result<RawData, ClientError>> {
    match message {
        ServerMessage::Event(event) => {
            events.push_back(event);
            None
        }
        ServerMessage::Return(answer) if answer.id.as_ref() == Some(id) => Some(Ok(answer.value)),
        ServerMessage::Error(error) if error.id.as_ref() == Some(id) => {
            Some(Err(ClientError::Qmp {
                class: error.class,
                desc: error.desc,
            }))
        }
        _ => None,
    }
}

/// The events of a [`Client`], from [`Client::events`].
#[derive(Debug)]
pub struct Events<'c, S: Read + Write> {
    client: &'c mut Client<S>,
}

impl<S: Read + Write> Iterator for Events<'_, S> {
    type Item = Result<Message, ClientError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.client.next_event() {
            Err(ClientError::Closed) => None,
            other => Some(other),
        }
    }
}

/// Why a [`Client`] call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The stream failed: a timeout (`WouldBlock` or `TimedOut`), a reset.
    Io(io::Error),
    /// QEMU closed the connection.
    Closed,
    /// A line QEMU sent is not a QMP message (it names the line).
    Read(ReadError),
    /// QEMU did not follow the protocol.
    Protocol(String),
    /// QEMU refused the command.
    Qmp {
        /// The error's class, e.g. `GenericError` or `CommandNotFound`.
        class: String,
        /// What went wrong, in English.
        desc: String,
    },
    /// The command's arguments did not encode.
    Encode(serde_json::Error),
    /// The return did not decode into the command's type.
    Decode {
        /// The command.
        command: &'static str,
        /// What is wrong with the return.
        error: serde_json::Error,
    },
    /// The request would be refused by the QEMU connected to
    /// ([`Client::execute_checked`]): nothing was sent.
    Check(CheckError),
    /// The QEMU's answer to `query-qmp-schema` could not be read.
    Schema(SchemaError),
}

impl ClientError {
    fn read(error: ReadError) -> ClientError {
        match error {
            ReadError::Io { error, .. } => ClientError::Io(error),
            other => ClientError::Read(other),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Io(error) => write!(formatter, "QMP connection: {error}"),
            ClientError::Closed => formatter.write_str("QEMU closed the QMP connection"),
            ClientError::Read(error) => write!(formatter, "QMP stream: {error}"),
            ClientError::Protocol(what) => write!(formatter, "QMP protocol: {what}"),
            ClientError::Qmp { class, desc } => write!(formatter, "QEMU: {class}: {desc}"),
            ClientError::Encode(error) => write!(formatter, "encoding the arguments: {error}"),
            ClientError::Decode { command, error } => {
                write!(formatter, "decoding the return of {command}: {error}")
            }
            ClientError::Check(error) => write!(formatter, "refused before sending: {error}"),
            ClientError::Schema(error) => write!(formatter, "{error}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Io(error) => Some(error),
            ClientError::Read(error) => Some(error),
            ClientError::Encode(error) | ClientError::Decode { error, .. } => Some(error),
            ClientError::Check(error) => Some(error),
            ClientError::Schema(error) => Some(error),
            _ => None,
        }
    }
}
