//! [`bearer`]: an OAuth 2.0 access token on a REST request, `Authorization: Bearer …` (SPEC
//! S8.1). There is no query or body placement: S8.1 forbids both.

use http::header::AUTHORIZATION;
use http::HeaderValue;

use super::secrets::AccessToken;
use crate::origin::is_loopback_str;
use crate::{PlacementError, Request};

/// Adds `Authorization: Bearer <token>` (marked sensitive) to `request`.
///
/// Refuses, in this order, leaving nothing half-applied: a request that is not `https`, or
/// is plain `http` to a non-loopback host (`insecure_scheme`: the token would cross the
/// network in clear); a request that already carries credentials (`credentials_present`: an
/// `Authorization` header, or `key`, `token` or `access_token` in the query).
///
/// ```
/// use trello_auth_core::oauth2::{bearer, AccessToken};
///
/// let token = AccessToken::new("eyJhbGciOi.access.token")?;
/// let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
/// let request = bearer(request, &token)?;
/// assert_eq!(request.headers()["authorization"], "Bearer eyJhbGciOi.access.token");
/// assert!(request.headers()["authorization"].is_sensitive());
///
/// let insecure = http::Request::get("http://api.trello.com/1/members/me").body(Vec::new())?;
/// assert_eq!(bearer(insecure, &token).unwrap_err().code(), "insecure_scheme");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bearer(request: Request, token: &AccessToken) -> Result<Request, PlacementError> {
    place(request, header(token))
}

/// `Bearer <token>`, marked sensitive: made once per token set by a
/// [`Grant`](super::Grant), as key + token make their header once.
pub(crate) fn header(token: &AccessToken) -> HeaderValue {
    let mut value = zeroize::Zeroizing::new(String::with_capacity(7 + token.expose_secret().len()));
    value.push_str("Bearer ");
    value.push_str(token.expose_secret());
    // An access token is visible ASCII (checked by `AccessToken::new`).
    let mut value = HeaderValue::from_str(&value).expect("visible ASCII header value");
    value.set_sensitive(true);
    value
}

/// [`bearer`] with the header made already.
pub(crate) fn place(request: Request, value: HeaderValue) -> Result<Request, PlacementError> {
    let uri = request.uri();
    let secure = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => true,
        Some(s) if s.eq_ignore_ascii_case("http") => uri.host().is_some_and(is_loopback_str),
        _ => false,
    };
    if !secure {
        return Err(PlacementError::InsecureScheme);
    }
    if request.headers().contains_key(AUTHORIZATION) {
        return Err(PlacementError::CredentialsPresent {
            location: "authorization header",
        });
    }
    if let Some(q) = uri.query() {
        let credential = |name: &str| matches!(name, "key" | "token" | "access_token");
        if url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| credential(&k)) {
            return Err(PlacementError::CredentialsPresent { location: "query" });
        }
    }
    let mut request = request;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(request)
}
