//! `ta.webhooks.verify`: a webhook delivery's `X-Trello-Webhook` checked by the core (SPEC S9)
//! over the raw body bytes and the registered callback URL.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use trello_auth_core::{webhook, AppSecret};

use crate::errors;

/// `webhook_verify(secret, callback_url, body, header)`: `None` when the delivery verifies,
/// else `WebhookSignatureError` (a `ValueError`) with code `missing_header`,
/// `malformed_header` or `mismatch`. `body` must be `bytes`: a `str` or a parsed JSON never
/// verifies (it is not what Trello signed), so it is a `TypeError`.
#[pyfunction]
#[pyo3(text_signature = "(secret, callback_url, body, header)")]
pub fn webhook_verify(
    py: Python<'_>,
    secret: &str,
    callback_url: &str,
    body: &Bound<'_, PyAny>,
    header: Option<&str>,
) -> PyResult<()> {
    let Ok(bytes) = body.cast::<PyBytes>() else {
        let got = body.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "body: expected the raw request body as bytes, got {got}: verify the bytes as \
             received (request.get_data() in Flask, await request.body() in FastAPI), never \
             re-serialised JSON"
        )));
    };
    let secret = AppSecret::new(secret).map_err(|e| errors::config(py, "secret", &e))?;
    webhook::verify(&secret, callback_url, bytes.as_bytes(), header)
        .map_err(|e| errors::webhook(py, &e))
}
