//! The sans-IO half of the transport crates' clients (`trello-auth-hyper`, `trello-auth-ureq`):
//! a [`Session`] holds what a client knows (API origin, credentials, retry policy, rate limiter,
//! token-rejected hook), and a [`Call`] walks one request through rate limiter → prepare →
//! send → classify → act, leaving only the sending and the sleeping to the transport crate.
//! Both clients thus behave, fail and report alike; this module also holds their common
//! [`ClientError`] and the pre-send check every transport makes ([`check_destination`]).
//!
//! Time and chance stay arguments: `now` is passed in, and jitter and OAuth nonces come from a
//! small PRNG whose seed the transport crate draws.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use trello_auth_core::client::{Attempt, Auth, Next, Session};
//! use trello_auth_core::{ApiKey, Credentials, Placement, Token};
//!
//! let creds = Credentials::new(
//!     ApiKey::new("0123456789abcdef0123456789abcdef")?,
//!     Token::new("f".repeat(64))?,
//! );
//! let session = Session::new(Auth::key_token(creds, Placement::Header)).with_seed(7);
//! let request = session.request(http::Method::GET, "/1/members/me", None)?;
//! let mut call = session.call(request);
//! let now = Instant::now();
//!
//! // First attempt: the request goes out with the Authorization header.
//! let Attempt::Send(sent) = call.attempt(now, || 1_700_000_000)? else { unreachable!() };
//! assert!(sent.headers().contains_key("authorization"));
//!
//! // The server says 503 with a hint: wait, then send again.
//! let busy = http::Response::builder().status(503).header("retry-after", "2").body(Vec::new())?;
//! assert_eq!(call.settle(Ok(busy), || now).retry_delay(), Some(Duration::from_secs(2)));
//!
//! // The token was revoked: a typed error that says to re-authorize.
//! let Attempt::Send(_) = call.attempt(now, || 1_700_000_002)? else { unreachable!() };
//! let dead = http::Response::builder().status(401).body(b"invalid token".to_vec())?;
//! let Next::Fail(err) = call.settle(Ok(dead), || now) else { unreachable!() };
//! assert_eq!(err.to_string(), "token revoked: re-authorize");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::header::CONTENT_TYPE;
use http::uri::{Authority, Scheme};
use http::{HeaderMap, HeaderValue, Method, Uri};

use crate::classify::{PermissionReason, RateLimitKind, TokenRejection};
use crate::oauth1::{
    self, Callback, Consumer, OAuthError, OAuthParams, RequestToken, Signer, TokenCredentials,
    Verifier,
};
use crate::origin::{is_loopback_authority, is_loopback_str};
use crate::rate_limit::Decision;
use crate::retry::is_idempotent;
use crate::token::DecodeError;
use crate::transport::{TransportError, TransportErrorKind};
use crate::{
    classify, ConfigError, Credentials, Origin, Placement, PlacementError, RateLimitStatus,
    RateLimiter, Request, Response, RetryPolicy, Token, Verdict,
};

/// Why a transport client's call failed: the `Error` of `trello-auth-hyper` and
/// `trello-auth-ureq` (both re-export this type).
///
/// The first variants are Trello's answers (SPEC S4) after the retries the policy allows;
/// the others are failures on this side.
///
/// # Security
/// No variant holds a URL, a header value, a body or a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// 401 `invalid token` or `expired token` (SPEC S4.1): the token is dead. Send the user
    /// through the authorize flow again; resending with this token cannot work.
    #[error("{}", match reason {
        TokenRejection::Expired => "token expired: re-authorize",
        _ => "token revoked: re-authorize",
    })]
    TokenRejected {
        /// Why the token was refused.
        reason: TokenRejection,
    },
    /// 401 `invalid key` (SPEC S4.1): the API key is missing or wrong. Fix the configuration.
    #[error("API key rejected: fix the configured key; retrying cannot help")]
    KeyRejected,
    /// Another 401 (SPEC S4.1): the credentials do not grant this call. Fix the scope or the
    /// placement, or re-authorize with a wider scope.
    #[error("permission denied ({}): check the token's scope and the credentials' placement", reason.code())]
    PermissionDenied {
        /// Which 401 Trello sent.
        reason: PermissionReason,
    },
    /// 429 (SPEC S4.3), still after the allowed retries, or with a `Retry-After` longer than
    /// the policy waits. Slow down and try later.
    #[error("rate limited ({} budget): slow down and retry later", limit.code())]
    RateLimited {
        /// Which budget was spent.
        limit: RateLimitKind,
        /// The server's last `Retry-After` hint.
        retry_after: Option<Duration>,
    },
    /// 404 (SPEC S4.2): no such resource, or the credentials cannot see it. Check the id.
    #[error("not found: check the id and that the credentials can see it")]
    NotFound,
    /// 400 or 422 (SPEC S4.2): a malformed id or value. Fix the request.
    #[error("bad request: a malformed id or value; fix the request")]
    BadRequest,
    /// 403 (SPEC S3.4): typically a GET that carried a body. Fix the request.
    #[error("forbidden: the request was refused (a GET with a body?); fix the request")]
    Forbidden,
    /// A 5xx (SPEC S4.2) after the allowed retries (a non-idempotent request is not retried,
    /// since the server may have acted). Retry later.
    #[error("server error {status}: Trello is failing; retry later")]
    Server {
        /// The status code.
        status: u16,
    },
    /// Any other status, such as a redirect where a JSON answer was expected. Treat it as a
    /// failure; use the client's `execute` to see redirects.
    #[error("unexpected response status {status}")]
    Unexpected {
        /// The status code.
        status: u16,
    },
    /// The request could not be sent or the response not received (after the retries the
    /// policy allows). Check connectivity; retrying later may help.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The transport's own configuration is invalid (a root certificate that is not PEM, no
    /// trusted root). Fix the configuration.
    #[error("invalid transport configuration: {reason}")]
    TransportConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// A configured value (key, token, base URL) is invalid. Fix the configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request path is not a valid absolute path. Fix the path.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: &'static str,
    },
    /// The credentials could not be placed on the request (SPEC S3). Fix the request.
    #[error(transparent)]
    Placement(#[from] PlacementError),
    /// A successful response's body did not decode as the expected type. Report it, or ask for
    /// bytes or `serde_json::Value` instead.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An OAuth 1.0a step failed: signing, a refused or malformed step answer, a callback that
    /// does not match or was denied (SPEC S6). The variant says what to do.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
}

impl ClientError {
    /// The error for a verdict that is not a success, `None` for [`Verdict::Success`].
    ///
    /// ```
    /// use trello_auth_core::client::ClientError;
    /// use trello_auth_core::Verdict;
    /// let err = ClientError::from_verdict(&Verdict::NotFound).unwrap();
    /// assert_eq!(err.code(), "not_found");
    /// assert!(ClientError::from_verdict(&Verdict::Success).is_none());
    /// ```
    pub fn from_verdict(verdict: &Verdict) -> Option<Self> {
        Some(match *verdict {
            Verdict::Success => return None,
            Verdict::TokenRejected { reason } => ClientError::TokenRejected { reason },
            Verdict::KeyRejected => ClientError::KeyRejected,
            Verdict::PermissionDenied { reason } => ClientError::PermissionDenied { reason },
            Verdict::RateLimited { limit, retry_after } => {
                ClientError::RateLimited { limit, retry_after }
            }
            Verdict::NotFound => ClientError::NotFound,
            Verdict::BadRequest => ClientError::BadRequest,
            Verdict::Forbidden => ClientError::Forbidden,
            Verdict::ServerError { status, .. } => ClientError::Server { status },
            Verdict::Unexpected { status } => ClientError::Unexpected { status },
        })
    }

    /// The stable name of this error: the verdict's name (VECTORS.md) for Trello's answers
    /// (`server_error` for [`ClientError::Server`]), else the underlying error's code.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::TokenRejected { .. } => "token_rejected",
            ClientError::KeyRejected => "key_rejected",
            ClientError::PermissionDenied { .. } => "permission_denied",
            ClientError::RateLimited { .. } => "rate_limited",
            ClientError::NotFound => "not_found",
            ClientError::BadRequest => "bad_request",
            ClientError::Forbidden => "forbidden",
            ClientError::Server { .. } => "server_error",
            ClientError::Unexpected { .. } => "unexpected",
            ClientError::Transport(e) => e.code(),
            ClientError::TransportConfig { .. } => "transport_config",
            ClientError::Config(e) => e.code(),
            ClientError::InvalidRequest { .. } => "invalid_request",
            ClientError::Placement(e) => e.code(),
            ClientError::Decode(e) => e.code(),
            ClientError::OAuth(e) => e.code(),
        }
    }

    /// `true` for [`ClientError::TokenRejected`]: the app must re-authorize its user.
    pub fn is_token_rejected(&self) -> bool {
        matches!(self, ClientError::TokenRejected { .. })
    }
}

/// How a client authenticates its calls.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials: public routes, or requests the caller authorized itself.
    None,
    /// An API key and a user token, placed as `placement` says (SPEC S3).
    KeyToken {
        /// The key and token, bound to the API origin.
        credentials: Credentials,
        /// Where they go on each request.
        placement: Placement,
    },
    /// OAuth 1.0a: every request signed with HMAC-SHA1 by the consumer and the access token
    /// (SPEC S3.2, S6), with a fresh nonce and timestamp per attempt.
    OAuth1 {
        /// The signer (consumer and token credentials).
        signer: Signer,
        /// The access token, for the token routes (`token_info`, `revoke`).
        token: Token,
    },
}

impl Auth {
    /// Key + token auth.
    pub fn key_token(credentials: Credentials, placement: Placement) -> Self {
        Auth::KeyToken {
            credentials,
            placement,
        }
    }

    /// OAuth 1.0a signed calls with `consumer` and the access `token` of the three-legged flow.
    pub fn oauth1(consumer: &Consumer, token: &TokenCredentials) -> Self {
        Auth::OAuth1 {
            signer: Signer::new(consumer, Some(token)),
            token: token.token().clone(),
        }
    }

    /// The user token calls are made with, if any.
    pub fn token(&self) -> Option<&Token> {
        match self {
            Auth::None => None,
            Auth::KeyToken { credentials, .. } => Some(credentials.token()),
            Auth::OAuth1 { token, .. } => Some(token),
        }
    }
}

/// A hook called when a call fails with [`ClientError::TokenRejected`], before the error is
/// returned: a place to drop the stored token and start re-authorization.
pub type TokenRejectedHook = Arc<dyn Fn(TokenRejection) + Send + Sync>;

/// The settings a client's builder collects, turned into a [`Session`] once: both clients'
/// builders hold one, so their choices (OAuth 1.0a over key + token, the credentials' API
/// origin, the defaults) are made in one place.
#[derive(Default)]
pub struct SessionBuilder {
    credentials: Option<Credentials>,
    oauth1: Option<(Consumer, TokenCredentials)>,
    placement: Placement,
    api: Option<Origin>,
    retry: Option<RetryPolicy>,
    limiter: Option<Option<RateLimiter>>,
    hook: Option<TokenRejectedHook>,
}

impl SessionBuilder {
    /// Key + token auth with `credentials` (their API origin unless [`api_base`](Self::api_base)).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// OAuth 1.0a signed calls; takes precedence over [`credentials`](Self::credentials).
    pub fn oauth1(mut self, consumer: Consumer, token: TokenCredentials) -> Self {
        self.oauth1 = Some((consumer, token));
        self
    }

    /// Where the key and token go (default [`Placement::Header`]).
    pub fn placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// The API origin.
    pub fn api_base(mut self, api: Origin) -> Self {
        self.api = Some(api);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The client-side rate limiter; `None` sends without pacing (default: Trello's budgets).
    pub fn rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The hook called when a token is rejected.
    pub fn on_token_rejected(mut self, hook: TokenRejectedHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// The session, with `seed` for its jitter and nonces (the caller's randomness: this
    /// crate has none).
    pub fn build(self, seed: u64) -> Session {
        let auth = match (self.oauth1, self.credentials) {
            (Some((consumer, token)), _) => Auth::oauth1(&consumer, &token),
            (None, Some(credentials)) => Auth::key_token(credentials, self.placement),
            (None, None) => Auth::None,
        };
        let mut session = Session::new(auth).with_seed(seed);
        if let Some(api) = self.api {
            session = session.with_api_base(api);
        }
        if let Some(retry) = self.retry {
            session = session.with_retry_policy(retry);
        }
        if let Some(limiter) = self.limiter {
            session = session.with_rate_limiter(limiter);
        }
        if let Some(hook) = self.hook {
            session = session.with_token_rejected_hook(hook);
        }
        session
    }
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("credentials", &self.credentials)
            .field("oauth1", &self.oauth1.is_some())
            .field("placement", &self.placement)
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

/// What a client knows between calls: API origin, credentials, retry policy, rate limiter,
/// jitter source and token-rejected hook. Shared by concurrent calls (`Sync`).
pub struct Session {
    api: Origin,
    auth: Auth,
    retry: RetryPolicy,
    limiter: Option<Mutex<RateLimiter>>,
    rng: AtomicU64,
    on_token_rejected: Option<TokenRejectedHook>,
}

impl Session {
    /// A session with the default [`RetryPolicy`] and [`RateLimiter`] (Trello's budgets) and a
    /// fixed jitter seed (set a random one with [`with_seed`](Self::with_seed)). The API
    /// origin is the credentials' one, or `https://api.trello.com` without credentials.
    pub fn new(auth: Auth) -> Self {
        let api = match &auth {
            Auth::KeyToken { credentials, .. } => credentials.api_base().clone(),
            Auth::None | Auth::OAuth1 { .. } => Origin::trello_api(),
        };
        Self {
            api,
            auth,
            retry: RetryPolicy::default(),
            limiter: Some(Mutex::new(RateLimiter::default())),
            rng: AtomicU64::new(0),
            on_token_rejected: None,
        }
    }

    /// Sends requests to `api` instead (the sandbox, a proxy); credentials are rebound to it.
    pub fn with_api_base(mut self, api: Origin) -> Self {
        if let Auth::KeyToken { credentials, .. } = &mut self.auth {
            *credentials = credentials.clone().with_api_base(api.clone());
        }
        self.api = api;
        self
    }

    /// The retry policy for 429, 5xx and transient transport failures.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side rate limiter, or `None` to send without pacing (429s are still retried).
    pub fn with_rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.limiter = limiter.map(Mutex::new);
        self
    }

    /// Seeds the PRNG that draws retry jitter; draw the seed from a random source so that
    /// clients spread apart.
    pub fn with_seed(self, seed: u64) -> Self {
        self.rng.store(seed, Ordering::Relaxed);
        self
    }

    /// Calls `hook` whenever a call fails with [`ClientError::TokenRejected`].
    pub fn with_token_rejected_hook(mut self, hook: TokenRejectedHook) -> Self {
        self.on_token_rejected = Some(hook);
        self
    }

    /// The API origin requests go to.
    pub fn api_base(&self) -> &Origin {
        &self.api
    }

    /// How calls are authenticated.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// A request for `path_and_query` (such as `/1/boards/abc?fields=name`) on the API origin,
    /// without credentials (the [`Call`] adds them). `body` is a content type and the bytes.
    pub fn request(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<Request, ClientError> {
        let invalid = |reason| ClientError::InvalidRequest { reason };
        if !path_and_query.starts_with('/') || path_and_query.starts_with("//") {
            return Err(invalid(
                "the path must start with a single '/', as in /1/members/me",
            ));
        }
        if path_and_query.contains('#') {
            return Err(invalid("the path has a fragment"));
        }
        let uri: Uri = self
            .api
            .join(path_and_query)
            .parse()
            .map_err(|_| invalid("the path is not valid in a URL: percent-encode it"))?;
        let mut request = Request::new(Vec::new());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        if let Some((content_type, bytes)) = body {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            *request.body_mut() = bytes;
        }
        Ok(request)
    }

    /// [`request`](Self::request) with `body` serialized as its JSON body.
    ///
    /// ```
    /// use trello_auth_core::client::{Auth, Session};
    /// let session = Session::new(Auth::None);
    /// let card = serde_json::json!({"name": "a"});
    /// let request = session.json_request(http::Method::POST, "/1/cards", &card)?;
    /// assert_eq!(request.headers()["content-type"], "application/json");
    /// assert_eq!(request.body(), br#"{"name":"a"}"#);
    /// # Ok::<(), trello_auth_core::client::ClientError>(())
    /// ```
    pub fn json_request(
        &self,
        method: Method,
        path_and_query: &str,
        body: &impl serde::Serialize,
    ) -> Result<Request, ClientError> {
        let bytes = serde_json::to_vec(body).map_err(|_| ClientError::InvalidRequest {
            reason: "the body does not serialize to JSON",
        })?;
        self.request(method, path_and_query, Some(("application/json", bytes)))
    }

    /// The user token calls are made with, for the token routes (`token_info`, `revoke`);
    /// [`ClientError::InvalidRequest`] when the session has none.
    pub fn user_token(&self) -> Result<&Token, ClientError> {
        self.auth.token().ok_or(ClientError::InvalidRequest {
            reason: "this client has no user token",
        })
    }

    /// Starts walking `request` (without credentials) through the loop.
    pub fn call(&self, request: Request) -> Call<'_> {
        Call {
            session: self,
            template: request,
            retries: 0,
        }
    }

    /// The next number of the session's PRNG (splitmix64).
    fn next_u64(&self) -> u64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self
            .rng
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`.
    fn jitter(&self) -> f64 {
        // 53 random bits: exactly representable, and below 1.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn limiter(&self) -> Option<std::sync::MutexGuard<'_, RateLimiter>> {
        self.limiter
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A fresh OAuth nonce: 128 bits of the PRNG in hex. RFC 5849 §3.3 asks for uniqueness
    /// per timestamp, which a 128-bit draw from a randomly seeded generator gives.
    fn nonce(&self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    fn prepare(
        &self,
        request: Request,
        unix_time: impl FnOnce() -> u64,
    ) -> Result<Request, ClientError> {
        match &self.auth {
            Auth::None => Ok(request),
            Auth::KeyToken {
                credentials,
                placement,
            } => Ok(credentials.authorize(request, *placement)?),
            Auth::OAuth1 { signer, .. } => {
                // The signature binds the host, but would still carry the token elsewhere.
                if !self.api.matches(request.uri()) {
                    return Err(PlacementError::ForeignHost {
                        expected: self.api.as_str().to_owned(),
                    }
                    .into());
                }
                let nonce = self.nonce();
                Ok(signer.authorize(request, &OAuthParams::new(&nonce, unix_time()))?)
            }
        }
    }

    /// The signed `OAuthGetRequestToken` request of the three-legged flow (SPEC S6) to
    /// `auth_base`, with a fresh nonce; send it once and read the answer with
    /// [`oauth1::parse_request_token_response`].
    pub fn oauth1_request_token_request(
        &self,
        consumer: &Consumer,
        auth_base: &Origin,
        callback: &Callback,
        unix_time: u64,
    ) -> Result<Request, ClientError> {
        let nonce = self.nonce();
        Ok(oauth1::request_token_request(
            consumer, auth_base, callback, &nonce, unix_time,
        )?)
    }

    /// The signed `OAuthGetAccessToken` request (SPEC S6), with a fresh nonce; send it once and
    /// read the answer with [`oauth1::parse_access_token_response`].
    pub fn oauth1_access_token_request(
        &self,
        consumer: &Consumer,
        auth_base: &Origin,
        request_token: &RequestToken,
        verifier: &Verifier,
        unix_time: u64,
    ) -> Result<Request, ClientError> {
        let nonce = self.nonce();
        Ok(oauth1::access_token_request(
            consumer,
            auth_base,
            request_token,
            verifier,
            &nonce,
            unix_time,
        )?)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("api", &self.api)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("rate_limited", &self.limiter.is_some())
            .field("on_token_rejected", &self.on_token_rejected.is_some())
            .finish_non_exhaustive()
    }
}

/// One request on its way through the loop: ask [`attempt`](Call::attempt) what to do, send
/// what it gives, hand the outcome to [`settle`](Call::settle), and act on its [`Next`].
#[derive(Debug)]
pub struct Call<'s> {
    session: &'s Session,
    template: Request,
    retries: u32,
}

/// What [`Call::attempt`] says to do now.
#[derive(Debug)]
#[must_use]
// Boxing the request would cost an allocation per call; the value is moved once.
#[allow(clippy::large_enum_variant)]
pub enum Attempt {
    /// The rate limiter says wait this long, then ask again.
    Wait(Duration),
    /// Send this request (credentials applied).
    Send(Request),
}

/// What [`Call::settle`] says to do after an attempt.
#[derive(Debug)]
#[must_use]
// Boxing the request would cost an allocation per call; the value is moved once.
#[allow(clippy::large_enum_variant)]
pub enum Next {
    /// Finished: a 2xx, or a 3xx redirect returned as is (never followed, SPEC S3.4).
    Done(Response),
    /// Sleep this long, then ask [`Call::attempt`] again.
    Retry(Duration),
    /// Stop with this error.
    Fail(ClientError),
}

impl Next {
    /// The delay of a [`Next::Retry`].
    pub fn retry_delay(&self) -> Option<Duration> {
        match self {
            Next::Retry(delay) => Some(*delay),
            _ => None,
        }
    }
}

impl Call<'_> {
    /// Asks the rate limiter, then prepares a fresh copy of the request (credentials placed, or
    /// a new signature: `unix_time` reads the wall clock in seconds, called only for an OAuth
    /// timestamp).
    pub fn attempt(
        &mut self,
        now: Instant,
        unix_time: impl FnOnce() -> u64,
    ) -> Result<Attempt, ClientError> {
        if let Some(mut limiter) = self.session.limiter() {
            if let Decision::Wait(delay) = limiter.acquire(now) {
                return Ok(Attempt::Wait(delay));
            }
        }
        let copy = duplicate(&self.template);
        self.session.prepare(copy, unix_time).map(Attempt::Send)
    }

    /// Classifies the outcome of an attempt and decides: done, retry after a delay, or fail.
    /// `now` reads the clock (the moment the outcome arrived), called only when the rate
    /// limiter must take in a spent budget.
    ///
    /// A 429 is retried for any method (the request was not processed, SPEC S4.3); a 5xx, a
    /// timeout or a broken connection only for idempotent methods (the server may have acted);
    /// a failure to connect for any method (nothing was sent). Delays come from the
    /// [`RetryPolicy`], which honours `Retry-After`, and the rate limiter takes in the
    /// `x-rate-limit-*` headers. A rejected token calls the session's hook.
    pub fn settle(
        &mut self,
        outcome: Result<Response, TransportError>,
        now: impl FnOnce() -> Instant,
    ) -> Next {
        let session = self.session;
        let method = self.template.method();
        let response = match outcome {
            Ok(response) => response,
            Err(error) => {
                let retryable = error.kind() == TransportErrorKind::Connect
                    || (error.is_transient() && is_idempotent(method));
                if retryable {
                    if let Some(delay) =
                        session
                            .retry
                            .next_delay(self.retries, None, session.jitter())
                    {
                        self.retries += 1;
                        return Next::Retry(delay);
                    }
                }
                return Next::Fail(ClientError::Transport(error));
            }
        };
        // The lock is taken only in the rare case that can change the limiter.
        if session.limiter.is_some() && budget_spent(response.headers()) {
            if let Some(mut limiter) = session.limiter() {
                limiter.observe(&RateLimitStatus::from_headers(response.headers()), now());
            }
        }
        let verdict = classify(&response);
        if verdict.is_success() || response.status().is_redirection() {
            return Next::Done(response);
        }
        if let Some(delay) =
            session
                .retry
                .retry_delay(method, &verdict, self.retries, session.jitter())
        {
            self.retries += 1;
            return Next::Retry(delay);
        }
        if let (Verdict::TokenRejected { reason }, Some(hook)) =
            (verdict, &session.on_token_rejected)
        {
            hook(reason);
        }
        match ClientError::from_verdict(&verdict) {
            Some(error) => Next::Fail(error),
            None => Next::Done(response),
        }
    }

    /// How many retries this call has made.
    pub fn retries(&self) -> u32 {
        self.retries
    }
}

/// Whether the response reports the key's or the token's budget spent (`-remaining` is 0).
/// Only then can [`RateLimiter::observe`] change anything, so the full parse of the nine
/// `x-rate-limit-*` headers is skipped on the common path.
fn budget_spent(headers: &HeaderMap) -> bool {
    // One pass over the few headers of a response costs less than hashing two long names,
    // and it stops once both have been read.
    let (mut key_seen, mut token_seen) = (false, false);
    for (name, value) in headers {
        let seen = match name.as_str() {
            "x-rate-limit-api-key-remaining" => &mut key_seen,
            "x-rate-limit-api-token-remaining" => &mut token_seen,
            _ => continue,
        };
        let digits = value.as_bytes().trim_ascii();
        if !digits.is_empty() && digits.iter().all(|b| *b == b'0') {
            return true;
        }
        *seen = true;
        if key_seen && token_seen {
            return false;
        }
    }
    false
}

/// A copy of `request` (`http::Request` is not `Clone`: extensions are dropped).
fn duplicate(request: &Request) -> Request {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    // Most calls have no header of their own: the new request's empty map will do.
    if !request.headers().is_empty() {
        *copy.headers_mut() = request.headers().clone();
    }
    copy
}

/// Decodes a finished call's JSON body as `T`; a redirect is [`ClientError::Unexpected`].
///
/// ```
/// use trello_auth_core::client::decode;
/// let ok = http::Response::builder().status(200).body(br#"{"id":"x"}"#.to_vec())?;
/// let value: serde_json::Value = decode(&ok)?;
/// assert_eq!(value["id"], "x");
/// let moved = http::Response::builder().status(302).body(Vec::new())?;
/// assert_eq!(decode::<serde_json::Value>(&moved).unwrap_err().code(), "unexpected");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, ClientError> {
    ensure_success(response)?;
    Ok(crate::token::decode(response.body())?)
}

/// `Ok` for a 2xx response; a finished call's other answer (a redirect, which is never
/// followed) is [`ClientError::Unexpected`]. For callers that read the body themselves.
///
/// ```
/// use trello_auth_core::client::ensure_success;
/// let moved = http::Response::builder().status(302).body(Vec::new())?;
/// assert_eq!(ensure_success(&moved).unwrap_err().code(), "unexpected");
/// # Ok::<(), http::Error>(())
/// ```
pub fn ensure_success(response: &Response) -> Result<(), ClientError> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(ClientError::Unexpected {
            status: response.status().as_u16(),
        })
    }
}

/// Refuses to send `uri` unless it is `https://`, or plain `http://` to a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`), or plain `http://` anywhere when `allow_http` (a
/// transport's `danger_` option) is set. A URI without scheme or host is refused too.
///
/// The error is [`TransportErrorKind::Refused`] and names no part of the URI (which may carry
/// credentials in its query).
///
/// ```
/// use trello_auth_core::client::check_destination;
///
/// assert!(check_destination(&"https://api.trello.com/1/members/me".parse()?, false).is_ok());
/// assert!(check_destination(&"http://127.0.0.1:8080/1/members/me".parse()?, false).is_ok());
/// let err = check_destination(&"http://api.trello.com/1/members/me?token=x".parse()?, false).unwrap_err();
/// assert_eq!(err.kind().code(), "refused");
/// assert!(check_destination(&"http://api.trello.com/".parse()?, true).is_ok());
/// assert!(check_destination(&"/1/members/me".parse()?, false).is_err());
/// assert!(check_destination(&"https://:443/".parse()?, false).is_err()); // no host
/// assert!(check_destination(&"HTTP://LocalHost:8080/".parse()?, false).is_ok());
/// assert!(check_destination(&"ftp://127.0.0.1/".parse()?, true).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_destination(uri: &Uri, allow_http: bool) -> Result<(), TransportError> {
    let refused = |why: &'static str| {
        Err(TransportError::with_source(
            TransportErrorKind::Refused,
            why,
        ))
    };
    let Some(authority) = uri.authority().filter(|a| has_host(a)) else {
        return refused("the URL has no host");
    };
    // `Scheme` compares standard schemes as enums, others case-insensitively.
    let scheme = uri.scheme();
    if scheme == Some(&Scheme::HTTPS) {
        return Ok(());
    }
    if scheme != Some(&Scheme::HTTP) {
        return refused("the URL's scheme is not http or https");
    }
    if allow_http || is_loopback_authority(authority.as_str()) || is_loopback_str(authority.host())
    {
        Ok(())
    } else {
        refused("plain http to a non-loopback host (SPEC S3.4): use https, or the transport's danger_allow_http_to_non_loopback option")
    }
}

/// Whether `authority` names a host: `http::Uri` accepts `:80` and `user@:80`. Cheaper than
/// [`Authority::host`] when there is no user info, the usual case.
fn has_host(authority: &Authority) -> bool {
    let s = authority.as_str();
    if s.bytes().any(|b| b == b'@') {
        !authority.host().is_empty()
    } else {
        !s.is_empty() && !s.starts_with(':')
    }
}

/// The [`TransportError`] for an I/O failure of `kind`, with a static description as its
/// source: transports call it instead of keeping the library's error, which may carry the URL.
/// `connecting` says whether the failure happened before a connection was made.
///
/// ```
/// use std::io::ErrorKind;
/// use trello_auth_core::client::io_failure;
///
/// assert_eq!(io_failure(ErrorKind::ConnectionRefused, true).kind().code(), "connect");
/// assert_eq!(io_failure(ErrorKind::TimedOut, true).kind().code(), "timeout");
/// assert_eq!(io_failure(ErrorKind::ConnectionReset, false).kind().code(), "io");
/// assert!(io_failure(ErrorKind::ConnectionReset, false).is_transient());
/// ```
pub fn io_failure(kind: std::io::ErrorKind, connecting: bool) -> TransportError {
    use std::io::ErrorKind as I;
    use TransportErrorKind as K;
    let (k, why) = match kind {
        I::TimedOut => (K::Timeout, "the timeout elapsed"),
        I::ConnectionRefused => (K::Connect, "the connection was refused"),
        I::NotFound | I::AddrNotAvailable => (K::Connect, "the host could not be resolved"),
        I::ConnectionReset => (K::Io, "the connection was reset"),
        I::ConnectionAborted => (K::Io, "the connection was aborted"),
        I::BrokenPipe => (K::Io, "the connection broke while sending"),
        I::UnexpectedEof => (K::Io, "the connection closed early"),
        _ if connecting => (K::Connect, "could not connect"),
        _ => (K::Io, "an I/O error occurred"),
    };
    TransportError::with_source(k, why)
}

#[cfg(test)]
mod tests;
