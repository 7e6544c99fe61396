//! [`classify`]: what a Trello response means and what the caller does next (SPEC S4), as a
//! [`Verdict`] and its [`Action`], plus [`parse_retry_after`] for the `Retry-After` header.
//!
//! A verdict is not an error: a 401 `invalid token` is an expected answer that tells the program
//! to re-authorize its user. Classification reads the status, the body and two headers
//! (`Retry-After`, `Date`); it allocates nothing unless a JSON string in the body carries an
//! escape, and it never panics.

use std::time::Duration;

mod body;

use body::{classify_401, rate_limit_kind};

/// Classifies a response to a Trello API call (SPEC S4.1–S4.3).
///
/// Bodies compare trimmed and ASCII-case-insensitively; a body that starts with `{` is read as
/// JSON and its `message` and `error` strings compare instead. The mapping:
///
/// | status | verdict |
/// |---|---|
/// | 2xx | [`Verdict::Success`] |
/// | 401 | by body: [`TokenRejected`](Verdict::TokenRejected), [`KeyRejected`](Verdict::KeyRejected) or [`PermissionDenied`](Verdict::PermissionDenied) (S4.1) |
/// | 429 | [`RateLimited`](Verdict::RateLimited), the limit read from the JSON `error` (S4.3) |
/// | 400, 422 | [`BadRequest`](Verdict::BadRequest) (S4.2) |
/// | 403 | [`Forbidden`](Verdict::Forbidden), whatever the body (S3.4, S4.1) |
/// | 404 | [`NotFound`](Verdict::NotFound) (S4.2) |
/// | 5xx | [`ServerError`](Verdict::ServerError) (S4.2) |
/// | anything else (1xx, 3xx, other 4xx) | [`Unexpected`](Verdict::Unexpected) |
///
/// `Retry-After` is read on 429 and 5xx only (see [`parse_retry_after`]). A 429 without it
/// carries no hint even when the `x-rate-limit-*` headers say the budget is spent: feed those to
/// [`RateLimiter::observe`](crate::RateLimiter::observe), which then waits out the interval, and
/// let the [`RetryPolicy`](crate::RetryPolicy) back off meanwhile. Guessing a delay here from
/// headers whose window start is unknown would either wait too little or double the wait.
///
/// ```
/// use std::time::Duration;
/// use trello_auth_core::{RateLimitKind, TokenRejection};
/// use trello_auth_core::{classify, Action, Verdict};
///
/// // SPEC S4.1: a revoked token.
/// let response = http::Response::builder().status(401).body(" Invalid Token\n")?;
/// let verdict = classify(&response);
/// assert_eq!(verdict, Verdict::TokenRejected { reason: TokenRejection::Invalid });
/// assert_eq!(verdict.action(), Action::Reauthorize);
/// assert_eq!(verdict.code(), "token_rejected");
///
/// // SPEC S4.3: over the token's budget, with a hint.
/// let response = http::Response::builder()
///     .status(429)
///     .header("content-type", "application/json")
///     .header("retry-after", "3")
///     .body(r#"{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#)?;
/// let verdict = classify(&response);
/// let three = Some(Duration::from_secs(3));
/// assert_eq!(verdict, Verdict::RateLimited { limit: RateLimitKind::Token, retry_after: three });
/// assert_eq!(verdict.action(), Action::RetryAfter(three));
/// # Ok::<(), http::Error>(())
/// ```
#[must_use]
pub fn classify<B: AsRef<[u8]>>(response: &http::Response<B>) -> Verdict {
    let status = response.status().as_u16();
    match status {
        200..=299 => Verdict::Success,
        401 => classify_401(response.body().as_ref()),
        429 => Verdict::RateLimited {
            limit: rate_limit_kind(response.body().as_ref()),
            retry_after: retry_after_of(response.headers()),
        },
        400 | 422 => Verdict::BadRequest,
        403 => Verdict::Forbidden,
        404 => Verdict::NotFound,
        500..=599 => Verdict::ServerError {
            status,
            retry_after: retry_after_of(response.headers()),
        },
        _ => Verdict::Unexpected { status },
    }
}

/// What a response means (SPEC S4). Each verdict has exactly one [`Action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// A 2xx: the call worked. Use the body.
    Success,
    /// 401 `invalid token` or `expired token` (SPEC S4.1): the token is dead. Send the user
    /// through the authorize flow again; retrying with this token cannot work.
    TokenRejected {
        /// Why the token was refused.
        reason: TokenRejection,
    },
    /// 401 `invalid key` or `invalid app key` (SPEC S4.1): the API key is missing or wrong. Fix
    /// the configuration; retrying cannot help.
    KeyRejected,
    /// Any other 401 (SPEC S4.1): the credentials do not grant this call. Fix the scope or the
    /// placement, or supply a token; re-authorizing with a wider scope may help.
    PermissionDenied {
        /// Which 401 body Trello sent.
        reason: PermissionReason,
    },
    /// 429 (SPEC S4.3): over a rate limit; the request was not processed, so it is safe to send
    /// again after a wait, whatever its method.
    RateLimited {
        /// Which budget was spent, from the JSON `error` code.
        limit: RateLimitKind,
        /// The server's `Retry-After` hint, when it sent a usable one.
        retry_after: Option<Duration>,
    },
    /// 404 (SPEC S4.2): no such resource, or the credentials cannot see it. Check the id.
    NotFound,
    /// 400 or 422 (SPEC S4.2): a malformed id or value. Fix the request.
    BadRequest,
    /// 403, whatever the body (SPEC S3.4, S4.1): typically a GET that carried a body, refused by
    /// the CDN with an HTML page. A bug in the caller: fix the request.
    Forbidden,
    /// A 5xx (SPEC S4.2): an outage. Retry later; see [`RetryPolicy`](crate::RetryPolicy) for
    /// which methods are safe to resend.
    ServerError {
        /// The status code, 500–599.
        status: u16,
        /// The server's `Retry-After` hint, when it sent a usable one.
        retry_after: Option<Duration>,
    },
    /// Any other status: 1xx, 3xx (a redirect, e.g. an attachment download's 302 of SPEC S3.4,
    /// which must be followed without credentials) or an unlisted 4xx. Treat as a failure.
    Unexpected {
        /// The status code.
        status: u16,
    },
}

impl Verdict {
    /// The stable name of this verdict (VECTORS.md): `success`, `token_rejected`,
    /// `key_rejected`, `permission_denied`, `rate_limited`, `not_found`, `bad_request`,
    /// `forbidden`, `server_error` or `unexpected`.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::TokenRejected { .. } => "token_rejected",
            Verdict::KeyRejected => "key_rejected",
            Verdict::PermissionDenied { .. } => "permission_denied",
            Verdict::RateLimited { .. } => "rate_limited",
            Verdict::NotFound => "not_found",
            Verdict::BadRequest => "bad_request",
            Verdict::Forbidden => "forbidden",
            Verdict::ServerError { .. } => "server_error",
            Verdict::Unexpected { .. } => "unexpected",
        }
    }

    /// What the caller does next (VECTORS.md): success → [`Action::Done`], a rejected token →
    /// [`Action::Reauthorize`], a rate limit or a 5xx → [`Action::RetryAfter`] with the server's
    /// hint, anything else → [`Action::Fail`].
    ///
    /// ```
    /// use trello_auth_core::{classify, Action};
    /// let response = http::Response::builder().status(503).body("<html>down</html>")?;
    /// assert_eq!(classify(&response).action(), Action::RetryAfter(None));
    /// assert_eq!(classify(&response).action().code(), "retry_after");
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn action(&self) -> Action {
        match *self {
            Verdict::Success => Action::Done,
            Verdict::TokenRejected { .. } => Action::Reauthorize,
            Verdict::RateLimited { retry_after, .. } | Verdict::ServerError { retry_after, .. } => {
                Action::RetryAfter(retry_after)
            }
            Verdict::KeyRejected
            | Verdict::PermissionDenied { .. }
            | Verdict::NotFound
            | Verdict::BadRequest
            | Verdict::Forbidden
            | Verdict::Unexpected { .. } => Action::Fail,
        }
    }

    /// The server's `Retry-After` hint, for a 429 or a 5xx that carried a usable one.
    pub fn retry_after(&self) -> Option<Duration> {
        match *self {
            Verdict::RateLimited { retry_after, .. } | Verdict::ServerError { retry_after, .. } => {
                retry_after
            }
            _ => None,
        }
    }

    /// A short sentence for a person: what happened and what to do.
    ///
    /// ```
    /// use trello_auth_core::TokenRejection;
    /// use trello_auth_core::Verdict;
    /// let verdict = Verdict::TokenRejected { reason: TokenRejection::Invalid };
    /// assert_eq!(verdict.message(), "token revoked, deleted or unknown: re-authorize the user");
    /// ```
    pub fn message(&self) -> &'static str {
        match self {
            Verdict::Success => "success: nothing to do",
            Verdict::TokenRejected { reason } => match reason {
                TokenRejection::Invalid => {
                    "token revoked, deleted or unknown: re-authorize the user"
                }
                TokenRejection::Expired => "token expired: re-authorize the user",
                TokenRejection::GrantRevoked => "OAuth 2.0 grant revoked: authorize the user again",
            },
            Verdict::KeyRejected => {
                "API key missing or wrong: fix the configured key; retrying cannot help"
            }
            Verdict::PermissionDenied { reason } => match reason {
                PermissionReason::UnauthorizedPermission => {
                    "permission not granted: widen the token's scope, send credentials, or use \
                     the header placement (attachments refuse query credentials)"
                }
                PermissionReason::MissingScopes => "key sent without a token: supply a user token",
                PermissionReason::UnauthorizedToken => {
                    "token not allowed on this resource: use the token that owns it"
                }
                PermissionReason::Other => {
                    "unauthorized: check the credentials, their placement and their scope"
                }
            },
            Verdict::RateLimited { limit, .. } => match limit {
                RateLimitKind::Token => {
                    "token rate limit exceeded (100 requests per 10 s): wait and retry"
                }
                RateLimitKind::Key => {
                    "API key rate limit exceeded (300 requests per 10 s): wait and retry"
                }
                RateLimitKind::Member => {
                    "members route rate limit exceeded (100 requests per 900 s): wait and retry"
                }
                RateLimitKind::Database => "token database rate limit exceeded: wait and retry",
                RateLimitKind::Other => "rate limited: wait and retry",
            },
            Verdict::NotFound => {
                "resource not found: check the id and that the credentials can see it"
            }
            Verdict::BadRequest => {
                "request refused as malformed (bad id or value): fix the request"
            }
            Verdict::Forbidden => {
                "forbidden: the request was refused (a GET with a body?); fix the request"
            }
            Verdict::ServerError { .. } => "server error or outage at Trello: retry later",
            Verdict::Unexpected { .. } => "unexpected response status: treat it as a failure",
        }
    }

    /// `true` for [`Verdict::Success`].
    pub fn is_success(&self) -> bool {
        matches!(self, Verdict::Success)
    }
}

/// Why Trello refused a token (SPEC S4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenRejection {
    /// 401 `invalid token`: revoked, deleted or never issued.
    Invalid,
    /// 401 `expired token`: past the expiration chosen at authorization.
    Expired,
    /// An OAuth 2.0 grant that ended (SPEC S8.6, S8.7): the token endpoint answered
    /// `invalid_grant` to a refresh, a refreshed access token was refused again, or it
    /// expired without a refresh token. Only a new authorization of the user helps.
    GrantRevoked,
}

impl TokenRejection {
    /// The stable name (the conformance vectors' `reason`): `invalid` or `expired`, and
    /// `grant_revoked` for an OAuth 2.0 grant that ended.
    pub fn code(&self) -> &'static str {
        match self {
            TokenRejection::Invalid => "invalid",
            TokenRejection::Expired => "expired",
            TokenRejection::GrantRevoked => "grant_revoked",
        }
    }
}

/// Which 401 body a [`Verdict::PermissionDenied`] came from (SPEC S4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PermissionReason {
    /// `unauthorized permission requested` or `unauthorized card permission requested`: no
    /// credentials, a scope too narrow, or query credentials on an attachment download.
    UnauthorizedPermission,
    /// `missing scopes` (text or JSON `message`): a key was sent without a token.
    MissingScopes,
    /// `unauthorized token`: the token may not touch this resource (e.g. another token's
    /// webhooks).
    UnauthorizedToken,
    /// Any other 401 body, including an empty one.
    Other,
}

impl PermissionReason {
    /// The stable name: `unauthorized_permission`, `missing_scopes`, `unauthorized_token` or
    /// `other`.
    pub fn code(&self) -> &'static str {
        match self {
            PermissionReason::UnauthorizedPermission => "unauthorized_permission",
            PermissionReason::MissingScopes => "missing_scopes",
            PermissionReason::UnauthorizedToken => "unauthorized_token",
            PermissionReason::Other => "other",
        }
    }
}

/// Which rate limit a 429 reports, from its JSON `error` code (SPEC S4.3, VECTORS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitKind {
    /// `API_TOKEN_LIMIT_EXCEEDED`: 100 requests per 10 s per token.
    Token,
    /// `API_KEY_LIMIT_EXCEEDED`: 300 requests per 10 s per API key.
    Key,
    /// `RATE_LIMIT_EXCEEDED` or `MEMBER_LIMIT_EXCEEDED`: the `/1/members/` routes, 100
    /// requests per 900 s.
    Member,
    /// `API_TOKEN_DB_LIMIT_EXCEEDED`.
    Database,
    /// Any other code (`API_TOO_MANY_CARDS_REQUESTED`, ...), or none.
    Other,
}

impl RateLimitKind {
    /// The stable name (VECTORS.md `limit`): `token`, `key`, `member`, `database` or `other`.
    pub fn code(&self) -> &'static str {
        match self {
            RateLimitKind::Token => "token",
            RateLimitKind::Key => "key",
            RateLimitKind::Member => "member",
            RateLimitKind::Database => "database",
            RateLimitKind::Other => "other",
        }
    }
}

/// What the caller does after a [`Verdict`] (VECTORS.md `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// The call succeeded: use the response.
    Done,
    /// The token is dead: run the authorize flow again, then resend.
    Reauthorize,
    /// Wait, then resend. The payload is the server's hint; `None` means no hint, so use your
    /// backoff ([`RetryPolicy::next_delay`](crate::RetryPolicy::next_delay) handles both). For
    /// a 5xx resend only an idempotent request
    /// ([`RetryPolicy::should_retry`](crate::RetryPolicy::should_retry)).
    RetryAfter(Option<Duration>),
    /// Give up and report the verdict: resending the same request cannot succeed.
    Fail,
}

impl Action {
    /// The stable name: `done`, `reauthorize`, `retry_after` or `fail`.
    pub fn code(&self) -> &'static str {
        match self {
            Action::Done => "done",
            Action::Reauthorize => "reauthorize",
            Action::RetryAfter(_) => "retry_after",
            Action::Fail => "fail",
        }
    }
}

/// Parses a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date converted to
/// a delay against `date`, the response's own `Date` header.
///
/// The core reads no clock, and the server's `Date` is the clock the HTTP-date was written
/// against, so an HTTP-date without a (valid) `date` gives `None`. A date already past gives
/// [`Duration::ZERO`]. Surrounding whitespace is ignored; anything else malformed gives `None`.
/// A delay too large for a `u64` saturates (a [`RetryPolicy`](crate::RetryPolicy)'s
/// `max_wait` then refuses it) rather than vanishing.
///
/// ```
/// use std::time::Duration;
/// use trello_auth_core::parse_retry_after;
///
/// assert_eq!(parse_retry_after(" 3 ", None), Some(Duration::from_secs(3)));
/// let date = Some("Wed, 21 Oct 2015 07:28:00 GMT");
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", date), Some(Duration::from_secs(5)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", None), None);
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", date), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("-1", None), None);
/// ```
#[must_use]
pub fn parse_retry_after(value: &str, date: Option<&str>) -> Option<Duration> {
    retry_after(value, || date)
}

/// [`parse_retry_after`] reading `date` only for an HTTP-date, which is rare: classification
/// then skips a header lookup.
fn retry_after<'d>(value: &str, date: impl FnOnce() -> Option<&'d str>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits: parse fails solely on overflow.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let now = httpdate::parse_http_date(date()?.trim()).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn retry_after_of(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    retry_after(value, || {
        headers
            .get(http::header::DATE)
            .and_then(|d| d.to_str().ok())
    })
}

#[cfg(test)]
mod tests;
