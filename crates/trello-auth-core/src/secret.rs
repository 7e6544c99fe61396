//! Credential types: the public [`ApiKey`] and the secrets [`Token`], [`AppSecret`] and
//! [`TokenSecret`] (SPEC S2).
//!
//! # Security
//! Secret types have no `Display` and no `Serialize`; their `Debug` prints `Name([redacted])`;
//! their memory is zeroized on drop; [`Token::expose_secret`] (and its siblings) is the one way
//! to read them. Error messages about a secret describe its shape, never its value.

use std::fmt;

use zeroize::Zeroizing;

use crate::config::ConfigError;
use crate::shape::{is_hex, Shape};

/// A Trello API key: 32 hexadecimal characters (SPEC S2). Public, but validated, so that a
/// token or secret passed where the key belongs is caught before it is sent anywhere.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKey(String);

impl ApiKey {
    /// Validates `key` (surrounding whitespace is trimmed).
    ///
    /// ```
    /// use trello_auth_core::ApiKey;
    /// let key = ApiKey::new(" 0123456789abcdef0123456789ABCDEF\n").unwrap();
    /// assert_eq!(key.as_str(), "0123456789abcdef0123456789ABCDEF");
    /// let err = ApiKey::new("ATTA0123").unwrap_err();
    /// assert_eq!(err.code(), "invalid_key");
    /// ```
    pub fn new(key: impl AsRef<str>) -> Result<Self, ConfigError> {
        let key = key.as_ref().trim();
        if is_hex(key, 32) {
            Ok(Self(key.to_owned()))
        } else {
            Err(ConfigError::InvalidKey {
                found: Shape::of(key),
            })
        }
    }

    /// The key as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    // A key is public (SPEC S2) but still identifies an app: print only a prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}…)", &self.0[..4])
    }
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// # Security
        /// `Debug` prints
        #[doc = concat!("`", stringify!($name), "([redacted])`")]
        /// ; there is no `Display` or `Serialize`; the memory is zeroized on drop.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// The secret value. Do not log it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

// The OAuth 2.0 secrets (`oauth2::secrets`) are written by the same macro.
pub(crate) use secret_type;

secret_type!(
    /// A Trello user token (SPEC S2): opaque visible ASCII (0x21–0x7E), in practice 64 lower
    /// hex (legacy) or `ATTA` + 64 lower hex + 8 upper hex. Also the OAuth 1.0a access or
    /// request token.
    Token,
    "token"
);
secret_type!(
    /// An app secret, the OAuth 1.0a consumer secret (SPEC S2, S6).
    AppSecret,
    "app secret"
);
secret_type!(
    /// An OAuth 1.0a token secret (SPEC S6). Its format is undocumented; any string, even an
    /// empty one, is accepted.
    TokenSecret,
    "token secret"
);

impl Token {
    /// Validates `token` as opaque visible ASCII (SPEC S2); surrounding whitespace is trimmed.
    /// A 32-hex value is refused: that is an API key pasted where the token belongs.
    ///
    /// ```
    /// use trello_auth_core::Token;
    /// let t = Token::new(format!("ATTA{}{}", "a".repeat(64), "0123ABCD")).unwrap();
    /// assert_eq!(format!("{t:?}"), "Token([redacted])");
    /// assert_eq!(Token::new("0123456789abcdef0123456789abcdef").unwrap_err().code(), "key_as_token");
    /// assert_eq!(Token::new("has space").unwrap_err().code(), "invalid_token");
    /// ```
    pub fn new(token: impl Into<String>) -> Result<Self, ConfigError> {
        let token = Zeroizing::new(token.into());
        let trimmed = token.trim();
        match Shape::of(trimmed) {
            Shape::Key32Hex => Err(ConfigError::KeyAsToken),
            Shape::Empty | Shape::NotVisibleAscii => Err(ConfigError::InvalidToken {
                found: Shape::of(trimmed),
            }),
            _ if trimmed.len() == token.len() => Ok(Self(token)),
            _ => Ok(Self(Zeroizing::new(trimmed.to_owned()))),
        }
    }
}

impl AppSecret {
    /// Wraps an app secret (surrounding whitespace trimmed). Refuses an empty value and a
    /// 32-hex value (that is the API key, not the secret).
    pub fn new(secret: impl Into<String>) -> Result<Self, ConfigError> {
        let secret = Zeroizing::new(secret.into());
        match Shape::of(&secret) {
            Shape::Key32Hex => Err(ConfigError::KeyAsSecret),
            Shape::Empty => Err(ConfigError::InvalidSecret {
                found: Shape::Empty,
            }),
            _ => Ok(Self(Zeroizing::new(secret.trim().to_owned()))),
        }
    }
}

impl TokenSecret {
    /// Wraps an OAuth 1.0a token secret, as is (it may be empty).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }
}

#[cfg(test)]
mod tests;
