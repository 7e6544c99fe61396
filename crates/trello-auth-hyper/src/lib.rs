//! Async transport and client of trello-auth: [`HyperTransport`] sends the core's requests with
//! hyper 1, hyper-util's pooled client and rustls (ring provider, webpki roots), HTTP/1.1 and
//! HTTP/2 by ALPN.
//!
//! Redirects are never followed, plain `http://` goes only to loopback unless a `danger_`
//! option says otherwise, and errors never carry a URL, a header value or a body.
//!
//! [`Client`] is the short loop over the core that most programs want: key + token placed on
//! each call (header by default), a client-side rate limiter, retries of 429 and of 5xx on
//! idempotent calls with backoff that honours `Retry-After`, and a typed
//! [`Error::TokenRejected`] when the user must re-authorize. Here against the sandbox:
//!
//! ```
//! use trello_auth_core::{ApiKey, Credentials, Origin, Token};
//! use trello_auth_hyper::Client;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let sandbox = trello_auth_sandbox::Sandbox::builder().start().await?;
//! let credentials = Credentials::new(ApiKey::new(&sandbox.app().key)?, Token::new(sandbox.token())?)
//!     .with_api_base(Origin::parse(sandbox.api_base())?);
//! let client = Client::new(credentials);
//!
//! let me = client.me().await?;
//! assert_eq!(me.username, sandbox.member().username);
//! let info = client.token_info().await?;
//! assert!(info.can_read() && info.date_expires.is_none());
//!
//! client.revoke().await?;
//! let err = client.me().await.unwrap_err();
//! assert!(err.is_token_rejected());
//! assert_eq!(err.to_string(), "token revoked: re-authorize");
//! # Ok(()) })
//! # }
//! ```
//!
//! [`HyperTransport`] alone sends any prepared request (see its docs); a program with its own
//! hyper-util client wraps it with [`HyperTransport::from_client`].
//!
//! With OAuth 2.0 (SPEC S8), the same client takes a
//! [`Grant`](trello_auth_core::oauth2::Grant) instead of key + token, through
//! [`ClientBuilder::oauth2`](trello_auth_core::client::ClientBuilder::oauth2): every call
//! carries `Authorization: Bearer`, the access token is refreshed when under 60 s of it are
//! left or once after a 401 (one refresh however many calls wait), and the grant's
//! `on_tokens` hook saves the rotated set before its first use. The `/1/tokens` helpers
//! (`token_info`, `revoke`) refuse OAuth 2.0 credentials.
#![warn(missing_docs)]

mod client;
mod transport;

pub use client::{Client, ClientBuilder};
pub use transport::{
    Body, HyperTransport, HyperTransportBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use trello_auth_core::Error;

// The crates whose types appear in this crate's public signatures.
pub use bytes;
pub use http_body_util;
pub use hyper_util;
pub use trello_auth_core;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
