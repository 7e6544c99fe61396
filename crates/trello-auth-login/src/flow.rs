//! [`Login`]: the whole flow of SPEC S10 on a user's machine. Listen on the fixed loopback
//! port, show the user where to go, wait for the one delivery (or the deadline, or Ctrl-C),
//! validate the token (SPEC S5), store it, and only then revoke the token it replaces.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use trello_auth_core::login::{LoopbackOrigin, Mode, Nonce, Outcome, Receiver, DEFAULT_PORT};
use trello_auth_core::oauth1::{self, Callback, Consumer};
use trello_auth_core::{
    ApiKey, AppSecret, AuthorizeUrl, Credentials, Expiration, Origin, Scopes, Token,
};
use url::Url;

use crate::api::{self, Endpoint};
use crate::browser::{self, OpenOutcome};
use crate::error::{Error, Result};
use crate::listener;
use crate::mode::LoginMode;
use crate::report::{Event, LoginResult, Previous};
use crate::settings::{login_settings, Settings};
use crate::store::{CredentialStore, ProfileKind, ProfileRecord, StoreChoice, StoreKind};

/// How long a login waits for the user unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// How often a [`Login::cancel_when`] check runs.
const CANCEL_POLL: Duration = Duration::from_millis(100);

pub(crate) type EventHook = Arc<dyn Fn(&Event<'_>) + Send + Sync>;
type PasteHook = Box<dyn FnMut() -> std::io::Result<String> + Send>;
pub(crate) type CancelHook = Arc<dyn Fn() -> bool + Send + Sync>;

/// A login on this machine (SPEC S10), configured with the builder methods and run with
/// [`run`](Login::run) (async) or [`run_blocking`](Login::run_blocking).
///
/// ```no_run
/// use trello_auth_core::ApiKey;
/// use trello_auth_login::Login;
///
/// let result = Login::new(ApiKey::new("0123456789abcdef0123456789abcdef")?)
///     .name("Board Sync")
///     .run_blocking()?;
/// println!("logged in as {}", result.member.username);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Login {
    key: ApiKey,
    settings: Settings,
    mode: LoginMode,
    scopes: Scopes,
    expiration: Expiration,
    name: Option<String>,
    app_secret: Option<AppSecret>,
    paste: Option<PasteHook>,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("key", &self.key)
            .field("mode", &self.mode)
            .field("port", &self.settings.port)
            .field("profile", &self.settings.profile)
            .field("endpoint", &self.settings.endpoint)
            .finish_non_exhaustive()
    }
}

impl Login {
    login_settings!("`https://trello.com`, SPEC S1.1");

    /// A login for `key` with the defaults: fragment mode, scope `read`, expiration `30days`,
    /// port [`DEFAULT_PORT`](crate::DEFAULT_PORT), the browser opened, a 300 s deadline, profile `default`, the
    /// automatic store, Trello's bases.
    pub fn new(key: ApiKey) -> Self {
        Self {
            key,
            settings: Settings::new(Origin::trello()),
            mode: LoginMode::default(),
            scopes: Scopes::default(),
            expiration: Expiration::default(),
            name: None,
            app_secret: None,
            paste: None,
        }
    }

    /// How the token is delivered.
    pub fn mode(mut self, mode: LoginMode) -> Self {
        self.mode = mode;
        self
    }

    /// The scopes to ask for.
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// How long the token lives.
    pub fn expiration(mut self, expiration: Expiration) -> Self {
        self.expiration = expiration;
        self
    }

    /// The app name on the consent page (legacy keys only, SPEC S1.2) and the opener page.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The app secret, for [`LoginMode::OAuth1`] (SPEC S6).
    pub fn app_secret(mut self, secret: AppSecret) -> Self {
        self.app_secret = Some(secret);
        self
    }

    /// Paste mode: reads what the user pasted (a hidden prompt in the CLI). Without it, paste
    /// mode reads a line from standard input.
    pub fn paste_with(
        mut self,
        read: impl FnMut() -> std::io::Result<String> + Send + 'static,
    ) -> Self {
        self.paste = Some(Box::new(read));
        self
    }

    /// Runs the login on a runtime of its own, blocking the calling thread.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn run_blocking(self) -> Result<LoginResult> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        runtime.block_on(self.run())
    }

    /// Runs the login.
    ///
    /// # Errors
    /// [`Error::Denied`], [`Error::Closed`], [`Error::Timeout`], [`Error::Cancelled`] for the
    /// user's answers; [`Error::MissingClientId`] for [`LoginMode::OAuth2`], which
    /// [`OAuth2Login`](crate::OAuth2Login) runs; [`Error::PortBusy`] when the port is taken;
    /// [`Error::Validation`] when Trello refuses the new token; [`Error::Store`] when it cannot
    /// be stored. Nothing is stored unless the login succeeds.
    pub async fn run(mut self) -> Result<LoginResult> {
        if self.mode == LoginMode::OAuth2 {
            // OAuth 2.0 has a client id, not an API key: `OAuth2Login` runs it.
            return Err(Error::MissingClientId);
        }
        let store = match self.settings.store.take() {
            Some(store) => store,
            None => blocking(|| Ok(CredentialStore::new(StoreChoice::Auto)?)).await?,
        };
        // A store that cannot save fails now, not after the user pressed Allow.
        let store = blocking(move || {
            store.check()?;
            Ok(store)
        })
        .await?;
        let token = self.capture().await?;
        self.emit(&Event::Validating);
        let credentials = Credentials::new(self.key.clone(), token)
            .with_api_base(self.settings.endpoint.api_base.clone());
        let (member, info) = api::validate(&self.settings.endpoint, &credentials).await?;
        let scopes: Vec<String> = self
            .scopes
            .to_string()
            .split(',')
            .map(str::to_owned)
            .collect();
        let record = ProfileRecord {
            key: self.key.clone(),
            member_id: member.id.clone(),
            username: member.username.clone(),
            scopes: scopes.clone(),
            expires: info.date_expires,
            api_base: Some(self.settings.endpoint.api_base.as_str().to_owned()),
            auth_base: Some(self.settings.endpoint.auth_base.as_str().to_owned()),
        };
        // A re-login replaces the old token only once the new one is stored, then revokes it.
        let profile = self.settings.profile.clone();
        let (old, stored) = {
            let token = credentials.token().clone();
            blocking(move || {
                // An OAuth 2.0 grant it replaces has nothing to revoke with (SPEC S8.1).
                let old = match store.kind(&profile)? {
                    Some(ProfileKind::OAuth2) => Err(Previous::Forgotten),
                    _ => Ok(store
                        .load(&profile)?
                        .filter(|old| old.store != StoreKind::Environment)),
                };
                let kind = store.save(&profile, &record, &token)?;
                Ok((old, kind))
            })
            .await?
        };
        self.emit(&Event::Stored { store: stored });
        let previous = match old {
            Err(previous) => previous,
            Ok(None) => Previous::None,
            Ok(Some(old)) if old.token.expose_secret() == credentials.token().expose_secret() => {
                Previous::Same
            }
            Ok(Some(old)) => {
                let old_endpoint = Endpoint {
                    api_base: old
                        .record
                        .as_ref()
                        .and_then(|r| r.api_base.as_deref())
                        .and_then(|b| Origin::parse(b).ok())
                        .unwrap_or_else(|| self.settings.endpoint.api_base.clone()),
                    ..self.settings.endpoint.clone()
                };
                let old_credentials = Credentials::new(old.key, old.token);
                match api::revoke(&old_endpoint, &old_credentials).await {
                    Ok(()) => Previous::Revoked,
                    Err(e) => Previous::RevokeFailed { code: e.code() },
                }
            }
        };
        Ok(LoginResult {
            profile: self.settings.profile,
            credentials,
            member,
            scopes,
            expires: info.date_expires,
            store: stored,
            previous,
        })
    }

    /// Gets the token: through the listener, or the paste prompt.
    async fn capture(&mut self) -> Result<Token> {
        let authorize = {
            let mut a = AuthorizeUrl::new(self.key.clone())
                .scopes(self.scopes)
                .expiration(self.expiration)
                .base(self.settings.endpoint.auth_base.clone());
            if let Some(name) = &self.name {
                a = a.name(name.clone());
            }
            a
        };
        if self.mode == LoginMode::Paste {
            let outcome = self.paste(authorize).await?;
            return token_of(outcome);
        }
        let listener = match self.settings.listener.take() {
            Some(l) => l,
            None => listener::bind(self.settings.port)?,
        };
        let port = listener
            .local_addr()
            .map_err(|source| Error::Listen {
                port: self.settings.port,
                source,
            })?
            .port();
        let origin = LoopbackOrigin::new(port)?;
        let nonce = Nonce::from_bytes(random_bytes());
        let (mode, oauth1) = match self.mode {
            LoginMode::Fragment => (Mode::Fragment(authorize), None),
            LoginMode::PostMessage => (Mode::PostMessage(authorize), None),
            LoginMode::OAuth1 => {
                let secret = self.app_secret.clone().ok_or(Error::MissingSecret)?;
                let consumer = Consumer::new(self.key.as_str(), secret);
                let client = self.settings.endpoint.client(None)?;
                let callback = Callback::Url(origin.callback_url(&nonce));
                let request_token = client.oauth1_request_token(&consumer, &callback).await?;
                let url = oauth1::authorize_url(
                    &self.settings.endpoint.auth_base,
                    &request_token,
                    self.name.as_deref(),
                    &self.scopes.to_string(),
                    self.expiration.as_str(),
                );
                let mode = Mode::OAuth1 {
                    authorize_url: url,
                    request_token: request_token.clone(),
                };
                (mode, Some((client, consumer, request_token)))
            }
            LoginMode::Paste => unreachable!("handled above"),
            // Refused by `run` before anything happens; no key + token comes from it.
            LoginMode::OAuth2 => return Err(Error::MissingClientId),
        };
        let receiver = Receiver::new(mode, &origin, nonce)?;
        self.emit(&Event::Listening {
            origin: origin.as_str(),
        });
        self.show(receiver.url_to_open());
        self.emit(&Event::Waiting);
        let outcome = listener::serve(listener, receiver, self.stop()).await?;
        match (outcome, oauth1) {
            (Outcome::Verifier(verifier), Some((client, consumer, request_token))) => {
                let access = client
                    .oauth1_access_token(&consumer, &request_token, &verifier)
                    .await?;
                Ok(access.token().clone())
            }
            (outcome, _) => token_of(outcome),
        }
    }

    async fn paste(&mut self, authorize: AuthorizeUrl) -> Result<Outcome> {
        let mut receiver = Receiver::new(
            Mode::Paste(authorize),
            &LoopbackOrigin::new(DEFAULT_PORT)?,
            Nonce::from_bytes(random_bytes()),
        )?;
        self.show(receiver.url_to_open());
        let mut read = self.paste.take().unwrap_or_else(|| Box::new(read_line));
        let on_event = self.settings.on_event.clone();
        let stop = self.stop();
        // A thread of its own, not the runtime's blocking pool: a read from the terminal
        // cannot be interrupted, and Ctrl-C or the deadline must not wait for it.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let outcome = loop {
                if let Some(hook) = &on_event {
                    hook(&Event::PastePrompt);
                }
                let input = match read() {
                    Ok(input) => input,
                    Err(e) => break Err(Error::Prompt(e)),
                };
                match receiver.receive_paste(&input) {
                    Ok(outcome) => break Ok(outcome),
                    Err(e) => {
                        if let Some(hook) = &on_event {
                            hook(&Event::PasteRejected {
                                reason: e.to_string(),
                            });
                        }
                    }
                }
            };
            let _ = tx.send(outcome);
        });
        let prompt = async { rx.await.unwrap_or(Err(Error::Cancelled)) };
        tokio::select! {
            outcome = prompt => outcome,
            error = stop => Err(error),
        }
    }

    /// Reports the URL and opens the browser when allowed.
    fn show(&self, url: &Url) {
        show(self.settings.open_browser, url, |event| self.emit(event));
    }

    /// Resolves with the error that ends the wait: the deadline, Ctrl-C or the cancel check.
    fn stop(&self) -> impl std::future::Future<Output = Error> + Send + 'static {
        stop(
            self.settings.timeout,
            self.settings.cancel.clone(),
            self.settings.ctrl_c,
        )
    }

    fn emit(&self, event: &Event<'_>) {
        if let Some(hook) = &self.settings.on_event {
            hook(event);
        }
    }
}

/// The token of a finished delivery, or the error that the user's answer is.
fn token_of(outcome: Outcome) -> Result<Token> {
    match outcome {
        Outcome::Token(token) => Ok(token),
        Outcome::Denied { message } => Err(Error::Denied { message }),
        Outcome::Closed => Err(Error::Closed),
        Outcome::Failed(e) => Err(Error::Delivery(e)),
        // A verifier outside OAuth 1.0a mode, or an outcome of a newer core.
        _ => Err(Error::Delivery(
            trello_auth_core::login::LoginError::BadDelivery {
                reason: "the delivery does not fit this login's mode",
            },
        )),
    }
}

/// Reports `url` with [`Event::OpenUrl`] through `emit`, after opening the browser on it when
/// `open_browser` allows.
pub(crate) fn show(open_browser: bool, url: &Url, emit: impl Fn(&Event<'_>)) {
    let opened = if open_browser {
        browser::open(url.as_str())
    } else {
        OpenOutcome::Skipped(browser::SkipReason::Disabled)
    };
    emit(&Event::OpenUrl {
        url,
        browser: &opened,
    });
}

/// Resolves with the error that ends a wait: the deadline, Ctrl-C (with `ctrl_c`) or the
/// cancel check, polled every [`CANCEL_POLL`].
pub(crate) async fn stop(timeout: Duration, cancel: Option<CancelHook>, ctrl_c: bool) -> Error {
    let deadline = tokio::time::sleep(timeout);
    let cancelled = async {
        match cancel {
            Some(check) => loop {
                tokio::time::sleep(CANCEL_POLL).await;
                if check() {
                    return;
                }
            },
            None => std::future::pending().await,
        }
    };
    let interrupted = async {
        if ctrl_c && tokio::signal::ctrl_c().await.is_ok() {
            return;
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        () = deadline => Error::Timeout { after: timeout },
        () = cancelled => Error::Cancelled,
        () = interrupted => Error::Cancelled,
    }
}

/// 16 bytes from the OS CSPRNG, for the nonce of SPEC S7.
fn random_bytes() -> [u8; 16] {
    random()
}

/// `N` bytes from the OS CSPRNG (a nonce, an OAuth 2.0 state, a PKCE verifier).
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Invariant: the OS CSPRNG is available on every platform this crate builds for; a
    // failure here means the system is unusable for any secret.
    getrandom::getrandom(&mut bytes).expect("the OS random number generator failed");
    bytes
}

fn read_line() -> std::io::Result<String> {
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line)
}

/// Runs a store call off the runtime's threads: the keyring may block on its own runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| Error::Cancelled)?
}
