//! The settings both transport builders have: [`TransportSettings`] holds them, the
//! [`transport_builder_settings!`] macro writes their setters (with their docs) into each
//! builder once, and [`Limits`] is what a built transport enforces on every request.

use std::time::Duration;

use trello_auth_core::Error;

use crate::TrustRoots;

/// What a built transport checks on every request: the largest response body (of the
/// transport's size type `B`) and whether plain `http://` may go to a non-loopback host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits<B> {
    /// The largest response body accepted.
    pub max_response_bytes: B,
    /// The `danger_allow_http_to_non_loopback` option.
    pub allow_http: bool,
}

/// The settings every transport builder collects, with the transport's defaults.
#[derive(Clone, Debug)]
pub struct TransportSettings<B> {
    /// How long connecting (TCP and TLS) may take; `None` for no limit.
    pub connect_timeout: Option<Duration>,
    /// The root certificates trusted.
    pub roots: TrustRoots,
    /// What the built transport enforces.
    pub limits: Limits<B>,
    default_connect_timeout: Duration,
}

impl<B> TransportSettings<B> {
    /// The defaults of a transport: its connect timeout and response size limit, the built-in
    /// roots, plain `http://` to loopback only.
    pub fn new(connect_timeout: Duration, max_response_bytes: B) -> Self {
        Self {
            connect_timeout: Some(connect_timeout),
            roots: TrustRoots::default(),
            limits: Limits {
                max_response_bytes,
                allow_http: false,
            },
            default_connect_timeout: connect_timeout,
        }
    }

    /// The roots, once [`TrustRoots::check`] passed: otherwise
    /// [`Error::TransportConfig`] saying what is wrong.
    pub fn checked_roots(&self) -> Result<&TrustRoots, Error> {
        self.roots
            .check()
            .map(|()| &self.roots)
            .map_err(|reason| Error::TransportConfig { reason })
    }

    /// `true` when nothing about connecting (the connect timeout, the roots) was changed: a
    /// transport built around the caller's own client takes only that, since connecting is
    /// the client's.
    pub fn connecting_is_default(&self) -> bool {
        self.connect_timeout == Some(self.default_connect_timeout) && self.roots.is_default()
    }
}

/// Expands, inside the `impl` block of a transport builder, the setters every transport of
/// trello-auth has: `connect_timeout`, `max_response_bytes` (of type `$bytes`),
/// `add_root_certificate_pem`, `tls_built_in_root_certs` and
/// `danger_allow_http_to_non_loopback`.
///
/// The builder needs a field `settings: TransportSettings<$bytes>`, a `build` method, and the
/// constants `DEFAULT_CONNECT_TIMEOUT` and `DEFAULT_MAX_RESPONSE_BYTES` in scope (the docs link
/// to them).
///
/// ```
/// use std::time::Duration;
/// use trello_auth_net::TransportSettings;
///
/// /// How long connecting may take by default.
/// pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// /// The largest response body accepted by default.
/// pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;
///
/// struct Builder {
///     settings: TransportSettings<usize>,
/// }
///
/// impl Builder {
///     trello_auth_net::transport_builder_settings!(usize);
///
///     fn build(self) -> Result<TransportSettings<usize>, trello_auth_core::Error> {
///         self.settings.checked_roots()?;
///         Ok(self.settings)
///     }
/// }
///
/// let new = || Builder {
///     settings: TransportSettings::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES),
/// };
/// let built = new().connect_timeout(Duration::from_secs(2)).max_response_bytes(64).build()?;
/// assert_eq!(built.connect_timeout, Some(Duration::from_secs(2)));
/// assert_eq!(built.limits.max_response_bytes, 64);
/// assert!(!built.connecting_is_default());
/// let err = new().tls_built_in_root_certs(false).build().unwrap_err();
/// assert_eq!(err.code(), "transport_config");
/// # Ok::<(), trello_auth_core::Error>(())
/// ```
#[macro_export]
macro_rules! transport_builder_settings {
    ($bytes:ty) => {
        /// How long connecting (TCP and TLS handshake) may take. Default
        /// [`DEFAULT_CONNECT_TIMEOUT`].
        pub fn connect_timeout(mut self, limit: ::std::time::Duration) -> Self {
            self.settings.connect_timeout = ::std::option::Option::Some(limit);
            self
        }

        /// The largest response body accepted; a larger one fails with a
        /// `TransportErrorKind::Protocol` error. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
        pub fn max_response_bytes(mut self, limit: $bytes) -> Self {
            self.settings.limits.max_response_bytes = limit;
            self
        }

        /// Trusts the certificates of a PEM bundle as roots, in addition to the webpki roots
        /// (for example the sandbox's CA). A bundle with no certificate makes
        /// [`build`](Self::build) fail.
        pub fn add_root_certificate_pem(mut self, pem: &str) -> Self {
            self.settings.roots.add_pem(pem);
            self
        }

        /// Whether the webpki (Mozilla) roots are trusted. Default `true`; set `false` to trust
        /// only the certificates added with
        /// [`add_root_certificate_pem`](Self::add_root_certificate_pem).
        pub fn tls_built_in_root_certs(mut self, enabled: bool) -> Self {
            self.settings.roots.set_built_in(enabled);
            self
        }

        /// Allows plain `http://` to hosts that are not loopback.
        ///
        /// # Security
        /// Credentials then cross the network in clear (SPEC S3.4). Use only for a test server
        /// on a trusted network.
        pub fn danger_allow_http_to_non_loopback(mut self, allow: bool) -> Self {
            self.settings.limits.allow_http = allow;
            self
        }
    };
}
