//! Async transport and client of trello-auth: [`HyperTransport`] sends the core's requests with
//! hyper 1, hyper-util's pooled client and rustls (ring provider, webpki roots), HTTP/1.1 and
//! HTTP/2 by ALPN.
//!
//! Redirects are never followed, plain `http://` goes only to loopback unless a `danger_`
//! option says otherwise, and errors never carry a URL, a header value or a body.
#![warn(missing_docs)]

mod client;
mod transport;

pub use client::{Client, ClientBuilder};
pub use transport::{
    Body, HyperTransport, HyperTransportBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use trello_auth_core::client::ClientError as Error;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
