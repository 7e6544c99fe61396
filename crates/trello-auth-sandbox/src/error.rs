//! The crate's one error type: what can go wrong while configuring or starting a sandbox, or
//! reading its consent page.

/// Why a sandbox could not be configured, started or changed, or a page read.
///
/// Errors that clients cause over HTTP are not errors here: the sandbox answers them the way
/// Trello does (SPEC S4). This type covers the embedding program's side.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A listener could not be bound or configured; pick another host or port.
    #[error("cannot bind the sandbox listener")]
    Bind(#[source] std::io::Error),
    /// An app, member, token or rate-limit setting is invalid (the message says which);
    /// fix the configuration.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The `--config` file could not be read or parsed.
    #[error("cannot read the sandbox configuration file")]
    ConfigFile(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Generating the CA or leaf certificate, or building the TLS configuration, failed.
    #[error("cannot set up TLS for the sandbox")]
    Tls(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The background runtime of [`crate::SandboxBuilder::start_blocking`] could not start.
    #[error("cannot start the sandbox runtime")]
    Runtime(#[source] std::io::Error),
    /// No member or app with that id or key exists in this sandbox.
    #[error("unknown {0}")]
    Unknown(&'static str),
    /// [`crate::consent::ConsentForm`] found no consent form on the page (the message says
    /// what was missing), or the form offers no such button: the page is probably an error
    /// page (a bad key or `return_url`), whose text says what to fix.
    #[error("not a usable consent page: {0}")]
    ConsentPage(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
