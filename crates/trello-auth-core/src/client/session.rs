//! [`Session`]: what a client knows between calls, and [`Auth`], how it signs them.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, Uri};

use super::{Call, ClientBuilder, Leg, TokenRejectedHook};
use crate::budget::{hash, hash_bytes, Demand, RateBudget};
use crate::classify::TokenRejection;
use crate::credentials::{Credentials, Placement, PlacementError};
use crate::error::Error;
use crate::oauth1::{
    Callback, Consumer, OAuthParams, RequestToken, Signer, TokenCredentials, Verifier,
};
use crate::oauth2::{bearer_header, place_bearer, Grant};
use crate::origin::Origin;
use crate::rate_limit::RateLimiter;
use crate::retry::RetryPolicy;
use crate::secret::Token;
use crate::token;
use crate::webhook;
use crate::Request;

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
    /// OAuth 2.0: `Authorization: Bearer` with the grant's access token, refreshed as its
    /// refresh policy says (SPEC S8.5, S8.7). The `/1/tokens/*` routes refuse it.
    OAuth2(Arc<Grant>),
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
            Auth::OAuth2(_) => None,
        }
    }
}

/// How calls are paced, as the builder said ([`ClientBuilder::rate_limiter`],
/// [`ClientBuilder::rate_budget`]).
#[derive(Clone, Debug)]
pub(super) enum Pacing {
    Off,
    Local(RateLimiter),
    Shared(Arc<dyn RateBudget>),
}

/// [`Pacing`] in a session: the local limiter behind a lock.
#[derive(Debug)]
pub(super) enum SessionPacing {
    Off,
    Local(Mutex<RateLimiter>),
    Shared(Arc<dyn RateBudget>),
}

impl From<Pacing> for SessionPacing {
    fn from(pacing: Pacing) -> Self {
        match pacing {
            Pacing::Off => SessionPacing::Off,
            Pacing::Local(limiter) => SessionPacing::Local(Mutex::new(limiter)),
            Pacing::Shared(budget) => SessionPacing::Shared(budget),
        }
    }
}

/// What a client knows between calls: API and authorize origins, credentials, retry policy,
/// rate limiter, jitter source and token-rejected hook, as its [`ClientBuilder`] set them. Shared by concurrent calls (`Sync`).
pub struct Session {
    pub(super) api: Origin,
    pub(super) auth_base: Origin,
    pub(super) auth: Auth,
    pub(super) retry: RetryPolicy,
    pub(super) pacing: SessionPacing,
    pub(super) rng: AtomicU64,
    pub(super) on_token_rejected: Option<TokenRejectedHook>,
}

impl Session {
    /// A builder for a bare session (sans-IO: you send, sleep and read the clock): the same
    /// settings as a transport crate's client, with jitter seed 0 unless
    /// [`seed`](ClientBuilder::seed) says.
    pub fn builder() -> ClientBuilder<Session> {
        ClientBuilder::default()
    }

    /// The API origin requests go to.
    pub fn api_base(&self) -> &Origin {
        &self.api
    }

    /// The authorize origin: of the OAuth 1.0a flow (`https://trello.com` unless set), or of
    /// OAuth 2.0's token endpoint (`https://auth.atlassian.com` unless set).
    pub fn auth_base(&self) -> &Origin {
        &self.auth_base
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
    ) -> Result<Request, Error> {
        let invalid = |reason| Error::InvalidRequest { reason };
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
    /// use trello_auth_core::client::Session;
    /// let session = Session::builder().build();
    /// let card = serde_json::json!({"name": "a"});
    /// let request = session.json_request(http::Method::POST, "/1/cards", &card)?;
    /// assert_eq!(request.headers()["content-type"], "application/json");
    /// assert_eq!(request.body(), br#"{"name":"a"}"#);
    /// # Ok::<(), trello_auth_core::Error>(())
    /// ```
    pub fn json_request(
        &self,
        method: Method,
        path_and_query: &str,
        body: &impl serde::Serialize,
    ) -> Result<Request, Error> {
        let bytes = serde_json::to_vec(body).map_err(|_| Error::InvalidRequest {
            reason: "the body does not serialize to JSON",
        })?;
        self.request(method, path_and_query, Some(("application/json", bytes)))
    }

    /// The user token calls are made with, for the token routes (`token_info`, `revoke`);
    /// [`Error::InvalidRequest`] when the session has none.
    pub fn user_token(&self) -> Result<&Token, Error> {
        if let Auth::OAuth2(_) = self.auth {
            return Err(Error::InvalidRequest {
                reason: "the /1/tokens routes take key + token credentials, not OAuth 2.0 ones: \
                         there is no token endpoint to revoke or inspect an OAuth 2.0 grant, \
                         the user removes the app from their Atlassian account",
            });
        }
        self.auth.token().ok_or(Error::InvalidRequest {
            reason: "this client has no user token",
        })
    }

    /// The OAuth 2.0 grant calls are made with, if any.
    pub fn grant(&self) -> Option<&Grant> {
        match &self.auth {
            Auth::OAuth2(grant) => Some(grant),
            _ => None,
        }
    }

    /// Calls the token-rejected hook, if there is one.
    pub(super) fn token_rejected(&self, reason: TokenRejection) {
        if let Some(hook) = &self.on_token_rejected {
            hook(reason);
        }
    }

    /// `request` with `header` (`Bearer <access token>`, SPEC S8.1), for the API origin only.
    pub(super) fn prepare_bearer(
        &self,
        request: Request,
        header: HeaderValue,
    ) -> Result<Request, Error> {
        self.check_host(&request)?;
        Ok(place_bearer(request, header)?)
    }

    /// Credentials go to the API origin only (the signature of OAuth 1.0a binds the host,
    /// but would still carry the token elsewhere).
    fn check_host(&self, request: &Request) -> Result<(), Error> {
        if self.api.matches(request.uri()) {
            Ok(())
        } else {
            Err(PlacementError::ForeignHost {
                expected: self.api.as_str().to_owned(),
            }
            .into())
        }
    }

    /// `GET /1/members/me` on the API origin (SPEC S5), for [`call`](Self::call).
    pub fn members_me_request(&self) -> Request {
        token::members_me(&self.api)
    }

    /// `GET /1/tokens/{token}` for the session's token (SPEC S5), for [`call`](Self::call).
    pub fn token_info_request(&self) -> Result<Request, Error> {
        Ok(token::token_info(&self.api, self.user_token()?))
    }

    /// `DELETE /1/tokens/{token}/` for the session's token (SPEC S5), for [`call`](Self::call).
    pub fn revoke_request(&self) -> Result<Request, Error> {
        Ok(token::revoke(&self.api, self.user_token()?))
    }

    /// `POST /1/webhooks` for `webhook` (SPEC S9), for [`call`](Self::call).
    pub fn create_webhook_request(&self, webhook: &webhook::NewWebhook) -> Request {
        webhook::create(&self.api, webhook)
    }

    /// `GET /1/tokens/{token}/webhooks` for the session's token (SPEC S9), for
    /// [`call`](Self::call).
    pub fn webhooks_request(&self) -> Result<Request, Error> {
        Ok(webhook::list(&self.api, self.user_token()?))
    }

    /// `DELETE /1/webhooks/{id}` (SPEC S9), for [`call`](Self::call).
    pub fn delete_webhook_request(&self, id: &str) -> Result<Request, Error> {
        webhook::delete(&self.api, id)
    }

    /// Starts walking `request` (without credentials) through the loop.
    pub fn call(&self, request: Request) -> Call<'_> {
        Call {
            session: self,
            template: request,
            retries: 0,
            generation: 0,
            refreshed: false,
            admitted: false,
            demand: None,
            report: None,
        }
    }

    /// The next number of the session's PRNG (splitmix64).
    pub(super) fn next_u64(&self) -> u64 {
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
    pub(super) fn jitter(&self) -> f64 {
        // 53 random bits: exactly representable, and below 1.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn limiter(&self) -> Option<std::sync::MutexGuard<'_, RateLimiter>> {
        match &self.pacing {
            SessionPacing::Local(m) => Some(m.lock().unwrap_or_else(PoisonError::into_inner)),
            _ => None,
        }
    }

    /// What a request to `path` needs of a [`RateBudget`]: `None` without credentials (no
    /// budget of Trello's applies). `bearer` is the OAuth 2.0 header the attempt uses.
    pub(super) fn demand(&self, path: &str, bearer: Option<&HeaderValue>) -> Option<Demand> {
        match &self.auth {
            Auth::None => None,
            Auth::KeyToken { credentials, .. } => Some(Demand::new(
                credentials.key().as_str(),
                credentials.token().expose_secret(),
                path,
            )),
            Auth::OAuth1 { signer, token } => Some(Demand::new(
                signer.consumer_key(),
                token.expose_secret(),
                path,
            )),
            Auth::OAuth2(grant) => {
                let token = bearer.map_or(&[][..], HeaderValue::as_bytes);
                Some(Demand::hashed(
                    hash(grant.client().client_id(), 8),
                    hash_bytes(token, 16),
                    path,
                ))
            }
        }
    }

    /// A fresh OAuth nonce: 128 bits of the PRNG in hex. RFC 5849 §3.3 asks for uniqueness
    /// per timestamp, which a 128-bit draw from a randomly seeded generator gives.
    pub(super) fn nonce(&self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    pub(super) fn prepare(
        &self,
        request: Request,
        unix_time: impl FnOnce() -> u64,
    ) -> Result<Request, Error> {
        match &self.auth {
            Auth::None => Ok(request),
            Auth::KeyToken {
                credentials,
                placement,
            } => Ok(credentials.authorize(request, *placement)?),
            Auth::OAuth1 { signer, .. } => {
                self.check_host(&request)?;
                let nonce = self.nonce();
                Ok(signer.authorize(request, &OAuthParams::new(&nonce, unix_time()))?)
            }
            // `Call::attempt` asks the grant first, and places the token it gives.
            Auth::OAuth2(grant) => {
                let header = bearer_header(grant.tokens().access_token());
                self.prepare_bearer(request, header)
            }
        }
    }

    /// The first leg of the three-legged flow (SPEC S6): a request token for `consumer`, to be
    /// confirmed at `callback` (or `oob`), from the authorize origin.
    pub fn oauth1_request_token<'a>(
        &'a self,
        consumer: &'a Consumer,
        callback: &'a Callback,
    ) -> Leg<'a, RequestToken> {
        Leg::request_token(self, consumer, callback)
    }

    /// The last leg (SPEC S6): the authorized request token and its verifier traded for the
    /// access token credentials.
    pub fn oauth1_access_token<'a>(
        &'a self,
        consumer: &'a Consumer,
        request_token: &'a RequestToken,
        verifier: &'a Verifier,
    ) -> Leg<'a, TokenCredentials> {
        Leg::access_token(self, consumer, request_token, verifier)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("api", &self.api)
            .field("auth_base", &self.auth_base)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .field("on_token_rejected", &self.on_token_rejected.is_some())
            .finish_non_exhaustive()
    }
}
