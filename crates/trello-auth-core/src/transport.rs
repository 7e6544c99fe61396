//! The seam between the sans-IO core and the network: the [`Transport`] (async) and
//! [`BlockingTransport`] traits, implemented for closures so tests need no mock framework
//! (as oauth2-rs does), the opaque [`TransportError`], and what every transport checks and
//! maps alike ([`check_destination`], [`io_failure`]).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;

use crate::{Request, Response};

mod destination;

pub use destination::{check_destination, io_failure};

/// Sends a prepared request and returns the response, asynchronously.
///
/// Implemented by `trello_auth_hyper::HyperTransport`, and by any
/// `Fn(Request) -> impl Future<Output = Result<Response, TransportError>>`:
///
/// ```
/// use trello_auth_core::{Request, Response, Transport, TransportError};
///
/// let canned = |_req: Request| async {
///     Ok::<_, TransportError>(http::Response::builder().status(200).body(b"{}".to_vec()).unwrap())
/// };
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
/// let response = block_on(canned.send(request))?;
/// assert_eq!(response.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// Sends `request`. Implementations do not follow redirects: a redirect is returned as is,
    /// so that credentials never follow it to another origin (SPEC S3.4).
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
}

#[async_trait::async_trait]
impl<F, Fut> Transport for F
where
    F: Fn(Request) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Response, TransportError>> + Send,
{
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self(request).await
    }
}

/// Sends a prepared request and returns the response, blocking the calling thread.
///
/// Implemented by `trello_auth_ureq::UreqTransport`, and by any
/// `Fn(Request) -> Result<Response, TransportError>`:
///
/// ```
/// use trello_auth_core::{BlockingTransport, Request, TransportError, TransportErrorKind};
///
/// let offline = |_req: Request| Err(TransportError::new(TransportErrorKind::Connect));
/// let request = http::Request::get("https://api.trello.com/1/members/me?token=SECRET").body(Vec::new())?;
/// let err = offline.send(request).unwrap_err();
/// assert_eq!(err.to_string(), "could not connect to the server");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait BlockingTransport {
    /// Sends `request`. Implementations do not follow redirects.
    fn send(&self, request: Request) -> Result<Response, TransportError>;
}

impl<F> BlockingTransport for F
where
    F: Fn(Request) -> Result<Response, TransportError>,
{
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        self(request)
    }
}

/// What kind of failure a [`TransportError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, refused, unreachable). Retrying later may help.
    Connect,
    /// The connect or total timeout elapsed. Retrying may help; check the timeouts.
    Timeout,
    /// The TLS handshake failed (unknown CA, bad certificate). Fix the trust configuration.
    Tls,
    /// The connection broke while sending or receiving. Retrying an idempotent request may help.
    Io,
    /// The server's answer was not valid HTTP, or too large. Report it.
    Protocol,
    /// The transport refused the request before sending it (for example plain `http://` to a
    /// non-loopback host, or an invalid URL). Fix the request or the configuration.
    Refused,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    /// The stable name of this kind.
    pub fn code(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::Tls => "tls",
            TransportErrorKind::Io => "io",
            TransportErrorKind::Protocol => "protocol",
            TransportErrorKind::Refused => "refused",
            TransportErrorKind::Other => "other",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "could not connect to the server",
            TransportErrorKind::Timeout => "the request timed out",
            TransportErrorKind::Tls => "the TLS handshake failed",
            TransportErrorKind::Io => "the connection failed while sending or receiving",
            TransportErrorKind::Protocol => "the server's response was not valid HTTP",
            TransportErrorKind::Refused => "the transport refused to send the request",
            TransportErrorKind::Other => "the transport failed",
        }
    }
}

/// A request could not be sent or its response not received.
///
/// # Security
/// `Display` and `Debug` say only the kind: never a URL, a query, a header value or a body,
/// which may carry credentials. The underlying error is available through
/// [`std::error::Error::source`]; transports must only put sanitized errors there.
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind` with no underlying cause.
    pub fn new(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// An error of `kind` caused by `source` (which must not carry credentials).
    pub fn with_source(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The stable name of this error: `transport`.
    pub fn code(&self) -> &'static str {
        "transport"
    }

    /// Whether retrying the same request could succeed (connect, timeout, I/O).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("has_source", &self.source.is_some())
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
