//! The public value types: apps, members, scopes, expirations, rate limits, faults, log entries,
//! and OAuth 2.0 clients (SPEC S8, in [`oauth2`]).

mod oauth2;

pub use oauth2::{OAuth2Client, OAuth2Info, OAUTH2_SCOPES};

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::origin::OriginPattern;
use crate::random;

/// A registered Trello app (an API key with its secret and allowed origins, SPEC S2, S7).
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    /// The name shown on the consent page.
    pub name: String,
    /// The API key: 32 hex characters.
    pub key: String,
    /// The app secret (OAuth 1.0a consumer secret): 64 hex characters.
    pub secret: String,
    /// Allowed origins for `return_url` and OAuth callbacks (SPEC S7); `https://*.example.com`
    /// patterns are allowed, a bare `*` is refused, and an empty list refuses every redirect.
    pub allowed_origins: Vec<String>,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("name", &self.name)
            .field("key", &self.key)
            .field("secret", &"[redacted]")
            .field("allowed_origins", &self.allowed_origins)
            .finish()
    }
}

impl App {
    /// An app with a fresh random key and secret and the default development origins
    /// (`http://localhost:8080`, `http://127.0.0.1:8080`).
    pub fn generate(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            key: random::api_key(),
            secret: random::app_secret(),
            allowed_origins: vec![
                "http://localhost:8080".to_owned(),
                "http://127.0.0.1:8080".to_owned(),
            ],
        }
    }

    /// Replaces the allowed origins.
    #[must_use]
    pub fn with_allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// Checks the formats of SPEC S2 and parses the allowed origins (SPEC S7).
    pub(crate) fn validate(&self) -> Result<Vec<OriginPattern>> {
        if self.key.len() != 32 || !self.key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Config("an app key must be 32 hex characters".into()));
        }
        if self.secret.len() != 64 || !self.secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Config(
                "an app secret must be 64 hex characters".into(),
            ));
        }
        self.allowed_origins
            .iter()
            .map(|o| OriginPattern::parse(o).map_err(|e| Error::Config(e.to_string())))
            .collect()
    }
}

/// A Trello member (user) of the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// 24 hex characters.
    pub id: String,
    /// The username (`/1/members/{username}`).
    pub username: String,
    /// The display name.
    #[serde(rename = "fullName")]
    pub full_name: String,
}

impl Member {
    /// A member with a fresh random id.
    pub fn new(username: impl Into<String>, full_name: impl Into<String>) -> Self {
        Self {
            id: random::object_id(),
            username: username.into(),
            full_name: full_name.into(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.id.len() != 24 || !self.id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Config(
                "a member id must be 24 hex characters".into(),
            ));
        }
        if self.username.is_empty() {
            return Err(Error::Config("a member needs a username".into()));
        }
        Ok(())
    }
}

/// The permissions of a token (SPEC S1.2 `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes {
    /// `read`
    pub read: bool,
    /// `write`
    pub write: bool,
    /// `account`
    pub account: bool,
}

impl Scopes {
    /// `read` only.
    pub const READ: Self = Self {
        read: true,
        write: false,
        account: false,
    };
    /// `read,write`.
    pub const READ_WRITE: Self = Self {
        read: true,
        write: true,
        account: false,
    };

    /// Parses Trello's comma-separated list (`read,write,account`); `None` for an unknown name
    /// or an empty list.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = Self::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "read" => out.read = true,
                "write" => out.write = true,
                "account" => out.account = true,
                _ => return None,
            }
        }
        (out != Self::default()).then_some(out)
    }

    /// The canonical comma-separated form, in the order read, write, account.
    pub fn as_list(&self) -> String {
        let mut parts = Vec::new();
        if self.read {
            parts.push("read");
        }
        if self.write {
            parts.push("write");
        }
        if self.account {
            parts.push("account");
        }
        parts.join(",")
    }
}

/// How long a token lives (SPEC S1.2 `expiration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiration {
    /// `1hour`
    OneHour,
    /// `1day`
    OneDay,
    /// `30days`
    ThirtyDays,
    /// `never`
    Never,
    /// Any other lifetime (admin API only; not a value Trello's route accepts).
    After(Duration),
}

impl Expiration {
    /// Parses Trello's names (`1hour`, `1day`, `30days`, `never`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "1hour" => Self::OneHour,
            "1day" => Self::OneDay,
            "30days" => Self::ThirtyDays,
            "never" => Self::Never,
            _ => return None,
        })
    }

    /// The lifetime, `None` for `never`.
    pub fn lifetime(&self) -> Option<Duration> {
        match self {
            Self::OneHour => Some(Duration::from_secs(3600)),
            Self::OneDay => Some(Duration::from_secs(86_400)),
            Self::ThirtyDays => Some(Duration::from_secs(30 * 86_400)),
            Self::Never => None,
            Self::After(d) => Some(*d),
        }
    }

    /// Words for the consent page.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::OneHour => "1 hour".into(),
            Self::OneDay => "1 day".into(),
            Self::ThirtyDays => "30 days".into(),
            Self::Never => "never (until revoked)".into(),
            Self::After(d) => format!("{} seconds", d.as_secs()),
        }
    }

    /// Trello's name for the value, for hidden form fields.
    pub(crate) fn name(&self) -> String {
        match self {
            Self::OneHour => "1hour".into(),
            Self::OneDay => "1day".into(),
            Self::ThirtyDays => "30days".into(),
            Self::Never => "never".into(),
            Self::After(d) => format!("{}s", d.as_secs()),
        }
    }
}

/// Rate-limit settings (SPEC S4.3). Windows are fixed and aligned to the sandbox clock, so
/// advancing the clock by `window` starts a fresh window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per window per API key (Trello: 300).
    pub key_max: u32,
    /// Requests per window per token (Trello: 100).
    pub token_max: u32,
    /// The window (Trello: 10 s).
    pub window: Duration,
    /// A key that collects more than this many 429s in a window gets 429 for every request
    /// until the window ends (Trello: 200).
    pub lockout_threshold: u32,
    /// The `/1/members/` routes' budget per token: requests per window, and the window
    /// (Trello: 100 per 900 s). `None`, the default, does not count these routes, so that tests
    /// may call `members/me` freely; set it with
    /// [`with_member_budget`](Self::with_member_budget) to test `MEMBER_LIMIT_EXCEEDED`.
    pub member: Option<(u32, Duration)>,
}

impl RateLimits {
    /// Limits with Trello's lockout threshold (200).
    pub fn new(key_max: u32, token_max: u32, window: Duration) -> Self {
        Self {
            key_max,
            token_max,
            window,
            lockout_threshold: 200,
            member: None,
        }
    }

    /// Also limits the `/1/members/` routes to `max` requests per token per `window`, as
    /// Trello does (100 per 900 s): over it, 429 `MEMBER_LIMIT_EXCEEDED`, and their responses
    /// carry `x-rate-limit-member-*` headers.
    ///
    /// ```
    /// use std::time::Duration;
    /// use trello_auth_sandbox::RateLimits;
    ///
    /// let trello = RateLimits::default().with_member_budget(100, Duration::from_secs(900));
    /// assert_eq!(trello.member, Some((100, Duration::from_secs(900))));
    /// ```
    pub fn with_member_budget(mut self, max: u32, window: Duration) -> Self {
        self.member = Some((max, window));
        self
    }
}

impl Default for RateLimits {
    /// Trello's: 300 per key and 100 per token per 10 s, lockout after 200 429s.
    fn default() -> Self {
        Self::new(300, 100, Duration::from_secs(10))
    }
}

/// What a token to mint through [`crate::Admin::mint_token`] looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpec {
    /// The app (API key) the token belongs to; `None` for the default app.
    pub app_key: Option<String>,
    /// The member the token acts for; `None` for the default member.
    pub member_id: Option<String>,
    /// The token's permissions.
    pub scopes: Scopes,
    /// The token's lifetime, counted on the sandbox clock.
    pub expiration: Expiration,
}

impl Default for TokenSpec {
    /// A `read,write` token of the default member and app that never expires.
    fn default() -> Self {
        Self {
            app_key: None,
            member_id: None,
            scopes: Scopes::READ_WRITE,
            expiration: Expiration::Never,
        }
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteMatch {
    /// Paths equal to this (query excluded).
    Exact(String),
    /// Paths starting with this.
    Prefix(String),
}

/// A fault to inject into the next `count` matching requests (`POST /__sandbox/faults`).
///
/// The latency (if any) comes first, then either the connection is closed mid-response, or the
/// status is answered, or the request is served normally (latency alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Which paths (on the API/auth listener and the storage listener) it applies to.
    pub route: RouteMatch,
    /// Only this method (`GET`, ...), or any.
    pub method: Option<String>,
    /// How many matching requests it applies to.
    pub count: u32,
    /// Answer this status (e.g. 500, 503) instead of serving the request.
    pub status: Option<u16>,
    /// Wait this long (in the server, with `tokio::time::sleep`) before answering.
    pub latency: Option<Duration>,
    /// Send the status line, headers announcing a longer body and part of a body, then drop
    /// the connection.
    pub close: bool,
    /// Serve the request first (a write is applied), then answer the `status` or `close`
    /// instead of the route's response: the server did the work and the answer was lost, as
    /// behind a failing proxy.
    pub after_applying: bool,
    /// Answer `302 Found` to this URL instead of serving the request (a redirect to another
    /// origin, which a client must not follow with credentials).
    pub redirect: Option<String>,
    /// Serve the request, then close its connection gracefully: an HTTP/2 `GOAWAY` (streams in
    /// flight finish, new ones go to a new connection), or `Connection: close` on HTTP/1.1.
    pub goaway: bool,
}

impl Fault {
    /// A fault for the next `count` requests whose path starts with `prefix`, doing nothing
    /// until a status, latency or close is set.
    pub fn prefix(prefix: impl Into<String>, count: u32) -> Self {
        Self {
            route: RouteMatch::Prefix(prefix.into()),
            method: None,
            count,
            status: None,
            latency: None,
            close: false,
            after_applying: false,
            redirect: None,
            goaway: false,
        }
    }

    /// Answer `status`.
    #[must_use]
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Wait `latency` first.
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }

    /// Close the connection mid-response.
    #[must_use]
    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }

    /// Serve the request (its write applied) before answering the fault's status or close.
    #[must_use]
    pub fn after_applying(mut self) -> Self {
        self.after_applying = true;
        self
    }

    /// Answer `302 Found` with `Location: url`.
    #[must_use]
    pub fn redirect(mut self, url: impl Into<String>) -> Self {
        self.redirect = Some(url.into());
        self
    }

    /// Serve the request, then close the connection gracefully (HTTP/2 `GOAWAY`).
    #[must_use]
    pub fn goaway(mut self) -> Self {
        self.goaway = true;
        self
    }
}

/// Where the credentials of a request were found (SPEC S3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// No credentials.
    None,
    /// `?key=..&token=..` (SPEC S3.1).
    Query,
    /// `Authorization: OAuth oauth_consumer_key="..", oauth_token=".."` (SPEC S3.2).
    Header,
    /// A fully signed OAuth 1.0a `Authorization` header (SPEC S3.2, S6).
    ///
    /// (`Authorization: Bearer <access_token>`, OAuth 2.0 (SPEC S8.1), is logged as
    /// [`Placement::Header`]; the log's `authorization` field shows the scheme.)
    SignedHeader,
    /// `key`/`token` fields in a JSON or form body of a PUT or POST (SPEC S3.3).
    Body,
    /// More than one of the above (refused with 400; SPEC S3.4 says never send more than one).
    Multiple,
}

/// Which listener a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Listener {
    /// The API and authorize origin (`api_base`, `auth_base`).
    Api,
    /// The second origin that attachment downloads redirect to.
    Storage,
}

/// One request as the sandbox saw it, with every credential redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// The listener it arrived on.
    pub listener: Listener,
    /// The method.
    pub method: String,
    /// The HTTP version it came over: `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
    /// The path and query, with `key`, `token`, `oauth_*` values and the `/1/tokens/{token}`
    /// segment replaced by `[redacted]`.
    pub path: String,
    /// Where credentials were found.
    pub placement: Placement,
    /// Whether any credential arrived at all (an `Authorization` header, or `key`, `token` or
    /// `oauth_*` in the query or body); on the storage listener this must stay `false`.
    pub credentials_present: bool,
    /// The `Authorization` header with its parameter values redacted.
    pub authorization: Option<String>,
    /// The body with credential fields redacted (JSON and form bodies), or its size.
    pub body: Option<String>,
    /// The status the sandbox answered.
    pub status: u16,
    /// For a request counted against the rate limits (SPEC S4.3): by which key and token,
    /// and when. `None` for requests that failed authentication or are not counted.
    pub counted: Option<Counted>,
}

/// A request counted against the rate limits, as [`RecordedRequest::counted`] gives it: the
/// key and the token as the first 8 bytes of their SHA-256 in hex (never in clear), and the
/// sandbox clock's milliseconds when it was counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Counted {
    /// The rate-limited key's hash (the API key, or the OAuth 2.0 app's).
    pub key: String,
    /// The token's hash.
    pub token: String,
    /// When it was counted, sandbox clock, in ms.
    pub at_ms: i64,
}
