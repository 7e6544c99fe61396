//! OAuth 2.0 for Python (SPEC S8): `ta.oauth2.authorization_request` (state and PKCE from the
//! OS's CSPRNG), `parse_redirect`, the token endpoint calls `exchange_code` and `refresh` (sent
//! once over the ureq transport, the GIL released), `parse_token_response` (sans-IO, for the
//! conformance vectors), and the `TokenSet`, `Pkce` and `AuthorizationRequest` classes. The
//! logic is the core's `trello_auth_core::oauth2`; this module converts and maps errors.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString, PyTuple};
use trello_auth_core::oauth2::{
    self as core2, AccessToken, AuthorizationCode, ClientCredentials, ClientSecret, CodeVerifier,
    OAuth2Error, RefreshToken, Scope,
};
use trello_auth_core::{BlockingTransport, Origin};
use trello_auth_ureq::UreqTransport;

use crate::convert::{bytes_arg, type_error};
use crate::errors;

/// `n` bytes from the operating system's CSPRNG.
fn random<const N: usize>() -> PyResult<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        PyOSError::new_err(format!(
            "the operating system's random number generator failed ({e}): no state or PKCE \
             verifier can be made safely"
        ))
    })?;
    Ok(bytes)
}

/// Seconds since 1970 on this machine's clock.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Scope names from a `str` (space-separated, as the token endpoint writes them) or an
/// iterable of `str`.
fn scope_list(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s
            .to_cow()?
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect());
    }
    let items = value
        .try_iter()
        .map_err(|_| type_error(argument, "a str or an iterable of str", value))?;
    let mut out = Vec::new();
    for item in items {
        let item = item?;
        let s = item
            .cast::<PyString>()
            .map_err(|_| type_error(argument, "an iterable of str", &item))?;
        out.push(s.to_cow()?.into_owned());
    }
    Ok(out)
}

/// The ten Trello scopes, for messages.
fn known_scopes() -> String {
    Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `auth_base` argument: the authorization server's origin, `https://auth.atlassian.com`
/// by default.
fn auth_origin(py: Python<'_>, auth_base: Option<&str>) -> PyResult<Origin> {
    match auth_base {
        None => Ok(Origin::atlassian_auth()),
        Some(base) => Origin::parse(base).map_err(|e| errors::config(py, "auth_base", &e)),
    }
}

/// The ureq transport of the token calls, trusting `ca_file` (a PEM file) as well.
pub fn transport(py: Python<'_>, ca_file: Option<PathBuf>) -> PyResult<UreqTransport> {
    let mut transport = UreqTransport::builder();
    if let Some(path) = ca_file {
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            errors::invalid_argument(py, "ca_file", &format!("cannot read the file: {e}"))
        })?;
        transport = transport.add_root_certificate_pem(&pem);
    }
    transport.build().map_err(|e| errors::client(py, &e))
}

/// The client id with its secret (confidential) or without (public).
pub fn client_credentials(
    py: Python<'_>,
    client_id: &str,
    client_secret: Option<&str>,
) -> PyResult<ClientCredentials> {
    let map = |e: OAuth2Error| errors::oauth2(py, &e);
    match client_secret {
        None => ClientCredentials::public(client_id).map_err(map),
        Some(secret) => {
            let secret = ClientSecret::new(secret).map_err(map)?;
            ClientCredentials::confidential(client_id, secret).map_err(map)
        }
    }
}

/// `authorization_request(client_id, redirect_uri, *, scopes, offline=True, auth_base=None,
/// state=None, verifier=None, audience=None)`: the URL to open in the user's browser (SPEC
/// S8.2), with the `state` and the PKCE `verifier` to keep for the redirect and the code
/// exchange. Both come from the OS's CSPRNG unless given (give them only to reproduce a
/// request, as the conformance vectors do).
///
/// `scopes` are names of SPEC S8.8 (`read:board:trello`, `read:member:trello`, ...), as an
/// iterable of `str` or one space-separated `str`; `offline=True` adds `offline_access` (a
/// refresh token). An unknown name, no scope, a bad client id or redirect URI raise
/// `ConfigError` (a `ValueError`) whose `code` says which.
#[pyfunction]
#[pyo3(signature = (
    client_id, redirect_uri, *, scopes, offline = true, auth_base = None, state = None,
    verifier = None, audience = None,
))]
#[pyo3(
    text_signature = "(client_id, redirect_uri, *, scopes, offline=True, auth_base=None, \
    state=None, verifier=None, audience=None)"
)]
pub fn authorization_request(
    py: Python<'_>,
    client_id: &str,
    redirect_uri: &str,
    scopes: &Bound<'_, PyAny>,
    offline: bool,
    auth_base: Option<&str>,
    state: Option<String>,
    verifier: Option<&str>,
    audience: Option<&str>,
) -> PyResult<AuthorizationRequest> {
    let names = scope_list(scopes, "scopes")?;
    let state = match state {
        Some(s) => s,
        None => hex(&random::<16>()?),
    };
    let mut request = core2::AuthorizationRequest::new(client_id, redirect_uri)
        .scope_names(&names)
        .offline(offline)
        .state(&state)
        .audience(audience)
        .auth_base(auth_origin(py, auth_base)?);
    // An invalid given verifier is reported where a missing PKCE would be: the refusals of
    // the other inputs come first (VECTORS.md's order).
    let pkce = match verifier {
        None => Ok(core2::Pkce::from_random(random::<32>()?)),
        Some(v) => core2::Pkce::from_verifier(v),
    };
    let built = match &pkce {
        Ok(pkce) => {
            request = request.pkce(pkce);
            request.build()
        }
        Err(invalid) => match request.build() {
            Err(OAuth2Error::MissingPkce) | Ok(_) => Err(invalid.clone()),
            Err(earlier) => Err(earlier),
        },
    };
    let url = built.map_err(|e| match e {
        OAuth2Error::UnknownScope => {
            let unknown = names
                .iter()
                .find(|n| *n != "offline_access" && Scope::parse(n).is_err())
                .map(|n| shown_scope(n))
                .unwrap_or_default();
            errors::raise_config(
                py,
                e.code(),
                &format!(
                    "scopes: unknown scope {unknown}: expected names among {} \
                     (offline_access is asked for by offline=True)",
                    known_scopes()
                ),
            )
        }
        OAuth2Error::EmptyScope => errors::raise_config(
            py,
            e.code(),
            &format!(
                "scopes: no Trello scope requested: pass at least one of {} (offline_access \
                 alone is not one)",
                known_scopes()
            ),
        ),
        e => errors::oauth2(py, &e),
    })?;
    // `built` succeeded, so `pkce` is the Ok one.
    let pkce = pkce.map_err(|e| errors::oauth2(py, &e))?;
    Ok(AuthorizationRequest {
        url: url.into(),
        state,
        redirect_uri: redirect_uri.to_owned(),
        verifier: pkce.verifier().clone(),
    })
}

/// A refused scope name as a message shows it: quoted when it looks like a scope name (short,
/// lower-case letters, `:`, `_`, `-`, `.`), else not at all: a token pasted into the
/// list must not reach a message or a log.
fn shown_scope(name: &str) -> String {
    let looks_like_a_scope = !name.is_empty()
        && name.len() <= 48
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b':' | b'_' | b'-' | b'.'));
    if looks_like_a_scope {
        format!("'{name}'")
    } else {
        format!(
            "({} characters, not shown: it may be a secret)",
            name.chars().count()
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An authorization request (SPEC S8.2): open `url` in the user's browser; keep `state` for
/// `parse_redirect` and `verifier` for `exchange_code`. `repr` shows neither.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct AuthorizationRequest {
    url: String,
    state: String,
    redirect_uri: String,
    verifier: CodeVerifier,
}

#[pymethods]
impl AuthorizationRequest {
    /// The authorize URL to open in the user's browser.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The state sent, to check the redirect with (`parse_redirect(url, req.state)`).
    #[getter]
    fn state(&self) -> &str {
        &self.state
    }

    /// The PKCE code verifier (a secret), for `exchange_code`.
    #[getter]
    fn verifier(&self) -> &str {
        self.verifier.expose_secret()
    }

    /// The redirect URI sent, to pass unchanged to `exchange_code`.
    #[getter]
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    fn __repr__(&self) -> String {
        format!(
            "AuthorizationRequest(redirect_uri='{}', state=[redacted], verifier=[redacted])",
            self.redirect_uri
        )
    }
}

/// A PKCE pair (SPEC S8.2, RFC 7636): `Pkce()` draws a verifier from the OS's CSPRNG,
/// `Pkce(verifier)` checks a given one (43-128 characters of `A-Z a-z 0-9 - . _ ~`, else
/// `ConfigError` with code `invalid_verifier`), `Pkce.from_bytes(b)` encodes 32 given bytes.
/// `repr` never shows the verifier.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Pkce {
    inner: core2::Pkce,
}

#[pymethods]
impl Pkce {
    #[new]
    #[pyo3(signature = (verifier = None))]
    fn new(py: Python<'_>, verifier: Option<&str>) -> PyResult<Self> {
        let inner = match verifier {
            None => core2::Pkce::from_random(random::<32>()?),
            Some(v) => core2::Pkce::from_verifier(v).map_err(|e| errors::oauth2(py, &e))?,
        };
        Ok(Self { inner })
    }

    /// The pair whose verifier is 32 given bytes in base64url (43 characters).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, random: &Bound<'_, PyAny>) -> PyResult<Self> {
        if random.is_instance_of::<PyString>() {
            return Err(type_error(
                "random",
                "32 bytes (bytes or bytearray)",
                random,
            ));
        }
        let bytes = bytes_arg(Some(random), "random")?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| errors::invalid_argument(py, "random", "expected exactly 32 bytes"))?;
        Ok(Self {
            inner: core2::Pkce::from_random(bytes),
        })
    }

    /// The code verifier (a secret), sent with the code exchange only.
    #[getter]
    fn verifier(&self) -> &str {
        self.inner.verifier().expose_secret()
    }

    /// The S256 challenge, sent in the authorization request.
    #[getter]
    fn challenge(&self) -> &str {
        self.inner.challenge()
    }

    fn __repr__(&self) -> String {
        format!(
            "Pkce(verifier=[redacted], challenge='{}')",
            self.inner.challenge()
        )
    }
}

/// `parse_redirect(url, expected_state)`: the authorization code of the redirect back (SPEC
/// S8.3). Raises `AuthorizationDenied` (with `.error` and `.description`) when the user
/// denied or the server refused, `CaptureError` with code `state_mismatch` for another
/// flow's state (discard it) or `malformed` for a URL that is not a redirect.
#[pyfunction]
pub fn parse_redirect(py: Python<'_>, url: &str, expected_state: &str) -> PyResult<String> {
    core2::parse_redirect(url, expected_state)
        .map(|code| code.expose_secret().to_owned())
        .map_err(|e| errors::oauth2_redirect(py, &e))
}

/// `exchange_code(client_id, code, verifier, redirect_uri, *, client_secret=None,
/// auth_base=None, ca_file=None)`: trades the redirect's code for a `TokenSet` (SPEC S8.4),
/// one `POST {auth_base}/oauth/token`, never retried (a code is single-use). `redirect_uri`
/// must be the very string of the authorization request. A public client passes no secret.
/// Raises `TokenRejected` for `invalid_grant` (a dead, reused or mismatched code: authorize
/// again), `OAuth2Error` for the endpoint's other refusals, `TransportError`.
#[pyfunction]
#[pyo3(signature = (
    client_id, code, verifier, redirect_uri, *, client_secret = None, auth_base = None,
    ca_file = None,
))]
#[pyo3(
    text_signature = "(client_id, code, verifier, redirect_uri, *, client_secret=None, \
    auth_base=None, ca_file=None)"
)]
pub fn exchange_code(
    py: Python<'_>,
    client_id: &str,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
    client_secret: Option<&str>,
    auth_base: Option<&str>,
    ca_file: Option<PathBuf>,
) -> PyResult<TokenSet> {
    let map = |e: OAuth2Error| errors::oauth2(py, &e);
    let client = client_credentials(py, client_id, client_secret)?;
    let code = AuthorizationCode::new(code).map_err(map)?;
    let verifier = CodeVerifier::new(verifier).map_err(map)?;
    let auth = auth_origin(py, auth_base)?;
    let transport = transport(py, ca_file)?;
    let request = core2::code_exchange_request(&auth, &client, &code, &verifier, redirect_uri);
    send_token_request(py, &transport, request)
}

/// `refresh(client_id, refresh_token, *, client_secret=None, auth_base=None, ca_file=None)`:
/// a new `TokenSet` for a refresh token (SPEC S8.4), one `POST {auth_base}/oauth/token`, never
/// retried. The answer's refresh token REPLACES the one passed (rotation, SPEC S8.5): persist
/// it before using the new access token. Raises `TokenRejected` for `invalid_grant` (the
/// refresh token is unknown, expired, rotated or revoked: authorize the user again),
/// `OAuth2Error` for the endpoint's other refusals, `TransportError`.
#[pyfunction]
#[pyo3(signature = (client_id, refresh_token, *, client_secret = None, auth_base = None, ca_file = None))]
#[pyo3(
    text_signature = "(client_id, refresh_token, *, client_secret=None, auth_base=None, ca_file=None)"
)]
pub fn refresh(
    py: Python<'_>,
    client_id: &str,
    refresh_token: &str,
    client_secret: Option<&str>,
    auth_base: Option<&str>,
    ca_file: Option<PathBuf>,
) -> PyResult<TokenSet> {
    let client = client_credentials(py, client_id, client_secret)?;
    let token = RefreshToken::new(refresh_token).map_err(|e| errors::oauth2(py, &e))?;
    let auth = auth_origin(py, auth_base)?;
    let transport = transport(py, ca_file)?;
    let request = core2::refresh_request(&auth, &client, &token);
    send_token_request(py, &transport, request)
}

/// Sends a token request once (the GIL released) and reads the answer.
fn send_token_request(
    py: Python<'_>,
    transport: &UreqTransport,
    request: trello_auth_core::Request,
) -> PyResult<TokenSet> {
    let response = py
        .detach(|| transport.send(request))
        .map_err(|e| errors::transport(py, &e))?;
    core2::parse_token_response(&response, now_unix())
        .map(|inner| TokenSet { inner })
        .map_err(|e| errors::oauth2(py, &e))
}

/// `parse_token_response(status, body, *, now)`: a token endpoint answer (SPEC S8.5, S8.6)
/// read without sending anything, `now` (unix seconds) turning `expires_in` into
/// `expires_at`. The errors of `exchange_code` and `refresh`.
#[pyfunction]
#[pyo3(signature = (status, body, *, now))]
pub fn parse_token_response(
    py: Python<'_>,
    status: u16,
    body: &Bound<'_, PyAny>,
    now: u64,
) -> PyResult<TokenSet> {
    let body = bytes_arg(Some(body), "body")?;
    let response = http::Response::builder()
        .status(status)
        .body(body)
        .map_err(|_| errors::invalid_argument(py, "status", "expected an HTTP status, 100-999"))?;
    core2::parse_token_response(&response, now)
        .map(|inner| TokenSet { inner })
        .map_err(|e| errors::oauth2(py, &e))
}

/// What the token endpoint granted (SPEC S8.5): `access_token`, `refresh_token` (`None`
/// without `offline_access`), `expires_at` (unix seconds, `None` when unknown) and `scopes`
/// (a tuple of the granted names). Build one from storage with `TokenSet(access_token,
/// refresh_token=None, expires_at=None, scopes=())`. `repr` and `str` never show the tokens.
#[pyclass(frozen, eq, module = "trello_auth._trello_auth")]
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    pub(crate) inner: core2::TokenSet,
}

#[pymethods]
impl TokenSet {
    #[new]
    #[pyo3(signature = (access_token, refresh_token = None, expires_at = None, scopes = None))]
    #[pyo3(text_signature = "(access_token, refresh_token=None, expires_at=None, scopes=())")]
    fn new(
        py: Python<'_>,
        access_token: &str,
        refresh_token: Option<&str>,
        expires_at: Option<&Bound<'_, PyAny>>,
        scopes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let map = |e: OAuth2Error| errors::oauth2(py, &e);
        let access = AccessToken::new(access_token).map_err(map)?;
        let refresh = refresh_token
            .map(RefreshToken::new)
            .transpose()
            .map_err(map)?;
        let expires_at = match expires_at.filter(|v| !v.is_none()) {
            None => None,
            Some(v) => Some(unix_seconds(py, v)?),
        };
        let scopes = match scopes.filter(|v| !v.is_none()) {
            None => Vec::new(),
            Some(v) => scope_list(v, "scopes")?,
        };
        Ok(Self {
            inner: core2::TokenSet::new(access, refresh, expires_at, scopes),
        })
    }

    /// The access token (a secret), sent as `Authorization: Bearer ...`.
    #[getter]
    fn access_token(&self) -> &str {
        self.inner.access_token().expose_secret()
    }

    /// The refresh token (a secret; it rotates), or `None`.
    #[getter]
    fn refresh_token(&self) -> Option<&str> {
        self.inner.refresh_token().map(|t| t.expose_secret())
    }

    /// When the access token expires, in unix seconds, or `None`.
    #[getter]
    fn expires_at(&self) -> Option<u64> {
        self.inner.expires_at()
    }

    /// The granted scopes.
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.scopes())
    }

    fn __repr__(&self) -> String {
        let refresh = if self.inner.refresh_token().is_some() {
            "[redacted]"
        } else {
            "None"
        };
        let expires = self
            .inner
            .expires_at()
            .map_or_else(|| "None".to_owned(), |t| t.to_string());
        let scopes = self
            .inner
            .scopes()
            .iter()
            .map(|s| format!("'{}'", s.replace(['\'', '\\'], "")))
            .collect::<Vec<_>>()
            .join(", ");
        let comma = if self.inner.scopes().len() == 1 {
            ","
        } else {
            ""
        };
        format!(
            "TokenSet(access_token=[redacted], refresh_token={refresh}, expires_at={expires}, \
             scopes=({scopes}{comma}))"
        )
    }
}

/// Unix seconds: an `int` or a finite `float` (floored), at least 0.
fn unix_seconds(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let out_of_range =
        || errors::invalid_argument(py, "expires_at", "expected unix seconds, at least 0");
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error("expires_at", "an int of unix seconds", value));
    }
    if value.is_instance_of::<PyInt>() {
        return value.extract::<u64>().map_err(|_| out_of_range());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        if f.is_finite() && (0.0..1.8e19).contains(&f) {
            // Floored and in range: the cast is exact.
            return Ok(f.floor() as u64);
        }
        return Err(out_of_range());
    }
    Err(type_error("expires_at", "an int of unix seconds", value))
}
