//! Getting a Trello token on a user's machine (SPEC S7, S10): the IO around
//! `trello_auth_core::login`'s sans-IO receiver.
//!
//! In scope: the 127.0.0.1 listener on a fixed, configurable port, opening the browser, the
//! deadline and Ctrl-C, validating the captured token before anything is stored, and the
//! credential store (the OS keyring where one works, else a 0600 file).
//!
//! # A login in a program
//!
//! Register `http://127.0.0.1:8080` (the listener's origin, [`DEFAULT_PORT`]) as an allowed
//! origin of your API key once. Then:
//!
//! ```no_run
//! use trello_auth_core::{ApiKey, Scopes};
//! use trello_auth_login::{Event, Login};
//!
//! let result = Login::new(ApiKey::new("0123456789abcdef0123456789abcdef")?)
//!     .scopes(Scopes::READ | Scopes::WRITE)
//!     .name("Board Sync")
//!     .on_event(|event| {
//!         if let Event::OpenUrl { url, .. } = event {
//!             eprintln!("Open this URL to log in: {url}");
//!         }
//!     })
//!     .run_blocking()?; // async programs: `.run().await`
//! println!("logged in as {}, stored in the {}", result.member.username, result.store);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What happens: the listener binds `127.0.0.1:8080` (a busy port is [`Error::PortBusy`],
//! never another port: Trello matches the port, SPEC S7); the browser opens Trello's consent
//! page (not over SSH or without a display; the URL is always reported); Allow sends the
//! browser to the listener's relay page, whose script hands the fragment over; the token is
//! checked with `GET /1/members/me` and `GET /1/tokens/{token}` (SPEC S5); then, and only then,
//! it is stored, and the token it replaces is revoked. Deny, a closed popup, the deadline and
//! Ctrl-C are [`Error::Denied`], [`Error::Closed`], [`Error::Timeout`] and
//! [`Error::Cancelled`], and store nothing.
//!
//! # Later: load, check, log out
//!
//! ```no_run
//! use trello_auth_login::{account, CredentialStore, StoreChoice};
//!
//! let store = CredentialStore::new(StoreChoice::Auto)?;
//! let stored = account::load(&store, "default")?; // TRELLO_API_KEY + TRELLO_TOKEN win
//! let client = trello_auth_ureq::Client::new(account::credentials(&stored));
//! # let _ = client;
//! account::logout(&store, "default", false, None)?; // revokes on the server, then forgets
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # OAuth 2.0
//!
//! [`OAuth2Login`] runs SPEC S8's authorization code flow with PKCE on the same listener (the
//! redirect arrives at `http://127.0.0.1:<port>/callback`); [`oauth2::access_token`] gives a
//! fresh access token later, refreshing it (and storing the rotated set first) when under a
//! minute is left.
//!
//! # Where tokens are kept
//!
//! In the OS keyring (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
//! when one answers; on a machine without one (a container, CI, a server without a desktop
//! session) in `credentials.toml`, mode 0600, written atomically, in the config folder
//! (`$TRELLO_AUTH_CONFIG_DIR`, else `~/.config/trello-auth` on Linux). `config.toml` beside it
//! holds each profile's key, member, scopes and expiry, never a token.
#![warn(missing_docs)]

pub mod account;
mod api;
pub mod browser;
mod error;
mod flow;
mod listener;
mod mode;
pub mod oauth2;
mod report;
mod settings;
mod store;

pub use error::{Error, Result};
pub use flow::{Login, DEFAULT_TIMEOUT};
pub use mode::LoginMode;
pub use oauth2::OAuth2Login;
pub use report::{Event, LoginResult, OAuth2LoginResult, Previous};
pub use store::{
    validate_profile, CredentialStore, OAuth2Record, ProfileKind, ProfileRecord, StoreChoice,
    StoreError, StoreKind, StoredCredentials, StoredOAuth2, API_KEY_VAR, CONFIG_DIR_VAR,
    CONFIG_FILE, CREDENTIALS_FILE, KEYRING_SERVICE, TOKEN_VAR,
};
pub use trello_auth_core::login::DEFAULT_PORT;
