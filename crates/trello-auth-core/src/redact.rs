//! [`redact`]: a loggable view of a request with every credential scrubbed: `key`, `token`,
//! `oauth_*` and secret-like names in the query and body, the `Authorization` header's
//! parameters, and the token in the `/1/tokens/{token}` path (SPEC S5).

use std::fmt::Write;

use http::header::{AUTHORIZATION, CONTENT_TYPE};

use crate::encode::{is_form, is_json};
use crate::Request;

const REDACTED: &str = "[redacted]";

/// A multi-line, loggable rendering of `request`: the request line, the headers, then the
/// body, with every credential replaced by `[redacted]`.
///
/// ```
/// let request = http::Request::delete("https://api.trello.com/1/tokens/ATTAsecret?key=0123&fields=id")
///     .header("content-type", "application/json")
///     .body(br#"{"token":"ATTAsecret","name":"x"}"#.to_vec())?;
/// assert_eq!(
///     trello_auth_core::redact(&request),
///     "DELETE https://api.trello.com/1/tokens/[redacted]?key=[redacted]&fields=id\n\
///      content-type: application/json\n\
///      \n\
///      {\"name\":\"x\",\"token\":\"[redacted]\"}",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn redact(request: &Request) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(request.method().as_str());
    out.push(' ');
    let uri = request.uri();
    if let Some(scheme) = uri.scheme_str() {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(authority) = uri.authority() {
        // Userinfo could hold a password: keep only host and port.
        let hostport = authority.as_str().rsplit('@').next().unwrap_or("");
        out.push_str(hostport);
    }
    redact_path(uri.path(), &mut out);
    if let Some(q) = uri.query() {
        out.push('?');
        redact_pairs(q, &mut out);
    }
    for (name, value) in request.headers() {
        let _ = write!(out, "\n{name}: ");
        if name == AUTHORIZATION {
            redact_authorization(value.to_str().unwrap_or(""), &mut out);
        } else if value.is_sensitive() || is_secret_header(name.as_str()) {
            out.push_str(REDACTED);
        } else {
            out.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
    }
    let body = request.body();
    if !body.is_empty() {
        out.push_str("\n\n");
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        redact_body(content_type, body, &mut out);
    }
    out
}

/// The segment after `tokens` in `/1/tokens/{token}[/...]` is a token (SPEC S5).
fn redact_path(path: &str, out: &mut String) {
    let mut previous_was_tokens = false;
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if previous_was_tokens && !segment.is_empty() {
            out.push_str(REDACTED);
        } else {
            out.push_str(segment);
        }
        previous_was_tokens = segment.eq_ignore_ascii_case("tokens");
    }
}

/// `name=value&...` with the values of credential names replaced; names and other values
/// are kept as they were written.
fn redact_pairs(pairs: &str, out: &mut String) {
    for (i, pair) in pairs.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_name(&decode(name)) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
}

/// `OAuth a="…", b="…"` keeps the scheme and parameter names; any other scheme is hidden
/// whole.
fn redact_authorization(value: &str, out: &mut String) {
    let Some(params) = value
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("oauth "))
        .map(|_| &value[6..])
    else {
        out.push_str(REDACTED);
        return;
    };
    out.push_str("OAuth ");
    for (i, param) in params.split(',').enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let name = param.split('=').next().unwrap_or("").trim();
        let _ = write!(out, "{name}=\"{REDACTED}\"");
    }
}

fn redact_body(content_type: &str, body: &[u8], out: &mut String) {
    if is_form(content_type) {
        match std::str::from_utf8(body) {
            Ok(form) => redact_pairs(form, out),
            Err(_) => {
                let _ = write!(out, "[{} bytes]", body.len());
            }
        }
    } else if is_json(content_type) {
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut value) => {
                redact_json(&mut value);
                out.push_str(&value.to_string());
            }
            Err(_) => {
                let _ = write!(out, "[{} bytes of invalid JSON]", body.len());
            }
        }
    } else {
        // Unknown bodies may hold anything: show only their size.
        let _ = write!(out, "[{} bytes]", body.len());
    }
}

fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, v) in map.iter_mut() {
                if is_secret_name(name) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// `key`, `token`, `oauth_*`, and any name mentioning a token, secret or password.
fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // `code` and `*verifier*`: an OAuth 2.0 authorization code and its PKCE verifier (SPEC S8.4).
    lower == "key"
        || lower == "code"
        || lower.starts_with("oauth_")
        || [
            "token", "secret", "password", "apikey", "api_key", "verifier",
        ]
        .iter()
        .any(|s| lower.contains(s))
}

fn is_secret_header(name: &str) -> bool {
    matches!(
        name,
        "proxy-authorization" | "cookie" | "set-cookie" | "x-trello-webhook"
    ) || is_secret_name(name)
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(s.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
