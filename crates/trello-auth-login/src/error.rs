//! [`Error`]: why a login, a status check or a logout did not finish. No message ever holds a
//! token, a secret or a URL with credentials.

use trello_auth_core::oauth1::OAuthError;
use trello_auth_core::oauth2::{EndpointError, OAuth2Error};
use trello_auth_core::Error as ClientError;
use trello_auth_core::{login, ConfigError};

use crate::store::StoreError;

/// A login, status check or logout that did not finish. `code()` is stable and
/// [`exit_code`](Error::exit_code) is the CLI's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user pressed Deny (SPEC S1.4). Nothing was stored; ask again if that was a mistake.
    #[error("access was not granted: the user chose Deny (Trello said {message:?})")]
    Denied {
        /// Trello's deny text, or a fixed phrase.
        message: String,
    },
    /// The Trello popup was closed before the user chose (SPEC S1.4). Nothing was stored.
    #[error("the Trello window was closed before you chose Allow or Deny: run the login again")]
    Closed,
    /// No answer came before the deadline. Nothing was stored; run the login again, or give a
    /// longer `--timeout`.
    #[error(
        "no answer from the browser within {} s: run the login again (or raise --timeout)",
        after.as_secs_f64()
    )]
    Timeout {
        /// The deadline.
        after: std::time::Duration,
    },
    /// Ctrl-C or the caller's cancel check stopped the login. Nothing was stored.
    #[error("the login was cancelled")]
    Cancelled,
    /// The listener's port is taken by another program. Trello matches the registered origin
    /// with its port (SPEC S7), so no other port is tried: free it, or pick another port and
    /// register that origin instead.
    #[error("port {port} on 127.0.0.1 is busy: stop the program using it, or pass --port N and register http://127.0.0.1:N as an allowed origin of the key (now {origin})")]
    PortBusy {
        /// The port asked for.
        port: u16,
        /// The origin that is registered for it, `http://127.0.0.1:<port>`.
        origin: String,
    },
    /// The listener could not be started for another reason.
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Listen {
        /// The port asked for.
        port: u16,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The browser's delivery could not be read (a broken page or proxy). Run the login again.
    #[error("the delivery from the browser could not be read: {0}")]
    Delivery(#[from] login::LoginError),
    /// The captured token did not pass the checks of SPEC S5 (`GET /1/members/me`, `GET
    /// /1/tokens/{token}`); nothing was stored.
    #[error("the new token was refused by Trello ({0}): nothing was stored")]
    Validation(#[source] ClientError),
    /// A call to Trello failed (status, logout's revoke): see the source.
    #[error(transparent)]
    Api(#[from] ClientError),
    /// OAuth 1.0a's request-token or access-token step failed (SPEC S6).
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// An OAuth 2.0 step failed (SPEC S8): a redirect whose `state` is not this login's (a
    /// stale tab or an attack: nothing was stored, run the login again), a malformed redirect,
    /// a refused code exchange or refresh, an invalid client id or secret.
    #[error(transparent)]
    OAuth2(#[from] OAuth2Error),
    /// The OAuth 2.0 grant of a profile is dead: its refresh token was refused
    /// (`invalid_grant`, SPEC S8.6: expired, rotated, or the user revoked the app), or it has
    /// none and the access token expired. The user must consent again.
    #[error("the OAuth 2.0 grant of profile {profile:?} can no longer be refreshed: re-authorize: run trello-auth login --mode oauth2 --profile {profile}")]
    Reauthorize {
        /// The profile.
        profile: String,
    },
    /// The oauth2 mode needs the OAuth 2.0 client id of the app (there is no API key in
    /// OAuth 2.0, SPEC S8.2).
    #[error("the oauth2 mode needs the app's OAuth 2.0 client id (from the Atlassian developer console): pass --client-id ID; in a program, use OAuth2Login")]
    MissingClientId,
    /// A configured value is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The credential store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// OAuth 1.0a needs the app secret, which was not given.
    #[error("the oauth1 mode needs the app secret: set TRELLO_APP_SECRET (never pass it as an argument)")]
    MissingSecret,
    /// Nothing is stored for the profile (status, token, logout).
    #[error("nothing is stored for profile {profile:?}: run `trello-auth login` first")]
    NotLoggedIn {
        /// The profile asked for.
        profile: String,
    },
    /// The async runtime could not be started (out of threads or file descriptors).
    #[error("could not start the I/O runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// Reading the pasted token from the terminal failed (no terminal, end of input).
    #[error("could not read the pasted token: {0}")]
    Prompt(#[source] std::io::Error),
}

impl Error {
    /// The stable name of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Denied { .. } => "denied",
            Error::Closed => "closed",
            Error::Timeout { .. } => "timeout",
            Error::Cancelled => "cancelled",
            Error::PortBusy { .. } => "port_busy",
            Error::Listen { .. } => "listen",
            Error::Delivery(e) => e.code(),
            Error::Validation(_) => "validation",
            Error::Api(e) => e.code(),
            Error::OAuth(e) => e.code(),
            Error::OAuth2(e) => e.code(),
            Error::Reauthorize { .. } => "reauthorize",
            Error::MissingClientId => "missing_client_id",
            Error::Config(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::MissingSecret => "missing_secret",
            Error::NotLoggedIn { .. } => "not_logged_in",
            Error::Prompt(_) => "prompt",
            Error::Runtime(_) => "runtime",
        }
    }

    /// The `trello-auth` exit code: 3 denied, 4 closed popup, 5 timeout, 2 a configuration
    /// error (a busy port, an unavailable keyring among them), 130 cancelled, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Denied { .. } => 3,
            Error::Closed => 4,
            Error::Timeout { .. } => 5,
            Error::Cancelled => 130,
            Error::PortBusy { .. }
            | Error::Config(_)
            | Error::MissingSecret
            | Error::MissingClientId => 2,
            // A client id or secret, a scope or a redirect URI to fix.
            Error::OAuth2(e) if is_oauth2_config(e) => 2,
            Error::Store(e) if e.is_config() => 2,
            _ => 1,
        }
    }
}

/// Whether an OAuth 2.0 error is the configuration's (the client, its scopes, its redirect
/// URI), not the user's answer or the server's state.
fn is_oauth2_config(e: &OAuth2Error) -> bool {
    match e {
        OAuth2Error::InvalidClientId { .. }
        | OAuth2Error::EmptyScope
        | OAuth2Error::UnknownScope
        | OAuth2Error::InvalidRedirectUri { .. }
        | OAuth2Error::InsecureRedirectUri
        | OAuth2Error::InvalidSecret { .. } => true,
        OAuth2Error::Endpoint { error, .. } => matches!(
            error,
            EndpointError::InvalidClient
                | EndpointError::UnauthorizedClient
                | EndpointError::InvalidScope
        ),
        _ => false,
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
