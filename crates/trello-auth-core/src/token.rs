//! The token resource (SPEC S5): request builders for `members/me`, `tokens/{token}` (GET,
//! DELETE) and `tokens/{token}/member`, and the serde types of their answers with typed dates.
//!
//! The builders return requests without credentials: pass them through
//! [`Credentials::authorize`](crate::Credentials::authorize) before sending.

use std::fmt;

use http::Method;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

use crate::encode::encode_component;
use crate::{Origin, Request, Token};

/// `GET /1/members/me`: the member behind the credentials, the documented smoke test.
///
/// ```
/// let req = trello_auth_core::token::members_me(&trello_auth_core::Origin::trello_api());
/// assert_eq!(req.uri(), "https://api.trello.com/1/members/me");
/// ```
pub fn members_me(api: &Origin) -> Request {
    build(Method::GET, api, "/1/members/me")
}

/// `GET /1/tokens/{token}`: the token's scope, member and expiry ([`TokenInfo`]).
///
/// # Security
/// The token travels in the path: log the request only through [`crate::redact`].
pub fn token_info(api: &Origin, token: &Token) -> Request {
    build(Method::GET, api, &token_path(token, ""))
}

/// `GET /1/tokens/{token}/member`: the token's member ([`Member`]).
pub fn token_member(api: &Origin, token: &Token) -> Request {
    build(Method::GET, api, &token_path(token, "/member"))
}

/// `DELETE /1/tokens/{token}/`: revokes the token; afterwards every call with it gets 401
/// `invalid token` (SPEC S5).
///
/// ```
/// use trello_auth_core::{token, Origin, Token};
/// let t = Token::new("a".repeat(64))?;
/// let req = token::revoke(&Origin::trello_api(), &t);
/// assert_eq!(req.method(), "DELETE");
/// assert_eq!(trello_auth_core::redact(&req), "DELETE https://api.trello.com/1/tokens/[redacted]/");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
pub fn revoke(api: &Origin, token: &Token) -> Request {
    build(Method::DELETE, api, &token_path(token, "/"))
}

fn token_path(token: &Token, suffix: &str) -> String {
    format!(
        "/1/tokens/{}{suffix}",
        encode_component(token.expose_secret())
    )
}

pub(crate) fn build(method: Method, api: &Origin, path: &str) -> Request {
    let mut request = Request::new(Vec::new());
    *request.method_mut() = method;
    // An origin joined with an ASCII, percent-encoded path is a valid URI.
    *request.uri_mut() = api.join(path).parse().expect("valid URI");
    request
}

/// A Trello member, as `members/me` and `tokens/{token}/member` answer (fields beyond these
/// are kept in `extra`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Member {
    /// The member's 24-hex id.
    pub id: String,
    /// The member's username.
    pub username: String,
    /// The member's display name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What `GET /1/tokens/{token}` answers (SPEC S5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TokenInfo {
    /// The token's own 24-hex id (not the token).
    pub id: String,
    /// The name of the app the token was granted to.
    #[serde(default)]
    pub identifier: Option<String>,
    /// The member who granted it.
    pub id_member: String,
    /// When it was granted.
    #[serde(with = "time::serde::rfc3339")]
    pub date_created: OffsetDateTime,
    /// When it expires; `None` means never (`"dateExpires": null`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date_expires: Option<OffsetDateTime>,
    /// What it may do, per model.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// The API key it belongs to, when Trello says.
    #[serde(default)]
    pub app_key: Option<String>,
}

impl TokenInfo {
    /// Some permission grants read access.
    pub fn can_read(&self) -> bool {
        self.permissions.iter().any(|p| p.read)
    }

    /// Some permission grants write access.
    pub fn can_write(&self) -> bool {
        self.permissions.iter().any(|p| p.write)
    }

    /// The token has expired at `now` (never, when `date_expires` is `None`).
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.date_expires.is_some_and(|e| e <= now)
    }
}

/// One entry of [`TokenInfo::permissions`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Permission {
    /// The model the permission applies to.
    pub id_model: ModelRef,
    /// The kind of model (case-insensitive in the answer, SPEC S5).
    pub model_type: ModelType,
    /// Read access.
    #[serde(default)]
    pub read: bool,
    /// Write access.
    #[serde(default)]
    pub write: bool,
}

/// A permission's `idModel`: one model or all of them (`"*"`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelRef {
    /// `"*"`: every model of the type.
    Any,
    /// One model, by id.
    Id(String),
}

/// A permission's `modelType`, parsed case-insensitively (SPEC S5).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelType {
    /// `Board`.
    Board,
    /// `Organization` (a Workspace).
    Organization,
    /// `Member`.
    Member,
    /// `Enterprise`.
    Enterprise,
    /// `"*"`.
    Any,
    /// Anything else, as sent.
    Other(String),
}

impl ModelType {
    /// The canonical spelling (`Board`, `Organization`, ..., `*`).
    pub fn as_str(&self) -> &str {
        match self {
            ModelType::Board => "Board",
            ModelType::Organization => "Organization",
            ModelType::Member => "Member",
            ModelType::Enterprise => "Enterprise",
            ModelType::Any => "*",
            ModelType::Other(s) => s,
        }
    }
}

impl From<&str> for ModelType {
    fn from(s: &str) -> Self {
        let s = s.trim();
        [
            ModelType::Board,
            ModelType::Organization,
            ModelType::Member,
            ModelType::Enterprise,
            ModelType::Any,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s))
        .unwrap_or_else(|| ModelType::Other(s.to_owned()))
    }
}

impl<'de> Deserialize<'de> for ModelType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(ModelType::from(s.as_ref()))
    }
}

impl Serialize for ModelType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ModelRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(if s == "*" {
            ModelRef::Any
        } else {
            ModelRef::Id(s)
        })
    }
}

impl Serialize for ModelRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            ModelRef::Any => "*",
            ModelRef::Id(id) => id,
        })
    }
}

/// Decodes a JSON answer (a [`Member`], a [`TokenInfo`], anything `Deserialize`).
///
/// ```
/// use trello_auth_core::token::{decode, TokenInfo, ModelType};
/// let info: TokenInfo = decode(br#"{"id":"5f0e0000000000000000000a","idMember":"5f0e0000000000000000000b",
///   "dateCreated":"2026-01-02T03:04:05.678Z","dateExpires":null,
///   "permissions":[{"idModel":"*","modelType":"board","read":true,"write":false}]}"#)?;
/// assert_eq!(info.date_expires, None);
/// assert_eq!(info.permissions[0].model_type, ModelType::Board);
/// assert!(info.can_read() && !info.can_write());
/// # Ok::<(), trello_auth_core::token::DecodeError>(())
/// ```
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|e| DecodeError {
        expected: std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or("value"),
        line: e.line(),
        column: e.column(),
        category: match e.classify() {
            serde_json::error::Category::Io | serde_json::error::Category::Eof => "truncated",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "JSON of another shape",
        },
    })
}

/// A response body did not decode as expected. The message gives the position, never the
/// body, which may echo credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the response body is {category} where a {expected} was expected (line {line}, column {column})")]
pub struct DecodeError {
    expected: &'static str,
    line: usize,
    column: usize,
    category: &'static str,
}

impl DecodeError {
    /// The stable name of this error: `decode`.
    pub fn code(&self) -> &'static str {
        "decode"
    }
}

impl fmt::Display for ModelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
