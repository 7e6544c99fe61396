//! What every transport checks and maps the same way: [`check_destination`] before sending, and
//! [`io_failure`] for an I/O error, so that no transport keeps a library error (which may carry
//! the URL) or sends credentials in clear.

use http::uri::{Authority, Scheme};
use http::Uri;

use super::{TransportError, TransportErrorKind};
use crate::origin::{is_loopback_authority, is_loopback_str};

/// Refuses to send `uri` unless it is `https://`, or plain `http://` to a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`), or plain `http://` anywhere when `allow_http` (a
/// transport's `danger_` option) is set. A URI without scheme or host is refused too.
///
/// The error is [`TransportErrorKind::Refused`] and names no part of the URI (which may carry
/// credentials in its query).
///
/// ```
/// use trello_auth_core::check_destination;
///
/// assert!(check_destination(&"https://api.trello.com/1/members/me".parse()?, false).is_ok());
/// assert!(check_destination(&"http://127.0.0.1:8080/1/members/me".parse()?, false).is_ok());
/// let err = check_destination(&"http://api.trello.com/1/members/me?token=x".parse()?, false).unwrap_err();
/// assert_eq!(err.kind().code(), "refused");
/// assert!(check_destination(&"http://api.trello.com/".parse()?, true).is_ok());
/// assert!(check_destination(&"/1/members/me".parse()?, false).is_err());
/// assert!(check_destination(&"https://:443/".parse()?, false).is_err()); // no host
/// assert!(check_destination(&"HTTP://LocalHost:8080/".parse()?, false).is_ok());
/// assert!(check_destination(&"ftp://127.0.0.1/".parse()?, true).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_destination(uri: &Uri, allow_http: bool) -> Result<(), TransportError> {
    let refused = |why: &'static str| {
        Err(TransportError::with_source(
            TransportErrorKind::Refused,
            why,
        ))
    };
    let Some(authority) = uri.authority().filter(|a| has_host(a)) else {
        return refused("the URL has no host");
    };
    // `Scheme` compares standard schemes as enums, others case-insensitively.
    let scheme = uri.scheme();
    if scheme == Some(&Scheme::HTTPS) {
        return Ok(());
    }
    if scheme != Some(&Scheme::HTTP) {
        return refused("the URL's scheme is not http or https");
    }
    if allow_http || is_loopback_authority(authority.as_str()) || is_loopback_str(authority.host())
    {
        Ok(())
    } else {
        refused("plain http to a non-loopback host (SPEC S3.4): use https, or the transport's danger_allow_http_to_non_loopback option")
    }
}

/// Whether `authority` names a host: `http::Uri` accepts `:80` and `user@:80`. Cheaper than
/// [`Authority::host`] when there is no user info, the usual case.
fn has_host(authority: &Authority) -> bool {
    let s = authority.as_str();
    if s.bytes().any(|b| b == b'@') {
        !authority.host().is_empty()
    } else {
        !s.is_empty() && !s.starts_with(':')
    }
}

/// The [`TransportError`] for an I/O failure of `kind`, with a static description as its
/// source: transports call it instead of keeping the library's error, which may carry the URL.
/// `connecting` says whether the failure happened before a connection was made.
///
/// ```
/// use std::io::ErrorKind;
/// use trello_auth_core::io_failure;
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
