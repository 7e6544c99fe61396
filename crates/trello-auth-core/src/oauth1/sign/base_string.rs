//! Stage two of signing, the signature base string (RFC 5849 §3.4.1.1): the method, the base
//! string URI (§3.4.1.2) and the sorted parameters, `&`-joined, with the protocol parameters
//! written in their block's place.

use std::borrow::Cow;

use http::{Method, Uri};

use super::params::{Fragments, OAuthParams, ParamList, Syntax};
use crate::oauth1::encode::{encode_bytes, Times};
use crate::oauth1::OAuthError;

/// Appends the base string: `METHOD&enc(base URI)&enc(parameters)`, the parameters as
/// [`ParamList::collect`] sorted them, joined by `%26`.
///
/// Refuses ([`OAuthError::InvalidRequest`]) a URL that is not absolute `http(s)` or has no
/// host.
pub(super) fn write(
    out: &mut Vec<u8>,
    method: &Method,
    target: &Target<'_>,
    list: &ParamList,
    fragments: &Fragments,
    params: &OAuthParams<'_>,
    timestamp: &[u8],
) -> Result<(), OAuthError> {
    push_method(out, method);
    out.push(b'&');
    push_base_uri(out, target)?;
    out.push(b'&');
    for (i, span) in list.spans.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"%26");
        }
        match span.oauth_block {
            true => write_oauth_block(out, fragments, params, timestamp),
            false => out.extend_from_slice(list.pair(span)),
        }
    }
    Ok(())
}

/// The parts of the request's URI that the base string URI is made of, the authority read
/// once.
#[derive(Clone, Copy)]
pub(super) struct Target<'u> {
    uri: &'u Uri,
    host: Option<&'u str>,
    port: Option<u16>,
    path: &'u str,
}

impl<'u> Target<'u> {
    pub(super) fn new(uri: &'u Uri) -> Self {
        let (host, port) = host_and_port(uri);
        Self {
            uri,
            host,
            port,
            path: uri.path(),
        }
    }

    /// The bytes of host and path before encoding, to size the output buffer.
    pub(super) fn raw_len(&self) -> usize {
        self.host.map_or(0, str::len) + self.path.len()
    }
}

/// How the base string writes the consumer key and the token.
pub(super) const SYNTAX: Syntax = Syntax {
    key_before: b"oauth_consumer_key%3D",
    key_after: b"%26oauth_nonce%3D",
    token_before: b"%26oauth_token%3D",
    token_after: b"",
    times: Times::Twice,
};

/// The consumer key and the token as the base string holds them.
pub(super) fn fragments(consumer_key: &str, token: Option<&str>) -> Fragments {
    Fragments::new(&SYNTAX, consumer_key, token)
}

/// Appends the protocol parameters (RFC 5849 §3.1; never `oauth_signature` or `realm`) as
/// the base string holds them: sorted, `name%3Dvalue` joined by `%26`, values encoded
/// twice. They are one block because no request parameter starts with `oauth_`.
fn write_oauth_block(
    out: &mut Vec<u8>,
    fragments: &Fragments,
    params: &OAuthParams<'_>,
    timestamp: &[u8],
) {
    if let Some(callback) = params.callback {
        out.extend_from_slice(b"oauth_callback%3D");
        encode_bytes(out, callback.as_bytes(), Times::Twice);
        out.extend_from_slice(b"%26");
    }
    out.extend_from_slice(&fragments.key);
    encode_bytes(out, params.nonce.as_bytes(), Times::Twice);
    out.extend_from_slice(b"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D");
    out.extend_from_slice(timestamp);
    out.extend_from_slice(&fragments.token);
    if let Some(verifier) = params.verifier {
        out.extend_from_slice(b"%26oauth_verifier%3D");
        encode_bytes(out, verifier.as_bytes(), Times::Twice);
    }
    if params.include_version {
        out.extend_from_slice(b"%26oauth_version%3D1.0");
    }
}

/// The method, upper-cased and encoded like oauthlib does (RFC 5849 §3.4.1.1 step 1; a
/// standard method is unchanged by either).
fn push_method(out: &mut Vec<u8>, method: &Method) {
    let method = method.as_str();
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        encode_bytes(out, method.to_ascii_uppercase().as_bytes(), Times::Once);
    } else {
        encode_bytes(out, method.as_bytes(), Times::Once);
    }
}

/// Appends the encoded base string URI (RFC 5849 §3.4.1.2): scheme and host lower-cased,
/// default port dropped, path as is, no query, no fragment.
fn push_base_uri(out: &mut Vec<u8>, target: &Target<'_>) -> Result<(), OAuthError> {
    let Target {
        uri,
        host,
        port,
        path,
    } = *target;
    let invalid = |reason| OAuthError::InvalidRequest { reason };
    let scheme = uri
        .scheme_str()
        .ok_or(invalid("the URL is not absolute (no scheme and host)"))?;
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        out.extend_from_slice(b"https");
        443
    } else if scheme.eq_ignore_ascii_case("http") {
        out.extend_from_slice(b"http");
        80
    } else {
        return Err(invalid("the URL's scheme is not http or https"));
    };
    let host = host
        .filter(|h| !h.is_empty())
        .ok_or(invalid("the URL has no host"))?;
    out.extend_from_slice(b"%3A%2F%2F");
    let host: Cow<'_, str> = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    };
    encode_bytes(out, host.as_bytes(), Times::Once);
    if let Some(port) = port.filter(|&p| p != default_port) {
        out.extend_from_slice(b"%3A");
        out.extend_from_slice(Digits::new(u64::from(port)).as_bytes());
    }
    encode_bytes(
        out,
        if path.is_empty() {
            b"/"
        } else {
            path.as_bytes()
        },
        Times::Once,
    );
    Ok(())
}

/// The URI's host (IPv6 in brackets) and port, read in one pass over its authority: what
/// `Uri::host` and `Uri::port_u16` return, without their separate scans.
fn host_and_port(uri: &Uri) -> (Option<&str>, Option<u16>) {
    let Some(authority) = uri.authority().map(http::uri::Authority::as_str) else {
        return (None, None);
    };
    // The host starts after the last '@' (user info); a port follows the last ':' unless
    // that ':' is inside IPv6 brackets.
    let (mut host_start, mut colon) = (0, None);
    for (i, b) in authority.bytes().enumerate() {
        match b {
            b'@' => (host_start, colon) = (i + 1, None),
            b':' => colon = Some(i),
            b']' => colon = None,
            _ => {}
        }
    }
    let host_port = authority.get(host_start..).unwrap_or_default();
    match colon.and_then(|c| c.checked_sub(host_start)) {
        Some(c) => {
            let (host, port) = host_port.split_at(c);
            (Some(host), port.get(1..).and_then(|p| p.parse().ok()))
        }
        None => (Some(host_port), None),
    }
}

/// The decimal digits of a `u64`, on the stack: the port here, the timestamp in base string
/// and header.
pub(super) struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    pub(super) fn new(mut n: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        // u64::MAX has 20 digits, so `start` never goes below 0.
        loop {
            start -= 1;
            // `n % 10` is below 10, so the cast keeps the value.
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Self { buf, start }
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
