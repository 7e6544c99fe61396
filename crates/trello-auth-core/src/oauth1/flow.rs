//! The three-legged OAuth 1.0a flow as sans-IO steps (SPEC S6, RFC 5849 §2): build the
//! request-token request, parse its response, build the authorize URL, parse the callback,
//! build the access-token request, parse its response. Sending is the caller's transport.

use std::borrow::Cow;
use std::fmt;

use url::Url;
use zeroize::{Zeroize, Zeroizing};

use super::error::known_problem;
use super::sign::{Consumer, OAuthParams, Signer, TokenCredentials};
use super::OAuthError;
use crate::origin::{is_loopback, Origin};
use crate::secret::{Token, TokenSecret};
use crate::shape::is_visible_ascii;

/// Path of the request-token endpoint under the authorize origin (SPEC S6).
pub const REQUEST_TOKEN_PATH: &str = "/1/OAuthGetRequestToken";
/// Path of the page the user is sent to (SPEC S6).
pub const AUTHORIZE_TOKEN_PATH: &str = "/1/OAuthAuthorizeToken";
/// Path of the access-token endpoint (SPEC S6).
pub const ACCESS_TOKEN_PATH: &str = "/1/OAuthGetAccessToken";

/// Where Trello sends the user back after the authorization (`oauth_callback`, RFC 5849 §2.1).
///
/// ```
/// use trello_auth_core::oauth1::Callback;
/// assert_eq!(Callback::parse("oob")?, Callback::Oob);
/// assert_eq!(Callback::parse("http://localhost:8765/cb")?.as_str(), "http://localhost:8765/cb");
/// assert_eq!(Callback::parse("http://example.com/cb").unwrap_err().code(), "insecure_callback");
/// assert_eq!(Callback::parse("https://example.com/cb#x").unwrap_err().code(), "invalid_callback");
/// # Ok::<(), trello_auth_core::oauth1::OAuthError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// `oob`: no redirect; Trello shows the verifier and the user pastes it
    /// ([`Verifier::from_pin`]).
    Oob,
    /// An absolute `https` URL, or `http` to a loopback host (SPEC S3.4, S7), without
    /// fragment. It must be one of the key's allowed origins (SPEC S7).
    Url(Url),
}

impl Callback {
    /// Parses `oob` or a callback URL, and checks it as [`Callback::Url`] describes.
    pub fn parse(s: &str) -> Result<Self, OAuthError> {
        let s = s.trim();
        if s == "oob" {
            return Ok(Callback::Oob);
        }
        let url = Url::parse(s).map_err(|_| OAuthError::InvalidCallback {
            reason: "not an absolute URL or \"oob\"",
        })?;
        let callback = Callback::Url(url);
        callback.checked()?;
        Ok(callback)
    }

    /// The `oauth_callback` value: `oob` or the URL.
    pub fn as_str(&self) -> &str {
        match self {
            Callback::Oob => "oob",
            Callback::Url(url) => url.as_str(),
        }
    }

    /// The value, after the checks [`Callback::Url`] describes (a `Url` may be built directly).
    fn checked(&self) -> Result<&str, OAuthError> {
        let Callback::Url(url) = self else {
            return Ok("oob");
        };
        let invalid = |reason| OAuthError::InvalidCallback { reason };
        let host = url.host().ok_or(invalid("the URL has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(OAuthError::InsecureCallback),
            _ => return Err(invalid("the scheme must be https (or http to localhost)")),
        }
        if url.fragment().is_some() {
            return Err(invalid("a callback URL has no fragment"));
        }
        Ok(url.as_str())
    }
}

/// Step 1: the signed `POST /1/OAuthGetRequestToken` carrying `oauth_callback` (SPEC S6,
/// RFC 5849 §2.1). `nonce` and `timestamp` are the caller's (sans-IO).
///
/// ```
/// use trello_auth_core::oauth1::{request_token_request, Callback, Consumer};
/// use trello_auth_core::{AppSecret, Origin};
/// let consumer = Consumer::new("0123456789abcdef0123456789abcdef", AppSecret::new("app-secret")?);
/// let request = request_token_request(&consumer, &Origin::trello(), &Callback::Oob, "n1", 1714567000)?;
/// assert_eq!(request.method(), "POST");
/// assert_eq!(request.uri(), "https://trello.com/1/OAuthGetRequestToken");
/// let authorization = request.headers()["authorization"].to_str()?;
/// assert!(authorization.starts_with("OAuth oauth_callback=\"oob\", oauth_consumer_key=\"0123456789abcdef0123456789abcdef\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn request_token_request(
    consumer: &Consumer,
    auth_base: &Origin,
    callback: &Callback,
    nonce: &str,
    timestamp: u64,
) -> Result<crate::Request, OAuthError> {
    let params = OAuthParams {
        callback: Some(callback.checked()?),
        ..OAuthParams::new(nonce, timestamp)
    };
    Signer::new(consumer, None).authorize(post(auth_base, REQUEST_TOKEN_PATH)?, &params)
}

/// Parses the request-token response: form-encoded `oauth_token`, `oauth_token_secret` and
/// `oauth_callback_confirmed=true` (SPEC S6, RFC 5849 §2.1). A non-2xx status is
/// [`OAuthError::HttpStatus`].
///
/// ```
/// use trello_auth_core::oauth1::parse_request_token_response;
/// let response = http::Response::new("oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03&oauth_callback_confirmed=true");
/// let token = parse_request_token_response(&response)?;
/// assert_eq!(token.expose_token(), "hh5s93j4hdidpola");
///
/// let refused = http::Response::builder().status(401).body("oauth_problem=signature_invalid")?;
/// let err = parse_request_token_response(&refused).unwrap_err();
/// assert_eq!(err.to_string(), "the OAuth step was answered HTTP 401 Unauthorized (signature_invalid): check the consumer key and secret and the clock, then start the flow again");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_request_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<RequestToken, OAuthError> {
    let fields = FormFields::from_response(response)?;
    let (token, secret) = fields.token_pair()?;
    if fields.unique("oauth_callback_confirmed", duplicate_in_response)? != Some("true") {
        return Err(OAuthError::CallbackNotConfirmed);
    }
    RequestToken::new(token, TokenSecret::new(secret)).map_err(|_| OAuthError::MalformedResponse {
        reason: "the oauth_token is empty or not visible ASCII",
    })
}

/// Step 2: the page to send the user to,
/// `…/1/OAuthAuthorizeToken?oauth_token=…&name=…&scope=…&expiration=…` (SPEC S6). An empty
/// `scope` or `expiration` is left out (Trello's defaults apply).
///
/// ```
/// use trello_auth_core::oauth1::{authorize_url, RequestToken};
/// use trello_auth_core::{Origin, TokenSecret};
/// let token = RequestToken::new("hh5s93j4hdidpola", TokenSecret::new("hdhd0244k9j7ao03"))?;
/// let url = authorize_url(&Origin::trello(), &token, Some("My App"), "read,write", "30days");
/// assert_eq!(
///     url.as_str(),
///     "https://trello.com/1/OAuthAuthorizeToken?oauth_token=hh5s93j4hdidpola&name=My+App&scope=read%2Cwrite&expiration=30days",
/// );
/// # Ok::<(), trello_auth_core::oauth1::OAuthError>(())
/// ```
pub fn authorize_url(
    auth_base: &Origin,
    request_token: &RequestToken,
    name: Option<&str>,
    scope: &str,
    expiration: &str,
) -> Url {
    let mut url = Url::parse(&auth_base.join(AUTHORIZE_TOKEN_PATH))
        // Invariant: an Origin is a valid scheme://host[:port] and the path is absolute.
        .expect("an Origin followed by an absolute path is a valid URL");
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("oauth_token", request_token.expose_token());
        if let Some(name) = name {
            query.append_pair("name", name);
        }
        if !scope.is_empty() {
            query.append_pair("scope", scope);
        }
        if !expiration.is_empty() {
            query.append_pair("expiration", expiration);
        }
    }
    url
}

/// Step 3: the verifier from the callback, given the whole callback URL or just its query
/// (SPEC S6, RFC 5849 §2.2).
///
/// Checks, in order: a `denied` or `error` parameter is [`OAuthError::Denied`]; the
/// `oauth_token` must equal this flow's request token, compared in constant time
/// ([`OAuthError::TokenMismatch`], or [`OAuthError::MalformedCallback`] when absent); the
/// `oauth_verifier` must be there ([`OAuthError::MissingVerifier`]).
///
/// ```
/// use trello_auth_core::oauth1::{parse_callback, RequestToken};
/// use trello_auth_core::TokenSecret;
/// let token = RequestToken::new("hh5s93j4hdidpola", TokenSecret::new("hdhd0244k9j7ao03"))?;
/// let verifier = parse_callback(
///     "http://localhost:8765/cb?oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884",
///     &token,
/// )?;
/// assert_eq!(verifier.expose_secret(), "hfdp7dh39dks9884");
/// let err = parse_callback("?oauth_token=other&oauth_verifier=x", &token).unwrap_err();
/// assert_eq!(err.code(), "token_mismatch");
/// # Ok::<(), trello_auth_core::oauth1::OAuthError>(())
/// ```
pub fn parse_callback(
    url_or_query: &str,
    request_token: &RequestToken,
) -> Result<Verifier, OAuthError> {
    let input = url_or_query.trim();
    let is_url = ["http://", "https://"].iter().any(|scheme| {
        input
            .get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    });
    let query: Cow<'_, str> = if is_url {
        let url = Url::parse(input).map_err(|_| OAuthError::MalformedCallback {
            reason: "not a valid URL",
        })?;
        Cow::Owned(url.query().unwrap_or_default().to_owned())
    } else {
        Cow::Borrowed(input.strip_prefix('?').unwrap_or(input))
    };
    let fields = FormFields(url::form_urlencoded::parse(query.as_bytes()).collect());
    // `oauth_problem=user_refused` is the OAuth Problem Reporting extension's deny, which
    // Trello (and the sandbox) send when the user presses Deny.
    if fields.has("denied")
        || fields.has("error")
        || fields
            .0
            .iter()
            .any(|(k, v)| k == "oauth_problem" && v == "user_refused")
    {
        return Err(OAuthError::Denied);
    }
    let duplicate = || OAuthError::MalformedCallback {
        reason: "the callback repeats a parameter with different values",
    };
    let token = fields
        .unique("oauth_token", duplicate)?
        .ok_or(OAuthError::MalformedCallback {
            reason: "the callback has no oauth_token",
        })?;
    if !constant_time_eq(token.as_bytes(), request_token.expose_token().as_bytes()) {
        return Err(OAuthError::TokenMismatch);
    }
    match fields.unique("oauth_verifier", duplicate)? {
        Some(verifier) => Verifier::from_pin(verifier),
        None => Err(OAuthError::MissingVerifier),
    }
}

/// Step 4: the signed `POST /1/OAuthGetAccessToken` with the request token and the verifier
/// (SPEC S6, RFC 5849 §2.3).
///
/// ```
/// use trello_auth_core::oauth1::{access_token_request, Consumer, RequestToken, Verifier};
/// use trello_auth_core::{AppSecret, Origin, TokenSecret};
/// let consumer = Consumer::new("0123456789abcdef0123456789abcdef", AppSecret::new("app-secret")?);
/// let token = RequestToken::new("hh5s93j4hdidpola", TokenSecret::new("hdhd0244k9j7ao03"))?;
/// let verifier = Verifier::from_pin("hfdp7dh39dks9884")?;
/// let request = access_token_request(&consumer, &Origin::trello(), &token, &verifier, "n2", 1714567060)?;
/// assert_eq!(request.uri(), "https://trello.com/1/OAuthGetAccessToken");
/// let authorization = request.headers()["authorization"].to_str()?;
/// assert!(authorization.contains("oauth_token=\"hh5s93j4hdidpola\""));
/// assert!(authorization.contains("oauth_verifier=\"hfdp7dh39dks9884\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn access_token_request(
    consumer: &Consumer,
    auth_base: &Origin,
    request_token: &RequestToken,
    verifier: &Verifier,
    nonce: &str,
    timestamp: u64,
) -> Result<crate::Request, OAuthError> {
    let signer = Signer::with_request_token(consumer, request_token);
    let params = OAuthParams {
        verifier: Some(verifier.expose_secret()),
        ..OAuthParams::new(nonce, timestamp)
    };
    signer.authorize(post(auth_base, ACCESS_TOKEN_PATH)?, &params)
}

/// Parses the access-token response: form-encoded `oauth_token` and `oauth_token_secret`
/// (SPEC S6, RFC 5849 §2.3), the credentials API calls are then signed with. The token must
/// pass [`Token::new`]. A non-2xx status is [`OAuthError::HttpStatus`].
///
/// ```
/// use trello_auth_core::oauth1::parse_access_token_response;
/// let token = format!("{}", "ab".repeat(32));
/// let response = http::Response::new(format!("oauth_token={token}&oauth_token_secret=pfkkdhi9sl3r4s00"));
/// let creds = parse_access_token_response(&response)?;
/// assert_eq!(creds.token().expose_secret(), token);
/// assert_eq!(creds.secret().expose_secret(), "pfkkdhi9sl3r4s00");
/// # Ok::<(), trello_auth_core::oauth1::OAuthError>(())
/// ```
pub fn parse_access_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<TokenCredentials, OAuthError> {
    let fields = FormFields::from_response(response)?;
    let (token, secret) = fields.token_pair()?;
    let token = Token::new(token).map_err(|_| OAuthError::MalformedResponse {
        reason: "the oauth_token is not a valid token (empty, a 32-hex key, or not visible ASCII)",
    })?;
    Ok(TokenCredentials::new(token, TokenSecret::new(secret)))
}

/// A request token and its secret, between steps 1 and 4 (RFC 5849 §2.1's temporary
/// credentials). A web app keeps it in the user's session across the redirect and rebuilds it
/// with [`RequestToken::new`].
///
/// # Security
/// `Debug` prints `RequestToken { token: [redacted], secret: TokenSecret([redacted]) }`; the
/// token is zeroized on drop.
#[derive(Clone)]
pub struct RequestToken {
    token: Zeroizing<String>,
    secret: TokenSecret,
}

impl RequestToken {
    /// A request token as step 1 returned it. Refuses an empty token or one that is not
    /// visible ASCII ([`OAuthError::InvalidRequestToken`]).
    pub fn new(token: impl Into<String>, secret: TokenSecret) -> Result<Self, OAuthError> {
        let token = Zeroizing::new(token.into());
        if token.is_empty() || !is_visible_ascii(&token) {
            return Err(OAuthError::InvalidRequestToken);
        }
        Ok(Self { token, secret })
    }

    /// The request token (`oauth_token`). It appears in the authorize URL; do not log it.
    pub fn expose_token(&self) -> &str {
        &self.token
    }

    /// The request token's secret, half of the access-token step's HMAC key.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }
}

impl fmt::Debug for RequestToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RequestToken {{ token: [redacted], secret: {:?} }}",
            self.secret
        )
    }
}

/// The `oauth_verifier` that proves the user authorized the request token (RFC 5849 §2.2):
/// from the callback ([`parse_callback`]) or pasted by the user ([`Verifier::from_pin`]).
///
/// # Security
/// Short-lived but a secret while the flow runs: `Debug` prints `Verifier([redacted])`; the
/// memory is zeroized on drop.
#[derive(Clone)]
pub struct Verifier(Zeroizing<String>);

impl Verifier {
    /// A verifier the user pasted (the `oob` flow); surrounding whitespace is trimmed.
    ///
    /// ```
    /// use trello_auth_core::oauth1::Verifier;
    /// let v = Verifier::from_pin(" 8a3f0c2d \n")?;
    /// assert_eq!(v.expose_secret(), "8a3f0c2d");
    /// assert_eq!(format!("{v:?}"), "Verifier([redacted])");
    /// assert_eq!(Verifier::from_pin("  ").unwrap_err().code(), "missing_verifier");
    /// # Ok::<(), trello_auth_core::oauth1::OAuthError>(())
    /// ```
    pub fn from_pin(pin: &str) -> Result<Self, OAuthError> {
        let pin = pin.trim();
        if pin.is_empty() {
            return Err(OAuthError::MissingVerifier);
        }
        if !is_visible_ascii(pin) {
            return Err(OAuthError::InvalidVerifier);
        }
        Ok(Self(Zeroizing::new(pin.to_owned())))
    }

    /// The verifier. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier([redacted])")
    }
}

/// An empty-bodied POST to `path` under `auth_base`.
fn post(auth_base: &Origin, path: &str) -> Result<crate::Request, OAuthError> {
    http::Request::post(auth_base.join(path))
        .body(Vec::new())
        .map_err(|_| OAuthError::InvalidRequest {
            reason: "the authorize origin does not make a valid request URL",
        })
}

fn duplicate_in_response() -> OAuthError {
    OAuthError::MalformedResponse {
        reason: "the response repeats a parameter with different values",
    }
}

/// Decoded form fields of a response or callback; decoded copies are zeroized on drop, as
/// they may hold a token secret.
struct FormFields<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> FormFields<'a> {
    /// The fields of a 2xx response's form body; any other status is
    /// [`OAuthError::HttpStatus`], naming a known problem at most.
    fn from_response<B: AsRef<[u8]>>(response: &'a http::Response<B>) -> Result<Self, OAuthError> {
        let status = response.status();
        let body = response.body().as_ref();
        if !status.is_success() {
            return Err(OAuthError::HttpStatus {
                status,
                problem: known_problem(body),
            });
        }
        Ok(Self(url::form_urlencoded::parse(body).collect()))
    }

    /// `oauth_token` and `oauth_token_secret`, both required.
    fn token_pair(&self) -> Result<(&str, &str), OAuthError> {
        let missing = |reason| OAuthError::MalformedResponse { reason };
        let token = self
            .unique("oauth_token", duplicate_in_response)?
            .ok_or(missing("no oauth_token in the response"))?;
        let secret = self
            .unique("oauth_token_secret", duplicate_in_response)?
            .ok_or(missing("no oauth_token_secret in the response"))?;
        Ok((token, secret))
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// The value of `name`; repeated with the same value is accepted, with different values
    /// is `duplicate()`.
    fn unique(
        &self,
        name: &str,
        duplicate: impl Fn() -> OAuthError,
    ) -> Result<Option<&str>, OAuthError> {
        let mut found: Option<&str> = None;
        for (n, v) in &self.0 {
            if n == name {
                match found {
                    Some(previous) if previous != v.as_ref() => return Err(duplicate()),
                    _ => found = Some(v.as_ref()),
                }
            }
        }
        Ok(found)
    }
}

impl Drop for FormFields<'_> {
    fn drop(&mut self) {
        for (_, value) in &mut self.0 {
            if let Cow::Owned(value) = value {
                value.zeroize();
            }
        }
    }
}

/// Equality whose time depends on the lengths only, not on where the bytes differ, so that a
/// forged callback cannot learn the request token byte by byte.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)));
    diff == 0
}

#[cfg(test)]
mod tests;
