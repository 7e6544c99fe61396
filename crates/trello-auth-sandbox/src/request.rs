//! One request as the sandbox sees it after reading the body: [`Req`], its parameters parsed
//! once ([`Params`], read by the routes and by the request log), and what handling learnt
//! about it for the log ([`Meta`]).
//!
//! A leaf of the module graph: the server builds these, the routes, the credential checks and
//! the request log read them, and this module knows none of them.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::Method;

use crate::model::{Listener, Placement};
use crate::response::{self, Response};

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
#[derive(Debug)]
pub(crate) struct Params {
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Vec<(String, String)>,
}

/// Why the parameters could not be read. Only the routes that take parameters answer it (with
/// [`BadParams::respond`]); to the request log it means "no parameters".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadParams {
    /// A PUT/POST body that is not UTF-8.
    NotUtf8,
    /// A PUT/POST body typed (or sniffed) as JSON that does not parse.
    Json,
}

impl BadParams {
    /// The 400 to send.
    pub(crate) fn respond(self) -> Response {
        response::bad_request(match self {
            Self::NotUtf8 => "invalid body",
            Self::Json => "invalid json",
        })
    }
}

impl Params {
    /// Parses the query, and for PUT/POST a JSON object or form body.
    pub(crate) fn parse(req: &Req) -> Result<Self, BadParams> {
        let query = req.query().map_or_else(Vec::new, |q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect()
        });
        let mut body = Vec::new();
        let carries_body = matches!(*req.method(), Method::PUT | Method::POST);
        if carries_body && !req.body.is_empty() {
            if std::str::from_utf8(&req.body).is_err() {
                return Err(BadParams::NotUtf8);
            }
            if req.is_json() {
                let value: serde_json::Value =
                    serde_json::from_slice(&req.body).map_err(|_| BadParams::Json)?;
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
    pub(crate) counted: Option<crate::model::Counted>,
    /// A webhook waiting for its `HEAD` check (`POST /1/webhooks`).
    pub(crate) webhook: Option<Box<crate::webhooks::Draft>>,
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            placement: Placement::None,
            counted: None,
            webhook: None,
        }
    }
}
