// Copied by `cargo xtask regen` from codegen/src/rust/async_client.rs. Do not edit by hand.

//! The client over tokio (feature `tokio`): the same as [`Client`](crate::Client)
//! over any `AsyncRead + AsyncWrite`, and its events as a `Stream`.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use super::client::{answer, bare, read_schema, returned, revision_of};
use super::commands::{Command, Finding, Request, Schema};
use super::{
    ClientError, DEFAULT_LINE_LIMIT, Greeting, Message, RawData, ReadError, Revision, ServerMessage,
};

/// A QMP connection over tokio: [`AsyncClient::connect`] reads QEMU's
/// greeting and negotiates `qmp_capabilities`; [`AsyncClient::execute`]
/// sends a typed command and decodes its return, ids matched; events that
/// arrive while it waits are queued, never lost, for
/// [`AsyncClient::next_event`] and [`AsyncClient::into_events`] (a
/// `Stream`). With [`AsyncClient::set_timeout`], a QEMU that sends nothing
/// for that long is an [`ClientError::Io`] of kind `TimedOut`, and the
/// client can still be used (a line cut by it is read on). Dropping a call
/// part-way is as safe.
///
/// ```no_run
/// # use tokio::io::{AsyncRead, AsyncWrite};
/// # async fn run(stream: impl AsyncRead + AsyncWrite + Unpin) -> Result<(), qmp_events::ClientError> {
/// use qmp_events::AsyncClient;
/// use qmp_events::commands::QueryStatus;
///
/// // `stream`: a `tokio::net::UnixStream` connected to QEMU's QMP socket
/// // (tokio's feature `net`).
/// let mut client = AsyncClient::connect(stream).await?;
/// let status = client.execute(&QueryStatus::new()).await?;
/// println!("{}", status.status);
/// # Ok(())
/// # }
/// ```
pub struct AsyncClient<S> {
    stream: BufReader<S>,
    /// The line being read; `partial` while a read of it was cut short.
    line: Vec<u8>,
    partial: bool,
    lines: u64,
    greeting: Greeting,
    events: VecDeque<Message>,
    next_id: u64,
    timeout: Option<Duration>,
    /// The QEMU's wire schema, once asked for.
    schema: Option<Schema>,
}

impl<S> std::fmt::Debug for AsyncClient<S> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AsyncClient")
            .field("greeting", &self.greeting)
            .field("queued_events", &self.events.len())
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncClient<S> {
    /// Reads QEMU's greeting from `stream` and leaves capabilities
    /// negotiation (`qmp_capabilities`), so that commands may be sent.
    pub async fn connect(stream: S) -> Result<Self, ClientError> {
        let mut client = AsyncClient {
            stream: BufReader::new(stream),
            line: Vec::new(),
            partial: false,
            lines: 0,
            greeting: Greeting::new(crate::QemuVersion::new(0, 0, 0), "", &[]),
            events: VecDeque::new(),
            next_id: 0,
            schema: None,
            timeout: None,
        };
        client.greeting = match client.read().await? {
            ServerMessage::Greeting(greeting) => greeting,
            _ => {
                return Err(ClientError::Protocol(
                    "the first line is not QMP's greeting".to_owned(),
                ));
            }
        };
        client.request(bare("qmp_capabilities")).await?;
        Ok(client)
    }

    /// How long a read may wait for QEMU; `None` (the default): forever.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
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
    pub async fn execute<C: Command>(&mut self, command: &C) -> Result<C::Returns, ClientError> {
        let request = Request::new(command).map_err(ClientError::Encode)?;
        returned::<C>(&self.request(request).await?)
    }

    /// The wire schema of the QEMU connected to, from its answer to
    /// `query-qmp-schema`: asked once, then kept.
    pub async fn schema(&mut self) -> Result<&Schema, ClientError> {
        let schema = match self.schema.take() {
            Some(schema) => schema,
            None => read_schema(&self.request(bare("query-qmp-schema")).await?)?,
        };
        Ok(self.schema.insert(schema))
    }

    /// Checks `request` against the connected QEMU's own schema
    /// ([`AsyncClient::schema`]): its warnings, or [`ClientError::Check`]
    /// with what QEMU would refuse.
    pub async fn check(&mut self, request: &Request) -> Result<Vec<Finding>, ClientError> {
        self.schema()
            .await?
            .check(request)
            .map_err(ClientError::Check)
    }

    /// [`AsyncClient::execute`], after checking the request against the
    /// connected QEMU's own schema: what this QEMU would refuse is
    /// [`ClientError::Check`], and nothing is sent.
    pub async fn execute_checked<C: Command>(
        &mut self,
        command: &C,
    ) -> Result<C::Returns, ClientError> {
        let request = Request::new(command).map_err(ClientError::Encode)?;
        self.check(&request).await?;
        returned::<C>(&self.request(request).await?)
    }

    /// Sends any request (its `id` is replaced by the client's own) and
    /// returns its return value as the JSON text QEMU sent.
    pub async fn request(&mut self, mut request: Request) -> Result<RawData, ClientError> {
        self.next_id += 1;
        let id = serde_json::Value::from(self.next_id);
        request.id = Some(id.clone());
        let mut line = request.to_string();
        line.push('\n');
        let stream = self.stream.get_mut();
        stream
            .write_all(line.as_bytes())
            .await
            .map_err(ClientError::Io)?;
        stream.flush().await.map_err(ClientError::Io)?;
        loop {
            let message = self.read().await?;
            if let Some(answer) = answer(message, &id, &mut self.events) {
                return answer;
            }
        }
    }

    /// The next event: a queued one, else the next QEMU sends.
    pub async fn next_event(&mut self) -> Result<Message, ClientError> {
        if let Some(event) = self.events.pop_front() {
            return Ok(event);
        }
        loop {
            if let ServerMessage::Event(event) = self.read().await? {
                return Ok(event);
            }
        }
    }

    /// The stream, and the events still queued.
    pub fn into_inner(self) -> (S, Vec<Message>) {
        (self.stream.into_inner(), self.events.into_iter().collect())
    }

    /// The next message, within the timeout.
    async fn read(&mut self) -> Result<ServerMessage, ClientError> {
        match self.timeout {
            None => self.read_message().await,
            Some(timeout) => tokio::time::timeout(timeout, self.read_message())
                .await
                .unwrap_or_else(|_| {
                    Err(ClientError::Io(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("QEMU sent nothing for {timeout:?}"),
                    )))
                }),
        }
    }

    /// Reads a line, up to [`DEFAULT_LINE_LIMIT`] bytes (a longer one is
    /// an error, skipped), and decodes it. Cancel-safe: what a cut read
    /// has read stays for the next.
    async fn read_message(&mut self) -> Result<ServerMessage, ClientError> {
        loop {
            if !self.partial {
                self.line.clear();
                self.partial = true;
            }
            let mut too_long = false;
            loop {
                let buf = self.stream.fill_buf().await.map_err(ClientError::Io)?;
                if buf.is_empty() {
                    if self.line.is_empty() && !too_long {
                        return Err(ClientError::Closed);
                    }
                    break;
                }
                let (take, end) = match memchr::memchr(b'\n', buf) {
                    Some(at) => (at, true),
                    None => (buf.len(), false),
                };
                if self.line.len() + take > DEFAULT_LINE_LIMIT {
                    too_long = true;
                    self.line.clear();
                } else {
                    self.line.extend_from_slice(&buf[..take]);
                }
                self.stream.consume(take + usize::from(end));
                if end {
                    break;
                }
            }
            self.partial = false;
            self.lines += 1;
            let line = self.lines;
            if too_long {
                return Err(ClientError::Read(ReadError::TooLong {
                    line,
                    limit: DEFAULT_LINE_LIMIT,
                }));
            }
            let text = std::str::from_utf8(&self.line).map_err(|error| {
                ClientError::Read(ReadError::NotUtf8 {
                    line,
                    column: error.valid_up_to() as u64 + 1,
                })
            })?;
            if text.trim().is_empty() {
                continue;
            }
            return text
                .parse()
                .map_err(|error| ClientError::Read(ReadError::Invalid { line, error }));
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncClient<S> {
    /// The events, queued first, as a `Stream`: it ends when QEMU closes
    /// the connection.
    pub fn into_events(self) -> AsyncEvents<S> {
        AsyncEvents {
            client: Some(self),
            next: None,
        }
    }
}

/// What a pending [`AsyncEvents`] read gives back: the client, and the event.
type NextEvent<S> =
    Pin<Box<dyn Future<Output = (AsyncClient<S>, Result<Message, ClientError>)> + Send>>;

/// The events of an [`AsyncClient`], as a `Stream`
/// ([`AsyncClient::into_events`]).
pub struct AsyncEvents<S> {
    client: Option<AsyncClient<S>>,
    next: Option<NextEvent<S>>,
}

impl<S> std::fmt::Debug for AsyncEvents<S> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AsyncEvents")
            .finish_non_exhaustive()
    }
}

impl<S> AsyncEvents<S> {
    /// The client back, unless a read is pending.
    pub fn into_client(self) -> Option<AsyncClient<S>> {
        self.client
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> futures_core::Stream for AsyncEvents<S> {
    type Item = Result<Message, ClientError>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.next.is_none() {
            let Some(mut client) = this.client.take() else {
                return Poll::Ready(None);
            };
            this.next = Some(Box::pin(async move {
                let event = client.next_event().await;
                (client, event)
            }));
        }
        let Some(next) = this.next.as_mut() else {
            return Poll::Ready(None);
        };
        match next.as_mut().poll(context) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((client, event)) => {
                this.next = None;
                this.client = Some(client);
                match event {
                    Err(ClientError::Closed) => Poll::Ready(None),
                    other => Poll::Ready(Some(other)),
                }
            }
        }
    }
}
