//! `classify` (SPEC S4) for Python: a response's status, body and headers in, a `Verdict` with
//! VECTORS.md's names out. A verdict is not an error.

use pyo3::prelude::*;
use trello_auth_core::Verdict as CoreVerdict;

use crate::convert::{bytes_arg, headers_arg};
use crate::errors;

/// What a response means (SPEC S4): `kind` and `action` are VECTORS.md's names,
/// `retry_after` the server's hint in seconds (or `None`).
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct Verdict {
    inner: CoreVerdict,
    status: u16,
}

/// Classifies a response. `body` is `str` or `bytes`; `headers` a mapping (names are
/// case-insensitive) or `(name, value)` pairs.
#[pyfunction]
#[pyo3(signature = (status, body, headers = None))]
pub fn classify(
    py: Python<'_>,
    status: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verdict> {
    // 100 to 999, so the cast is exact and `from_u16` accepts it.
    let code = crate::convert::int_arg(status, "status", 100, 999)? as u16;
    let status = http::StatusCode::from_u16(code)
        .map_err(|_| errors::invalid_argument(py, "status", "expected 100 to 999"))?;
    let mut response = http::Response::new(bytes_arg(body, "body")?);
    *response.status_mut() = status;
    for (name, value) in headers_arg(headers, "headers")? {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| errors::invalid_argument(py, "headers", "an invalid header name"))?;
        let value = http::HeaderValue::from_bytes(&value)
            .map_err(|_| errors::invalid_argument(py, "headers", "an invalid header value"))?;
        response.headers_mut().append(name, value);
    }
    Ok(Verdict {
        inner: trello_auth_core::classify(&response),
        status: status.as_u16(),
    })
}

#[pymethods]
impl Verdict {
    /// `success`, `token_rejected`, `key_rejected`, `permission_denied`, `rate_limited`,
    /// `not_found`, `bad_request`, `forbidden`, `server_error` or `unexpected`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.code()
    }

    /// `done`, `reauthorize`, `retry_after` or `fail`.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action().code()
    }

    /// The server's `Retry-After` hint in seconds, for a 429 or a 5xx that sent a usable one.
    #[getter]
    fn retry_after(&self) -> Option<f64> {
        self.inner.retry_after().map(|d| d.as_secs_f64())
    }

    /// A sentence for a person: what happened and what to do.
    #[getter]
    fn message(&self) -> &'static str {
        self.inner.message()
    }

    /// `invalid` or `expired` for `token_rejected`; which 401 for `permission_denied`.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        match &self.inner {
            CoreVerdict::TokenRejected { reason } => Some(reason.code()),
            CoreVerdict::PermissionDenied { reason } => Some(reason.code()),
            _ => None,
        }
    }

    /// The spent budget for `rate_limited`: `token`, `key`, `member`, `database`, `other`.
    #[getter]
    fn limit(&self) -> Option<&'static str> {
        match &self.inner {
            CoreVerdict::RateLimited { limit, .. } => Some(limit.code()),
            _ => None,
        }
    }

    /// The HTTP status classified.
    #[getter]
    fn status(&self) -> u16 {
        self.status
    }

    fn __repr__(&self) -> String {
        let mut s = format!(
            "Verdict(kind='{}', action='{}', status={}",
            self.kind(),
            self.action(),
            self.status
        );
        if let Some(reason) = self.reason() {
            s.push_str(&format!(", reason='{reason}'"));
        }
        if let Some(limit) = self.limit() {
            s.push_str(&format!(", limit='{limit}'"));
        }
        if let Some(secs) = self.retry_after() {
            s.push_str(&format!(", retry_after={secs:?}"));
        }
        s.push(')');
        s
    }
}
