//! The request log (`GET /__sandbox/requests`) and the redaction of every credential in it.
//!
//! Redacted: query values of `key`, `token` and `oauth_*`; every `Authorization` parameter
//! value; the same fields in JSON and form bodies; the `/1/tokens/{token}` path segment
//! (SPEC S5); the consent form's anti-forgery value; the OAuth 2.0 token request's `code`,
//! `code_verifier`, `client_secret` and `refresh_token` (SPEC S8.4) and any `access_token`.

use std::collections::VecDeque;
use std::sync::Mutex;

use http::StatusCode;

use crate::model::RecordedRequest;
use crate::request::{Meta, Params, Req};

/// How many requests the log keeps (the oldest are dropped first).
pub(crate) const CAPACITY: usize = 10_000;

const REDACTED: &str = "[redacted]";

/// A bounded log of recorded requests.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: RecordedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// The log entry of a handled request. `params` are the ones the route was given (`None` if
/// they could not be parsed: then only the `Authorization` header counts as credentials).
pub(crate) fn record(
    req: &Req,
    params: Option<&Params>,
    meta: &Meta,
    status: StatusCode,
) -> RecordedRequest {
    RecordedRequest {
        listener: req.listener,
        method: req.method().as_str().to_owned(),
        version: format!("{:?}", req.parts.version),
        path: redact_path_and_query(req.path(), req.query()),
        placement: meta.placement,
        credentials_present: credentials_present(req, params),
        authorization: req.authorization().map(redact_authorization),
        body: (!req.body.is_empty()).then(|| redact_body(&req.body, req.is_json())),
        status: status.as_u16(),
        counted: meta.counted.clone(),
    }
}

/// Whether the request carries any credential at all.
fn credentials_present(req: &Req, params: Option<&Params>) -> bool {
    req.authorization().is_some()
        || params.is_some_and(|p| {
            p.query
                .iter()
                .chain(p.body.iter())
                .any(|(n, _)| is_credential_name(n))
        })
}

/// Whether a parameter name carries a credential.
pub(crate) fn is_credential_name(name: &str) -> bool {
    matches!(
        name,
        "key"
            | "token"
            | "requestKey"
            | "code"
            | "code_verifier"
            | "client_secret"
            | "refresh_token"
            | "access_token"
    ) || name.starts_with("oauth_")
}

/// The path with the `/1/tokens/{token}` segment redacted, plus the query with credential
/// values redacted.
pub(crate) fn redact_path_and_query(path: &str, query: Option<&str>) -> String {
    let mut out = String::with_capacity(path.len() + query.map_or(0, str::len) + 1);
    match path.strip_prefix("/1/tokens/") {
        Some(rest) if !rest.is_empty() => {
            out.push_str("/1/tokens/");
            out.push_str(REDACTED);
            if let Some(i) = rest.find('/') {
                out.push_str(&rest[i..]);
            }
        }
        _ => out.push_str(path),
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(&redact_form(q));
    }
    out
}

/// A form-encoded string (query or body) with credential values redacted; names and other
/// values are kept as they arrived.
pub(crate) fn redact_form(form: &str) -> String {
    form.split('&')
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(n, _)| n);
            let decoded: String = url::form_urlencoded::parse(name.as_bytes())
                .next()
                .map(|(n, _)| n.into_owned())
                .unwrap_or_default();
            if is_credential_name(&decoded) {
                format!("{name}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The `Authorization` header with every parameter value redacted.
pub(crate) fn redact_authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("oauth") {
        return format!("{scheme} {REDACTED}");
    }
    let names: Vec<String> = rest
        .split(',')
        .filter_map(|p| p.split_once('=').map(|(n, _)| n.trim().to_owned()))
        .map(|n| format!("{n}=\"{REDACTED}\""))
        .collect();
    format!("{scheme} {}", names.join(", "))
}

/// A body with credential fields redacted: JSON objects and form bodies keep their shape;
/// anything else is reduced to its size.
pub(crate) fn redact_body(body: &[u8], is_json: bool) -> String {
    if is_json {
        if let Ok(serde_json::Value::Object(mut map)) =
            serde_json::from_slice::<serde_json::Value>(body)
        {
            for (k, v) in &mut map {
                if is_credential_name(k) {
                    *v = serde_json::Value::String(REDACTED.into());
                }
            }
            return serde_json::Value::Object(map).to_string();
        }
    } else if let Ok(text) = std::str::from_utf8(body) {
        if text.contains('=') {
            return redact_form(text);
        }
    }
    format!("[{} bytes]", body.len())
}

#[cfg(test)]
mod tests;
