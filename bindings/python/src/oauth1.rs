//! OAuth 1.0a for Python (SPEC S6): `sign` and `signature` (RFC 5849 §3.4 HMAC-SHA1 with the
//! nonce and timestamp passed in), and the three-legged flow as a `Flow` object whose two
//! network steps release the GIL.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use trello_auth_core::oauth1::{
    self, Callback, Consumer, OAuthParams, RequestToken, Signer, TokenCredentials, Verifier,
};
use trello_auth_core::{AppSecret, Origin, TokenSecret};
use trello_auth_ureq::UreqTransport;

use crate::convert::{bytes_arg, type_error};
use crate::errors;

const FORM: &str = "application/x-www-form-urlencoded";

/// Declares a pyfunction that takes the signing arguments (pyo3 needs each function's own
/// list), signs with `compute`, and hands the result to `$finish`.
macro_rules! signing_function {
    ($(#[$doc:meta])* $name:ident -> $out:ty, |$signed:ident| $finish:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(
            text_signature = "(method, url, *, consumer_key, consumer_secret, token=None, \
            token_secret=None, body=None, nonce, timestamp, callback=None, verifier=None, \
            include_version=True, content_type='application/x-www-form-urlencoded')"
        )]
        #[pyo3(signature = (
            method, url, *, consumer_key, consumer_secret, token = None, token_secret = None,
            body = None, nonce, timestamp, callback = None, verifier = None,
            include_version = true, content_type = Some(FORM),
        ))]
        pub fn $name(
            py: Python<'_>,
            method: &str,
            url: &str,
            consumer_key: &str,
            consumer_secret: &str,
            token: Option<&str>,
            token_secret: Option<&str>,
            body: Option<&Bound<'_, PyAny>>,
            nonce: &str,
            timestamp: &Bound<'_, PyAny>,
            callback: Option<&str>,
            verifier: Option<&str>,
            include_version: bool,
            content_type: Option<&str>,
        ) -> PyResult<$out> {
            let $signed = compute(
                py,
                Inputs {
                    method,
                    url,
                    consumer_key,
                    consumer_secret,
                    token,
                    token_secret,
                    body,
                    nonce,
                    timestamp,
                    callback,
                    verifier,
                    include_version,
                    content_type,
                },
            )?;
            Ok($finish)
        }
    };
}

signing_function!(
    /// The `Authorization` header value for a request signed with HMAC-SHA1 (RFC 5849 §3.5.1).
    sign -> String,
    |signed| signed.authorization().to_owned()
);

signing_function!(
    /// Like `sign`, but returns the whole `Signature`: base string, signature and header.
    signature -> Signature,
    |inner| Signature { inner }
);

/// The arguments of `sign` and `signature`.
struct Inputs<'a, 'py> {
    method: &'a str,
    url: &'a str,
    consumer_key: &'a str,
    consumer_secret: &'a str,
    token: Option<&'a str>,
    token_secret: Option<&'a str>,
    body: Option<&'a Bound<'py, PyAny>>,
    nonce: &'a str,
    timestamp: &'a Bound<'py, PyAny>,
    callback: Option<&'a str>,
    verifier: Option<&'a str>,
    include_version: bool,
    content_type: Option<&'a str>,
}

fn compute(py: Python<'_>, i: Inputs<'_, '_>) -> PyResult<oauth1::Signature> {
    let secret =
        AppSecret::new(i.consumer_secret).map_err(|e| errors::config(py, "consumer_secret", &e))?;
    let consumer = Consumer::new(i.consumer_key, secret);
    let signer = match (i.token, i.token_secret) {
        // Any visible-ASCII token signs: the request token of the access-token step is often
        // 32 hex, which the API `Token` type refuses as a key.
        (Some(token), secret) => {
            let secret = TokenSecret::new(secret.unwrap_or_default());
            let token = RequestToken::new(token, secret).map_err(|_| {
                errors::invalid_argument(py, "token", "expected visible ASCII without spaces")
            })?;
            Signer::with_request_token(&consumer, &token)
        }
        (None, Some(_)) => {
            return Err(errors::invalid_argument(
                py,
                "token_secret",
                "given without a token",
            ))
        }
        (None, None) => Signer::new(&consumer, None),
    };
    let timestamp = timestamp_arg(py, i.timestamp)?;
    let params = OAuthParams {
        callback: i.callback,
        verifier: i.verifier,
        include_version: i.include_version,
        ..OAuthParams::new(i.nonce, timestamp)
    };
    let method = http::Method::from_bytes(i.method.as_bytes())
        .map_err(|_| errors::invalid_argument(py, "method", "not an HTTP method token"))?;
    let uri: http::Uri = i
        .url
        .parse()
        .map_err(|_| errors::invalid_argument(py, "url", "not a valid absolute URL"))?;
    let body = bytes_arg(i.body, "body")?;
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    if let (Some(ct), false) = (i.content_type, request.body().is_empty()) {
        let value = http::HeaderValue::from_str(ct)
            .map_err(|_| errors::invalid_argument(py, "content_type", "not a header value"))?;
        request
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    signer
        .sign(&request, &params)
        .map_err(|e| errors::oauth(py, &e))
}

/// `oauth_timestamp`: an `int` of seconds, or a `str` of digits.
fn timestamp_arg(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_cow()?
            .parse()
            .map_err(|_| errors::invalid_argument(py, "timestamp", "expected seconds since 1970"));
    }
    if value.is_instance_of::<pyo3::types::PyBool>()
        || !value.is_instance_of::<pyo3::types::PyInt>()
    {
        return Err(type_error("timestamp", "an int or a str of digits", value));
    }
    // An int beyond u64 is out of range like a negative one.
    value
        .extract::<u64>()
        .map_err(|_| errors::invalid_argument(py, "timestamp", "expected seconds since 1970"))
}

/// A computed OAuth 1.0a signature. Its base string and header carry `oauth_token`: do not log
/// them; `repr` shows the signature only.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Signature {
    inner: oauth1::Signature,
}

#[pymethods]
impl Signature {
    /// The signature base string (RFC 5849 §3.4.1.1).
    #[getter]
    fn base_string(&self) -> &str {
        self.inner.base_string()
    }

    /// The base64 HMAC-SHA1 digest (`oauth_signature` before encoding).
    #[getter]
    fn signature(&self) -> &str {
        self.inner.signature()
    }

    /// The `Authorization` header value.
    #[getter]
    fn authorization(&self) -> &str {
        self.inner.authorization()
    }

    /// The header's protocol parameters, decoded.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (name, value) in self.inner.params() {
            out.set_item(name, value.as_ref())?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!("Signature(signature='{}')", self.inner.signature())
    }
}

/// The three-legged flow (SPEC S6): `authorize_url()` gets a request token and returns the
/// page to send the user to; `finish(callback_url_or_pin)` trades the verifier for the access
/// token. Both network steps release the GIL.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Flow {
    client: trello_auth_ureq::Client,
    consumer: Consumer,
    auth_base: Origin,
    callback: Callback,
    request_token: Mutex<Option<RequestToken>>,
}

#[pymethods]
impl Flow {
    #[new]
    #[pyo3(text_signature = "(key, app_secret, *, callback='oob', \
        auth_base='https://trello.com', ca_file=None, timeout=30.0)")]
    #[pyo3(signature = (
        key, app_secret, *, callback = "oob", auth_base = "https://trello.com", ca_file = None,
        timeout = Some(30.0),
    ))]
    fn new(
        py: Python<'_>,
        key: &str,
        app_secret: &str,
        callback: &str,
        auth_base: &str,
        ca_file: Option<PathBuf>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let key = trello_auth_core::ApiKey::new(key).map_err(|e| errors::config(py, "key", &e))?;
        let secret =
            AppSecret::new(app_secret).map_err(|e| errors::config(py, "app_secret", &e))?;
        let auth_base =
            Origin::parse(auth_base).map_err(|e| errors::config(py, "auth_base", &e))?;
        let callback = Callback::parse(callback).map_err(|e| errors::oauth(py, &e))?;
        let mut transport = UreqTransport::builder();
        match timeout {
            Some(t) if t.is_finite() && t > 0.0 && t <= 86_400.0 => {
                let t = Duration::from_secs_f64(t);
                transport = transport.connect_timeout(t).io_timeout(t);
            }
            Some(_) => {
                return Err(errors::invalid_argument(
                    py,
                    "timeout",
                    "expected seconds, above 0 and at most 86400",
                ))
            }
            None => transport = transport.no_timeout(),
        }
        if let Some(path) = ca_file {
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                errors::invalid_argument(py, "ca_file", &format!("cannot read the file: {e}"))
            })?;
            transport = transport.add_root_certificate_pem(&pem);
        }
        let transport = transport.build().map_err(|e| errors::client(py, &e))?;
        let client = trello_auth_ureq::Client::builder()
            .auth_base(auth_base.clone())
            .transport(transport)
            .build();
        Ok(Self {
            client,
            consumer: Consumer::new(key.as_str(), secret),
            auth_base,
            callback,
            request_token: Mutex::new(None),
        })
    }

    /// Step 1 and 2: asks for a request token (a network call), then returns the consent page
    /// to send the user to. Calling it again starts a new flow.
    #[pyo3(signature = (*, name = None, scope = "read", expiration = "30days"))]
    fn authorize_url(
        &self,
        py: Python<'_>,
        name: Option<&str>,
        scope: &str,
        expiration: &str,
    ) -> PyResult<String> {
        let token = py
            .detach(|| {
                self.client
                    .oauth1_request_token(&self.consumer, &self.callback)
            })
            .map_err(|e| errors::client(py, &e))?;
        let url = oauth1::authorize_url(&self.auth_base, &token, name, scope, expiration);
        *self
            .request_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(token);
        Ok(url.into())
    }

    /// Steps 3 and 4: `callback` is the URL (or query) the callback page received, or the PIN
    /// the user copied (`oob`); returns the access token (a network call).
    fn finish(&self, py: Python<'_>, callback: &str) -> PyResult<AccessToken> {
        let token = self
            .request_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| errors::invalid_argument(py, "finish", "call authorize_url() first"))?;
        let verifier = if callback.contains('=') || callback.contains("://") {
            oauth1::parse_callback(callback, &token)
        } else {
            Verifier::from_pin(callback)
        }
        .map_err(|e| errors::oauth(py, &e))?;
        let access: TokenCredentials = py
            .detach(|| {
                self.client
                    .oauth1_access_token(&self.consumer, &token, &verifier)
            })
            .map_err(|e| errors::client(py, &e))?;
        Ok(AccessToken { inner: access })
    }

    fn __repr__(&self) -> String {
        format!(
            "Flow(auth_base='{}', callback='{}')",
            self.auth_base.as_str(),
            self.callback.as_str()
        )
    }
}

/// The access token credentials of a finished flow. `repr` shows neither value.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct AccessToken {
    inner: TokenCredentials,
}

#[pymethods]
impl AccessToken {
    /// The access token (a secret).
    #[getter]
    fn token(&self) -> &str {
        self.inner.token().expose_secret()
    }

    /// The token secret (a secret).
    #[getter]
    fn token_secret(&self) -> &str {
        self.inner.secret().expose_secret()
    }

    fn __repr__(&self) -> &'static str {
        "AccessToken(token=[redacted], token_secret=[redacted])"
    }
}
