//! Blocking transport and client of trello-auth: [`UreqTransport`] sends the core's requests
//! with a ureq 3 agent and rustls (ring provider, webpki roots).
//!
//! Redirects are never followed, 4xx/5xx are responses for the core to classify, plain
//! `http://` goes only to loopback unless a `danger_` option says otherwise, and errors never
//! carry a URL, a header value or a body.
//!
//! [`Client`] is the short loop over the core that most programs want: key + token placed on
//! each call (header by default), a client-side rate limiter, retries of 429 and of 5xx on
//! idempotent calls with backoff that honours `Retry-After`, and a typed
//! [`Error::TokenRejected`] when the user must re-authorize. Here against the sandbox:
//!
//! ```
//! use trello_auth_core::{ApiKey, Credentials, Origin, Placement, Token};
//! use trello_auth_ureq::Client;
//!
//! let sandbox = trello_auth_sandbox::Sandbox::builder().start_blocking()?;
//! let credentials = Credentials::new(ApiKey::new(&sandbox.app().key)?, Token::new(sandbox.token())?)
//!     .with_api_base(Origin::parse(sandbox.api_base())?);
//! let client = Client::builder()
//!     .credentials(credentials)
//!     .placement(Placement::Body)
//!     .build();
//!
//! // Body placement: the key and token travel in the PUT's JSON body (SPEC S3.3).
//! let card = &sandbox.fixtures().card_id;
//! let renamed: serde_json::Value =
//!     client.put(&format!("/1/cards/{card}/name"), &serde_json::json!({ "value": "Done" }))?;
//! assert_eq!(renamed["name"], "Done");
//!
//! // A GET cannot carry a body (SPEC S3.4): refused before anything is sent.
//! assert_eq!(client.me().unwrap_err().code(), "body_not_allowed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`UreqTransport`] alone sends any prepared request (see its docs); a program with its own
//! configured agent wraps it with [`UreqTransport::from_agent`].
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
    UreqTransport, UreqTransportBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RESPONSE_TIMEOUT,
};
pub use trello_auth_core::Error;

// The crates whose types appear in this crate's public signatures.
pub use trello_auth_core;
pub use ureq;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
