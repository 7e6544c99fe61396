//! [`Credentials`] (key + token) and their placement on a REST request (SPEC S3): header
//! (the default), query or body, with every refusal of VECTORS.md and nothing half-applied.

use std::fmt;
use std::str::FromStr;

use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method, Uri};
use zeroize::Zeroizing;

use crate::encode::{encode_component, is_form, is_json};
use crate::origin::is_loopback_str;
use crate::{ApiKey, Origin, Request, Token};

/// Where the key and token go on a request (SPEC S3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Placement {
    /// `Authorization: OAuth oauth_consumer_key="…", oauth_token="…"` (SPEC S3.2). The default:
    /// the only placement attachment downloads accept, and the one that keeps credentials out
    /// of URLs and logs (SPEC S3.4).
    #[default]
    Header,
    /// `?key=…&token=…` (SPEC S3.1). Trello plans to remove it (SPEC S3.4).
    Query,
    /// `key` and `token` fields in a PUT or POST body, JSON or form-encoded (SPEC S3.3).
    Body,
}

impl Placement {
    /// `header`, `query` or `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Header => "header",
            Placement::Query => "query",
            Placement::Body => "body",
        }
    }
}

impl FromStr for Placement {
    type Err = PlacementError;

    /// Parses `header`, `query` or `body` (ASCII case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Placement::Header, Placement::Query, Placement::Body]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(PlacementError::UnknownPlacement)
    }
}

/// Why [`Credentials::authorize`] refused a request. The request was not changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlacementError {
    /// The request is plain `http://` to a host that is not loopback: credentials would cross
    /// the network in clear (SPEC S3.4). Use `https://`.
    #[error("refusing to send credentials over plain http to a non-loopback host: use https")]
    InsecureScheme,
    /// The request is not for the API origin these credentials are configured for, so the
    /// credentials would leak to another server. Send it without credentials, or configure the
    /// API base with [`Credentials::with_api_base`].
    #[error("refusing to send credentials to an origin other than {expected}: configure the API base or send this request without credentials")]
    ForeignHost {
        /// The configured API origin.
        expected: String,
    },
    /// The request's method carries no body but a body is involved: body placement on
    /// GET/HEAD/DELETE, or a GET/HEAD request that has a body (Trello answers 403, SPEC S3.4).
    #[error("{method} cannot carry a body (SPEC S3.4): use header placement and an empty body")]
    BodyNotAllowed {
        /// The request method.
        method: Method,
    },
    /// The request already carries credentials (`key`/`token` in the query or body, or an
    /// `Authorization` header). Sending two is undefined at Trello (SPEC S3.4): remove them.
    #[error("the request already carries credentials ({location}): send exactly one set")]
    CredentialsPresent {
        /// Where they were found: `query`, `authorization header` or `body`.
        location: &'static str,
    },
    /// Body placement into a body that is neither a JSON object nor form-encoded.
    #[error("body placement needs a JSON object or a form-encoded body: {reason}")]
    UnsupportedBody {
        /// What the body was.
        reason: &'static str,
    },
    /// A placement name other than `header`, `query`, `body`.
    #[error("unknown placement: expected header, query or body")]
    UnknownPlacement,
}

impl PlacementError {
    /// The stable name of this error (VECTORS.md).
    pub fn code(&self) -> &'static str {
        match self {
            PlacementError::InsecureScheme => "insecure_scheme",
            PlacementError::ForeignHost { .. } => "foreign_host",
            PlacementError::BodyNotAllowed { .. } => "body_not_allowed",
            PlacementError::CredentialsPresent { .. } => "credentials_present",
            PlacementError::UnsupportedBody { .. } => "unsupported_body",
            PlacementError::UnknownPlacement => "unknown_placement",
        }
    }
}

/// An API key and a user token, bound to the API origin they may be sent to.
///
/// # Security
/// `Debug` shows the key's prefix and `Token([redacted])`; there is no `Display`. The header
/// value and form pairs are rendered once, at construction, so that placement costs one copy
/// per request; like every request's header, that rendering is not zeroized.
///
/// ```
/// use trello_auth_core::{ApiKey, Credentials, Placement, Token};
///
/// let creds = Credentials::new(
///     ApiKey::new("0123456789abcdef0123456789abcdef")?,
///     Token::new("f".repeat(64))?,
/// );
/// let put = http::Request::put("https://api.trello.com/1/cards/5abbe4b7ddc1b351ef961414")
///     .header("content-type", "application/json")
///     .body(br#"{"name":"Done"}"#.to_vec())?;
/// let put = creds.authorize(put, Placement::Body)?;
/// let body: serde_json::Value = serde_json::from_slice(put.body())?;
/// assert_eq!(body["name"], "Done");
/// assert_eq!(body["key"], "0123456789abcdef0123456789abcdef");
///
/// // Credentials never go to another host:
/// let other = http::Request::get("https://example.com/").body(Vec::new())?;
/// assert_eq!(creds.authorize(other, Placement::Header).unwrap_err().code(), "foreign_host");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    key: ApiKey,
    token: Token,
    api: Origin,
    /// [`Credentials::authorization_header`], rendered once.
    header: HeaderValue,
    /// [`Credentials::form_pairs`], rendered once.
    pairs: Zeroizing<String>,
}

impl Credentials {
    /// Credentials for `https://api.trello.com`.
    pub fn new(key: ApiKey, token: Token) -> Self {
        let encoded = encode_component(token.expose_secret());
        let mut value = String::with_capacity(64 + key.as_str().len() + encoded.len());
        value.push_str("OAuth oauth_consumer_key=\"");
        value.push_str(key.as_str());
        value.push_str("\", oauth_token=\"");
        value.push_str(&encoded);
        value.push('"');
        // The value is ASCII: a hex key and a percent-encoded token.
        let mut header = HeaderValue::try_from(value).expect("ASCII header value");
        header.set_sensitive(true);
        let mut pairs = Zeroizing::new(String::with_capacity(
            11 + key.as_str().len() + encoded.len(),
        ));
        pairs.push_str("key=");
        pairs.push_str(key.as_str());
        pairs.push_str("&token=");
        pairs.push_str(&encoded);
        drop(encoded);
        Self {
            key,
            token,
            api: Origin::trello_api(),
            header,
            pairs,
        }
    }

    /// Binds the credentials to another API origin (the sandbox, a proxy).
    pub fn with_api_base(mut self, api: Origin) -> Self {
        self.api = api;
        self
    }

    /// The API key.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    /// The user token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The origin these credentials may be sent to.
    pub fn api_base(&self) -> &Origin {
        &self.api
    }

    /// The `Authorization` header value of SPEC S3.2, marked sensitive.
    pub fn authorization_header(&self) -> HeaderValue {
        self.header.clone()
    }

    /// `key=…&token=…`, form-encoded (SPEC S3.1, S3.3).
    pub fn form_pairs(&self) -> &str {
        &self.pairs
    }

    /// Places the key and token on `request` as `placement` says (SPEC S3).
    ///
    /// Refuses, in this order (VECTORS.md): plain `http://` to a non-loopback host; a host
    /// other than the API origin; a body on a method that cannot carry one (body placement
    /// on anything but PUT/POST/PATCH, or a GET/HEAD with a body); a request that already
    /// carries credentials; body placement into a body that is neither a JSON object nor a
    /// form. On refusal the request is dropped unchanged; on success exactly one set of
    /// credentials has been added and `Content-Length`, if present, is updated.
    pub fn authorize(
        &self,
        request: Request,
        placement: Placement,
    ) -> Result<Request, PlacementError> {
        let uri = request.uri();
        let same_origin = self.api.matches(uri);
        // For a URL on the API origin the scheme and host are the origin's, already judged.
        let insecure = if same_origin {
            !self.api.is_https() && !self.api.is_loopback()
        } else {
            uri.scheme_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("http"))
                && !uri.host().is_some_and(is_loopback_str)
        };
        if insecure {
            return Err(PlacementError::InsecureScheme);
        }
        if !same_origin {
            return Err(PlacementError::ForeignHost {
                expected: self.api.as_str().to_owned(),
            });
        }
        let method = request.method();
        let body_method = matches!(*method, Method::PUT | Method::POST | Method::PATCH);
        let bodyless_method = matches!(*method, Method::GET | Method::HEAD);
        if (placement == Placement::Body && !body_method)
            || (bodyless_method && !request.body().is_empty())
        {
            return Err(PlacementError::BodyNotAllowed {
                method: method.clone(),
            });
        }
        let body = BodyKind::of(&request)?;
        check_absent(&request, &body)?;
        match placement {
            Placement::Header => {
                let mut request = request;
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, self.authorization_header());
                Ok(request)
            }
            Placement::Query => {
                let uri = self.with_query(request.uri());
                let mut request = request;
                *request.uri_mut() = uri;
                Ok(request)
            }
            Placement::Body => self.place_in_body(request, body),
        }
    }

    fn with_query(&self, uri: &Uri) -> Uri {
        let pairs = self.form_pairs();
        let path = uri.path();
        let mut pq =
            String::with_capacity(path.len() + pairs.len() + 2 + uri.query().map_or(0, str::len));
        pq.push_str(path);
        pq.push('?');
        if let Some(q) = uri.query().filter(|q| !q.is_empty()) {
            pq.push_str(q);
            pq.push('&');
        }
        pq.push_str(pairs);
        let mut parts = uri.clone().into_parts();
        // The existing path and query were valid, and `pairs` is percent-encoded ASCII.
        parts.path_and_query = Some(pq.try_into().expect("valid path and query"));
        Uri::from_parts(parts).expect("valid URI parts")
    }

    fn place_in_body(&self, request: Request, body: BodyKind) -> Result<Request, PlacementError> {
        let (mut parts, old) = request.into_parts();
        let new = match body {
            BodyKind::Json { empty_object, .. } => {
                // Insert right after the opening brace: the caller's formatting and field
                // order are kept, and the object was validated by `BodyKind::of`.
                let start = old
                    .iter()
                    .position(|b| *b == b'{')
                    .expect("validated JSON object");
                let mut new = Vec::with_capacity(old.len() + 128);
                new.extend_from_slice(&old[..=start]);
                new.extend_from_slice(b"\"key\":");
                write_json_string(&mut new, self.key.as_str());
                new.extend_from_slice(b",\"token\":");
                write_json_string(&mut new, self.token.expose_secret());
                if !empty_object {
                    new.push(b',');
                }
                new.extend_from_slice(&old[start + 1..]);
                new
            }
            BodyKind::Form => {
                let pairs = self.form_pairs();
                let mut new = Vec::with_capacity(old.len() + pairs.len() + 1);
                new.extend_from_slice(&old);
                if !old.is_empty() {
                    new.push(b'&');
                }
                new.extend_from_slice(pairs.as_bytes());
                if !parts.headers.contains_key(CONTENT_TYPE) {
                    parts.headers.insert(
                        CONTENT_TYPE,
                        HeaderValue::from_static("application/x-www-form-urlencoded"),
                    );
                }
                new
            }
            BodyKind::Other => {
                return Err(PlacementError::UnsupportedBody {
                    reason: "the content type is neither JSON nor form",
                })
            }
        };
        if parts.headers.contains_key(CONTENT_LENGTH) {
            parts
                .headers
                .insert(CONTENT_LENGTH, HeaderValue::from(new.len()));
        }
        Ok(Request::from_parts(parts, new))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key", &self.key)
            .field("token", &self.token)
            .field("api_base", &self.api)
            .finish()
    }
}

/// What a request body is, as far as placement cares.
enum BodyKind {
    /// A JSON object (validated), and whether it has credential fields.
    Json {
        empty_object: bool,
        has_credentials: bool,
    },
    /// Form-encoded, or empty with no content type (body placement makes it a form).
    Form,
    /// Anything else.
    Other,
}

impl BodyKind {
    fn of(request: &Request) -> Result<Self, PlacementError> {
        let body = request.body();
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match content_type {
            None if body.is_empty() => Ok(BodyKind::Form),
            Some(ct) if is_form(ct) => Ok(BodyKind::Form),
            Some(ct) if is_json(ct) => {
                let object: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_slice(body).map_err(|_| PlacementError::UnsupportedBody {
                        reason: "the JSON body is not an object",
                    })?;
                Ok(BodyKind::Json {
                    empty_object: object.is_empty(),
                    has_credentials: has_credential_name(object.keys().map(|k| k.as_str().into())),
                })
            }
            _ => Ok(BodyKind::Other),
        }
    }
}

/// Refuses a request that already carries credentials anywhere (SPEC S3.4: never send two).
fn check_absent(request: &Request, body: &BodyKind) -> Result<(), PlacementError> {
    let present = |location| Err(PlacementError::CredentialsPresent { location });
    if request.headers().contains_key(AUTHORIZATION) {
        return present("authorization header");
    }
    if let Some(q) = request.uri().query() {
        if has_credential_name(url::form_urlencoded::parse(q.as_bytes()).map(|(k, _)| k)) {
            return present("query");
        }
    }
    let in_body = match body {
        BodyKind::Form => {
            has_credential_name(url::form_urlencoded::parse(request.body()).map(|(k, _)| k))
        }
        BodyKind::Json {
            has_credentials, ..
        } => *has_credentials,
        BodyKind::Other => false,
    };
    if in_body {
        return present("body");
    }
    Ok(())
}

fn has_credential_name<'a>(mut names: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> bool {
    names.any(|n| n == "key" || n == "token" || n.starts_with("oauth_"))
}

fn write_json_string(out: &mut Vec<u8>, s: &str) {
    // Serialising a &str into a Vec cannot fail.
    serde_json::to_writer(&mut *out, s).expect("string serialisation");
}

#[cfg(test)]
mod tests;
