//! Sans-IO pieces shared by the transport crates' clients (`trello-auth-hyper`,
//! `trello-auth-ureq`): their common [`ClientError`], and the check every transport makes before
//! sending (SPEC S3.4), so that both behave, fail and report alike.

use http::Uri;

use crate::origin::is_loopback_str;
use crate::token::DecodeError;
use crate::transport::{TransportError, TransportErrorKind};
use crate::{ConfigError, PlacementError};

/// Why a transport client's call failed: the `Error` of `trello-auth-hyper` and
/// `trello-auth-ureq` (both re-export this type).
///
/// # Security
/// No variant holds a URL, a header value, a body or a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request could not be sent or the response not received (after the retries the
    /// policy allows, for idempotent requests). Check connectivity; retrying later may help.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The transport's own configuration is invalid (a root certificate that is not PEM, no
    /// trusted root). Fix the configuration.
    #[error("invalid transport configuration: {reason}")]
    TransportConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// A configured value (key, token, base URL) is invalid. Fix the configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The credentials could not be placed on the request (SPEC S3). Fix the request.
    #[error(transparent)]
    Placement(#[from] PlacementError),
    /// A successful response's body did not decode as the expected type. Report it, or ask for
    /// bytes or `serde_json::Value` instead.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl ClientError {
    /// The stable name of this error (VECTORS.md names where they exist).
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Transport(e) => e.code(),
            ClientError::TransportConfig { .. } => "transport_config",
            ClientError::Config(e) => e.code(),
            ClientError::Placement(e) => e.code(),
            ClientError::Decode(e) => e.code(),
        }
    }
}

/// Refuses to send `uri` unless it is `https://`, or plain `http://` to a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`), or plain `http://` anywhere when `allow_http` (a
/// transport's `danger_` option) is set. A URI without scheme or host is refused too.
///
/// The error is [`TransportErrorKind::Refused`] and names no part of the URI (which may carry
/// credentials in its query).
///
/// ```
/// use trello_auth_core::client::check_destination;
///
/// assert!(check_destination(&"https://api.trello.com/1/members/me".parse()?, false).is_ok());
/// assert!(check_destination(&"http://127.0.0.1:8080/1/members/me".parse()?, false).is_ok());
/// let err = check_destination(&"http://api.trello.com/1/members/me?token=x".parse()?, false).unwrap_err();
/// assert_eq!(err.kind().code(), "refused");
/// assert!(check_destination(&"http://api.trello.com/".parse()?, true).is_ok());
/// assert!(check_destination(&"/1/members/me".parse()?, false).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_destination(uri: &Uri, allow_http: bool) -> Result<(), TransportError> {
    let refused = |why: &'static str| {
        Err(TransportError::with_source(
            TransportErrorKind::Refused,
            why,
        ))
    };
    let Some(host) = uri.host() else {
        return refused("the URL has no host");
    };
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Ok(()),
        Some(s) if s.eq_ignore_ascii_case("http") => {
            if allow_http || is_loopback_str(host) {
                Ok(())
            } else {
                refused("plain http to a non-loopback host (SPEC S3.4): use https, or the transport's danger_allow_http_to_non_loopback option")
            }
        }
        _ => refused("the URL's scheme is not http or https"),
    }
}

/// The [`TransportError`] for an I/O failure of `kind`, with a static description as its
/// source: transports call it instead of keeping the library's error, which may carry the URL.
/// `connecting` says whether the failure happened before a connection was made.
///
/// ```
/// use std::io::ErrorKind;
/// use trello_auth_core::client::io_failure;
///
/// assert_eq!(io_failure(ErrorKind::ConnectionRefused, true).kind().code(), "connect");
/// assert_eq!(io_failure(ErrorKind::TimedOut, true).kind().code(), "timeout");
/// assert_eq!(io_failure(ErrorKind::ConnectionReset, false).kind().code(), "io");
/// assert!(io_failure(ErrorKind::ConnectionReset, false).is_transient());
/// ```
pub fn io_failure(kind: std::io::ErrorKind, connecting: bool) -> TransportError {
    use std::io::ErrorKind as I;
    use TransportErrorKind as K;
    let (k, why) = match kind {
        I::TimedOut => (K::Timeout, "the timeout elapsed"),
        I::ConnectionRefused => (K::Connect, "the connection was refused"),
        I::NotFound | I::AddrNotAvailable => (K::Connect, "the host could not be resolved"),
        I::ConnectionReset => (K::Io, "the connection was reset"),
        I::ConnectionAborted => (K::Io, "the connection was aborted"),
        I::BrokenPipe => (K::Io, "the connection broke while sending"),
        I::UnexpectedEof => (K::Io, "the connection closed early"),
        _ if connecting => (K::Connect, "could not connect"),
        _ => (K::Io, "an I/O error occurred"),
    };
    TransportError::with_source(k, why)
}
