//! Sans-IO core of trello-auth: everything needed to get, use, check and revoke Trello API
//! credentials, with no sockets, no clocks, no randomness and no TLS.
//!
//! Every operation is three steps: this crate **prepares** an `http::Request<Vec<u8>>`, a
//! transport (`trello-auth-hyper`, `trello-auth-ureq`, or your own closure) **sends** it, and
//! this crate **classifies** the `http::Response`. What varies in time or chance (now, nonces,
//! jitter) is an argument, so every output is reproducible.
//!
//! In scope: authorize URLs (SPEC S1), token capture (S1.3, S1.4), credential placement (S3),
//! response classification (S4), the token resource (S5), OAuth 1.0a (S6), OAuth 2.0 with PKCE
//! (S8, [`oauth2`]), retry and rate-limit policy (S4.3) and the rules of a fleet-wide budget
//! ([`fleet`]), the login receiver of a loopback
//! listener (S10), and redaction for logs.
//! Out of scope: sending anything.
//!
//! ```
//! use trello_auth_core::{ApiKey, Credentials, Placement, Token};
//!
//! let creds = Credentials::new(
//!     ApiKey::new("0123456789abcdef0123456789abcdef")?,
//!     Token::new(format!("ATTA{}0123ABCD", "a".repeat(64)))?,
//! );
//! let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
//! let request = creds.authorize(request, Placement::Header)?;
//! assert!(request.headers()["authorization"].to_str()?.starts_with("OAuth oauth_consumer_key="));
//! // What a log may show:
//! assert_eq!(
//!     trello_auth_core::redact(&request),
//!     "GET https://api.trello.com/1/members/me\nauthorization: OAuth oauth_consumer_key=\"[redacted]\", oauth_token=\"[redacted]\"",
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod authorize;
pub mod budget;
mod capture;
mod classify;
pub mod client;
mod config;
mod credentials;
mod encode;
mod error;
pub mod fleet;
pub mod login;
pub mod oauth1;
pub mod oauth2;
mod origin;
mod rate_limit;
mod redact;
mod retry;
mod secret;
mod shape;
pub mod token;
mod transport;
pub mod webhook;

pub use authorize::{AuthorizeParams, AuthorizeUrl, Delivery, Expiration, Scope, Scopes};
pub use capture::{
    parse_fragment, parse_pasted_token, parse_post_message, parse_post_message_from, CaptureError,
};
pub use classify::{
    classify, parse_retry_after, Action, PermissionReason, RateLimitKind, TokenRejection, Verdict,
};
pub use config::ConfigError;
pub use credentials::{Credentials, Placement, PlacementError};
pub use error::{Error, Result};
pub use origin::{Origin, TRELLO_API, TRELLO_AUTH};
pub use rate_limit::{Budget, Decision, Limit, RateLimitStatus, RateLimiter};
pub use redact::redact;
pub use retry::{is_idempotent, RetryPolicy};
pub use secret::{ApiKey, AppSecret, Token, TokenSecret};
pub use shape::Shape;
pub use transport::{
    check_destination, io_failure, BlockingTransport, Transport, TransportError, TransportErrorKind,
};

// The crates whose types appear in this crate's public signatures, so that users name the same
// versions without matching them by hand.
pub use http;
pub use serde;
pub use time;
pub use url;

/// The request type the core prepares and transports send.
pub type Request = http::Request<Vec<u8>>;
/// The response type transports return and the core classifies.
pub type Response = http::Response<Vec<u8>>;
