//! [`UreqTransport`]: the core's [`BlockingTransport`] over a ureq 3 agent, with rustls (ring
//! provider, webpki roots), connect and I/O timeouts (a total timeout on request), and no
//! redirect following.

use std::fmt;
use std::time::Duration;

use trello_auth_core::TransportErrorKind;
use trello_auth_core::{check_destination, io_failure};
use trello_auth_core::{BlockingTransport, Request, Response, TransportError};
use trello_auth_net::{describe_tls, Limits, TransportSettings};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::Agent;

use crate::Error;

/// How long connecting (TCP and TLS) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may stay silent, by default, while a request is sent or its answer is
/// read (each read and each write).
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(30);
/// The default bound on receiving the response head, and again on receiving its body.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body accepted by default (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 << 20;

/// Sends the core's requests with a ureq 3 agent: connection reuse, rustls with the `ring`
/// provider and webpki roots.
///
/// Cloning is cheap and shares the connection pool.
///
/// # Behaviour
/// - Redirects are returned, never followed (SPEC S3.4: credentials must not follow them), and
///   4xx/5xx statuses are responses, not errors: the core classifies them.
/// - Plain `http://` is refused unless the host is loopback or
///   [`UreqTransportBuilder::danger_allow_http_to_non_loopback`] is set.
/// - Errors say what kind of failure happened; they never carry the URL, a header or a body.
///
/// ```no_run
/// use trello_auth_core::BlockingTransport;
/// use trello_auth_ureq::UreqTransport;
///
/// let transport = UreqTransport::new();
/// let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
/// let response = transport.send(request)?;
/// assert_eq!(response.status(), 401); // no credentials
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
    /// The agent follows redirects or turns statuses into errors: override per request.
    override_config: bool,
    limits: Limits<u64>,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqTransport")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl UreqTransport {
    /// A transport with the defaults: [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_IO_TIMEOUT`] and
    /// webpki roots.
    pub fn new() -> Self {
        // The default configuration has no certificate to parse, so building cannot fail.
        UreqTransportBuilder::default()
            .build()
            .expect("the default ureq transport configuration is valid")
    }

    /// A builder to set timeouts, extra root certificates and the `danger_` option.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder::default()
    }

    /// A transport around your own configured agent (proxy, TLS, pool settings), with the
    /// default response size limit.
    ///
    /// Whatever the agent's configuration, this transport never follows a redirect and never
    /// turns a 4xx/5xx status into an error: if the agent would, each request overrides it.
    ///
    /// ```
    /// let agent: ureq::Agent = ureq::Agent::config_builder()
    ///     .timeout_global(Some(std::time::Duration::from_secs(5)))
    ///     .build()
    ///     .into();
    /// let transport = trello_auth_ureq::UreqTransport::from_agent(agent);
    /// # drop(transport);
    /// ```
    pub fn from_agent(agent: Agent) -> Self {
        let config = agent.config();
        let override_config = config.max_redirects() != 0 || config.http_status_as_error();
        Self {
            agent,
            override_config,
            limits: Limits {
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                allow_http: false,
            },
        }
    }

    fn run(&self, request: Request) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let (parts, body) = request.into_parts();
        // An empty body on a method that carries none is sent as no body at all: not even
        // `content-length: 0`, which Trello's CDN may take for a GET with a body (SPEC S3.4).
        let bodyless = body.is_empty()
            && !matches!(
                parts.method,
                http::Method::POST | http::Method::PUT | http::Method::PATCH
            );
        match (bodyless, self.override_config) {
            (true, false) => self.agent.run(http::Request::from_parts(parts, ())),
            (false, false) => self.agent.run(http::Request::from_parts(parts, body)),
            (true, true) => self.run_overridden(http::Request::from_parts(parts, ())),
            (false, true) => self.run_overridden(http::Request::from_parts(parts, body)),
        }
    }

    fn run_overridden(
        &self,
        request: http::Request<impl ureq::AsSendBody>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let request = self
            .agent
            .configure_request(request)
            .max_redirects(0)
            .http_status_as_error(false)
            .build();
        self.agent.run(request)
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        check_destination(request.uri(), self.limits.allow_http)?;
        let response = self.run(request).map_err(sanitize)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(self.limits.max_response_bytes)
            .read_to_vec()
            .map_err(sanitize)?;
        Ok(Response::from_parts(parts, bytes))
    }
}

/// Configures a [`UreqTransport`].
///
/// ```
/// use std::time::Duration;
/// use trello_auth_ureq::UreqTransport;
///
/// let transport = UreqTransport::builder()
///     .connect_timeout(Duration::from_secs(2))
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// # drop(transport);
/// # Ok::<(), trello_auth_ureq::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct UreqTransportBuilder {
    settings: TransportSettings<u64>,
    io_timeout: Option<Duration>,
    response_timeout: Option<Duration>,
    timeout: Option<Duration>,
}

impl Default for UreqTransportBuilder {
    fn default() -> Self {
        Self {
            settings: TransportSettings::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES),
            io_timeout: Some(DEFAULT_IO_TIMEOUT),
            response_timeout: Some(DEFAULT_RESPONSE_TIMEOUT),
            timeout: None,
        }
    }
}

impl UreqTransportBuilder {
    trello_auth_net::transport_builder_settings!(u64);

    /// How long the server may stay silent during each read or write. Default
    /// [`DEFAULT_IO_TIMEOUT`].
    pub fn io_timeout(mut self, limit: Duration) -> Self {
        self.io_timeout = Some(limit);
        self
    }

    /// How long receiving the response head may take, and again receiving its body. Default
    /// [`DEFAULT_RESPONSE_TIMEOUT`]: with the connect and I/O timeouts, it bounds every
    /// request's total time by default, including a server that sends one byte at a time.
    pub fn response_timeout(mut self, limit: Duration) -> Self {
        self.response_timeout = Some(limit);
        self
    }

    /// How long a whole request may take, body included, as one deadline. Off by default
    /// (the per-phase bounds above apply): with ureq 3.5 a total deadline costs about 70 µs
    /// per request on loopback, as if the connection were not reused (`cargo bench -p
    /// trello-auth-tests --bench transports` with `.timeout(..)` set), where the per-phase
    /// bounds cost nothing measurable.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Removes the total, response and I/O timeouts (the connect timeout stays).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self.response_timeout = None;
        self.io_timeout = None;
        self
    }

    /// Builds the transport with its own agent.
    ///
    /// Fails with [`Error::TransportConfig`] when a root certificate was not valid PEM or no
    /// root is trusted at all.
    pub fn build(self) -> Result<UreqTransport, Error> {
        let trusted = self.settings.checked_roots()?;
        let roots = match (trusted.built_in(), trusted.extra()) {
            (_, []) => RootCerts::WebPki, // `check` passed: the built-in roots are on
            // ureq takes roots as certificates, not trust anchors: the same Mozilla set, in
            // certificate form, plus the extra ones.
            (built_in, extra) => {
                let mozilla = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .filter(|_| built_in);
                let certs: Vec<Certificate<'static>> = mozilla
                    .chain(extra)
                    .map(|der| Certificate::from_der(der.as_ref()).to_owned())
                    .collect();
                RootCerts::from(certs)
            }
        };
        let agent: Agent = Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(self.settings.connect_timeout)
            .timeout_per_read(self.io_timeout)
            .timeout_per_write(self.io_timeout)
            .timeout_recv_response(self.response_timeout)
            .timeout_recv_body(self.response_timeout)
            .timeout_global(self.timeout)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build()
            .into();
        let mut transport = UreqTransport::from_agent(agent);
        transport.limits = self.settings.limits;
        Ok(transport)
    }

    /// Builds the transport around your own agent, with this builder's response size limit
    /// and `danger_` option.
    ///
    /// Timeouts and TLS belong to your agent: fails with [`Error::TransportConfig`] when a
    /// timeout other than the defaults or a root certificate was set here.
    pub fn build_with_agent(self, agent: Agent) -> Result<UreqTransport, Error> {
        if !self.settings.connecting_is_default()
            || self.io_timeout != Some(DEFAULT_IO_TIMEOUT)
            || self.response_timeout != Some(DEFAULT_RESPONSE_TIMEOUT)
            || self.timeout.is_some()
        {
            return Err(Error::TransportConfig {
                reason: "timeouts and root certificates are configured on your own agent",
            });
        }
        let mut transport = UreqTransport::from_agent(agent);
        transport.limits = self.settings.limits;
        Ok(transport)
    }
}

/// Maps a ureq error to a [`TransportError`] whose source is a static description: ureq's
/// errors can carry the URL (and so a token in its query), so none of them is kept.
fn sanitize(error: ureq::Error) -> TransportError {
    use TransportErrorKind as K;
    let fail = |kind, why: &'static str| TransportError::with_source(kind, why);
    match error {
        ureq::Error::Io(io) => {
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return fail(K::Tls, describe_tls(tls));
            }
            io_failure(io.kind(), false)
        }
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            fail(K::Timeout, "the connect timeout elapsed")
        }
        ureq::Error::Timeout(_) => fail(K::Timeout, "the timeout elapsed"),
        ureq::Error::HostNotFound => fail(K::Connect, "the host could not be resolved"),
        ureq::Error::ConnectionFailed => fail(K::Connect, "could not connect"),
        ureq::Error::Protocol(_) => fail(K::Protocol, "the server's response was not valid HTTP"),
        ureq::Error::BodyExceedsLimit(_) => fail(
            K::Protocol,
            "the response body exceeds the configured limit",
        ),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            fail(K::Refused, "the request is not valid HTTP")
        }
        ureq::Error::Rustls(tls) => fail(K::Tls, describe_tls(&tls)),
        ureq::Error::Tls(_) | ureq::Error::Pem(_) => fail(K::Tls, "the TLS setup failed"),
        _ => fail(K::Other, "the HTTP client failed"),
    }
}

#[cfg(test)]
mod tests;
