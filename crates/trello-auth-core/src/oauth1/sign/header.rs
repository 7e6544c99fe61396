//! Stage four of signing, the `Authorization` header (RFC 5849 §3.5.1): `OAuth name="value",
//! …`, the protocol parameters and `oauth_signature` in alphabetical order, values encoded
//! once, and the header value marked sensitive.

use http::HeaderValue;

use super::params::{Fragments, OAuthParams, Syntax};
use crate::oauth1::encode::{encode_bytes, Times};
use crate::oauth1::OAuthError;

/// Appends `OAuth name="value", …` with `signature`, the base64 digest, as `oauth_signature`.
pub(super) fn write(
    out: &mut Vec<u8>,
    fragments: &Fragments,
    params: &OAuthParams<'_>,
    signature: &[u8],
    timestamp: &[u8],
) {
    out.extend_from_slice(b"OAuth ");
    if let Some(callback) = params.callback {
        out.extend_from_slice(b"oauth_callback=\"");
        encode_bytes(out, callback.as_bytes(), Times::Once);
        out.extend_from_slice(b"\", ");
    }
    out.extend_from_slice(&fragments.key);
    encode_bytes(out, params.nonce.as_bytes(), Times::Once);
    out.extend_from_slice(b"\", oauth_signature=\"");
    encode_bytes(out, signature, Times::Once);
    out.extend_from_slice(b"\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"");
    out.extend_from_slice(timestamp);
    out.push(b'"');
    out.extend_from_slice(&fragments.token);
    if let Some(verifier) = params.verifier {
        out.extend_from_slice(b", oauth_verifier=\"");
        encode_bytes(out, verifier.as_bytes(), Times::Once);
        out.push(b'"');
    }
    if params.include_version {
        out.extend_from_slice(b", oauth_version=\"1.0\"");
    }
}

/// `authorization` as a header value marked sensitive, so that `Debug` of the request's
/// headers hides it.
pub(super) fn sensitive_value(authorization: &str) -> Result<HeaderValue, OAuthError> {
    let mut value = HeaderValue::from_str(authorization).map_err(|_| {
        // Unreachable in practice: the header is built from percent-encoded ASCII.
        OAuthError::InvalidRequest {
            reason: "the Authorization value is not a valid header",
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// How the header writes the consumer key and the token.
pub(super) const SYNTAX: Syntax = Syntax {
    key_before: b"oauth_consumer_key=\"",
    key_after: b"\", oauth_nonce=\"",
    token_before: b", oauth_token=\"",
    token_after: b"\"",
    times: Times::Once,
};

/// The consumer key and the token as the header holds them.
pub(super) fn fragments(consumer_key: &str, token: Option<&str>) -> Fragments {
    Fragments::new(&SYNTAX, consumer_key, token)
}

#[cfg(test)]
mod tests;
