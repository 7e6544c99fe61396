//! What a login tells its caller: [`Event`]s as it goes, and the [`LoginResult`] at the end,
//! with what became of the token it replaced ([`Previous`]); [`OAuth2LoginResult`] for OAuth
//! 2.0. None of them shows a secret.

use time::OffsetDateTime;
use trello_auth_core::oauth2::TokenSet;
use trello_auth_core::token::Member;
use trello_auth_core::Credentials;
use url::Url;

use crate::browser::OpenOutcome;
use crate::store::StoreKind;

/// What a login reports as it goes, for a progress line. Never carries a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The listener is up on this origin.
    Listening {
        /// `http://127.0.0.1:<port>`.
        origin: &'a str,
    },
    /// The user should open `url`; `browser` says whether it was opened for them.
    OpenUrl {
        /// The URL to open (Trello's consent page, or the listener's page for postMessage).
        url: &'a Url,
        /// Whether a browser was started, or why not.
        browser: &'a OpenOutcome,
    },
    /// Waiting for the user to choose in the browser.
    Waiting,
    /// Paste mode: the user is asked for the token.
    PastePrompt,
    /// Paste mode: what was pasted is not a token; the user is asked again.
    PasteRejected {
        /// Why, without the input.
        reason: String,
    },
    /// The token arrived; it is being checked with Trello (SPEC S5).
    Validating,
    /// The token was stored.
    Stored {
        /// Where.
        store: StoreKind,
    },
}

/// What replaced credentials became after a re-login.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Previous {
    /// The profile held no token.
    None,
    /// The profile held the same token: nothing to revoke.
    Same,
    /// The old token was revoked on the server after the new one was stored.
    Revoked,
    /// The old token could not be revoked (it is forgotten all the same); `code` says why.
    RevokeFailed {
        /// The error's stable name.
        code: &'static str,
    },
    /// The profile held an OAuth 2.0 grant: it is forgotten, not revoked, as there is no
    /// revocation endpoint (SPEC S8.1); the user revokes the app on their Atlassian account.
    Forgotten,
}

/// A finished login: the stored credentials and what Trello said about them.
#[derive(Debug)]
#[non_exhaustive]
pub struct LoginResult {
    /// The profile the credentials were stored under.
    pub profile: String,
    /// The key and the new token (bound to the API base).
    pub credentials: Credentials,
    /// The member behind the token (`GET /1/members/me`).
    pub member: Member,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// When the token expires (`None`: never).
    pub expires: Option<OffsetDateTime>,
    /// Where the token was stored.
    pub store: StoreKind,
    /// What happened to the token this login replaced.
    pub previous: Previous,
}

/// A finished OAuth 2.0 login (SPEC S8): the stored token set and what it may do.
///
/// # Security
/// `Debug` shows the tokens as `[redacted]`.
#[derive(Debug)]
#[non_exhaustive]
pub struct OAuth2LoginResult {
    /// The profile the token set was stored under.
    pub profile: String,
    /// The OAuth 2.0 client id.
    pub client_id: String,
    /// The member behind the grant (`GET /1/members/me`).
    pub member: Member,
    /// The token set: access token, refresh token (with `offline_access`), expiry, granted
    /// scopes.
    pub tokens: TokenSet,
    /// When the access token expires (about an hour; the refresh token lives on).
    pub expires: Option<OffsetDateTime>,
    /// Where the token set was stored.
    pub store: StoreKind,
    /// What happened to the credentials this login replaced.
    pub previous: Previous,
}
