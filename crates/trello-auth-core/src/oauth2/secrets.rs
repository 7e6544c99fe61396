//! The OAuth 2.0 secrets (SPEC S8): [`ClientSecret`], [`AccessToken`], [`RefreshToken`],
//! [`CodeVerifier`] and [`AuthorizationCode`], written by the crate's `secret_type!` macro, and
//! [`ClientCredentials`], the client id with its optional secret.
//!
//! # Security
//! Like every secret of this crate (SPEC S2 rules, S8.4): no `Display`, no `Serialize`, a
//! `Debug` that prints `Name([redacted])`, memory zeroized on drop, `.expose_secret()` the one
//! way to read them. Errors describe a refused value's shape, never the value.

use std::fmt;

use zeroize::Zeroizing;

use super::error::{OAuth2Error, SecretKind};
use crate::secret::secret_type;
use crate::shape::{is_visible_ascii, Shape};

secret_type!(
    /// An OAuth 2.0 client secret (SPEC S8.4), given to confidential clients only; observed
    /// to start with `ATO`.
    ClientSecret,
    "client secret"
);
secret_type!(
    /// An OAuth 2.0 access token, sent as `Authorization: Bearer …` (SPEC S8.1); it lives
    /// about an hour (S8.5).
    AccessToken,
    "access token"
);
secret_type!(
    /// An OAuth 2.0 refresh token (SPEC S8.5). It rotates: each refresh returns a new one and
    /// the old one stops working, so persist the new one before using the new access token.
    RefreshToken,
    "refresh token"
);
secret_type!(
    /// A PKCE code verifier (SPEC S8.2, RFC 7636 §4.1): 43–128 characters of
    /// `[A-Za-z0-9-._~]`, kept by the client until the code exchange.
    CodeVerifier,
    "code verifier"
);
secret_type!(
    /// An authorization code from the redirect (SPEC S8.3): single use, valid for minutes.
    AuthorizationCode,
    "authorization code"
);

/// Validates an opaque secret as non-empty visible ASCII (SPEC S2's rule, applied to S8).
fn opaque(value: String, kind: SecretKind) -> Result<Zeroizing<String>, OAuth2Error> {
    let value = Zeroizing::new(value);
    if !value.is_empty() && is_visible_ascii(&value) {
        Ok(value)
    } else {
        Err(OAuth2Error::InvalidSecret {
            kind,
            found: Shape::of(&value),
        })
    }
}

impl ClientSecret {
    /// Validates a client secret: non-empty visible ASCII, taken as is (no trimming: a secret
    /// is compared byte for byte).
    ///
    /// ```
    /// use trello_auth_core::oauth2::ClientSecret;
    /// let s = ClientSecret::new("ATOAsecret").unwrap();
    /// assert_eq!(format!("{s:?}"), "ClientSecret([redacted])");
    /// assert_eq!(ClientSecret::new("").unwrap_err().code(), "invalid_client_secret");
    /// ```
    pub fn new(secret: impl Into<String>) -> Result<Self, OAuth2Error> {
        opaque(secret.into(), SecretKind::ClientSecret).map(Self)
    }
}

impl AccessToken {
    /// Validates an access token: non-empty visible ASCII.
    pub fn new(token: impl Into<String>) -> Result<Self, OAuth2Error> {
        opaque(token.into(), SecretKind::AccessToken).map(Self)
    }
}

impl RefreshToken {
    /// Validates a refresh token: non-empty visible ASCII.
    pub fn new(token: impl Into<String>) -> Result<Self, OAuth2Error> {
        opaque(token.into(), SecretKind::RefreshToken).map(Self)
    }
}

impl AuthorizationCode {
    /// Validates an authorization code: non-empty visible ASCII.
    pub fn new(code: impl Into<String>) -> Result<Self, OAuth2Error> {
        opaque(code.into(), SecretKind::AuthorizationCode).map(Self)
    }
}

impl CodeVerifier {
    /// Validates a verifier: 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1), else
    /// `invalid_verifier`.
    ///
    /// ```
    /// use trello_auth_core::oauth2::CodeVerifier;
    /// assert!(CodeVerifier::new("a".repeat(43)).is_ok());
    /// assert_eq!(CodeVerifier::new("too-short").unwrap_err().code(), "invalid_verifier");
    /// ```
    pub fn new(verifier: impl Into<String>) -> Result<Self, OAuth2Error> {
        let verifier = Zeroizing::new(verifier.into());
        let unreserved =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if (43..=128).contains(&verifier.len()) && verifier.bytes().all(unreserved) {
            Ok(Self(verifier))
        } else {
            Err(OAuth2Error::InvalidVerifier)
        }
    }
}

/// An OAuth 2.0 client: its id and, for a confidential client, its secret (SPEC S8.4). A
/// public client (a CLI, a desktop app) has no secret and relies on PKCE alone.
///
/// ```
/// use trello_auth_core::oauth2::{ClientCredentials, ClientSecret};
/// let public = ClientCredentials::public("my-client-id")?;
/// assert!(public.secret().is_none());
/// let confidential = ClientCredentials::confidential("my-client-id", ClientSecret::new("ATOAs3cr3t")?)?;
/// assert_eq!(
///     format!("{confidential:?}"),
///     r#"ClientCredentials { client_id: "my-client-id", secret: Some(ClientSecret([redacted])) }"#,
/// );
/// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    client_id: String,
    secret: Option<ClientSecret>,
}

impl ClientCredentials {
    /// A public client: `client_id` only (non-empty visible ASCII).
    pub fn public(client_id: impl Into<String>) -> Result<Self, OAuth2Error> {
        Ok(Self {
            client_id: check_client_id(client_id.into())?,
            secret: None,
        })
    }

    /// A confidential client: `client_id` and its secret.
    pub fn confidential(
        client_id: impl Into<String>,
        secret: ClientSecret,
    ) -> Result<Self, OAuth2Error> {
        Ok(Self {
            client_id: check_client_id(client_id.into())?,
            secret: Some(secret),
        })
    }

    /// The client id (public).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret, for a confidential client.
    pub fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }
}

impl fmt::Debug for ClientCredentials {
    // The id is public (it is in every authorize URL); the secret's Debug redacts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// A client id is non-empty visible ASCII (it goes into a URL and a JSON body as is).
pub(crate) fn check_client_id(client_id: String) -> Result<String, OAuth2Error> {
    if !client_id.is_empty() && is_visible_ascii(&client_id) {
        Ok(client_id)
    } else {
        Err(OAuth2Error::InvalidClientId {
            found: Shape::of(&client_id),
        })
    }
}
