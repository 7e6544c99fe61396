//! [`OAuth2Error`]: everything that can go wrong while preparing an OAuth 2.0 authorization,
//! reading the redirect back, or reading a token endpoint answer (SPEC S8).
//!
//! # Security
//! No variant carries a token, a secret, a code, a verifier or a response body: a refused
//! value is described by its [`Shape`], and an endpoint error by its status and a code picked
//! from a fixed list.

use crate::shape::Shape;

/// An OAuth 2.0 step failed. `code()` gives the stable name (the conformance vectors' names).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuth2Error {
    /// The client id is empty or not visible ASCII. Pass the client id of the app's
    /// Atlassian developer console entry.
    #[error("invalid client id: expected the app's client id (visible ASCII), got {found}")]
    InvalidClientId {
        /// What the client id looked like.
        found: Shape,
    },
    /// No Trello scope was requested (`offline_access` alone is not one, SPEC S8.8). Request
    /// at least one scope such as `read:member:trello`.
    #[error("no Trello scope requested: request at least one (offline_access alone is not one)")]
    EmptyScope,
    /// A scope name that is not one of SPEC S8.8's ten. Use a name of [`Scope::ALL`](super::Scope::ALL).
    #[error("unknown scope: expected one of the ten Trello scopes, such as read:board:trello")]
    UnknownScope,
    /// The redirect URI is not an absolute `http(s)` URL, has a fragment or a space. Pass the
    /// callback URL registered for the app, character for character (SPEC S8.2).
    #[error("invalid redirect_uri: {reason}")]
    InvalidRedirectUri {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The redirect URI is plain `http://` to a host that is not loopback: the code would
    /// cross the network in clear. Use `https`, or `http://127.0.0.1:<port>` on the user's
    /// machine.
    #[error("insecure redirect_uri: plain http is allowed only to localhost, 127.0.0.0/8 or [::1]; use https")]
    InsecureRedirectUri,
    /// The state is missing, empty, or not visible ASCII. Pass an unguessable value made of
    /// random bytes (SPEC S8.2), such as 16 random bytes in base64url.
    #[error("invalid state: pass a non-empty unguessable value of visible ASCII")]
    InvalidState,
    /// The audience is empty or not visible ASCII. Pass `api.atlassian.com`, or no audience.
    #[error("invalid audience: pass api.atlassian.com or none")]
    InvalidAudience,
    /// A PKCE code verifier that is not 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636
    /// §4.1). Make one with [`Pkce::from_random`](super::Pkce::from_random) from 32 random bytes.
    #[error("invalid PKCE code verifier: expected 43-128 characters of A-Z a-z 0-9 - . _ ~")]
    InvalidVerifier,
    /// The authorization request has no PKCE challenge; Trello requires one (SPEC S8.2). Call
    /// `.pkce(&Pkce::from_random(bytes))` before `build`.
    #[error("no PKCE challenge: call pkce() with a Pkce made from 32 random bytes")]
    MissingPkce,
    /// The redirect's `state` is missing or is not this flow's: an attack or a stale browser
    /// tab (SPEC S8.3). Discard the redirect and start the flow again.
    #[error("the redirect's state does not match this flow's: discard it and start again")]
    StateMismatch,
    /// The user denied the authorization, or the authorization server refused it (the
    /// redirect carries `error`, RFC 6749 §4.1.2.1). Tell the user; start a new flow if they
    /// change their mind.
    #[error("the authorization was refused ({}): tell the user, and start again if they change their mind", shown_code(error))]
    Denied {
        /// The `error` parameter, `access_denied` for a deny (a word of 32 characters or
        /// more redacted). The message shows it only when it looks like an error code
        /// (lower-case letters and `_`).
        error: String,
        /// The `error_description` parameter, when there is one (words of 32 characters or
        /// more redacted, cut at 200 characters): text for people, never shown in this
        /// error's message.
        description: Option<String>,
    },
    /// The redirect or a token response cannot be read: not a URL, a parameter given twice,
    /// no `code`, not JSON, no `access_token`, or a value of the wrong type or shape. Check
    /// that the URL is the whole redirect, or that the endpoint is the token endpoint.
    #[error("malformed OAuth 2.0 message: {reason}")]
    Malformed {
        /// What is missing or wrong (never a value).
        reason: &'static str,
    },
    /// The token response names a token type other than `Bearer` (SPEC S8.5). This library
    /// can only use Bearer tokens: check the token endpoint.
    #[error("unsupported token type: only Bearer tokens can be used; check the token endpoint")]
    UnsupportedTokenType,
    /// The token endpoint refused the request (SPEC S8.6). [`EndpointError::InvalidGrant`]
    /// means: re-authorize the user (S8.2); `InvalidClient`: fix the client id or secret;
    /// `ServerError`: retry later.
    #[error("the token endpoint answered HTTP {status} ({}): {}", error.code(), error.advice())]
    Endpoint {
        /// The error code, from a fixed list.
        error: EndpointError,
        /// The HTTP status.
        status: u16,
    },
    /// A secret value (client secret, token, code) is empty or not visible ASCII (SPEC S2
    /// rules). Pass the value as issued.
    #[error("invalid {}: expected visible ASCII, got {found}", kind.what())]
    InvalidSecret {
        /// Which secret.
        kind: SecretKind,
        /// What it looked like.
        found: Shape,
    },
}

impl OAuth2Error {
    /// The stable name of this error: the conformance vectors' names (an endpoint error is
    /// named by its [`EndpointError::code`]).
    ///
    /// ```
    /// use trello_auth_core::oauth2::OAuth2Error;
    /// assert_eq!(OAuth2Error::StateMismatch.code(), "state_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            OAuth2Error::InvalidClientId { .. } => "invalid_client_id",
            OAuth2Error::EmptyScope => "empty_scope",
            OAuth2Error::UnknownScope => "unknown_scope",
            OAuth2Error::InvalidRedirectUri { .. } => "invalid_redirect_uri",
            OAuth2Error::InsecureRedirectUri => "insecure_redirect_uri",
            OAuth2Error::InvalidState => "invalid_state",
            OAuth2Error::InvalidAudience => "invalid_audience",
            OAuth2Error::InvalidVerifier => "invalid_verifier",
            OAuth2Error::MissingPkce => "missing_pkce",
            OAuth2Error::StateMismatch => "state_mismatch",
            OAuth2Error::Denied { .. } => "denied",
            OAuth2Error::Malformed { .. } => "malformed",
            OAuth2Error::UnsupportedTokenType => "unsupported_token_type",
            OAuth2Error::Endpoint { error, .. } => error.code(),
            OAuth2Error::InvalidSecret { kind, .. } => kind.code(),
        }
    }

    /// `true` for an `invalid_grant` from the token endpoint: the code or the refresh token
    /// is dead, so the user must authorize again (SPEC S8.6).
    pub fn is_invalid_grant(&self) -> bool {
        matches!(
            self,
            OAuth2Error::Endpoint {
                error: EndpointError::InvalidGrant,
                ..
            }
        )
    }
}

/// `code` when it looks like an RFC 6749 error code, else a placeholder: the message must not
/// repeat arbitrary text from a URL.
fn shown_code(code: &str) -> &str {
    if !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        code
    } else {
        "an unrecognised error"
    }
}

/// The error codes of a token endpoint answer (SPEC S8.6, RFC 6749 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointError {
    /// The code, verifier or redirect URI (exchange), or the refresh token (refresh) is
    /// unknown, expired, reused or revoked: re-authorize the user.
    InvalidGrant,
    /// The client id or secret is wrong: fix the configuration.
    InvalidClient,
    /// A parameter is missing or malformed: a bug on this side.
    InvalidRequest,
    /// The grant type is not supported: a bug on this side.
    UnsupportedGrantType,
    /// The client may not use this grant: check the app's settings.
    UnauthorizedClient,
    /// A scope is not enabled for the client: check the app's settings.
    InvalidScope,
    /// A non-2xx with another `error`, or none: check the endpoint.
    Other,
    /// A 5xx without a JSON `error`: the server is failing; retry later.
    ServerError,
}

impl EndpointError {
    /// The stable name: the `error` code for the known ones, `other`, or `server_error`.
    pub fn code(self) -> &'static str {
        match self {
            EndpointError::InvalidGrant => "invalid_grant",
            EndpointError::InvalidClient => "invalid_client",
            EndpointError::InvalidRequest => "invalid_request",
            EndpointError::UnsupportedGrantType => "unsupported_grant_type",
            EndpointError::UnauthorizedClient => "unauthorized_client",
            EndpointError::InvalidScope => "invalid_scope",
            EndpointError::Other => "other",
            EndpointError::ServerError => "server_error",
        }
    }

    /// The known code `error` names, `None` for any other.
    pub(crate) fn from_code(error: &str) -> Option<Self> {
        [
            EndpointError::InvalidGrant,
            EndpointError::InvalidClient,
            EndpointError::InvalidRequest,
            EndpointError::UnsupportedGrantType,
            EndpointError::UnauthorizedClient,
            EndpointError::InvalidScope,
        ]
        .into_iter()
        .find(|e| e.code() == error)
    }

    fn advice(self) -> &'static str {
        match self {
            EndpointError::InvalidGrant => {
                "the code or refresh token is dead; authorize the user again"
            }
            EndpointError::InvalidClient => "fix the client id or secret",
            EndpointError::InvalidRequest | EndpointError::UnsupportedGrantType => {
                "the request was not understood; report it"
            }
            EndpointError::UnauthorizedClient | EndpointError::InvalidScope => {
                "check the app's grant types and enabled scopes"
            }
            EndpointError::Other => "check the token endpoint",
            EndpointError::ServerError => "the server is failing; retry later",
        }
    }
}

/// Which OAuth 2.0 secret an [`OAuth2Error::InvalidSecret`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretKind {
    /// A [`ClientSecret`](super::ClientSecret).
    ClientSecret,
    /// An [`AccessToken`](super::AccessToken).
    AccessToken,
    /// A [`RefreshToken`](super::RefreshToken).
    RefreshToken,
    /// An [`AuthorizationCode`](super::AuthorizationCode).
    AuthorizationCode,
}

impl SecretKind {
    /// `invalid_client_secret`, `invalid_access_token`, `invalid_refresh_token` or
    /// `invalid_code`.
    pub fn code(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "invalid_client_secret",
            SecretKind::AccessToken => "invalid_access_token",
            SecretKind::RefreshToken => "invalid_refresh_token",
            SecretKind::AuthorizationCode => "invalid_code",
        }
    }

    fn what(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client secret",
            SecretKind::AccessToken => "access token",
            SecretKind::RefreshToken => "refresh token",
            SecretKind::AuthorizationCode => "authorization code",
        }
    }
}
