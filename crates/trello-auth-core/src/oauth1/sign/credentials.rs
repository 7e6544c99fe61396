//! The credentials a signature is made with (SPEC S6): the app's [`Consumer`] and the user's
//! [`TokenCredentials`], whose `Debug` never shows a secret.

use std::fmt;

use crate::secret::{AppSecret, Token, TokenSecret};

/// An OAuth 1.0a consumer: the app's key (the Trello API key) and its secret (SPEC S6).
///
/// The key is a plain string, as RFC 5849 examples use keys that are not 32 hex; the secret
/// is an [`AppSecret`].
///
/// ```
/// use trello_auth_core::{oauth1::Consumer, AppSecret};
/// let consumer = Consumer::new("dpf43f3p2l4k3l03", AppSecret::new("kd94hf93k423kf44")?);
/// assert_eq!(consumer.key(), "dpf43f3p2l4k3l03");
/// assert_eq!(format!("{consumer:?}"), "Consumer { key: \"dpf4…\", secret: AppSecret([redacted]) }");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
///
/// # Security
/// `Debug` shows the key's first four characters and never the secret.
#[derive(Clone)]
pub struct Consumer {
    key: String,
    secret: AppSecret,
}

impl Consumer {
    /// A consumer with `key` (sent as `oauth_consumer_key`) and `secret` (half of the HMAC key).
    pub fn new(key: impl Into<String>, secret: AppSecret) -> Self {
        Self {
            key: key.into(),
            secret,
        }
    }

    /// The consumer key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The consumer secret.
    pub fn secret(&self) -> &AppSecret {
        &self.secret
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("key", &Prefix(&self.key))
            .field("secret", &self.secret)
            .finish()
    }
}

/// An OAuth 1.0a access token and its secret, as the access-token step returns them and as
/// API calls are signed with (SPEC S6).
///
/// ```
/// use trello_auth_core::{oauth1::TokenCredentials, Token, TokenSecret};
/// let creds = TokenCredentials::new(Token::new("nnch734d00sl2jdk")?, TokenSecret::new("pfkkdhi9sl3r4s00"));
/// assert_eq!(creds.token().expose_secret(), "nnch734d00sl2jdk");
/// assert_eq!(
///     format!("{creds:?}"),
///     "TokenCredentials { token: Token([redacted]), secret: TokenSecret([redacted]) }",
/// );
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCredentials {
    token: Token,
    secret: TokenSecret,
}

impl TokenCredentials {
    /// Pairs a token with its secret.
    pub fn new(token: Token, secret: TokenSecret) -> Self {
        Self { token, secret }
    }

    /// The token, sent as `oauth_token`.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The token secret, half of the HMAC key; never sent.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }
}

/// Debug helper: the first four characters and an ellipsis.
pub(super) struct Prefix<'a>(pub(super) &'a str);

impl fmt::Debug for Prefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(4).collect();
        write!(f, "\"{prefix}…\"")
    }
}
