//! A Trello-compatible HTTP(S) server on loopback, for tests (like stripe-mock or localstack).
#![warn(missing_docs)]
// Handlers short-circuit with the HTTP response to send (`Err(response)`); boxing it would
// only add an allocation to every refusal.
#![allow(clippy::result_large_err)]

mod clock;
mod config;
mod credentials;
mod error;
mod faults;
mod html;
mod model;
mod oauth1_verify;
mod origin;
mod random;
mod rate_limit;
mod request_log;
mod response;
mod routes;
mod sandbox;
mod server;
mod state;
mod tls;

pub use config::Config;
pub use error::{Error, Result};
pub use model::{
    App, Expiration, Fault, Listener, Member, Placement, RateLimits, RecordedRequest, RouteMatch,
    Scopes, TokenSpec,
};
pub use sandbox::{Admin, Sandbox, SandboxBuilder, DEFAULT_BODY_LIMIT};
pub use state::Fixtures;
