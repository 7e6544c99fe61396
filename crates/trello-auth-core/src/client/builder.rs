//! [`ClientBuilder`]: every setting of a client, declared once for the clients of all transport
//! crates and for a bare [`Session`]. A transport crate adds only what is its own, through
//! [`Assemble`] (what it sends with, by default) and [`Accept`] (which transports it takes).

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::session::Pacing;
use super::{Auth, Session};
use crate::budget::RateBudget;
use crate::classify::TokenRejection;
use crate::credentials::{Credentials, Placement};
use crate::oauth1::{Consumer, TokenCredentials};
use crate::oauth2::Grant;
use crate::origin::Origin;
use crate::rate_limit::RateLimiter;
use crate::retry::RetryPolicy;

/// What a [`ClientBuilder`] builds: a transport crate's client, or a bare [`Session`].
///
/// A transport crate implements it for its client: the session holds every setting, the
/// client adds its transport and the sleeping between attempts.
pub trait Assemble: Sized {
    /// What the client keeps to send with (`()` for a bare session).
    type Transport;

    /// A seed for the jitter and nonces, used when [`ClientBuilder::seed`] was not called:
    /// clients draw a random one, a bare session uses 0 (this crate has no randomness).
    fn seed() -> u64;

    /// The client for `session`, sending with `transport`, or with its own default transport
    /// when [`ClientBuilder::transport`] was not called.
    fn assemble(session: Session, transport: Option<Self::Transport>) -> Self;
}

/// What a transport crate's client holds, shared by its clones: the session and the transport.
/// `Debug` shows the session only (a transport may be a closure).
pub struct Parts<T> {
    /// The settings, and the state between calls.
    pub session: Session,
    /// What the client sends with.
    pub transport: T,
}

impl<T> fmt::Debug for Parts<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parts")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// A transport of type `X` that a client takes in [`ClientBuilder::transport`].
pub trait Accept<X>: Assemble {
    /// `transport` in the form the client keeps.
    fn accept(transport: X) -> Self::Transport;
}

impl Assemble for Session {
    type Transport = ();

    fn seed() -> u64 {
        0
    }

    fn assemble(session: Session, _: Option<()>) -> Self {
        session
    }
}

/// Configures a client: `trello_auth_hyper::Client::builder()` and
/// `trello_auth_ureq::Client::builder()` return one, and so does [`Session::builder`] for a
/// bare session. Every setting has a default: key + token in the header, Trello's origins, the
/// default [`RetryPolicy`], a [`RateLimiter`] with Trello's budgets.
///
/// ```
/// use trello_auth_core::client::Session;
/// use trello_auth_core::{ApiKey, Credentials, Origin, Placement, RetryPolicy, Token};
///
/// let session = Session::builder()
///     .credentials(Credentials::new(
///         ApiKey::new("0123456789abcdef0123456789abcdef")?,
///         Token::new("f".repeat(64))?,
///     ))
///     .api_base(Origin::parse("http://127.0.0.1:8080")?)
///     .placement(Placement::Query)
///     .retry_policy(RetryPolicy::default().with_max_retries(5))
///     .on_token_rejected(|reason| eprintln!("token rejected ({}): re-authorize", reason.code()))
///     .build();
/// assert_eq!(session.api_base().as_str(), "http://127.0.0.1:8080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ClientBuilder<C: Assemble> {
    credentials: Option<Credentials>,
    oauth1: Option<(Consumer, TokenCredentials)>,
    oauth2: Option<Grant>,
    placement: Placement,
    api: Option<Origin>,
    auth_base: Option<Origin>,
    retry: RetryPolicy,
    pacing: Pacing,
    hook: Option<TokenRejectedHook>,
    seed: Option<u64>,
    transport: Option<C::Transport>,
    client: PhantomData<fn() -> C>,
}

/// A hook called when a call fails with [`Error::TokenRejected`](crate::Error::TokenRejected),
/// before the error is returned: a place to drop the stored token and start re-authorization.
pub type TokenRejectedHook = Arc<dyn Fn(TokenRejection) + Send + Sync>;

impl<C: Assemble> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            credentials: None,
            oauth1: None,
            oauth2: None,
            placement: Placement::Header,
            api: None,
            auth_base: None,
            retry: RetryPolicy::default(),
            pacing: Pacing::Local(RateLimiter::default()),
            hook: None,
            seed: None,
            transport: None,
            client: PhantomData,
        }
    }
}

impl<C: Assemble> ClientBuilder<C> {
    /// Key + token auth (SPEC S3). The API origin is the credentials' own unless
    /// [`api_base`](Self::api_base) names another, to which they are then bound.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Signs every call with OAuth 1.0a (SPEC S3.2, S6) instead of key + token: `consumer` is
    /// the app's key and secret, `token` what the flow's last leg returned. Takes precedence
    /// over [`credentials`](Self::credentials).
    pub fn oauth1(mut self, consumer: Consumer, token: TokenCredentials) -> Self {
        self.oauth1 = Some((consumer, token));
        self
    }

    /// OAuth 2.0 (SPEC S8): every call carries the grant's access token as `Authorization:
    /// Bearer`, refreshed at the token endpoint of [`auth_base`](Self::auth_base) (default
    /// `https://auth.atlassian.com`) when under 60 s of it are left or once after a 401.
    /// Takes precedence over [`oauth1`](Self::oauth1) and [`credentials`](Self::credentials).
    pub fn oauth2(mut self, grant: Grant) -> Self {
        self.oauth2 = Some(grant);
        self
    }

    /// Where the key and token go (SPEC S3). Default [`Placement::Header`].
    pub fn placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// The API origin requests go to (the sandbox's, a proxy). Default: the credentials'
    /// origin, or `https://api.trello.com`.
    pub fn api_base(mut self, api: Origin) -> Self {
        self.api = Some(api);
        self
    }

    /// The authorize origin: of the OAuth 1.0a flow (default `https://trello.com`), or of
    /// OAuth 2.0's token endpoint (default `https://auth.atlassian.com`).
    pub fn auth_base(mut self, auth: Origin) -> Self {
        self.auth_base = Some(auth);
        self
    }

    /// The retry policy for 429, 5xx and transient transport failures. Default
    /// [`RetryPolicy::default`]: 3 retries, 0.5 s doubling.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side rate limiter; `None` sends without pacing (429s are still retried).
    /// Default: Trello's budgets.
    /// Replaces any [`rate_budget`](Self::rate_budget).
    pub fn rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.pacing = limiter.map_or(Pacing::Off, Pacing::Local);
        self
    }

    /// A rate-limit budget outside this process in place of the in-process limiter: a fleet's
    /// budget shared by every worker of one API key (`trello_auth_redis::RedisBudget`), asked
    /// before every attempt (SPEC S4.3). If it cannot answer, the call fails with
    /// [`Error::RateBudget`](crate::Error::RateBudget) and nothing is sent (unless the budget's
    /// own failure policy answers instead). Replaces the [`rate_limiter`](Self::rate_limiter).
    pub fn rate_budget(mut self, budget: impl RateBudget + 'static) -> Self {
        self.pacing = Pacing::Shared(Arc::new(budget));
        self
    }

    /// Calls `hook` when a call fails with
    /// [`Error::TokenRejected`](crate::Error::TokenRejected), before returning it.
    pub fn on_token_rejected(
        mut self,
        hook: impl Fn(TokenRejection) + Send + Sync + 'static,
    ) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Seeds the generator of retry jitter and OAuth nonces, for reproducible runs. Default:
    /// a client draws a random seed, a bare session uses 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The transport: for `trello_auth_hyper::Client` a `HyperTransport` or any async
    /// [`Transport`](crate::Transport); for `trello_auth_ureq::Client` a `UreqTransport` or any
    /// [`BlockingTransport`](crate::BlockingTransport) that is `Send + Sync` (a closure, in
    /// tests). Default: the client's own transport with its defaults.
    pub fn transport<X>(mut self, transport: X) -> Self
    where
        C: Accept<X>,
    {
        self.transport = Some(C::accept(transport));
        self
    }

    /// Builds the client.
    pub fn build(self) -> C {
        let auth = match (self.oauth2, self.oauth1, self.credentials) {
            (Some(grant), _, _) => Auth::OAuth2(Arc::new(grant)),
            (None, Some((consumer, token)), _) => Auth::oauth1(&consumer, &token),
            (None, None, Some(credentials)) => Auth::key_token(credentials, self.placement),
            (None, None, None) => Auth::None,
        };
        let auth_base = match (self.auth_base, &auth) {
            (Some(origin), _) => origin,
            (None, Auth::OAuth2(_)) => Origin::atlassian_auth(),
            (None, _) => Origin::trello(),
        };
        let api = match (self.api, &auth) {
            (Some(api), _) => api,
            (None, Auth::KeyToken { credentials, .. }) => credentials.api_base().clone(),
            (None, _) => Origin::trello_api(),
        };
        let auth = match auth {
            Auth::KeyToken {
                credentials,
                placement,
            } => Auth::key_token(credentials.with_api_base(api.clone()), placement),
            other => other,
        };
        let session = Session {
            api,
            auth_base,
            auth,
            retry: self.retry,
            pacing: self.pacing.into(),
            rng: AtomicU64::new(self.seed.unwrap_or_else(C::seed)),
            on_token_rejected: self.hook,
        };
        C::assemble(session, self.transport)
    }
}

impl<C: Assemble> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("oauth1", &self.oauth1.is_some())
            .field("oauth2", &self.oauth2)
            .field("placement", &self.placement)
            .field("api", &self.api)
            .field("auth_base", &self.auth_base)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .field("transport", &self.transport.is_some())
            .finish_non_exhaustive()
    }
}
