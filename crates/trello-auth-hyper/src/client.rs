//! [`Client`]: Trello REST calls over a [`Transport`] (by default [`HyperTransport`]), as a short
//! loop over the core's [`Session`]: rate limiter → prepare → send → classify → act.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use http::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use trello_auth_core::client::{
    decode, ensure_success, Accept, Assemble, Attempt, Leg, Next, Parts, Refresh, Session,
};
use trello_auth_core::oauth1::{Callback, Consumer, RequestToken, TokenCredentials, Verifier};
use trello_auth_core::token::{Member, TokenInfo};
use trello_auth_core::webhook::{NewWebhook, Webhook};
use trello_auth_core::{Credentials, Request, Response, Transport};
use trello_auth_net::unix_time;

use crate::{HyperTransport, Result};

/// Configures a [`Client`]: the core's builder, whose settings both transport crates share;
/// [`transport`](trello_auth_core::client::ClientBuilder::transport) takes a
/// [`HyperTransport`] or any [`Transport`] (a closure in tests).
///
/// ```
/// use std::time::Duration;
/// use trello_auth_core::{ApiKey, Credentials, Origin, Placement, Token};
/// use trello_auth_hyper::{Client, HyperTransport};
///
/// let client = Client::builder()
///     .credentials(Credentials::new(
///         ApiKey::new("0123456789abcdef0123456789abcdef")?,
///         Token::new("f".repeat(64))?,
///     ))
///     .api_base(Origin::parse("http://127.0.0.1:8080")?)
///     .placement(Placement::Query)
///     .transport(HyperTransport::builder().timeout(Duration::from_secs(5)).build()?)
///     .build();
/// assert_eq!(client.session().api_base().as_str(), "http://127.0.0.1:8080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type ClientBuilder = trello_auth_core::client::ClientBuilder<Client>;

/// An async Trello client: each call is authorized (key + token in the configured placement),
/// paced by a client-side rate limiter, retried on 429 (any method) and on 5xx or transient
/// transport failures (idempotent methods), with the core's backoff honouring `Retry-After`.
///
/// A rejected token fails with [`Error::TokenRejected`](crate::Error::TokenRejected)
/// ("token revoked: re-authorize") and calls the
/// [`on_token_rejected`](trello_auth_core::client::ClientBuilder::on_token_rejected) hook. A redirect is never followed:
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
#[derive(Clone, Debug)]
pub struct Client(Arc<Parts<Arc<dyn Transport>>>);

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

    /// `GET path` (such as `/1/boards/{id}?fields=name`), decoded from JSON as `T`
    /// (`serde_json::Value` for anything).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.json(self.session().request(Method::GET, path, None)?)
            .await
    }

    /// `POST path` with `body` as JSON (`&serde_json::json!({})` for none), decoded as `T`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.json(self.session().json_request(Method::POST, path, body)?)
            .await
    }

    /// `PUT path` with `body` as JSON, decoded as `T`.
    pub async fn put<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.json(self.session().json_request(Method::PUT, path, body)?)
            .await
    }

    /// `DELETE path`, decoded as `T`.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.json(self.session().request(Method::DELETE, path, None)?)
            .await
    }

    /// `GET path`, the body's bytes as they came.
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let response = self
            .execute(self.session().request(Method::GET, path, None)?)
            .await?;
        ensure_success(&response).map(|()| response.into_body())
    }

    /// `GET /1/members/me`: the member behind the credentials (SPEC S5), the smoke test.
    pub async fn me(&self) -> Result<Member> {
        self.json(self.session().members_me_request()).await
    }

    /// `GET /1/tokens/{token}`: the token's scope, member and expiry (SPEC S5).
    pub async fn token_info(&self) -> Result<TokenInfo> {
        self.json(self.session().token_info_request()?).await
    }

    /// `DELETE /1/tokens/{token}/`: revokes the token (SPEC S5). Every later call with it fails
    /// with [`Error::TokenRejected`](crate::Error::TokenRejected).
    pub async fn revoke(&self) -> Result<()> {
        self.execute(self.session().revoke_request()?)
            .await
            .map(drop)
    }

    /// `POST /1/webhooks`: registers `webhook` for this client's token (SPEC S9). Trello first
    /// sends `HEAD` to the callback URL and creates the webhook only if that answers 200; else
    /// the call fails with [`Error::BadRequest`](crate::Error::BadRequest).
    ///
    /// A POST is not retried once it may have reached Trello: after a timeout, look in
    /// [`webhooks`](Self::webhooks) before creating it again.
    pub async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook> {
        self.json(self.session().create_webhook_request(webhook))
            .await
    }

    /// `GET /1/tokens/{token}/webhooks`: the webhooks this client's token created (SPEC S9).
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.json(self.session().webhooks_request()?).await
    }

    /// `DELETE /1/webhooks/{id}`: deletes a webhook of this client's token (SPEC S9).
    pub async fn delete_webhook(&self, id: &str) -> Result<()> {
        self.execute(self.session().delete_webhook_request(id)?)
            .await
            .map(drop)
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
        let mut call = self.session().call(request);
        async move {
            let mut wait = None;
            loop {
                // Every `.await` stands alone: a value matched (or partly moved) around an
                // `.await` would be kept in the future across it.
                // A retry after an OAuth 2.0 refresh comes at once.
                if let Some(delay) = wait.take().filter(|d: &std::time::Duration| !d.is_zero()) {
                    tokio::time::sleep(delay).await;
                }
                let request = match call.attempt(Instant::now(), unix_time)? {
                    Attempt::Send(request) => request,
                    Attempt::Wait(delay) => {
                        wait = Some(delay);
                        continue;
                    }
                    Attempt::Refresh(refresh) => {
                        self.refresh(refresh).await?;
                        continue;
                    }
                    Attempt::Reserve(reserve) => {
                        wait = call.admit(reserve.run().await)?;
                        continue;
                    }
                };
                let outcome = self.0.transport.send(request).await;
                let next = call.settle(outcome, Instant::now);
                if let Some(observe) = call.observe() {
                    observe.run().await;
                }
                match next {
                    Next::Done(response) => return Ok(response),
                    Next::Retry(delay) => wait = Some(delay),
                    Next::Fail(error) => return Err(error),
                }
            }
        }
    }

    /// Sends `request` through [`execute`](Self::execute) and decodes the JSON answer as `T`.
    async fn json<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        decode(&self.execute(request).await?)
    }

    /// OAuth 1.0a, first leg (SPEC S6): asks the authorize origin for a request token for
    /// `consumer`, to be confirmed at `callback` (or `oob`). Send the user to
    /// [`oauth1::authorize_url`](trello_auth_core::oauth1::authorize_url) with it, then call
    /// [`oauth1_access_token`](Self::oauth1_access_token) with the verifier the callback got
    /// ([`oauth1::parse_callback`](trello_auth_core::oauth1::parse_callback)).
    ///
    /// The signed request is sent once: a nonce must not be replayed.
    pub async fn oauth1_request_token(
        &self,
        consumer: &Consumer,
        callback: &Callback,
    ) -> Result<RequestToken> {
        self.send_once(self.session().oauth1_request_token(consumer, callback))
            .await
    }

    /// OAuth 1.0a, last leg (SPEC S6): trades the authorized request token and its verifier
    /// for the access token credentials, which
    /// [`ClientBuilder::oauth1`](trello_auth_core::client::ClientBuilder::oauth1) then uses to
    /// sign calls.
    pub async fn oauth1_access_token(
        &self,
        consumer: &Consumer,
        request_token: &RequestToken,
        verifier: &Verifier,
    ) -> Result<TokenCredentials> {
        let leg = self
            .session()
            .oauth1_access_token(consumer, request_token, verifier);
        self.send_once(leg).await
    }

    /// Walks an OAuth 2.0 refresh: one caller at a time sends the token request (once: a
    /// refresh token is spent when the server reads it); the others find the new tokens.
    async fn refresh(&self, refresh: Refresh<'_>) -> Result<()> {
        let flight = refresh.lock().await;
        let Some(request) = refresh.start(&flight, unix_time())? else {
            return Ok(());
        };
        let outcome = self.0.transport.send(request).await;
        refresh.finish(&flight, outcome, unix_time())
    }

    /// Signs `leg`, sends it once (no retry: a nonce must not be replayed) and reads the answer.
    async fn send_once<T>(&self, leg: Leg<'_, T>) -> Result<T> {
        let answer = self.0.transport.send(leg.request(unix_time())?).await?;
        leg.read(&answer)
    }

    /// The settings the client was built with: its API and authorize origins
    /// ([`Session::api_base`], [`Session::auth_base`]), its auth.
    pub fn session(&self) -> &Session {
        &self.0.session
    }
}

/// The client's side of the core's [`ClientBuilder`]: a random seed, the default transport.
impl Assemble for Client {
    type Transport = Arc<dyn Transport>;

    fn seed() -> u64 {
        trello_auth_net::random_seed()
    }

    fn assemble(session: Session, transport: Option<Self::Transport>) -> Self {
        let transport = transport.unwrap_or_else(|| Arc::new(HyperTransport::new()));
        Client(Arc::new(Parts { session, transport }))
    }
}

impl<X: Transport + 'static> Accept<X> for Client {
    fn accept(transport: X) -> Self::Transport {
        Arc::new(transport)
    }
}
