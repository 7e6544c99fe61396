//! Key + token authorization for Python: `authorize_url` (SPEC S1.2), token capture from a
//! fragment, a postMessage or a paste (SPEC S1.3, S1.4), and `Credentials` with their placement
//! on a request (SPEC S3).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use trello_auth_core::check_destination;
use trello_auth_core::{ApiKey, AuthorizeParams, Origin, Placement, PlacementError, Token};

use crate::convert::{bytes_arg, headers_arg, renamed, request, text_arg, type_error, Arg, Rename};
use crate::errors;

/// The consent-page URL the user is sent to (SPEC S1.2). `scope` is a list of names or a
/// comma-separated string; `auth_base` replaces the authorize origin (`https://trello.com`, the
/// sandbox's `auth_base`). `base_url=` is its deprecated alias (a `DeprecationWarning`), removed
/// in the next release.
#[pyfunction]
#[pyo3(
    text_signature = "(key, *, scope=None, expiration='30days', name=None, \
    callback_method=None, return_url=None, auth_base=None, base_url=...)"
)]
#[pyo3(signature = (
    key, *, scope = None, expiration = "30days", name = None, callback_method = None,
    return_url = None, auth_base = Arg::Absent, base_url = Arg::Absent,
))]
pub fn authorize_url(
    py: Python<'_>,
    key: &str,
    scope: Option<&Bound<'_, PyAny>>,
    expiration: &str,
    name: Option<&str>,
    callback_method: Option<&str>,
    return_url: Option<&str>,
    auth_base: Arg<Option<String>>,
    base_url: Arg<Option<String>>,
) -> PyResult<String> {
    let (auth_base, base_argument) = match renamed(py, BASE_URL, auth_base, base_url)? {
        Some((base, argument)) => (base, argument),
        None => (None, BASE_URL.new),
    };
    let scope = match scope {
        None => vec!["read".to_owned()],
        Some(s) => scope_names(s)?,
    };
    let scope: Vec<&str> = scope.iter().map(String::as_str).collect();
    AuthorizeParams {
        key,
        scope: Some(&scope),
        expiration: Some(expiration),
        name,
        callback_method,
        return_url,
        base_url: auth_base.as_deref(),
    }
    .build()
    .map(String::from)
    .map_err(|e| errors::config(py, config_argument(e.code(), base_argument), &e))
}

/// `base_url=`, the authorize origin's name before `auth_base=` (`Client`'s `base_url=` was the
/// API origin: one name had two meanings).
const BASE_URL: Rename = Rename {
    call: "authorize_url",
    new: "auth_base",
    old: "base_url",
    what: "the authorize origin, like https://trello.com",
};

/// `scope` as names: a comma-separated `str`, or an iterable of `str`.
pub(crate) fn scope_names(scope: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = scope.cast::<PyString>() {
        return Ok(s
            .to_cow()?
            .split(',')
            .map(|p| p.trim().to_owned())
            .collect());
    }
    let items = scope
        .try_iter()
        .map_err(|_| type_error("scope", "a str or an iterable of str", scope))?;
    items
        .map(|item| {
            let item = item?;
            item.extract::<String>()
                .map_err(|_| type_error("scope", "an iterable of str", &item))
        })
        .collect()
}

/// The argument an authorize-URL error is about, for the message; `base` is the name the
/// authorize origin was passed under.
fn config_argument(code: &str, base: &'static str) -> &'static str {
    match code {
        "invalid_key" | "key_as_token" => "key",
        "empty_scope" | "unknown_scope" => "scope",
        "unknown_expiration" => "expiration",
        "unknown_callback_method" | "unpaired_callback" => "callback_method",
        "invalid_return_url" | "insecure_return_url" => "return_url",
        "invalid_base_url" | "insecure_scheme" => base,
        _ => "authorize_url",
    }
}

/// The token from fragment delivery (SPEC S1.3): a whole redirect URL, `#token=...` or
/// `token=...`.
#[pyfunction]
pub fn parse_fragment(py: Python<'_>, fragment_or_url: &str) -> PyResult<String> {
    trello_auth_core::parse_fragment(fragment_or_url)
        .map(|t| t.expose_secret().to_owned())
        .map_err(|e| errors::capture(py, &e))
}

/// The token from postMessage delivery (SPEC S1.3): `origin` is `event.origin`, `data` the
/// JSON text of `event.data`; only `trusted_origin` (default `https://trello.com`) may send it.
#[pyfunction]
#[pyo3(signature = (origin, data, *, trusted_origin = None))]
pub fn parse_post_message(
    py: Python<'_>,
    origin: &str,
    data: &Bound<'_, PyAny>,
    trusted_origin: Option<&str>,
) -> PyResult<String> {
    let data = text_arg(data, "data")?;
    let result = match trusted_origin {
        None => trello_auth_core::parse_post_message(origin, &data),
        Some(trusted) => {
            let trusted =
                Origin::parse(trusted).map_err(|e| errors::config(py, "trusted_origin", &e))?;
            trello_auth_core::parse_post_message_from(&trusted, origin, &data)
        }
    };
    result
        .map(|t| t.expose_secret().to_owned())
        .map_err(|e| errors::capture(py, &e))
}

/// The token a user pasted after display delivery (SPEC S1.3); a pasted key or URL is named.
#[pyfunction]
pub fn parse_pasted_token(py: Python<'_>, text: &str) -> PyResult<String> {
    trello_auth_core::parse_pasted_token(text)
        .map(|t| t.expose_secret().to_owned())
        .map_err(|e| errors::capture(py, &e))
}

/// An API key and a user token, bound to the API origin they may be sent to.
///
/// Its `repr` shows the key's first characters and never the token.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Credentials {
    inner: trello_auth_core::Credentials,
}

#[pymethods]
impl Credentials {
    #[new]
    #[pyo3(signature = (key, token, *, api_base = "https://api.trello.com"))]
    fn new(py: Python<'_>, key: &str, token: &str, api_base: &str) -> PyResult<Self> {
        let key = ApiKey::new(key).map_err(|e| errors::config(py, "key", &e))?;
        let token = Token::new(token).map_err(|e| errors::config(py, "token", &e))?;
        let api = Origin::parse(api_base).map_err(|e| errors::config(py, "api_base", &e))?;
        Ok(Self {
            inner: trello_auth_core::Credentials::new(key, token).with_api_base(api),
        })
    }

    /// The API key.
    #[getter]
    fn key(&self) -> &str {
        self.inner.key().as_str()
    }

    /// The user token (a secret: never log it).
    #[getter]
    fn token(&self) -> &str {
        self.inner.token().expose_secret()
    }

    /// The API origin these credentials may be sent to.
    #[getter]
    fn api_base(&self) -> &str {
        self.inner.api_base().as_str()
    }

    /// The `Authorization` header value of SPEC S3.2.
    fn authorization_header(&self) -> String {
        header_text(&self.inner)
    }

    /// `{"key": ..., "token": ...}` for the query string (SPEC S3.1).
    fn query_params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let params = PyDict::new(py);
        params.set_item("key", self.key())?;
        params.set_item("token", self.token())?;
        Ok(params)
    }

    /// A copy of `body` (a mapping) with `key` and `token` added, for a PUT or POST body
    /// (SPEC S3.3). Refuses a body that already carries either.
    fn apply_to_body<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        if !body.hasattr("keys")? {
            return Err(type_error("body", "a mapping", body));
        }
        // dict(body) copies any mapping; the caller's object is left as it was.
        let copy = py
            .get_type::<PyDict>()
            .call1((body,))
            .map_err(|_| type_error("body", "a mapping", body))?
            .cast_into::<PyDict>()?;
        if copy.contains("key")? || copy.contains("token")? {
            let refused = PlacementError::CredentialsPresent { location: "body" };
            return Err(errors::placement(py, &refused));
        }
        copy.set_item("key", self.key())?;
        copy.set_item("token", self.token())?;
        Ok(copy)
    }

    /// Places the credentials on a request as `placement` (`header`, `query`, `body`) says, with
    /// every refusal of SPEC S3; returns `(method, url, headers, body)` with the header names in
    /// lower case. Nothing is sent.
    #[pyo3(signature = (method, url, *, headers = None, body = None, placement = "header"))]
    fn authorize<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'py, PyAny>>,
        body: Option<&Bound<'py, PyAny>>,
        placement: &str,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let placement: Placement = placement.parse().map_err(|e| errors::placement(py, &e))?;
        let headers = headers_arg(headers, "headers")?;
        let body = bytes_arg(body, "body")?;
        let request = request(py, method, url, headers, body)?;
        let placed = self
            .inner
            .authorize(request, placement)
            .map_err(|e| errors::placement(py, &e))?;
        let out_headers = PyDict::new(py);
        for name in placed.headers().keys() {
            let values: Vec<String> = placed
                .headers()
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            out_headers.set_item(name.as_str(), values.join(", "))?;
        }
        let method = placed.method().as_str().into_pyobject(py)?;
        let url = placed.uri().to_string().into_pyobject(py)?;
        let body = PyBytes::new(py, placed.body());
        PyTuple::new(
            py,
            [
                method.into_any(),
                url.into_any(),
                out_headers.into_any(),
                body.into_any(),
            ],
        )
    }

    /// The `Authorization` header value for a request to `url`, which must be `https://` or
    /// plain `http://` to a loopback host (SPEC S3.4); for the requests and httpx adapters,
    /// which send to any such host.
    fn header_for(&self, py: Python<'_>, url: &str) -> PyResult<String> {
        let uri: http::Uri = url
            .parse()
            .map_err(|_| errors::invalid_argument(py, "url", "not a valid absolute URL"))?;
        check_destination(&uri, false)
            .map_err(|_| errors::placement(py, &PlacementError::InsecureScheme))?;
        Ok(header_text(&self.inner))
    }

    fn __repr__(&self) -> String {
        let key = self.key();
        let shown: String = key.chars().take(4).collect();
        format!(
            "Credentials(key='{shown}…', token=[redacted], api_base='{}')",
            self.api_base()
        )
    }
}

impl Credentials {
    /// The core credentials, for the client.
    pub fn core(&self) -> &trello_auth_core::Credentials {
        &self.inner
    }

    /// Wraps core credentials (a login's, a stored profile's).
    pub fn from_core(inner: trello_auth_core::Credentials) -> Self {
        Self { inner }
    }
}

/// The header value as text (it is ASCII: a hex key and a percent-encoded token).
fn header_text(credentials: &trello_auth_core::Credentials) -> String {
    String::from_utf8_lossy(credentials.authorization_header().as_bytes()).into_owned()
}
