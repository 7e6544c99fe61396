//! [`Client`]: Trello REST calls over a [`Transport`] (by default [`HyperTransport`]), as a short
//! loop over the core's [`Session`]: rate limiter → prepare → send → classify → act.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use trello_auth_core::classify::TokenRejection;
use trello_auth_core::client::{decode, ensure_success, Attempt, Next, Session, SessionBuilder};
use trello_auth_core::oauth1::{
    self, Callback, Consumer, RequestToken, TokenCredentials, Verifier,
};
use trello_auth_core::token::{self, Member, TokenInfo};
use trello_auth_core::{
    Credentials, Origin, Placement, RateLimiter, Request, Response, RetryPolicy, Transport,
    TransportError,
};

use crate::{HyperTransport, Result};

/// An async Trello client: each call is authorized (key + token in the configured placement),
/// paced by a client-side rate limiter, retried on 429 (any method) and on 5xx or transient
/// transport failures (idempotent methods), with the core's backoff honouring `Retry-After`.
///
/// A rejected token fails with [`Error::TokenRejected`](crate::Error::TokenRejected)
/// ("token revoked: re-authorize") and calls the
/// [`on_token_rejected`](ClientBuilder::on_token_rejected) hook. A redirect is never followed:
/// [`execute`](Client::execute) returns it, and the JSON methods fail with
/// [`Error::Unexpected`](crate::Error::Unexpected).
///
/// Cloning is cheap: clones share the connection pool and the rate limiter.
///
/// ```no_run
/// use trello_auth_core::{ApiKey, Credentials, Token};
/// use trello_auth_hyper::Client;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::new(Credentials::new(
///     ApiKey::new("0123456789abcdef0123456789abcdef")?,
///     Token::new(std::env::var("TRELLO_TOKEN")?)?,
/// ));
/// let me = client.me().await?;
/// println!("hello {}", me.username);
/// let boards: serde_json::Value = client.get("/1/members/me/boards?fields=name").await?;
/// # drop(boards); Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    auth_base: Origin,
    transport: Sender,
    session: Session,
}

/// The client's transport: the default one is called directly, any other through the trait
/// (whose future is boxed).
enum Sender {
    Hyper(HyperTransport),
    Other(Box<dyn Transport>),
}

impl Sender {
    fn of(transport: impl Transport + 'static) -> Self {
        // Cloning a HyperTransport shares its pool: the clone is the transport.
        match (&transport as &dyn Any).downcast_ref::<HyperTransport>() {
            Some(hyper) => Sender::Hyper(hyper.clone()),
            None => Sender::Other(Box::new(transport)),
        }
    }

    async fn send(&self, request: Request) -> std::result::Result<Response, TransportError> {
        match self {
            Sender::Hyper(hyper) => hyper.send_unboxed(request).await,
            Sender::Other(other) => other.send(request).await,
        }
    }
}

impl Client {
    /// A client for `credentials` (and their API origin) with the default transport, header
    /// placement, retry policy and rate limiter.
    pub fn new(credentials: Credentials) -> Self {
        Self::builder().credentials(credentials).build()
    }

    /// A builder for every other setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API origin requests go to.
    pub fn api_base(&self) -> &Origin {
        self.inner.session.api_base()
    }

    /// `GET path` (such as `/1/boards/{id}?fields=name`), decoded from JSON as `T`
    /// (`serde_json::Value` for anything).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.json(self.request(Method::GET, path, None)?).await
    }

    /// `POST path` with `body` as JSON (`&serde_json::json!({})` for none), decoded as `T`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.json(self.inner.session.json_request(Method::POST, path, body)?)
            .await
    }

    /// `PUT path` with `body` as JSON, decoded as `T`.
    pub async fn put<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.json(self.inner.session.json_request(Method::PUT, path, body)?)
            .await
    }

    /// `DELETE path`, decoded as `T`.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.json(self.request(Method::DELETE, path, None)?).await
    }

    /// `GET path`, the body's bytes as they came.
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let request = self.inner.session.request(Method::GET, path, None)?;
        let response = self.execute(request).await?;
        ensure_success(&response)?;
        Ok(response.into_body())
    }

    /// `GET /1/members/me`: the member behind the credentials (SPEC S5), the smoke test.
    pub async fn me(&self) -> Result<Member> {
        let request = token::members_me(self.api_base());
        decode(&self.execute(request).await?)
    }

    /// `GET /1/tokens/{token}`: the token's scope, member and expiry (SPEC S5).
    pub async fn token_info(&self) -> Result<TokenInfo> {
        let request = token::token_info(self.api_base(), self.inner.session.user_token()?);
        decode(&self.execute(request).await?)
    }

    /// `DELETE /1/tokens/{token}/`: revokes the token (SPEC S5). Every later call with it fails
    /// with [`Error::TokenRejected`](crate::Error::TokenRejected).
    pub async fn revoke(&self) -> Result<()> {
        let request = token::revoke(self.api_base(), self.inner.session.user_token()?);
        self.execute(request).await.map(drop)
    }

    /// Sends `request` (for the API origin, without credentials) through the whole loop and
    /// returns a 2xx or 3xx response; any other status is an [`Error`](crate::Error).
    ///
    /// A redirect (an attachment download's 302 to storage, SPEC S3.4) is returned, never
    /// followed: fetch its `Location` without credentials.
    ///
    /// (Not an `async fn`: the request goes into the call before the future is built, so the
    /// future does not hold it twice.)
    pub fn execute(&self, request: Request) -> impl Future<Output = Result<Response>> + Send + '_ {
        let mut call = self.inner.session.call(request);
        async move {
            let mut wait = None;
            loop {
                // Every `.await` stands alone: a value matched (or partly moved) around an
                // `.await` would be kept in the future across it.
                if let Some(delay) = wait.take() {
                    tokio::time::sleep(delay).await;
                }
                let request = match send_or_wait(call.attempt(Instant::now(), unix_time)?) {
                    Ok(request) => request,
                    Err(delay) => {
                        wait = Some(delay);
                        continue;
                    }
                };
                // The default transport is called directly, without the trait's box.
                let outcome = match &self.inner.transport {
                    Sender::Hyper(hyper) => hyper.send_unboxed(request).await,
                    Sender::Other(other) => other.send(request).await,
                };
                match call.settle(outcome, Instant::now) {
                    Next::Done(response) => return Ok(response),
                    Next::Retry(delay) => wait = Some(delay),
                    Next::Fail(error) => return Err(error),
                }
            }
        }
    }

    /// A request for `path_and_query` (such as `/1/boards/abc?fields=name`) on the API
    /// origin, without credentials, for [`execute`](Self::execute): `body` is a content type
    /// and its bytes. Refuses a path that does not start with one `/`, has a fragment, or is
    /// not valid in a URL.
    pub fn request(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<Request> {
        self.inner.session.request(method, path_and_query, body)
    }

    /// Sends `request` through [`execute`](Self::execute) and decodes the JSON answer as `T`.
    async fn json<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        decode(&self.execute(request).await?)
    }

    /// OAuth 1.0a, first leg (SPEC S6): asks the authorize origin for a request token for
    /// `consumer`, to be confirmed at `callback` (or `oob`). Send the user to
    /// [`oauth1::authorize_url`] with it, then call
    /// [`oauth1_access_token`](Self::oauth1_access_token) with the verifier the callback got
    /// ([`oauth1::parse_callback`]).
    ///
    /// The signed request is sent once: a nonce must not be replayed.
    pub async fn oauth1_request_token(
        &self,
        consumer: &Consumer,
        callback: &Callback,
    ) -> Result<RequestToken> {
        let request = self.inner.session.oauth1_request_token_request(
            consumer,
            &self.inner.auth_base,
            callback,
            unix_time(),
        )?;
        let response = self.inner.transport.send(request).await?;
        Ok(oauth1::parse_request_token_response(&response)?)
    }

    /// OAuth 1.0a, last leg (SPEC S6): trades the authorized request token and its verifier
    /// for the access token credentials, which
    /// [`ClientBuilder::oauth1`] then uses to sign calls.
    pub async fn oauth1_access_token(
        &self,
        consumer: &Consumer,
        request_token: &RequestToken,
        verifier: &Verifier,
    ) -> Result<TokenCredentials> {
        let request = self.inner.session.oauth1_access_token_request(
            consumer,
            &self.inner.auth_base,
            request_token,
            verifier,
            unix_time(),
        )?;
        let response = self.inner.transport.send(request).await?;
        Ok(oauth1::parse_access_token_response(&response)?)
    }

    /// The authorize origin of the OAuth 1.0a flow (default `https://trello.com`).
    pub fn auth_base(&self) -> &Origin {
        &self.inner.auth_base
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.inner.session)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use trello_auth_core::{ApiKey, Credentials, Origin, Placement, RetryPolicy, Token};
/// use trello_auth_hyper::{Client, HyperTransport};
///
/// let client = Client::builder()
///     .credentials(Credentials::new(
///         ApiKey::new("0123456789abcdef0123456789abcdef")?,
///         Token::new("f".repeat(64))?,
///     ))
///     .api_base(Origin::parse("http://127.0.0.1:8080")?)
///     .placement(Placement::Query)
///     .retry_policy(RetryPolicy::default().with_max_retries(5))
///     .transport(HyperTransport::builder().timeout(Duration::from_secs(5)).build()?)
///     .on_token_rejected(|reason| eprintln!("token rejected ({}): re-authorize", reason.code()))
///     .build();
/// assert_eq!(client.api_base().as_str(), "http://127.0.0.1:8080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    session: SessionBuilder,
    auth_base: Option<Origin>,
    transport: Option<Sender>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("session", &self.session)
            .field("auth_base", &self.auth_base)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The key and token; the API origin is theirs unless [`api_base`](Self::api_base) says.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.session = self.session.credentials(credentials);
        self
    }

    /// Signs every call with OAuth 1.0a (SPEC S3.2, S6) instead of key + token: `consumer` is
    /// the app's key and secret, `token` what
    /// [`Client::oauth1_access_token`] returned. Takes precedence over
    /// [`credentials`](Self::credentials).
    pub fn oauth1(mut self, consumer: Consumer, token: TokenCredentials) -> Self {
        self.session = self.session.oauth1(consumer, token);
        self
    }

    /// The authorize origin of the OAuth 1.0a flow (default `https://trello.com`; the
    /// sandbox's `auth_base` in tests).
    pub fn auth_base(mut self, auth: Origin) -> Self {
        self.auth_base = Some(auth);
        self
    }

    /// Where the key and token go (SPEC S3). Default [`Placement::Header`].
    pub fn placement(mut self, placement: Placement) -> Self {
        self.session = self.session.placement(placement);
        self
    }

    /// The API origin (default `https://api.trello.com`, or the credentials').
    pub fn api_base(mut self, api: Origin) -> Self {
        self.session = self.session.api_base(api);
        self
    }

    /// The transport: a configured [`HyperTransport`] or any [`Transport`] (a closure in tests).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Sender::of(transport));
        self
    }

    /// The retry policy. Default [`RetryPolicy::default`]: 3 retries, 0.5 s doubling.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.session = self.session.retry_policy(retry);
        self
    }

    /// The client-side rate limiter; `None` sends without pacing. Default: Trello's budgets.
    pub fn rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.session = self.session.rate_limiter(limiter);
        self
    }

    /// Calls `hook` when a call fails with
    /// [`Error::TokenRejected`](crate::Error::TokenRejected), before returning it.
    pub fn on_token_rejected(
        mut self,
        hook: impl Fn(TokenRejection) + Send + Sync + 'static,
    ) -> Self {
        self.session = self.session.on_token_rejected(Arc::new(hook));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Client {
        let session = self
            .session
            .build(RandomState::new().hash_one(Instant::now()));
        let transport = self
            .transport
            .unwrap_or_else(|| Sender::Hyper(HyperTransport::new()));
        Client {
            inner: Arc::new(Inner {
                auth_base: self.auth_base.unwrap_or_else(Origin::trello),
                transport,
                session,
            }),
        }
    }
}

/// The request to send now, or how long the rate limiter says to wait.
fn send_or_wait(attempt: Attempt) -> std::result::Result<Request, Duration> {
    match attempt {
        Attempt::Send(request) => Ok(request),
        Attempt::Wait(delay) => Err(delay),
    }
}

/// Seconds since the Unix epoch, for OAuth timestamps (0 if the clock is before 1970).
fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
