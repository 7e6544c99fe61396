//! Blocking transport and client of trello-auth: [`UreqTransport`] sends the core's requests
//! with a ureq 3 agent and rustls (ring provider, webpki roots).
//!
//! Redirects are never followed, 4xx/5xx are responses for the core to classify, plain
//! `http://` goes only to loopback unless a `danger_` option says otherwise, and errors never
//! carry a URL, a header value or a body.
#![warn(missing_docs)]

mod client;
mod transport;

pub use client::{Client, ClientBuilder};
pub use transport::{
    UreqTransport, UreqTransportBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
};
pub use trello_auth_core::client::ClientError as Error;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
