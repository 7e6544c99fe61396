//! What the transport crates of trello-auth (`trello-auth-hyper`, `trello-auth-ureq`) share,
//! kept out of the core because the core does no I/O, reads no clock, draws no random number
//! and knows no TLS:
//!
//! - [`TrustRoots`]: the root certificates a transport trusts, as its builder collects them;
//! - [`describe_tls`]: a rustls error as a static message that names no host, for a
//!   transport's sanitized error;
//! - [`TransportSettings`] and [`transport_builder_settings!`]: the builder settings both
//!   transports have (connect timeout, response size limit, roots, the `danger_` option),
//!   declared once, and the [`Limits`] a built transport enforces;
//! - [`unix_time`] and [`random_seed`]: the wall clock and the randomness the core takes as
//!   arguments.
//!
//! ```
//! use trello_auth_net::{describe_tls, TrustRoots};
//!
//! let mut roots = TrustRoots::default();
//! roots.add_pem("not PEM");
//! assert!(roots.check().is_err());
//! let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
//! assert!(describe_tls(&unknown).starts_with("the server's certificate is not signed"));
//! ```
#![warn(missing_docs)]

mod clock;
mod describe;
mod roots;
mod settings;

pub use clock::{random_seed, unix_time};
pub use describe::describe_tls;
pub use roots::TrustRoots;
pub use settings::{Limits, TransportSettings};

// The crates whose types appear in this crate's public signatures.
pub use rustls;
pub use rustls_pki_types;
pub use trello_auth_core;
