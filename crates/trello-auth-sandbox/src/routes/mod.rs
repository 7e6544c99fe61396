//! Request routing: the request view shared by handlers, the parsed parameters, and the
//! dispatch from method + path to the handler modules.

pub(crate) mod admin;
pub(crate) mod authorize;
pub(crate) mod oauth1;
pub(crate) mod rest;
pub(crate) mod storage;
pub(crate) mod tokens;

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{Method, StatusCode};

use crate::html;
use crate::model::{Listener, Placement};
use crate::response::{self, Response};
use crate::state::State;

/// One request with its body read, as handlers see it.
#[derive(Debug)]
pub(crate) struct Req {
    pub(crate) parts: http::request::Parts,
    pub(crate) body: Bytes,
    /// `http` or `https`, the listener's scheme (for OAuth 1.0a base strings).
    pub(crate) scheme: &'static str,
    pub(crate) peer: SocketAddr,
    pub(crate) listener: Listener,
}

impl Req {
    pub(crate) fn method(&self) -> &Method {
        &self.parts.method
    }

    pub(crate) fn path(&self) -> &str {
        self.parts.uri.path()
    }

    pub(crate) fn query(&self) -> Option<&str> {
        self.parts.uri.query()
    }

    /// The `Host` header, or the HTTP/2 `:authority`.
    pub(crate) fn authority(&self) -> Option<&str> {
        self.parts
            .headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| self.parts.uri.authority().map(|a| a.as_str()))
    }

    pub(crate) fn authorization(&self) -> Option<&str> {
        self.parts
            .headers
            .get(AUTHORIZATION)
            .map(|h| h.to_str().unwrap_or(""))
    }

    fn content_type(&self) -> &str {
        self.parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
    }

    /// Whether the body is JSON (by content type, or by its first byte when untyped).
    pub(crate) fn is_json(&self) -> bool {
        let ct = self.content_type().to_ascii_lowercase();
        ct.starts_with("application/json") || (ct.is_empty() && self.body.first() == Some(&b'{'))
    }

    /// Whether the body is form-encoded (signed by OAuth 1.0a, RFC 5849 §3.4.1.3.1).
    pub(crate) fn is_form(&self) -> bool {
        self.content_type()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    }
}

/// Query and body parameters, decoded once per request.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Vec<(String, String)>,
}

impl Params {
    /// Parses the query, and for PUT/POST a JSON object or form body. `Err` is the 400 to send.
    pub(crate) fn parse(req: &Req) -> Result<Self, Response> {
        let query = req.query().map_or_else(Vec::new, |q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect()
        });
        let mut body = Vec::new();
        let carries_body = matches!(*req.method(), Method::PUT | Method::POST);
        if carries_body && !req.body.is_empty() {
            if std::str::from_utf8(&req.body).is_err() {
                return Err(response::bad_request("invalid body"));
            }
            if req.is_json() {
                let value: serde_json::Value = serde_json::from_slice(&req.body)
                    .map_err(|_| response::bad_request("invalid json"))?;
                if let serde_json::Value::Object(map) = value {
                    for (k, v) in map {
                        let v = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => continue,
                            other => other.to_string(),
                        };
                        body.push((k, v));
                    }
                }
            } else if req.is_form() || req.content_type().is_empty() {
                body = url::form_urlencoded::parse(&req.body)
                    .map(|(n, v)| (n.into_owned(), v.into_owned()))
                    .collect();
            }
        }
        Ok(Self { query, body })
    }

    /// The first value of `name`, from the query first, then the body.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(self.body.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn query_get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the request log needs to know besides the request.
#[derive(Debug)]
pub(crate) struct Meta {
    pub(crate) placement: Placement,
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            placement: Placement::None,
        }
    }
}

/// Routes a request of the API/auth listener (or the storage listener) to its handler.
pub(crate) fn dispatch(state: &State, req: &Req, meta: &mut Meta) -> Response {
    if req.listener == Listener::Storage {
        return storage::handle(state, req);
    }
    let path = req.path();
    if let Some(rest) = path.strip_prefix("/__sandbox/") {
        return admin::handle(state, req, rest);
    }
    // SPEC S3.4: Trello's CDN answers a GET that carries a body with a 403 HTML page.
    if matches!(*req.method(), Method::GET | Method::HEAD) && !req.body.is_empty() {
        return html::forbidden_get_with_body().respond(StatusCode::FORBIDDEN);
    }
    let Some(rest) = path.strip_prefix("/1/") else {
        return response::not_found();
    };
    let params = match Params::parse(req) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut segs: Vec<&str> = rest.split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
    }
    match segs.as_slice() {
        ["authorize"] if req.method() == Method::GET => authorize::authorize(state, &params),
        ["token", "approve"] if req.method() == Method::POST => authorize::approve(state, &params),
        ["OAuthGetRequestToken"] => oauth1::request_token(state, req, meta),
        ["OAuthAuthorizeToken"] if req.method() == Method::GET => {
            oauth1::authorize_token(state, &params)
        }
        ["OAuthGetAccessToken"] => oauth1::access_token(state, req, meta),
        ["tokens", ..] => tokens::handle(state, req, &params, meta, &segs[1..]),
        _ => rest::handle(state, req, &params, meta, &segs),
    }
}
