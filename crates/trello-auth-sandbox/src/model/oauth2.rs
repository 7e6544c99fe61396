//! The OAuth 2.0 value types (SPEC S8): the scopes a client may enable, a registered client,
//! and the clients a sandbox registers at start.

use std::fmt;

use crate::error::{Error, Result};
use crate::random;

/// The ten OAuth 2.0 scopes of Trello's OpenAPI (SPEC S8.8), without `offline_access` (which
/// every client may request).
pub const OAUTH2_SCOPES: [&str; 10] = [
    "read:board:trello",
    "write:board:trello",
    "write:board:membership:trello",
    "read:organization:trello",
    "write:organization:trello",
    "write:organization:membership:trello",
    "read:member:trello",
    "write:member:trello",
    "read:enterprise:trello",
    "write:enterprise:trello",
];

/// A registered OAuth 2.0 client (SPEC S8): confidential with a `client_secret`, or public
/// without one.
///
/// `Debug` redacts the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuth2Client {
    /// The name shown on the consent page.
    pub name: String,
    /// The client id (public, sent in the authorize URL).
    pub client_id: String,
    /// The client secret of a confidential client (starts with `ATO`, SPEC S8.4), or `None`
    /// for a public client (which proves itself with PKCE alone).
    pub client_secret: Option<String>,
    /// The callback URLs; an authorize request's `redirect_uri` must equal one character for
    /// character (SPEC S8.2).
    pub redirect_uris: Vec<String>,
    /// The scopes enabled on the client (SPEC S8.8); `offline_access` is always allowed.
    pub scopes: Vec<String>,
}

impl fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Client")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("redirect_uris", &self.redirect_uris)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl OAuth2Client {
    /// A confidential client with a fresh id and `ATOA...` secret, every scope of SPEC S8.8
    /// enabled, and the development callbacks `http://127.0.0.1:8080/callback` and
    /// `http://localhost:8080/callback`.
    pub fn confidential(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            client_id: random::client_id(),
            client_secret: Some(random::client_secret()),
            redirect_uris: vec![
                "http://127.0.0.1:8080/callback".to_owned(),
                "http://localhost:8080/callback".to_owned(),
            ],
            scopes: OAUTH2_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A public client: as [`Self::confidential`], without a secret.
    pub fn public(name: impl Into<String>) -> Self {
        Self {
            client_secret: None,
            ..Self::confidential(name)
        }
    }

    /// Replaces the redirect URIs.
    #[must_use]
    pub fn with_redirect_uris<I, S>(mut self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.redirect_uris = uris.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the enabled scopes.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Checks the id, the secret, the redirect URIs (absolute URLs) and the scopes (SPEC S8.8).
    pub(crate) fn validate(&self) -> Result<()> {
        let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if !visible(&self.client_id) {
            return Err(Error::Config(
                "a client id must be visible ASCII without spaces".into(),
            ));
        }
        if self.client_secret.as_deref().is_some_and(|s| !visible(s)) {
            return Err(Error::Config(
                "a client secret must be visible ASCII without spaces".into(),
            ));
        }
        if let Some(bad) = self
            .redirect_uris
            .iter()
            .find(|u| url::Url::parse(u).map_or(true, |u| u.cannot_be_a_base()))
        {
            return Err(Error::Config(format!(
                "not an absolute redirect URI: {bad}"
            )));
        }
        if let Some(bad) = self
            .scopes
            .iter()
            .find(|s| !OAUTH2_SCOPES.contains(&s.as_str()))
        {
            return Err(Error::Config(format!("unknown OAuth 2.0 scope: {bad}")));
        }
        Ok(())
    }
}

/// The OAuth 2.0 clients a sandbox registers at start (the binary prints them as `"oauth2"`).
///
/// `Debug` redacts the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuth2Info {
    /// The confidential client's id.
    pub client_id: String,
    /// The confidential client's secret.
    pub client_secret: String,
    /// The public client's id (no secret; PKCE only).
    pub public_client_id: String,
    /// The redirect URIs both clients accept.
    pub redirect_uris: Vec<String>,
}

impl fmt::Debug for OAuth2Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Info")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("public_client_id", &self.public_client_id)
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}
