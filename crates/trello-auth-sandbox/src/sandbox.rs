//! The entry points: [`SandboxBuilder`] (configure, then `start` or `start_blocking`), the
//! running [`Sandbox`] (bases, credentials, CA; shut down on drop) and [`Admin`] (the admin
//! API as method calls).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{
    App, Fault, Member, OAuth2Client, OAuth2Info, RateLimits, RecordedRequest, TokenSpec,
};
use crate::server::{self, Bound};
use crate::state::{Fixtures, State};
use crate::tls;
use crate::webhooks::{DeliveryPolicy, WebhookDelivery};

/// The default body limit: 1 MiB (larger bodies get 413).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Configures a sandbox. Every setting has a default: no TLS, `127.0.0.1`, ephemeral ports,
/// a generated app and member, Trello's rate limits.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    tls: bool,
    host: IpAddr,
    port: u16,
    storage_port: u16,
    apps: Vec<App>,
    members: Vec<Member>,
    rate_limits: RateLimits,
    body_limit: usize,
    worker_threads: usize,
    oauth2_redirect_uris: Option<Vec<String>>,
    webhooks: DeliveryPolicy,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            tls: false,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            storage_port: 0,
            apps: Vec::new(),
            members: Vec::new(),
            rate_limits: RateLimits::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            worker_threads: 2,
            oauth2_redirect_uris: None,
            webhooks: DeliveryPolicy::default(),
        }
    }
}

impl SandboxBuilder {
    /// Serve HTTPS with a CA generated at start ([`Sandbox::ca_pem`]).
    #[must_use]
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// The address to listen on (default `127.0.0.1`). The admin API answers loopback peers
    /// only, whatever the address.
    #[must_use]
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The API/auth port (default 0: an ephemeral port).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The storage origin's port (default 0: an ephemeral port).
    #[must_use]
    pub fn storage_port(mut self, port: u16) -> Self {
        self.storage_port = port;
        self
    }

    /// Registers an app; the first one registered is the default app (without any, one is
    /// generated with origins `http://localhost:8080` and `http://127.0.0.1:8080`).
    #[must_use]
    pub fn app(mut self, app: App) -> Self {
        self.apps.push(app);
        self
    }

    /// Adds a member; the first one added is the default (signed-in) member.
    #[must_use]
    pub fn member(mut self, member: Member) -> Self {
        self.members.push(member);
        self
    }

    /// Rate limits (SPEC S4.3); tests use small numbers.
    #[must_use]
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// The request body limit in bytes (default [`DEFAULT_BODY_LIMIT`]).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Worker threads of [`Self::start_blocking`]'s own runtime (default 2).
    #[must_use]
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = n.max(1);
        self
    }

    /// The redirect URIs of the two OAuth 2.0 clients registered at start (default
    /// `http://127.0.0.1:8080/callback` and `http://localhost:8080/callback`).
    #[must_use]
    pub fn oauth2_redirect_uris<I, S>(mut self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.oauth2_redirect_uris = Some(uris.into_iter().map(Into::into).collect());
        self
    }

    /// How webhook deliveries are retried and how long an attempt may take (SPEC S9; default
    /// [`DeliveryPolicy::default`]: three retries within two seconds, 3 s per attempt).
    ///
    /// ```
    /// use std::time::Duration;
    /// use trello_auth_sandbox::{DeliveryPolicy, Sandbox};
    /// let quick = DeliveryPolicy {
    ///     retry_delays: vec![Duration::from_millis(10); 3],
    ///     timeout: Duration::from_millis(500),
    /// };
    /// let builder = Sandbox::builder().webhook_delivery(quick);
    /// # let _ = builder;
    /// ```
    #[must_use]
    pub fn webhook_delivery(mut self, policy: DeliveryPolicy) -> Self {
        self.webhooks = policy;
        self
    }

    /// Applies a configuration file's apps, members and limits.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.apps.extend(config.apps);
        self.members.extend(config.members);
        if let Some(l) = config.rate_limits {
            self.rate_limits = l;
        }
        if let Some(b) = config.body_limit {
            self.body_limit = b;
        }
        if let Some(u) = config.oauth2_redirect_uris {
            self.oauth2_redirect_uris = Some(u);
        }
        self
    }

    /// Starts the sandbox on the current tokio runtime (call from inside one). The listeners
    /// are bound when this returns.
    pub async fn start(self) -> Result<Sandbox> {
        let (info, state, bound) = self.prepare()?;
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(server::run(state.clone(), bound, rx));
        Ok(Sandbox {
            info,
            state,
            shutdown: tx,
            runner: Runner::Task(Some(task)),
        })
    }

    /// Starts the sandbox on its own runtime in a background thread, for blocking tests and
    /// programs without tokio. Dropping the [`Sandbox`] stops it and joins the thread.
    pub fn start_blocking(self) -> Result<Sandbox> {
        let threads = self.worker_threads;
        let (info, state, bound) = self.prepare()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("trello-auth-sandbox")
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let (tx, rx) = watch::channel(false);
        let server_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("trello-auth-sandbox".into())
            .spawn(move || runtime.block_on(server::run(server_state, bound, rx)))
            .map_err(Error::Runtime)?;
        Ok(Sandbox {
            info,
            state,
            shutdown: tx,
            runner: Runner::Thread(Some(thread)),
        })
    }

    fn prepare(self) -> Result<(Info, Arc<State>, Bound)> {
        let state = Arc::new(State::new(
            self.apps,
            self.members,
            self.rate_limits,
            self.body_limit,
            self.webhooks.clone(),
        )?);
        let bind = |port| -> Result<std::net::TcpListener> {
            let l = std::net::TcpListener::bind(SocketAddr::new(self.host, port))
                .map_err(Error::Bind)?;
            l.set_nonblocking(true).map_err(Error::Bind)?;
            Ok(l)
        };
        let oauth2 = register_oauth2_clients(&state, self.oauth2_redirect_uris.clone())?;
        let api = bind(self.port)?;
        let storage = bind(self.storage_port)?;
        let tls = if self.tls {
            Some(tls::generate(&[self.host.to_string()])?)
        } else {
            None
        };
        let scheme = if self.tls { "https" } else { "http" };
        let base = |l: &std::net::TcpListener| -> Result<String> {
            let addr = l.local_addr().map_err(Error::Bind)?;
            // An unspecified bind address is reached through loopback.
            let ip = if addr.ip().is_unspecified() {
                match addr.ip() {
                    IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
                }
            } else {
                addr.ip()
            };
            Ok(format!("{scheme}://{}", SocketAddr::new(ip, addr.port())))
        };
        let api_base = base(&api)?;
        let storage_base = base(&storage)?;
        let _ = state.api_base.set(api_base.clone());
        let _ = state.storage_base.set(storage_base.clone());
        let token = state.mint(&TokenSpec::default(), None)?;
        let _ = state.default_token.set(token.clone());
        let app = state
            .app(&state.default_app_key)
            .map(|a| a.app.clone())
            .ok_or(Error::Unknown("app"))?;
        let member = state
            .member(&state.default_member_id)
            .map(|m| m.member.clone())
            .ok_or(Error::Unknown("member"))?;
        let info = Info {
            api_base,
            storage_base,
            ca_pem: tls.as_ref().map(|t| t.ca_pem.clone()),
            app,
            member,
            token,
            oauth2,
        };
        let bound = Bound {
            api,
            storage,
            tls: tls.map(|t| t.config),
        };
        Ok((info, state, bound))
    }
}

/// Registers the confidential and the public OAuth 2.0 client of SPEC S8 at start.
fn register_oauth2_clients(
    state: &State,
    redirect_uris: Option<Vec<String>>,
) -> Result<OAuth2Info> {
    let mut confidential = OAuth2Client::confidential("Sandbox OAuth 2.0 App");
    let mut public = OAuth2Client::public("Sandbox OAuth 2.0 Public App");
    if let Some(uris) = redirect_uris {
        confidential.redirect_uris.clone_from(&uris);
        public.redirect_uris = uris;
    }
    let info = OAuth2Info {
        client_id: confidential.client_id.clone(),
        client_secret: confidential.client_secret.clone().unwrap_or_default(),
        public_client_id: public.client_id.clone(),
        redirect_uris: confidential.redirect_uris.clone(),
    };
    state.oauth2.register(confidential)?;
    state.oauth2.register(public)?;
    let _ = state.default_oauth2.set(info.clone());
    Ok(info)
}

struct Info {
    api_base: String,
    storage_base: String,
    ca_pem: Option<String>,
    app: App,
    member: Member,
    token: String,
    oauth2: OAuth2Info,
}

impl std::fmt::Debug for Info {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a sandbox credential, but debug output still never shows one.
        f.debug_struct("Info")
            .field("api_base", &self.api_base)
            .field("storage_base", &self.storage_base)
            .field("tls", &self.ca_pem.is_some())
            .field("app", &self.app)
            .field("member", &self.member)
            .field("token", &"[redacted]")
            .field("oauth2", &self.oauth2)
            .finish()
    }
}

#[derive(Debug)]
enum Runner {
    Task(Option<tokio::task::JoinHandle<()>>),
    Thread(Option<std::thread::JoinHandle<()>>),
}

/// A running sandbox. Dropping it stops accepting, ends open connections (after a short grace
/// period) and, for [`SandboxBuilder::start_blocking`], joins the background thread.
pub struct Sandbox {
    info: Info,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    runner: Runner,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The state holds every token; show only the redacted summary.
        f.debug_struct("Sandbox")
            .field("info", &self.info)
            .field("runner", &self.runner)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A builder with every default.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The REST origin without `/1`, like `https://api.trello.com`: e.g. `http://127.0.0.1:PORT`.
    pub fn api_base(&self) -> &str {
        &self.info.api_base
    }

    /// The authorize origin without `/1`, like `https://trello.com` (the same server as
    /// [`Self::api_base`] here).
    pub fn auth_base(&self) -> &str {
        &self.info.api_base
    }

    /// The storage origin that attachment downloads redirect to (SPEC S3.4).
    pub fn storage_base(&self) -> &str {
        &self.info.storage_base
    }

    /// The CA certificate (PEM) to trust, with TLS; `None` without.
    pub fn ca_pem(&self) -> Option<&str> {
        self.info.ca_pem.as_deref()
    }

    /// The default app (key, secret, allowed origins).
    pub fn app(&self) -> &App {
        &self.info.app
    }

    /// The default member.
    pub fn member(&self) -> &Member {
        &self.info.member
    }

    /// A `read,write` token of the default member and app, minted at start, never expiring.
    pub fn token(&self) -> &str {
        &self.info.token
    }

    /// The OAuth 2.0 clients registered at start (SPEC S8): the confidential client's id and
    /// secret, the public client's id, and their redirect URIs. Both have every scope of
    /// SPEC S8.8 enabled.
    pub fn oauth2(&self) -> &OAuth2Info {
        &self.info.oauth2
    }

    /// The default member's board, list, card and attachment.
    pub fn fixtures(&self) -> &Fixtures {
        &self.state.fixtures
    }

    /// The admin API as method calls.
    pub fn admin(&self) -> Admin {
        Admin {
            state: self.state.clone(),
        }
    }

    /// Stops the sandbox and waits until it has (async counterpart of dropping it).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        match &mut self.runner {
            Runner::Task(t) => {
                if let Some(t) = t.take() {
                    let _ = t.await;
                }
            }
            Runner::Thread(t) => {
                if let Some(t) = t.take() {
                    let _ = tokio::task::spawn_blocking(move || t.join()).await;
                }
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Runner::Thread(t) = &mut self.runner {
            if let Some(t) = t.take() {
                let _ = t.join();
            }
        }
    }
}

/// The admin API as method calls on the running sandbox's state (cheap to clone).
#[derive(Clone)]
pub struct Admin {
    state: Arc<State>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").finish_non_exhaustive()
    }
}

impl Admin {
    /// Mints a token (SPEC S2 format) with the given scope and expiration.
    pub fn mint_token(&self, spec: &TokenSpec) -> Result<String> {
        self.state.mint(spec, None)
    }

    /// Revokes a token as `DELETE /1/tokens/{token}` would; false if unknown.
    pub fn revoke_token(&self, token: &str) -> bool {
        self.state.revoke(token)
    }

    /// Registers (or replaces) an app; a bare `*` origin or a malformed key is refused.
    pub fn register_app(&self, app: App) -> Result<()> {
        self.state.register_app(app)
    }

    /// Registers (or replaces) an OAuth 2.0 client (SPEC S8); an unknown scope or a redirect
    /// URI that is not an absolute URL is refused.
    pub fn register_oauth2_client(&self, client: OAuth2Client) -> Result<()> {
        self.state.oauth2.register(client)
    }

    /// Revokes the OAuth 2.0 grants of `client_id` (only those of `member_id`, if given) with
    /// every access and refresh token they issued, as a user revoking the app on their account
    /// page does (SPEC S8.1). Returns how many grants were revoked.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] if no such client is registered.
    pub fn revoke_oauth2_grant(&self, client_id: &str, member_id: Option<&str>) -> Result<usize> {
        self.state.oauth2.revoke_grants(client_id, member_id)
    }

    /// Adds a member with its own board, list and card.
    pub fn add_member(&self, member: Member) -> Result<Fixtures> {
        self.state.add_member(member)
    }

    /// Moves the sandbox clock forward (token expiry, OAuth timestamps, rate-limit windows).
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// The sandbox clock, in seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.state.clock.now_secs()
    }

    /// Arms a fault for the next `fault.count` matching requests.
    pub fn inject_fault(&self, fault: Fault) {
        self.state.faults.add(fault);
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// The requests received so far (oldest first, at most the last 10,000), redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }

    /// How many times each write was applied: every `POST`, `PUT` or `DELETE` a route served
    /// with a 2xx (also when a fault made with [`Fault::after_applying`] then lost its answer),
    /// by its [`REQUEST_ID`](crate::REQUEST_ID) header, or without one by `METHOD path body`
    /// with credentials redacted. A count above 1 is a write sent twice.
    pub fn applied_writes(&self) -> std::collections::BTreeMap<String, u32> {
        self.state.writes.snapshot()
    }

    /// Forgets the applied-write counts.
    pub fn clear_applied_writes(&self) {
        self.state.writes.clear();
    }

    /// The webhook deliveries finished so far, oldest first (SPEC S9): each with its attempts
    /// and how it ended. A delivery is logged once it is over: answered 2xx or 410, or out of
    /// retries.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.state.webhooks.deliveries()
    }

    /// Waits until at least `count` deliveries are logged, or `timeout` has passed, and returns
    /// the log: how a test waits for a delivery to be over without sleeping. (Blocking: from
    /// async code, call it in `spawn_blocking`.)
    pub fn wait_for_webhook_deliveries(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Vec<WebhookDelivery> {
        self.state.webhooks.wait_for(count, timeout)
    }

    /// The ids of every registered webhook, of every token.
    pub fn webhook_ids(&self) -> Vec<String> {
        self.state.webhooks.ids()
    }

    /// Forgets the logged deliveries.
    pub fn clear_webhook_deliveries(&self) {
        self.state.webhooks.clear_deliveries();
    }

    /// The requests that reached the storage origin, and whether credentials came along.
    pub fn storage_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.listener == crate::model::Listener::Storage)
            .collect()
    }
}
