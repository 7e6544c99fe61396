//! [`OAuthError`]: everything that can go wrong while signing a request or walking the
//! three-legged OAuth 1.0a flow (SPEC S6).
//!
//! # Security
//! No variant carries a token, a secret, a verifier or a response body: a failed flow step
//! reports its HTTP status and, at most, a problem name picked from a fixed list.

use http::StatusCode;

/// Signing or an OAuth 1.0a flow step failed. `code()` gives the stable name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The request cannot be signed: its URL is not absolute `http(s)`, it has no host, the
    /// nonce is empty, or its form body is not UTF-8. Fix the request; retrying cannot help.
    #[error("cannot sign the request: {reason}")]
    InvalidRequest {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The request already carries credentials: an `Authorization` header, `key`/`token`
    /// parameters (SPEC S3), or `oauth_*` parameters, which RFC 5849 §3.5 allows in one place
    /// only. Remove them and sign again; never send two sets of credentials.
    #[error("the request already carries credentials (an Authorization header, key, token or oauth_* parameters): remove them before signing")]
    CredentialsPresent,
    /// The callback is neither `oob` nor an absolute `http(s)` URL without fragment. Pass the
    /// URL of the page that receives the verifier, or `oob` to have the user copy a PIN.
    #[error("invalid oauth_callback: {reason}")]
    InvalidCallback {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The callback is plain `http://` to a host that is not loopback (SPEC S3.4, S7). Use
    /// `https`, or `http://localhost:<port>` during development.
    #[error("insecure oauth_callback: plain http is allowed only to localhost, 127.0.0.0/8 or [::1]; use https")]
    InsecureCallback,
    /// A flow step was answered with a non-2xx status. `problem` is an OAuth problem name
    /// (`signature_invalid`, `timestamp_refused`, …) or a known short server message when the
    /// body was exactly one of those, else `None`; the body itself is never kept, as it may
    /// echo credentials. Check the consumer key and secret and the clock, then restart the
    /// flow from the request-token step.
    #[error("the OAuth step was answered HTTP {status}{}: check the consumer key and secret and the clock, then start the flow again", ProblemSuffix(*.problem))]
    HttpStatus {
        /// The response status.
        status: StatusCode,
        /// A problem name from a fixed list, when the body was one.
        problem: Option<&'static str>,
    },
    /// A 2xx flow response lacks `oauth_token` or `oauth_token_secret`, repeats one with
    /// different values, or carries a token that is not visible ASCII (SPEC S6). The server
    /// is not speaking OAuth 1.0a as expected: check the endpoint URL.
    #[error("malformed OAuth response: {reason}")]
    MalformedResponse {
        /// What is missing or wrong (never a value).
        reason: &'static str,
    },
    /// The request-token response did not say `oauth_callback_confirmed=true` (RFC 5849 §2.1):
    /// the server may ignore the callback. Do not send the user on; check the endpoint.
    #[error("the request-token response did not confirm the callback (oauth_callback_confirmed is not \"true\"): check the endpoint")]
    CallbackNotConfirmed,
    /// The callback URL or query has no `oauth_token`, repeats a parameter with different
    /// values, or is not a URL or query at all. Pass the whole callback URL or its query.
    #[error("malformed OAuth callback: {reason}")]
    MalformedCallback {
        /// What is missing or wrong (never a value).
        reason: &'static str,
    },
    /// The callback's `oauth_token` is not the request token of this flow: it belongs to
    /// another flow or was forged. Discard it and start the flow again.
    #[error("the callback's oauth_token does not match this flow's request token: discard it and start again")]
    TokenMismatch,
    /// The user declined the authorization (the callback carries `denied` or `error`). Tell
    /// the user; start a new flow if they change their mind.
    #[error("the user denied the authorization")]
    Denied,
    /// The callback has no `oauth_verifier`, or the pasted PIN is empty. Ask the user to
    /// authorize again, or to paste the verifier shown by Trello.
    #[error("no oauth_verifier: authorize again, or paste the verifier Trello showed")]
    MissingVerifier,
    /// The verifier contains spaces, control characters or non-ASCII. Paste it again as shown.
    #[error("invalid oauth_verifier: expected visible ASCII without spaces")]
    InvalidVerifier,
    /// A request token given to [`RequestToken::new`](super::RequestToken::new) is empty or
    /// not visible ASCII. Pass the `oauth_token` the request-token step returned.
    #[error("invalid request token: expected visible ASCII without spaces")]
    InvalidRequestToken,
}

impl OAuthError {
    /// The stable name of this error (VECTORS.md naming).
    ///
    /// ```
    /// use trello_auth_core::oauth1::OAuthError;
    /// assert_eq!(OAuthError::TokenMismatch.code(), "token_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest { .. } => "invalid_request",
            OAuthError::CredentialsPresent => "credentials_present",
            OAuthError::InvalidCallback { .. } => "invalid_callback",
            OAuthError::InsecureCallback => "insecure_callback",
            OAuthError::HttpStatus { .. } => "http_status",
            OAuthError::MalformedResponse { .. } => "malformed_response",
            OAuthError::CallbackNotConfirmed => "callback_not_confirmed",
            OAuthError::MalformedCallback { .. } => "malformed_callback",
            OAuthError::TokenMismatch => "token_mismatch",
            OAuthError::Denied => "denied",
            OAuthError::MissingVerifier => "missing_verifier",
            OAuthError::InvalidVerifier => "invalid_verifier",
            OAuthError::InvalidRequestToken => "invalid_request_token",
        }
    }
}

/// Formats `problem` as ` (name)` or nothing.
struct ProblemSuffix(Option<&'static str>);

impl std::fmt::Display for ProblemSuffix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(p) => write!(f, " ({p})"),
            None => Ok(()),
        }
    }
}

/// OAuth problem names (the OAuth Problem Reporting extension) and short messages OAuth 1.0a
/// servers answer with. An error may name one of these, as it is known text that cannot carry
/// a credential; any other body is dropped.
const KNOWN_PROBLEMS: &[&str] = &[
    "version_rejected",
    "parameter_absent",
    "parameter_rejected",
    "timestamp_refused",
    "nonce_used",
    "signature_method_rejected",
    "signature_invalid",
    "consumer_key_unknown",
    "consumer_key_rejected",
    "consumer_key_refused",
    "token_used",
    "token_expired",
    "token_revoked",
    "token_rejected",
    "verifier_invalid",
    "permission_unknown",
    "permission_denied",
    "user_refused",
    "invalid signature",
    "invalid key",
    "invalid token",
    "invalid timestamp",
    "invalid nonce",
    "invalid verifier",
    "expired token",
    "unauthorized permission requested",
];

/// The known problem a failed flow response names, if its body is one (`oauth_problem=…`
/// form, or exactly a known message).
pub(crate) fn known_problem(body: &[u8]) -> Option<&'static str> {
    // Longer bodies are not one short message; skip them without scanning.
    if body.len() > 200 {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?.trim();
    let candidate = url::form_urlencoded::parse(text.as_bytes())
        .find(|(k, _)| k == "oauth_problem")
        .map(|(_, v)| v);
    let candidate = candidate.as_deref().unwrap_or(text);
    KNOWN_PROBLEMS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(candidate))
        .copied()
}
