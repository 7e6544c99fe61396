//! `Client`: blocking Trello calls from Python over the ureq client (placement, rate limiter,
//! classification, retries and backoff all in Rust), releasing the GIL while it waits.

use std::path::PathBuf;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString};
use trello_auth_core::client::ensure_success;
use trello_auth_core::oauth1::{Consumer, TokenCredentials};
use trello_auth_core::webhook::{self, NewWebhook};
use trello_auth_core::{
    token, ApiKey, AppSecret, Credentials, Origin, Placement, Request, RetryPolicy, Token,
    TokenSecret,
};
use trello_auth_ureq::UreqTransport;

use crate::convert::{deprecated, renamed, type_error, Arg, Int, Rename};
use crate::errors;
use crate::fleet::RateLimitArg;

/// `base_url=`, the API origin's name before `api_base=` (`authorize_url`'s `base_url=` was the
/// authorize origin: one name had two meanings).
const BASE_URL: Rename = Rename {
    call: "Client",
    new: "api_base",
    old: "base_url",
    what: "the API origin, like https://api.trello.com",
};

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A blocking Trello client. Safe to share between threads; every call releases the GIL while
/// it sends, waits and sleeps between retries.
///
/// `api_base` is the API origin (`https://api.trello.com`, the sandbox's `api_base`). `rate_limit`
/// paces calls on this side: `True` for Trello's budgets (300 requests per key and 100 per token
/// in any 10 s), `False` for none, or `(key_max, token_max, seconds)`. `me()` returns a
/// `Member`, `token_info()` a `TokenInfo` (plain dicts, typed in the stubs).
///
/// `base_url=` and `.base_url` are deprecated aliases of `api_base` (a `DeprecationWarning`),
/// removed in the next release.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Client {
    inner: trello_auth_ureq::Client,
    api: Origin,
    token: Token,
    placement: &'static str,
    oauth1: bool,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(text_signature = "(key, token, *, api_base='https://api.trello.com', \
        placement='header', timeout=30.0, max_retries=3, ca_file=None, backoff=0.5, \
        rate_limit=True, app_secret=None, token_secret=None, base_url=...)")]
    #[pyo3(signature = (
        key, token, *, api_base = Arg::Absent, placement = "header", timeout = Some(30.0),
        max_retries = Int::new(3), ca_file = None, backoff = 0.5, rate_limit = RateLimitArg::On,
        app_secret = None,
        token_secret = None,
        base_url = Arg::Absent,
    ))]
    fn new(
        py: Python<'_>,
        key: &str,
        token: &str,
        api_base: Arg<String>,
        placement: &str,
        timeout: Option<f64>,
        max_retries: Int,
        ca_file: Option<PathBuf>,
        backoff: f64,
        rate_limit: RateLimitArg,
        app_secret: Option<&str>,
        token_secret: Option<&str>,
        base_url: Arg<String>,
    ) -> PyResult<Self> {
        let api_base = renamed(py, BASE_URL, api_base, base_url)?;
        let key = ApiKey::new(key).map_err(|e| errors::config(py, "key", &e))?;
        let token = Token::new(token).map_err(|e| errors::config(py, "token", &e))?;
        let api = match api_base {
            None => Origin::trello_api(),
            Some((base, argument)) => {
                Origin::parse(&base).map_err(|e| errors::config(py, argument, &e))?
            }
        };
        let placement: Placement = placement.parse().map_err(|e| errors::placement(py, &e))?;
        // At most 100, so the cast is exact.
        let retries = max_retries.range(py, "max_retries", 0, 100)? as u32;
        let backoff = seconds(py, "backoff", backoff)?;
        let transport = build_transport(py, timeout, ca_file)?;
        let mut builder = trello_auth_ureq::Client::builder()
            .api_base(api.clone())
            .transport(transport)
            .retry_policy(
                RetryPolicy::default()
                    .with_max_retries(retries)
                    .with_base(backoff),
            );
        builder = rate_limit.apply(py, builder)?;
        let oauth1 = app_secret.is_some();
        builder = match app_secret {
            Some(secret) => {
                let secret =
                    AppSecret::new(secret).map_err(|e| errors::config(py, "app_secret", &e))?;
                let consumer = Consumer::new(key.as_str(), secret);
                let access = TokenCredentials::new(
                    token.clone(),
                    TokenSecret::new(token_secret.unwrap_or_default()),
                );
                builder.oauth1(consumer, access)
            }
            None => builder
                .credentials(Credentials::new(key, token.clone()).with_api_base(api.clone()))
                .placement(placement),
        };
        Ok(Self {
            inner: builder.build(),
            api,
            token,
            placement: placement.as_str(),
            oauth1,
        })
    }

    /// `GET path` (such as `/1/boards/{id}`), `params` added to the query; the parsed JSON.
    #[pyo3(signature = (path, *, params = None))]
    fn get(
        &self,
        py: Python<'_>,
        path: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.call(py, http::Method::GET, path, params, None)
    }

    /// `DELETE path`; the parsed JSON (`None` for an empty body).
    #[pyo3(signature = (path, *, params = None))]
    fn delete(
        &self,
        py: Python<'_>,
        path: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.call(py, http::Method::DELETE, path, params, None)
    }

    /// `POST path` with `json` as the JSON body (none when `None`); the parsed JSON.
    #[pyo3(signature = (path, json = None, *, params = None))]
    fn post(
        &self,
        py: Python<'_>,
        path: &str,
        json: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = json_body(py, json)?;
        self.call(py, http::Method::POST, path, params, body)
    }

    /// `PUT path` with `json` as the JSON body (none when `None`); the parsed JSON.
    #[pyo3(signature = (path, json = None, *, params = None))]
    fn put(
        &self,
        py: Python<'_>,
        path: &str,
        json: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = json_body(py, json)?;
        self.call(py, http::Method::PUT, path, params, body)
    }

    /// `GET /1/members/me` (SPEC S5): the member behind the credentials.
    fn me(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.send(py, token::members_me(&self.api))
    }

    /// `GET /1/tokens/{token}` (SPEC S5): the token's scope, member and expiry.
    fn token_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.send(py, token::token_info(&self.api, &self.token))
    }

    /// `DELETE /1/tokens/{token}` (SPEC S5): revokes the token; later calls raise
    /// `TokenRevoked`.
    fn revoke(&self, py: Python<'_>) -> PyResult<()> {
        self.send(py, token::revoke(&self.api, &self.token))
            .map(drop)
    }

    /// `POST /1/webhooks` (SPEC S9): a webhook delivering the changes of `id_model` to
    /// `callback_url` (kept exactly as given: deliveries are signed over it), after Trello's
    /// `HEAD` check of the URL answered 200.
    #[pyo3(signature = (callback_url, id_model, *, description = None, active = None))]
    fn create_webhook(
        &self,
        py: Python<'_>,
        callback_url: &str,
        id_model: &str,
        description: Option<&str>,
        active: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let mut hook = NewWebhook::new(callback_url, id_model).map_err(|e| {
            let argument = if e.to_string().contains("idModel") {
                "id_model"
            } else {
                "callback_url"
            };
            errors::invalid_argument(py, argument, &e.to_string())
        })?;
        if let Some(d) = description {
            hook = hook.description(d);
        }
        if let Some(a) = active {
            hook = hook.active(a);
        }
        self.send(py, webhook::create(&self.api, &hook))
    }

    /// `GET /1/tokens/{token}/webhooks` (SPEC S9): the webhooks this client's token created.
    fn webhooks(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.send(py, webhook::list(&self.api, &self.token))
    }

    /// `DELETE /1/webhooks/{id}` (SPEC S9).
    fn delete_webhook(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        let request = webhook::delete(&self.api, id)
            .map_err(|e| errors::invalid_argument(py, "id", &e.to_string()))?;
        self.send(py, request).map(drop)
    }

    /// The API origin calls go to, like `https://api.trello.com`.
    #[getter]
    fn api_base(&self) -> &str {
        self.api.as_str()
    }

    /// Deprecated alias of `api_base` (warns), removed in the next release.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<&str> {
        deprecated(
            py,
            "Client.base_url is deprecated: read Client.api_base (the same value); base_url \
             will be removed in the next release",
        )?;
        Ok(self.api.as_str())
    }

    fn __repr__(&self) -> String {
        let auth = if self.oauth1 {
            "oauth1"
        } else {
            self.placement
        };
        format!("Client(api_base='{}', auth='{auth}')", self.api.as_str())
    }
}

impl Client {
    fn call(
        &self,
        py: Python<'_>,
        method: http::Method,
        path: &str,
        params: Option<&Bound<'_, PyAny>>,
        body: Option<Vec<u8>>,
    ) -> PyResult<Py<PyAny>> {
        call(py, &self.inner, method, path, params, body)
    }

    fn send(&self, py: Python<'_>, request: Request) -> PyResult<Py<PyAny>> {
        send(py, &self.inner, request)
    }
}

/// `method path` (plus `params` in the query, `body` as JSON) through `inner`: the parsed JSON.
pub(crate) fn call(
    py: Python<'_>,
    inner: &trello_auth_ureq::Client,
    method: http::Method,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    body: Option<Vec<u8>>,
) -> PyResult<Py<PyAny>> {
    let request = api_request(py, inner, method, path, params, body)?;
    send(py, inner, request)
}

/// A request for `path` (plus `params` in the query) on the API origin.
fn api_request(
    py: Python<'_>,
    inner: &trello_auth_ureq::Client,
    method: http::Method,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    body: Option<Vec<u8>>,
) -> PyResult<Request> {
    let mut target = path.to_owned();
    if let Some(params) = params.filter(|p| !p.is_none()) {
        let query = query_string(params)?;
        if !query.is_empty() {
            target.push(if path.contains('?') { '&' } else { '?' });
            target.push_str(&query);
        }
    }
    inner
        .session()
        .request(method, &target, body.map(|b| ("application/json", b)))
        .map_err(|e| errors::client(py, &e))
}

/// Sends through the client's loop with the GIL released; the 2xx body parsed as JSON.
pub(crate) fn send(
    py: Python<'_>,
    inner: &trello_auth_ureq::Client,
    request: Request,
) -> PyResult<Py<PyAny>> {
    let outcome = py.detach(|| inner.execute(request));
    let response = outcome.map_err(|e| errors::client(py, &e))?;
    // A redirect is an error: the JSON methods never follow one (SPEC S3.4).
    ensure_success(&response).map_err(|e| errors::client(py, &e))?;
    let body = response.body();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(py.None());
    }
    let loads = JSON_LOADS.import(py, "json", "loads")?;
    loads
        .call1((PyBytes::new(py, body),))
        .map(Bound::unbind)
        .map_err(|_| errors::not_json(py))
}

/// The ureq transport of a client: `timeout` seconds to connect and for each read or write
/// (`None`: no limit), trusting `ca_file` (a PEM file) as well as the webpki roots.
pub(crate) fn build_transport(
    py: Python<'_>,
    timeout: Option<f64>,
    ca_file: Option<PathBuf>,
) -> PyResult<UreqTransport> {
    let mut transport = UreqTransport::builder();
    if let Some(t) = timeout {
        let t = seconds(py, "timeout", t)?;
        transport = transport.connect_timeout(t).io_timeout(t);
    } else {
        transport = transport.no_timeout();
    }
    if let Some(path) = ca_file {
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            errors::invalid_argument(py, "ca_file", &format!("cannot read the file: {e}"))
        })?;
        transport = transport.add_root_certificate_pem(&pem);
    }
    transport.build().map_err(|e| errors::client(py, &e))
}

/// Seconds as a positive, finite `Duration`.
pub(crate) fn seconds(py: Python<'_>, argument: &str, value: f64) -> PyResult<Duration> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(errors::invalid_argument(
            py,
            argument,
            "expected seconds, above 0 and at most 86400",
        ))
    }
}

/// `json` serialized by Python's `json` module (compact), or no body for `None`.
pub(crate) fn json_body(
    py: Python<'_>,
    json: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Vec<u8>>> {
    let Some(json) = json.filter(|j| !j.is_none()) else {
        return Ok(None);
    };
    let dumps = JSON_DUMPS.import(py, "json", "dumps")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("separators", (",", ":"))?;
    let text = dumps
        .call((json,), Some(&kwargs))
        .map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("json: {}", e.value(py))))?;
    let text = text.cast::<PyString>()?.to_cow()?;
    Ok(Some(text.as_bytes().to_vec()))
}

/// `params` (a mapping of names to `str`, `int`, `float` or `bool`) form-encoded.
fn query_string(params: &Bound<'_, PyAny>) -> PyResult<String> {
    let items = params
        .call_method0("items")
        .map_err(|_| type_error("params", "a mapping", params))?;
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for item in items.try_iter()? {
        let (name, value): (String, Bound<'_, PyAny>) = item?
            .extract()
            .map_err(|_| type_error("params", "a mapping with str names", params))?;
        let value = if let Ok(b) = value.extract::<bool>() {
            // Trello reads lower-case booleans.
            if b { "true" } else { "false" }.to_owned()
        } else if value.is_instance_of::<PyString>()
            || value.is_instance_of::<pyo3::types::PyInt>()
            || value.is_instance_of::<pyo3::types::PyFloat>()
        {
            value.str()?.to_cow()?.into_owned()
        } else {
            return Err(type_error(
                "params",
                "str, int, float or bool values",
                &value,
            ));
        };
        query.append_pair(&name, &value);
    }
    Ok(query.finish())
}
