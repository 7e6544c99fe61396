//! [`Error`], the one error type of this crate: each module's own error ([`ConfigError`],
//! [`PlacementError`], [`CaptureError`], [`OAuthError`], [`OAuth2Error`], [`TransportError`],
//! [`DecodeError`]) converts into it, and Trello's refusals (SPEC S4) become its first
//! variants.
//!
//! Every error has a stable `code()`, the names of the conformance vectors, also used by the
//! Python binding. No message ever contains a secret, a URL, a header value or a body.

use std::time::Duration;

use crate::capture::CaptureError;
use crate::classify::{PermissionReason, RateLimitKind, TokenRejection, Verdict};
use crate::config::ConfigError;
use crate::credentials::PlacementError;
use crate::oauth1::OAuthError;
use crate::oauth2::OAuth2Error;
use crate::token::DecodeError;
use crate::transport::TransportError;

/// The one error type of this crate: every fallible step converts into it, and it is what a
/// transport client's call returns (`trello-auth-hyper` and `trello-auth-ureq` re-export it
/// as their `Error`).
///
/// The first variants are Trello's answers (SPEC S4) after the retries the policy allows;
/// the others are failures on this side.
///
/// # Security
/// No variant holds a URL, a header value, a body or a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401 `invalid token` or `expired token` (SPEC S4.1): the token is dead. Send the user
    /// through the authorize flow again; resending with this token cannot work.
    #[error("{}", match reason {
        TokenRejection::Expired => "token expired: re-authorize",
        TokenRejection::GrantRevoked => "OAuth 2.0 grant revoked (the refresh was refused or the refreshed token rejected): authorize the user again",
        _ => "token revoked: re-authorize",
    })]
    TokenRejected {
        /// Why the token was refused.
        reason: TokenRejection,
    },
    /// 401 `invalid key` (SPEC S4.1): the API key is missing or wrong. Fix the configuration.
    #[error("API key rejected: fix the configured key; retrying cannot help")]
    KeyRejected,
    /// Another 401 (SPEC S4.1): the credentials do not grant this call. Fix the scope or the
    /// placement, or re-authorize with a wider scope.
    #[error("permission denied ({}): check the token's scope and the credentials' placement", reason.code())]
    PermissionDenied {
        /// Which 401 Trello sent.
        reason: PermissionReason,
    },
    /// 429 (SPEC S4.3), still after the allowed retries, or with a `Retry-After` longer than
    /// the policy waits. Slow down and try later.
    #[error("rate limited ({} budget): slow down and retry later", limit.code())]
    RateLimited {
        /// Which budget was spent.
        limit: RateLimitKind,
        /// The server's last `Retry-After` hint.
        retry_after: Option<Duration>,
    },
    /// 404 (SPEC S4.2): no such resource, or the credentials cannot see it. Check the id.
    #[error("not found: check the id and that the credentials can see it")]
    NotFound,
    /// 400 or 422 (SPEC S4.2): a malformed id or value. Fix the request.
    #[error("bad request: a malformed id or value; fix the request")]
    BadRequest,
    /// 403 (SPEC S3.4): typically a GET that carried a body. Fix the request.
    #[error("forbidden: the request was refused (a GET with a body?); fix the request")]
    Forbidden,
    /// A 5xx (SPEC S4.2) after the allowed retries (a non-idempotent request is not retried,
    /// since the server may have acted). Retry later.
    #[error("server error {status}: Trello is failing; retry later")]
    Server {
        /// The status code.
        status: u16,
    },
    /// Any other status, such as a redirect where a JSON answer was expected. Treat it as a
    /// failure; use the client's `execute` to see redirects.
    #[error("unexpected response status {status}")]
    Unexpected {
        /// The status code.
        status: u16,
    },
    /// The request could not be sent or the response not received (after the retries the
    /// policy allows). Check connectivity; retrying later may help.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The transport's own configuration is invalid (a root certificate that is not PEM, no
    /// trusted root). Fix the configuration.
    #[error("invalid transport configuration: {reason}")]
    TransportConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// A configured value (key, token, base URL) is invalid. Fix the configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request path is not a valid absolute path. Fix the path.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: &'static str,
    },
    /// The credentials could not be placed on the request (SPEC S3). Fix the request.
    #[error(transparent)]
    Placement(#[from] PlacementError),
    /// A successful response's body did not decode as the expected type. Report it, or ask for
    /// bytes or `serde_json::Value` instead.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An OAuth 1.0a step failed: signing, a refused or malformed step answer, a callback that
    /// does not match or was denied (SPEC S6). The variant says what to do.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// An OAuth 2.0 step failed: a refused authorization request, a redirect that does not
    /// match or was denied, or a token endpoint refusal (SPEC S8). The variant says what to
    /// do; an `invalid_grant` means re-authorize.
    #[error(transparent)]
    OAuth2(#[from] OAuth2Error),
    /// The OAuth 2.0 rotation hook ([`Grant::on_tokens`](crate::oauth2::Grant::on_tokens))
    /// failed to save a refreshed token set. The new set is kept in memory and its access
    /// token is not used until a save succeeds: the next call saves it again first, and the
    /// spent refresh token is never sent again. Fix the store (`source()` says what failed).
    #[error("the refreshed OAuth 2.0 tokens could not be saved (the on_tokens hook failed): fix the store; the next call saves them again before using them")]
    TokensNotSaved {
        /// What the hook returned.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The rate budget outside the client (a fleet's, in Redis) could not answer, and its
    /// failure policy says not to send: nothing was sent. Check the budget's store.
    #[error(transparent)]
    RateBudget(#[from] crate::budget::BudgetError),
    /// No token could be read from a redirect, a message or a paste, or the user denied
    /// access (SPEC S1.3, S1.4). The variant says what to do.
    #[error(transparent)]
    Capture(#[from] CaptureError),
}

impl Error {
    /// The error for a verdict that is not a success, `None` for [`Verdict::Success`].
    ///
    /// ```
    /// use trello_auth_core::Error;
    /// use trello_auth_core::Verdict;
    /// let err = Error::from_verdict(&Verdict::NotFound).unwrap();
    /// assert_eq!(err.code(), "not_found");
    /// assert!(Error::from_verdict(&Verdict::Success).is_none());
    /// ```
    pub fn from_verdict(verdict: &Verdict) -> Option<Self> {
        Some(match *verdict {
            Verdict::Success => return None,
            Verdict::TokenRejected { reason } => Error::TokenRejected { reason },
            Verdict::KeyRejected => Error::KeyRejected,
            Verdict::PermissionDenied { reason } => Error::PermissionDenied { reason },
            Verdict::RateLimited { limit, retry_after } => {
                Error::RateLimited { limit, retry_after }
            }
            Verdict::NotFound => Error::NotFound,
            Verdict::BadRequest => Error::BadRequest,
            Verdict::Forbidden => Error::Forbidden,
            Verdict::ServerError { status, .. } => Error::Server { status },
            Verdict::Unexpected { status } => Error::Unexpected { status },
        })
    }

    /// The stable name of this error: the verdict's name (VECTORS.md) for Trello's answers
    /// (`server_error` for [`Error::Server`]), else the underlying error's code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::TokenRejected { .. } => "token_rejected",
            Error::KeyRejected => "key_rejected",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::RateLimited { .. } => "rate_limited",
            Error::NotFound => "not_found",
            Error::BadRequest => "bad_request",
            Error::Forbidden => "forbidden",
            Error::Server { .. } => "server_error",
            Error::Unexpected { .. } => "unexpected",
            Error::Transport(e) => e.code(),
            Error::TransportConfig { .. } => "transport_config",
            Error::Config(e) => e.code(),
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Placement(e) => e.code(),
            Error::Decode(e) => e.code(),
            Error::OAuth(e) => e.code(),
            Error::OAuth2(e) => e.code(),
            Error::TokensNotSaved { .. } => "tokens_not_saved",
            Error::Capture(e) => e.code(),
            Error::RateBudget(_) => "rate_budget_unavailable",
        }
    }

    /// `true` for [`Error::TokenRejected`]: the app must re-authorize its user.
    pub fn is_token_rejected(&self) -> bool {
        matches!(self, Error::TokenRejected { .. })
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;
