//! The suite's harness: a sandbox per test, and one blocking façade over both clients so a case
//! is written once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use trello_auth_core::oauth1::{Callback, Consumer, RequestToken, TokenCredentials, Verifier};
use trello_auth_core::oauth2::Grant;
use trello_auth_core::token::{Member, TokenInfo};
use trello_auth_core::webhook::{NewWebhook, Webhook};
use trello_auth_core::Error as ClientError;
use trello_auth_core::TokenRejection;
use trello_auth_core::{
    ApiKey, Credentials, Origin, Placement, RateLimiter, Request, Response, RetryPolicy, Token,
};
use trello_auth_sandbox::{Sandbox, SandboxBuilder};

/// Which client a test drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Hyper,
    Ureq,
}

/// A client kind and whether the sandbox speaks TLS.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub kind: Kind,
    pub tls: bool,
}

impl Transport {
    /// A sandbox with every default.
    pub fn sandbox(self) -> Setup {
        self.sandbox_with(|b| b)
    }

    /// A sandbox configured by `configure`.
    pub fn sandbox_with(self, configure: impl FnOnce(SandboxBuilder) -> SandboxBuilder) -> Setup {
        let sb = configure(Sandbox::builder().tls(self.tls))
            .start_blocking()
            .expect("the sandbox starts");
        Setup { t: self, sb }
    }
}

/// A running sandbox and the transport under test.
pub struct Setup {
    pub t: Transport,
    pub sb: Sandbox,
}

/// How to build a client; the default is the sandbox's token, header placement, the default
/// rate limiter and a fast retry policy.
pub struct Cfg {
    pub token: Option<String>,
    pub placement: Placement,
    pub retry: RetryPolicy,
    pub limiter: Option<RateLimiter>,
    pub timeout: Duration,
    pub hook: Option<Arc<dyn Fn(TokenRejection) + Send + Sync>>,
    /// Sign with OAuth 1.0a instead of key + token.
    pub oauth1: Option<(Consumer, TokenCredentials)>,
    /// OAuth 2.0 Bearer calls with this grant instead of key + token.
    pub oauth2: Option<Grant>,
    /// Trust this CA (PEM) instead of the sandbox's.
    pub ca_pem: Option<String>,
}

impl Default for Cfg {
    fn default() -> Self {
        Self {
            token: None,
            placement: Placement::Header,
            retry: RetryPolicy::default().with_base(Duration::from_millis(20)),
            limiter: Some(RateLimiter::default()),
            timeout: Duration::from_secs(10),
            hook: None,
            oauth1: None,
            oauth2: None,
            ca_pem: None,
        }
    }
}

impl Setup {
    pub fn api(&self) -> Origin {
        Origin::parse(self.sb.api_base()).expect("the sandbox's base is an origin")
    }

    pub fn auth(&self) -> Origin {
        Origin::parse(self.sb.auth_base()).expect("the sandbox's base is an origin")
    }

    pub fn credentials(&self, token: &str) -> Credentials {
        Credentials::new(
            ApiKey::new(&self.sb.app().key).expect("the sandbox's key is valid"),
            Token::new(token).expect("the sandbox's token is valid"),
        )
        .with_api_base(self.api())
    }

    /// A client of the transport under test, configured by `cfg`.
    pub fn client(&self, cfg: Cfg) -> AnyClient {
        let token = cfg
            .token
            .clone()
            .unwrap_or_else(|| self.sb.token().to_owned());
        let creds = self.credentials(&token);
        match self.t.kind {
            Kind::Hyper => {
                let mut transport =
                    trello_auth_hyper::HyperTransport::builder().timeout(cfg.timeout);
                if let Some(ca) = cfg.ca_pem.as_deref().or(self.sb.ca_pem()) {
                    transport = transport.add_root_certificate_pem(ca);
                }
                let mut builder = trello_auth_hyper::Client::builder()
                    .credentials(creds)
                    .api_base(self.api())
                    .auth_base(self.auth())
                    .placement(cfg.placement)
                    .retry_policy(cfg.retry)
                    .rate_limiter(cfg.limiter)
                    .transport(transport.build().expect("the transport builds"));
                if let Some(hook) = cfg.hook {
                    builder = builder.on_token_rejected(move |r| hook(r));
                }
                if let Some((consumer, token)) = cfg.oauth1 {
                    builder = builder.oauth1(consumer, token);
                }
                if let Some(grant) = cfg.oauth2 {
                    builder = builder.oauth2(grant);
                }
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                AnyClient::Hyper {
                    client: builder.build(),
                    rt: Arc::new(rt),
                }
            }
            Kind::Ureq => {
                let mut transport = trello_auth_ureq::UreqTransport::builder().timeout(cfg.timeout);
                if let Some(ca) = cfg.ca_pem.as_deref().or(self.sb.ca_pem()) {
                    transport = transport.add_root_certificate_pem(ca);
                }
                let mut builder = trello_auth_ureq::Client::builder()
                    .credentials(creds)
                    .api_base(self.api())
                    .auth_base(self.auth())
                    .placement(cfg.placement)
                    .retry_policy(cfg.retry)
                    .rate_limiter(cfg.limiter)
                    .transport(transport.build().expect("the transport builds"));
                if let Some(hook) = cfg.hook {
                    builder = builder.on_token_rejected(move |r| hook(r));
                }
                if let Some((consumer, token)) = cfg.oauth1 {
                    builder = builder.oauth1(consumer, token);
                }
                if let Some(grant) = cfg.oauth2 {
                    builder = builder.oauth2(grant);
                }
                AnyClient::Ureq(builder.build())
            }
        }
    }

    /// Sends `request` with no credentials through the bare transport under test (as an app
    /// does to follow a redirect).
    pub fn send_bare(&self, request: Request) -> Response {
        match self.t.kind {
            Kind::Hyper => {
                let mut b = trello_auth_hyper::HyperTransport::builder();
                if let Some(ca) = self.sb.ca_pem() {
                    b = b.add_root_certificate_pem(ca);
                }
                let transport = b.build().unwrap();
                let rt = tokio::runtime::Runtime::new().unwrap();
                rt.block_on(trello_auth_core::Transport::send(&transport, request))
                    .expect("the bare request succeeds")
            }
            Kind::Ureq => {
                let mut b = trello_auth_ureq::UreqTransport::builder();
                if let Some(ca) = self.sb.ca_pem() {
                    b = b.add_root_certificate_pem(ca);
                }
                trello_auth_core::BlockingTransport::send(&b.build().unwrap(), request)
                    .expect("the bare request succeeds")
            }
        }
    }
}

/// Either client, behind blocking calls.
#[derive(Clone)]
pub enum AnyClient {
    Hyper {
        client: trello_auth_hyper::Client,
        rt: Arc<tokio::runtime::Runtime>,
    },
    Ureq(trello_auth_ureq::Client),
}

impl AnyClient {
    pub fn me(&self) -> Result<Member, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.me()),
            AnyClient::Ureq(client) => client.me(),
        }
    }

    pub fn token_info(&self) -> Result<TokenInfo, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.token_info()),
            AnyClient::Ureq(client) => client.token_info(),
        }
    }

    pub fn revoke(&self) -> Result<(), ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.revoke()),
            AnyClient::Ureq(client) => client.revoke(),
        }
    }

    pub fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.create_webhook(webhook)),
            AnyClient::Ureq(client) => client.create_webhook(webhook),
        }
    }

    pub fn webhooks(&self) -> Result<Vec<Webhook>, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.webhooks()),
            AnyClient::Ureq(client) => client.webhooks(),
        }
    }

    pub fn delete_webhook(&self, id: &str) -> Result<(), ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.delete_webhook(id)),
            AnyClient::Ureq(client) => client.delete_webhook(id),
        }
    }

    pub fn get(&self, path: &str) -> Result<Value, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.get(path)),
            AnyClient::Ureq(client) => client.get(path),
        }
    }

    pub fn put(&self, path: &str, body: Value) -> Result<Value, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.put(path, &body)),
            AnyClient::Ureq(client) => client.put(path, &body),
        }
    }

    pub fn post(&self, path: &str, body: Value) -> Result<Value, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.post(path, &body)),
            AnyClient::Ureq(client) => client.post(path, &body),
        }
    }

    pub fn execute(&self, request: Request) -> Result<Response, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(client.execute(request)),
            AnyClient::Ureq(client) => client.execute(request),
        }
    }

    pub fn request_token(
        &self,
        consumer: &Consumer,
        callback: &Callback,
    ) -> Result<RequestToken, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => {
                rt.block_on(client.oauth1_request_token(consumer, callback))
            }
            AnyClient::Ureq(client) => client.oauth1_request_token(consumer, callback),
        }
    }

    pub fn access_token(
        &self,
        consumer: &Consumer,
        request_token: &RequestToken,
        verifier: &Verifier,
    ) -> Result<TokenCredentials, ClientError> {
        match self {
            AnyClient::Hyper { client, rt } => {
                rt.block_on(client.oauth1_access_token(consumer, request_token, verifier))
            }
            AnyClient::Ureq(client) => {
                client.oauth1_access_token(consumer, request_token, verifier)
            }
        }
    }

    /// The client's OAuth 2.0 grant (current tokens, ended or not).
    pub fn grant(&self) -> &Grant {
        let session = match self {
            AnyClient::Hyper { client, .. } => client.session(),
            AnyClient::Ureq(client) => client.session(),
        };
        session.grant().expect("an OAuth 2.0 client")
    }

    /// `n` calls of `me()` at once: `n` futures in flight on hyper, `n` threads on ureq.
    pub fn concurrent_me(&self, n: usize) -> Vec<Result<Member, ClientError>> {
        match self {
            AnyClient::Hyper { client, rt } => rt.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..n {
                    let client = client.clone();
                    set.spawn(async move { client.me().await });
                }
                set.join_all().await
            }),
            AnyClient::Ureq(client) => std::thread::scope(|s| {
                let handles: Vec<_> = (0..n).map(|_| s.spawn(|| client.me())).collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            }),
        }
    }
}
