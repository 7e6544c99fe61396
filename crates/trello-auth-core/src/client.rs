//! The sans-IO half of the transport crates' clients (`trello-auth-hyper`, `trello-auth-ureq`):
//! a [`ClientBuilder`] declares every setting once, a [`Session`] holds them (API origin,
//! credentials, retry policy, rate limiter, token-rejected hook), and a [`Call`] walks one
//! request through rate limiter → prepare → send → classify → act, leaving only the sending
//! and the sleeping to the transport crate (and, for OAuth 2.0, sending the one refresh a
//! [`Refresh`] asks for). Both clients thus behave, fail and report alike,
//! with the crate's one [`Error`](crate::Error).
//!
//! Time and chance stay arguments: `now` is passed in, and jitter and OAuth nonces come from a
//! small PRNG whose seed the transport crate draws.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use trello_auth_core::client::{Attempt, Next, Session};
//! use trello_auth_core::{ApiKey, Credentials, Placement, Token};
//!
//! let creds = Credentials::new(
//!     ApiKey::new("0123456789abcdef0123456789abcdef")?,
//!     Token::new("f".repeat(64))?,
//! );
//! let session = Session::builder().credentials(creds).placement(Placement::Header).seed(7).build();
//! let request = session.request(http::Method::GET, "/1/members/me", None)?;
//! let mut call = session.call(request);
//! let now = Instant::now();
//!
//! // First attempt: the request goes out with the Authorization header.
//! let Attempt::Send(sent) = call.attempt(now, || 1_700_000_000)? else { unreachable!() };
//! assert!(sent.headers().contains_key("authorization"));
//!
//! // The server says 503 with a hint: wait, then send again.
//! let busy = http::Response::builder().status(503).header("retry-after", "2").body(Vec::new())?;
//! assert_eq!(call.settle(Ok(busy), || now).retry_delay(), Some(Duration::from_secs(2)));
//!
//! // The token was revoked: a typed error that says to re-authorize.
//! let Attempt::Send(_) = call.attempt(now, || 1_700_000_002)? else { unreachable!() };
//! let dead = http::Response::builder().status(401).body(b"invalid token".to_vec())?;
//! let Next::Fail(err) = call.settle(Ok(dead), || now) else { unreachable!() };
//! assert_eq!(err.to_string(), "token revoked: re-authorize");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod call;
mod leg;
mod refresh;
mod reserve;
mod response;
mod session;

pub use builder::{Accept, Assemble, ClientBuilder, Parts, TokenRejectedHook};
pub use call::{Attempt, Call, Next};
pub use leg::Leg;
pub use refresh::{Flight, Refresh};
pub use reserve::{Observe, Reserve};
pub use response::{decode, ensure_success};
pub use session::{Auth, Session};
