//! [`ConfigError`], for values a program configures (keys, secrets, scopes, URLs, ports).
//!
//! Every error has a stable `code()`, the names of the conformance vectors, also used by the
//! Python binding. No message ever contains a secret; messages about a rejected value
//! describe its [`Shape`].

use crate::shape::Shape;

/// A configured value is invalid. Fix the configuration; retrying cannot help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The API key is not 32 hex characters (SPEC S2).
    #[error("invalid API key: expected 32 hex characters, found {found}; copy the key from https://trello.com/power-ups/admin")]
    InvalidKey {
        /// What was given instead.
        found: Shape,
    },
    /// A 32-hex API key was given where the token belongs (SPEC S2).
    #[error("the token looks like an API key (32 hex characters): pass the user token, which the authorize flow returns, not the key")]
    KeyAsToken,
    /// The token is empty or has a character outside visible ASCII (SPEC S2).
    #[error("invalid token: expected visible ASCII without spaces, found {found}")]
    InvalidToken {
        /// What was given instead.
        found: Shape,
    },
    /// A 32-hex API key was given where the app secret belongs.
    #[error("the app secret looks like an API key (32 hex characters): pass the secret shown below the key")]
    KeyAsSecret,
    /// The app secret is empty.
    #[error("invalid app secret: found {found}")]
    InvalidSecret {
        /// What was given instead.
        found: Shape,
    },
    /// The key and the token are the same value.
    #[error("the token is the API key: pass the user token instead")]
    TokenIsKey,
    /// No scope was requested (SPEC S1.2).
    #[error("empty scope: request at least one of read, write, account")]
    EmptyScope,
    /// A scope other than `read`, `write`, `account` (SPEC S1.2).
    #[error("unknown scope {scope:?}: expected read, write or account")]
    UnknownScope {
        /// The scope given (truncated to 40 characters).
        scope: String,
    },
    /// An expiration other than `1hour`, `1day`, `30days`, `never` (SPEC S1.2).
    #[error("unknown expiration {expiration:?}: expected 1hour, 1day, 30days or never")]
    UnknownExpiration {
        /// The expiration given (truncated to 40 characters).
        expiration: String,
    },
    /// A callback method other than `fragment` or `postMessage` (SPEC S1.2).
    #[error("unknown callback_method {method:?}: expected fragment or postMessage")]
    UnknownCallbackMethod {
        /// The method given (truncated to 40 characters).
        method: String,
    },
    /// `callback_method` without `return_url` or the reverse (SPEC S1.2).
    #[error("callback_method and return_url go together: give both or neither")]
    UnpairedCallback,
    /// The return URL is not an absolute http(s) URL without fragment (SPEC S1.2).
    #[error("invalid return_url: {reason}")]
    InvalidReturnUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The return URL is plain `http://` to a non-loopback host (SPEC S3.4, S7).
    #[error("insecure return_url: plain http is allowed only to localhost, 127.0.0.0/8 or [::1]; use https")]
    InsecureReturnUrl,
    /// A base URL is not an origin (SPEC S1.1).
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The login listener's port is 0: it must be a fixed port, the one registered in the
    /// key's allowed origins (SPEC S7).
    #[error("invalid port 0: give the fixed port whose origin http://127.0.0.1:PORT is registered for the key")]
    InvalidPort,
    /// A base URL is plain `http://` to a non-loopback host (SPEC S3.4).
    #[error("insecure base URL: plain http is allowed only to localhost, 127.0.0.0/8 or [::1]; use https")]
    InsecureBaseUrl,
}

impl ConfigError {
    /// The stable name of this error (VECTORS.md).
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::InvalidKey { .. } => "invalid_key",
            ConfigError::KeyAsToken => "key_as_token",
            ConfigError::InvalidToken { .. } => "invalid_token",
            ConfigError::KeyAsSecret => "key_as_secret",
            ConfigError::InvalidSecret { .. } => "invalid_secret",
            ConfigError::TokenIsKey => "token_is_key",
            ConfigError::EmptyScope => "empty_scope",
            ConfigError::UnknownScope { .. } => "unknown_scope",
            ConfigError::UnknownExpiration { .. } => "unknown_expiration",
            ConfigError::UnknownCallbackMethod { .. } => "unknown_callback_method",
            ConfigError::UnpairedCallback => "unpaired_callback",
            ConfigError::InvalidReturnUrl { .. } => "invalid_return_url",
            ConfigError::InsecureReturnUrl => "insecure_return_url",
            ConfigError::InvalidBaseUrl { .. } => "invalid_base_url",
            ConfigError::InsecureBaseUrl => "insecure_scheme",
            ConfigError::InvalidPort => "invalid_port",
        }
    }
}

/// Truncates a user-supplied, non-secret value for inclusion in an error message.
pub(crate) fn echo(s: &str) -> String {
    s.chars().take(40).collect()
}
