//! Response bodies and builders: plain text, JSON, HTML, redirects, and the body that breaks
//! off mid-response for the `close` fault.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::StatusCode;
use hyper::body::{Frame, SizeHint};

/// The response type of every handler.
pub(crate) type Response = http::Response<Body>;

/// A response body: complete, or one that errors after its first chunk so hyper drops the
/// connection (the `close` fault).
#[derive(Debug)]
pub(crate) enum Body {
    Full(Option<Bytes>),
    /// The partial chunk, then one `Pending` (so hyper flushes what it has), then an error.
    Broken(Option<Bytes>, bool),
}

/// The error a broken body reports to hyper (which then closes the connection).
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Dropped>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Broken(chunk, yielded) => match chunk.take() {
                Some(b) => Poll::Ready(Some(Ok(Frame::data(b)))),
                None if !*yielded => {
                    *yielded = true;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                None => Poll::Ready(Some(Err(Dropped))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Broken(..) => SizeHint::default(),
        }
    }
}

const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

fn with_type(status: StatusCode, ctype: HeaderValue, body: Bytes) -> Response {
    let mut r = http::Response::new(Body::Full(Some(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, ctype);
    r
}

/// `text/plain; charset=utf-8`, as Trello's auth errors are (SPEC S4.1, S4.2).
pub(crate) fn text(status: StatusCode, body: impl Into<Bytes>) -> Response {
    with_type(status, TEXT, body.into())
}

/// `application/json`.
pub(crate) fn json(status: StatusCode, body: impl Into<Bytes>) -> Response {
    with_type(status, JSON, body.into())
}

/// A JSON value.
pub(crate) fn json_value(status: StatusCode, value: &serde_json::Value) -> Response {
    json(status, value.to_string())
}

/// `text/html`.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    with_type(status, HTML, body.into())
}

/// `application/x-www-form-urlencoded` (OAuth 1.0a token responses, SPEC S6).
pub(crate) fn form(body: String) -> Response {
    with_type(StatusCode::OK, FORM, body.into())
}

/// 302 to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    let mut r = text(StatusCode::FOUND, Bytes::new());
    match HeaderValue::from_str(location) {
        Ok(v) => {
            r.headers_mut().insert(LOCATION, v);
            r
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "invalid return_url"),
    }
}

/// 404 `The requested resource was not found.` (SPEC S4.2).
pub(crate) fn not_found() -> Response {
    text(
        StatusCode::NOT_FOUND,
        Bytes::from_static(b"The requested resource was not found."),
    )
}

/// 401 with one of SPEC S4.1's bodies.
pub(crate) fn unauthorized(body: &'static str) -> Response {
    text(
        StatusCode::UNAUTHORIZED,
        Bytes::from_static(body.as_bytes()),
    )
}

/// 400 with a plain-text body.
pub(crate) fn bad_request(body: &'static str) -> Response {
    text(StatusCode::BAD_REQUEST, Bytes::from_static(body.as_bytes()))
}

/// 400 with Trello's JSON body for a parameter it refused: `invalid value for {name}`.
/// `name` is a parameter's name (no quoting needed); the keys are in Trello's order.
pub(crate) fn invalid_value(name: &'static str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        format!(r#"{{"message":"invalid value for {name}","error":"ERROR"}}"#),
    )
}

/// A response that announces `full` bytes, sends part of them, then drops the connection.
pub(crate) fn broken() -> Response {
    let mut r = http::Response::new(Body::Broken(
        Some(Bytes::from_static(b"{\"id\":\"5")),
        false,
    ));
    r.headers_mut().insert(CONTENT_TYPE, JSON);
    r.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from_static("4096"));
    r
}

/// SPEC S4.1 bodies.
pub(crate) mod bodies {
    pub(crate) const INVALID_TOKEN: &str = "invalid token";
    pub(crate) const EXPIRED_TOKEN: &str = "expired token";
    pub(crate) const INVALID_KEY: &str = "invalid key";
    pub(crate) const UNAUTHORIZED_PERMISSION: &str = "unauthorized permission requested";
    pub(crate) const INVALID_ID: &str = "invalid id";
}
