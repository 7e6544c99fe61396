//! The token endpoint (SPEC S8.4–S8.6): the code-exchange and refresh requests (JSON bodies,
//! `POST {auth_base}/oauth/token`), and [`parse_token_response`] into a [`TokenSet`] or a
//! typed endpoint error.

use http::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Map, Value};

use super::error::{EndpointError, OAuth2Error};
use super::secrets::{
    AccessToken, AuthorizationCode, ClientCredentials, CodeVerifier, RefreshToken,
};
use crate::{Origin, Request};

/// The token endpoint's path on the auth base (SPEC S8.1).
pub const TOKEN_PATH: &str = "/oauth/token";

/// What the token endpoint granted: the access token, the refresh token (with
/// `offline_access` only), when the access token expires, and the granted scopes.
///
/// # Security
/// `Debug` shows the tokens as `AccessToken([redacted])` and `RefreshToken([redacted])`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSet {
    access_token: AccessToken,
    refresh_token: Option<RefreshToken>,
    expires_at: Option<u64>,
    scopes: Vec<String>,
}

impl TokenSet {
    /// A token set, as read back from storage.
    pub fn new(
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
        expires_at: Option<u64>,
        scopes: Vec<String>,
    ) -> Self {
        Self {
            access_token,
            refresh_token,
            expires_at,
            scopes,
        }
    }

    /// The access token, for [`bearer`](super::bearer).
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The refresh token, when `offline_access` was granted. It rotates (SPEC S8.5).
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires, in unix seconds; `None` when the answer did not say.
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The granted scopes, as the endpoint listed them (they may differ from the requested).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// `true` when the access token expires within `secs` seconds of `now_unix` (or already
    /// has); `false` when its lifetime is unknown.
    ///
    /// ```
    /// use trello_auth_core::oauth2::{AccessToken, TokenSet};
    /// let set = TokenSet::new(AccessToken::new("at")?, None, Some(1_700_003_600), vec![]);
    /// assert!(!set.expires_within(1_700_000_000, 60));
    /// assert!(set.expires_within(1_700_003_550, 60));
    /// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
    /// ```
    pub fn expires_within(&self, now_unix: u64, secs: u64) -> bool {
        self.expires_at
            .is_some_and(|at| at <= now_unix.saturating_add(secs))
    }
}

/// The code exchange (SPEC S8.4): `grant_type=authorization_code` with the client id, the
/// code, the PKCE verifier and the redirect URI (the very string of the authorization
/// request), plus the client secret for a confidential client.
///
/// ```
/// use trello_auth_core::oauth2::{code_exchange_request, AuthorizationCode, ClientCredentials, Pkce};
/// use trello_auth_core::Origin;
///
/// let client = ClientCredentials::public("my-client-id")?;
/// let pkce = Pkce::from_random([7; 32]);
/// let request = code_exchange_request(
///     &Origin::atlassian_auth(),
///     &client,
///     &AuthorizationCode::new("c0d3")?,
///     pkce.verifier(),
///     "http://127.0.0.1:53682/cb",
/// );
/// assert_eq!(request.uri(), "https://auth.atlassian.com/oauth/token");
/// assert_eq!(request.headers()["content-type"], "application/json");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["grant_type"], "authorization_code");
/// assert!(body.get("client_secret").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn code_exchange_request(
    auth_base: &Origin,
    client: &ClientCredentials,
    code: &AuthorizationCode,
    verifier: &CodeVerifier,
    redirect_uri: &str,
) -> Request {
    token_request(
        auth_base,
        client,
        [
            ("grant_type", "authorization_code"),
            ("code", code.expose_secret()),
            ("code_verifier", verifier.expose_secret()),
            ("redirect_uri", redirect_uri),
        ],
    )
}

/// The refresh (SPEC S8.4): `grant_type=refresh_token` with the client id and the refresh
/// token, plus the client secret for a confidential client. The answer carries a NEW refresh
/// token: persist it before using the new access token (S8.5).
pub fn refresh_request(
    auth_base: &Origin,
    client: &ClientCredentials,
    refresh_token: &RefreshToken,
) -> Request {
    token_request(
        auth_base,
        client,
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ],
    )
}

fn token_request<const N: usize>(
    auth_base: &Origin,
    client: &ClientCredentials,
    fields: [(&str, &str); N],
) -> Request {
    let mut body = Map::new();
    let (grant, rest) = fields.split_first().expect("a grant type comes first");
    body.insert(grant.0.to_owned(), grant.1.into());
    body.insert("client_id".to_owned(), client.client_id().into());
    for (name, value) in rest {
        body.insert((*name).to_owned(), (*value).into());
    }
    if let Some(secret) = client.secret() {
        body.insert("client_secret".to_owned(), secret.expose_secret().into());
    }
    // Serialising a map of strings cannot fail.
    let body = serde_json::to_vec(&Value::Object(body)).expect("JSON of strings");
    // An origin followed by a fixed path is a valid URI, and the headers are fixed ASCII.
    http::Request::post(format!("{}{TOKEN_PATH}", auth_base.as_str()))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/json")
        .body(body)
        .expect("a valid token request")
}

/// Reads a token endpoint answer (SPEC S8.5, S8.6); `now_unix` (seconds) turns `expires_in`
/// into [`TokenSet::expires_at`].
///
/// A 2xx must be a JSON object with a string `access_token` (else `malformed`); a
/// `token_type`, when present, must be `Bearer` in any case (else `unsupported_token_type`);
/// `refresh_token`, `expires_in` and `scope` are optional. A non-2xx is an
/// [`OAuth2Error::Endpoint`] named by its JSON `error` when that is a known code, `other`
/// otherwise, and `server_error` for a 5xx without a JSON `error`.
///
/// ```
/// use trello_auth_core::oauth2::parse_token_response;
///
/// let response = http::Response::new(
///     r#"{"access_token":"at","refresh_token":"rt","expires_in":3600,"scope":"read:member:trello offline_access","token_type":"bearer"}"#,
/// );
/// let set = parse_token_response(&response, 1_700_000_000)?;
/// assert_eq!(set.expires_at(), Some(1_700_003_600));
/// assert_eq!(set.scopes(), ["read:member:trello", "offline_access"]);
///
/// let refused = http::Response::builder()
///     .status(403)
///     .body(r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#)?;
/// let err = parse_token_response(&refused, 1_700_000_000).unwrap_err();
/// assert!(err.is_invalid_grant());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
    now_unix: u64,
) -> Result<TokenSet, OAuth2Error> {
    let status = response.status();
    let json = serde_json::from_slice::<Value>(response.body().as_ref()).ok();
    if !status.is_success() {
        let code = json
            .as_ref()
            .and_then(|j| j.get("error"))
            .and_then(Value::as_str);
        let error = match code {
            Some(code) => EndpointError::from_code(code).unwrap_or(EndpointError::Other),
            None if status.is_server_error() => EndpointError::ServerError,
            None => EndpointError::Other,
        };
        return Err(OAuth2Error::Endpoint {
            error,
            status: status.as_u16(),
        });
    }
    let malformed = |reason| OAuth2Error::Malformed { reason };
    let Some(Value::Object(mut fields)) = json else {
        return Err(malformed("the token response is not a JSON object"));
    };
    let access_token = match fields.remove("access_token") {
        Some(Value::String(t)) => AccessToken::new(t)
            .map_err(|_| malformed("the access_token is empty or not visible ASCII"))?,
        _ => return Err(malformed("the token response has no access_token string")),
    };
    match fields.get("token_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {}
        Some(Value::String(_)) => return Err(OAuth2Error::UnsupportedTokenType),
        Some(_) => return Err(malformed("the token_type is not a string")),
    }
    let refresh_token = match fields.remove("refresh_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(
            RefreshToken::new(t)
                .map_err(|_| malformed("the refresh_token is empty or not visible ASCII"))?,
        ),
        Some(_) => return Err(malformed("the refresh_token is not a string")),
    };
    // Observed variants tolerated: `expires_in` as a string of digits.
    let expires_in = match fields.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_u64()
                .ok_or(malformed("the expires_in is not a whole number of seconds"))?,
        ),
        Some(Value::String(s)) => Some(
            s.parse::<u64>()
                .map_err(|_| malformed("the expires_in is not a whole number of seconds"))?,
        ),
        Some(_) => return Err(malformed("the expires_in is not a number")),
    };
    let scopes = match fields.get("scope") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.split_ascii_whitespace().map(str::to_owned).collect(),
        Some(_) => return Err(malformed("the scope is not a space-separated string")),
    };
    Ok(TokenSet {
        access_token,
        refresh_token,
        expires_at: expires_in.map(|secs| now_unix.saturating_add(secs)),
        scopes,
    })
}
