//! [`HyperTransport`]: the core's [`Transport`] over hyper 1 and hyper-util's pooled client,
//! with rustls (ring provider, webpki roots), HTTP/1.1 and HTTP/2 by ALPN, connect and total
//! timeouts, and no redirect following.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::client::legacy::{Client, ResponseFuture};
use hyper_util::rt::TokioExecutor;
use trello_auth_core::TransportErrorKind;
use trello_auth_core::{check_destination, io_failure};
use trello_auth_core::{Request, Response, Transport, TransportError};
use trello_auth_net::{describe_tls, Limits, TransportSettings};

use crate::Error;

/// The request body type of the hyper client a [`HyperTransport`] drives.
pub type Body = Full<Bytes>;

/// How long connecting (TCP and TLS) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connect, send, receive the full body) may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body accepted by default (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

type SendFn = dyn Fn(http::Request<Body>) -> ResponseFuture + Send + Sync;

/// Sends the core's requests with hyper: a pooled hyper-util client, rustls with the `ring`
/// provider and webpki roots, HTTP/1.1 and HTTP/2 negotiated by ALPN.
///
/// Cloning is cheap and shares the connection pool.
///
/// # Behaviour
/// - Redirects are returned, never followed (SPEC S3.4: credentials must not follow them).
/// - Plain `http://` is refused unless the host is loopback or
///   [`HyperTransportBuilder::danger_allow_http_to_non_loopback`] is set.
/// - Errors say what kind of failure happened; they never carry the URL, a header or a body.
/// - The total timeout is a `tokio::time::timeout` around each request, body included.
///
/// ```no_run
/// use trello_auth_core::Transport;
/// use trello_auth_hyper::HyperTransport;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let transport = HyperTransport::new();
/// let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
/// let response = transport.send(request).await?;
/// assert_eq!(response.status(), 401); // no credentials
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    send: Arc<SendFn>,
    timeout: Option<Duration>,
    limits: Limits<usize>,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("timeout", &self.timeout)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A transport with the defaults: [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`], webpki
    /// roots, HTTP/1.1 and HTTP/2.
    ///
    /// Needs a Tokio runtime when it sends (not when it is built).
    pub fn new() -> Self {
        // The default configuration has no certificate to parse and a ring provider that
        // supports the default protocol versions, so building it cannot fail.
        HyperTransportBuilder::default()
            .build()
            .expect("the default hyper transport configuration is valid")
    }

    /// A builder to set timeouts, extra root certificates and the `danger_` option.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// A transport around your own configured hyper-util client (proxy connector, other TLS
    /// settings, pool tuning), with the default total timeout and response size limit.
    ///
    /// The client must use [`Body`] as its request body. hyper never follows redirects, so
    /// neither will this transport. The `http://` rule still applies: see
    /// [`HyperTransportBuilder::build_with_client`] to relax it or change the timeout.
    ///
    /// ```
    /// use hyper_util::client::legacy::Client;
    /// use hyper_util::rt::TokioExecutor;
    /// use trello_auth_hyper::{Body, HyperTransport};
    ///
    /// let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    /// let transport = HyperTransport::from_client(client);
    /// # drop(transport);
    /// ```
    pub fn from_client<C>(client: Client<C, Body>) -> Self
    where
        C: Connect + Clone + Send + Sync + 'static,
    {
        Self {
            send: Arc::new(move |request| client.request(request)),
            timeout: Some(DEFAULT_TIMEOUT),
            limits: Limits {
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                allow_http: false,
            },
        }
    }

    /// Receives the response of a request in flight, body included, within the size limit.
    async fn receive(&self, in_flight: ResponseFuture) -> Result<Response, TransportError> {
        let response = in_flight.await.map_err(|e| sanitize(&e))?;
        let (parts, mut body) = response.into_parts();
        let expected = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        if expected > self.limits.max_response_bytes {
            return Err(too_large());
        }
        let mut bytes = Vec::with_capacity(expected);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| sanitize(&e))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > self.limits.max_response_bytes {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(Response::from_parts(parts, bytes))
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Transport for HyperTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        check_destination(request.uri(), self.limits.allow_http)?;
        let in_flight = (self.send)(request.map(|body| Full::new(Bytes::from(body))));
        let Some(limit) = self.timeout else {
            return self.receive(in_flight).await;
        };
        match tokio::time::timeout(limit, self.receive(in_flight)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(TransportError::with_source(
                TransportErrorKind::Timeout,
                "the total timeout elapsed",
            )),
        }
    }
}

/// Configures a [`HyperTransport`].
///
/// ```
/// use std::time::Duration;
/// use trello_auth_hyper::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(2))
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// # drop(transport);
/// # Ok::<(), trello_auth_hyper::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HyperTransportBuilder {
    settings: TransportSettings<usize>,
    timeout: Option<Duration>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            settings: TransportSettings::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }
}

impl HyperTransportBuilder {
    trello_auth_net::transport_builder_settings!(usize);

    /// How long a whole request may take, body included. Default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Removes the total timeout (the connect timeout stays).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Builds the transport with its own pooled client.
    ///
    /// Fails with [`Error::TransportConfig`] when a root certificate was not valid PEM or no
    /// root is trusted at all.
    pub fn build(self) -> Result<HyperTransport, Error> {
        let trusted = self.settings.checked_roots()?;
        let mut roots = rustls::RootCertStore::empty();
        if trusted.built_in() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let (_, ignored) = roots.add_parsable_certificates(trusted.extra().iter().cloned());
        if ignored > 0 {
            return Err(Error::TransportConfig {
                reason: "a root certificate could not be parsed as X.509",
            });
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|_| Error::TransportConfig {
            reason: "the TLS provider supports no safe protocol version",
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(self.settings.connect_timeout);
        // ALPN offers h2 then http/1.1 on https; plain http stays HTTP/1.1.
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        // No timers: hyper's is only needed for HTTP/2 keep-alive pings (not enabled). The
        // pool drops a connection idle past its timeout (90 s) when it next looks for one to
        // reuse.
        let client = Client::builder(TokioExecutor::new()).build(connector);
        let mut transport = HyperTransport::from_client(client);
        transport.timeout = self.timeout;
        transport.limits = self.settings.limits;
        Ok(transport)
    }

    /// Builds the transport around your own hyper-util client, with this builder's total
    /// timeout, response size limit and `danger_` option.
    ///
    /// Connecting and TLS belong to your client: fails with [`Error::TransportConfig`] when a
    /// connect timeout other than the default or a root certificate was set here.
    pub fn build_with_client<C>(self, client: Client<C, Body>) -> Result<HyperTransport, Error>
    where
        C: Connect + Clone + Send + Sync + 'static,
    {
        if !self.settings.connecting_is_default() {
            return Err(Error::TransportConfig {
                reason: "connect timeout and root certificates are configured on your own client",
            });
        }
        let mut transport = HyperTransport::from_client(client);
        transport.timeout = self.timeout;
        transport.limits = self.settings.limits;
        Ok(transport)
    }
}

fn too_large() -> TransportError {
    TransportError::with_source(
        TransportErrorKind::Protocol,
        "the response body exceeds the configured limit",
    )
}

/// The rustls error inside `io`, through any number of io::Error wrappers.
fn tls_inside(io: &io::Error) -> Option<&rustls::Error> {
    let mut inner = io.get_ref()?;
    loop {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        inner = inner.downcast_ref::<io::Error>()?.get_ref()?;
    }
}

/// Maps a hyper, hyper-util or rustls error to a [`TransportError`] whose source is a static
/// description: library errors can carry the URL (and so a token in its query), so none of
/// them is kept.
fn sanitize(error: &(dyn StdError + 'static)) -> TransportError {
    use TransportErrorKind as K;
    let fail = |kind, why: &'static str| TransportError::with_source(kind, why);

    let connecting = error
        .downcast_ref::<hyper_util::client::legacy::Error>()
        .is_some_and(|e| e.is_connect());
    let mut http_failed = false;
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return fail(K::Tls, describe_tls(tls));
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            // rustls errors travel inside io::Error(InvalidData) on the TLS stream, which
            // hyper-rustls's connector wraps in one more io::Error(Other).
            if let Some(tls) = tls_inside(io) {
                return fail(K::Tls, describe_tls(tls));
            }
            return io_failure(io.kind(), connecting);
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_timeout() {
                return fail(K::Timeout, "the server did not answer in time");
            }
            if h.is_parse() || h.is_parse_status() {
                return fail(K::Protocol, "the server's response was not valid HTTP");
            }
            if h.is_incomplete_message() {
                return fail(
                    K::Io,
                    "the connection closed before the response was complete",
                );
            }
            if h.is_canceled() || h.is_closed() {
                return fail(K::Io, "the connection was closed");
            }
            if h.is_body_write_aborted() || h.is_user() {
                return fail(K::Other, "hyper refused the request");
            }
            http_failed = true;
        }
        cause = e.source();
    }
    if connecting {
        fail(K::Connect, "could not connect")
    } else if http_failed {
        // An HTTP/2 stream reset or GOAWAY, or another failure of an open connection.
        fail(K::Io, "the HTTP connection or stream failed")
    } else {
        fail(K::Other, "the HTTP client failed")
    }
}

#[cfg(test)]
mod tests;
