//! Verifying the deliveries Trello sends to a webhook's callback URL (SPEC S9): the
//! `X-Trello-Webhook` header is `base64(HMAC-SHA1(app secret, raw body || callback URL))`.
//!
//! The three mistakes this module makes impossible to make quietly: verifying a re-serialised
//! JSON body (it takes the raw bytes), using the URL the server sees instead of the one
//! registered (it takes the registered URL, never the request's), and comparing with `==` (the
//! comparison is constant-time, by the `hmac` crate's `verify_slice`).
//!
//! ```
//! use trello_auth_core::webhook::{self, WebhookError};
//! use trello_auth_core::AppSecret;
//!
//! let secret = AppSecret::new("0123456789abcdef".repeat(4))?;
//! let url = "https://example.com/hook?x=1"; // exactly as given to POST /1/webhooks
//! let body = br#"{"action":{"type":"updateCard"},"model":{"id":"abc"}}"#;
//! let header = webhook::sign(&secret, url, body);
//! assert_eq!(webhook::verify(&secret, url, body, Some(&header)), Ok(()));
//! // The same JSON, re-serialised with a space: not what Trello signed.
//! let reformatted = br#"{"action": {"type":"updateCard"},"model":{"id":"abc"}}"#;
//! assert_eq!(webhook::verify(&secret, url, reformatted, Some(&header)), Err(WebhookError::Mismatch));
//! assert_eq!(webhook::verify(&secret, url, body, None), Err(WebhookError::MissingHeader));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::secret::AppSecret;

mod resource;

pub use resource::{create, delete, list, NewWebhook, Webhook};

/// The header that carries the signature (`X-Trello-Webhook`), lowercase as `http` names it.
pub const HEADER: &str = "x-trello-webhook";

/// Why a delivery does not verify. Each says what to check; none shows the secret, the
/// signature or the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `X-Trello-Webhook` header, or a blank one.
    #[error("no X-Trello-Webhook header: the request did not come from Trello, or a proxy dropped the header")]
    MissingHeader,
    /// The header is not base64 of a 20-byte HMAC-SHA1.
    #[error("the X-Trello-Webhook header is not base64 of a 20-byte HMAC-SHA1: the request did not come from Trello")]
    MalformedHeader,
    /// A well-formed signature of something else.
    #[error("the X-Trello-Webhook signature does not match: verify the raw body bytes as received (not re-serialised JSON), the callback URL exactly as registered (not the URL your server sees behind a proxy), and the secret of the app whose key created the webhook")]
    Mismatch,
}

impl WebhookError {
    /// The stable name of this error (VECTORS.md): `missing_header`, `malformed_header`,
    /// `mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::MissingHeader => "missing_header",
            WebhookError::MalformedHeader => "malformed_header",
            WebhookError::Mismatch => "mismatch",
        }
    }
}

/// The `X-Trello-Webhook` value Trello sends for `raw_body` delivered to `callback_url`: for
/// tests, and for a server that sends webhooks (the sandbox checks its own with its own code).
pub fn sign(secret: &AppSecret, callback_url: &str, raw_body: &[u8]) -> String {
    BASE64.encode(mac(secret, callback_url, raw_body).finalize().into_bytes())
}

/// Checks a delivery: `raw_body` exactly as received, `callback_url` exactly as registered
/// with `POST /1/webhooks`, and the `X-Trello-Webhook` value (`None` when absent). Whitespace
/// around the value is ignored. The comparison takes the same time wherever the signatures
/// differ.
pub fn verify(
    secret: &AppSecret,
    callback_url: &str,
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<(), WebhookError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty());
    let header = header.ok_or(WebhookError::MissingHeader)?;
    let signature = decode(header.as_bytes())?;
    mac(secret, callback_url, raw_body)
        .verify_slice(&signature)
        .map_err(|_| WebhookError::Mismatch)
}

/// [`verify`] for a request as a server received it: the body and the `X-Trello-Webhook`
/// header come from `request` (a header that is not text is malformed), the URL is the one
/// registered, never the request's own.
///
/// ```
/// use trello_auth_core::webhook;
/// use trello_auth_core::AppSecret;
///
/// let secret = AppSecret::new("0123456789abcdef".repeat(4))?;
/// let registered = "https://example.com/hook";
/// let body = br#"{"action":{},"model":{}}"#.to_vec();
/// let request = http::Request::post("http://10.0.0.7:8080/hook") // behind a proxy
///     .header("X-Trello-Webhook", webhook::sign(&secret, registered, &body))
///     .body(body)?;
/// assert_eq!(webhook::verify_request(&secret, registered, &request), Ok(()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_request<B: AsRef<[u8]>>(
    secret: &AppSecret,
    registered_callback_url: &str,
    request: &http::Request<B>,
) -> Result<(), WebhookError> {
    let mut values = request.headers().get_all(HEADER).iter();
    let header = match (values.next(), values.next()) {
        (None, _) => None,
        (Some(value), None) => Some(value.to_str().map_err(|_| WebhookError::MalformedHeader)?),
        // Two signatures: not Trello's.
        (Some(_), Some(_)) => return Err(WebhookError::MalformedHeader),
    };
    verify(
        secret,
        registered_callback_url,
        request.body().as_ref(),
        header,
    )
}

fn mac(secret: &AppSecret, callback_url: &str, raw_body: &[u8]) -> Hmac<Sha1> {
    // Invariant: HMAC takes a key of any length.
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(raw_body);
    mac.update(callback_url.as_bytes());
    mac
}

/// The 20 bytes of a base64 HMAC-SHA1, or [`WebhookError::MalformedHeader`].
fn decode(header: &[u8]) -> Result<[u8; 20], WebhookError> {
    // Base64 of 20 bytes is 28 characters; anything longer cannot be one (and is not decoded).
    if header.len() != 28 {
        return Err(WebhookError::MalformedHeader);
    }
    let bytes = BASE64
        .decode(header)
        .map_err(|_| WebhookError::MalformedHeader)?;
    bytes.try_into().map_err(|_| WebhookError::MalformedHeader)
}

#[cfg(test)]
mod tests;
