//! [`OAuth2Login`]: the OAuth 2.0 login of SPEC S8 on a user's machine, the loopback code flow
//! of RFC 8252. Listen on `127.0.0.1:<port>`, send the browser to the authorize page with a
//! fresh state and PKCE pair, wait for the one redirect to `/callback` (or the deadline, or
//! Ctrl-C), exchange the code, check the access token with `GET /1/members/me` as Bearer, and
//! only then store the token set.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use trello_auth_core::login::LoopbackOrigin;
use trello_auth_core::oauth2::{
    AuthorizationRequest, ClientCredentials, ClientSecret, Pkce, Scope, TokenSet,
};
use trello_auth_core::{Credentials, Origin};

use super::api;
use super::receiver::{Callback, CallbackOutcome};
use crate::api::Endpoint;
use crate::error::{Error, Result};
use crate::flow::{blocking, random, show, stop};
use crate::listener;
use crate::report::{Event, OAuth2LoginResult, Previous};
use crate::settings::{login_settings, Settings};
use crate::store::{CredentialStore, OAuth2Record, ProfileKind, StoreChoice};

/// The scopes asked for unless told otherwise: the member and their boards (SPEC S8.8), with
/// `offline_access` for a refresh token.
pub const DEFAULT_SCOPES: [Scope; 2] = [Scope::ReadMember, Scope::ReadBoard];

/// An OAuth 2.0 login on this machine (SPEC S8, S10), configured with the builder methods and
/// run with [`run`](OAuth2Login::run) or [`run_blocking`](OAuth2Login::run_blocking).
///
/// Register `http://127.0.0.1:<port>/callback` (port [`DEFAULT_PORT`](crate::DEFAULT_PORT) unless told otherwise)
/// as a callback URL of the app in the Atlassian developer console.
///
/// ```no_run
/// use trello_auth_core::oauth2::Scope;
/// use trello_auth_login::OAuth2Login;
///
/// let result = OAuth2Login::new("my-client-id")?
///     .scopes([Scope::ReadMember, Scope::ReadBoard, Scope::WriteBoard])
///     .run_blocking()?;
/// println!("logged in as {}, scopes {:?}", result.member.username, result.tokens.scopes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OAuth2Login {
    client: ClientCredentials,
    settings: Settings,
    scopes: Vec<Scope>,
    offline: bool,
}

impl fmt::Debug for OAuth2Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Login")
            .field("client", &self.client)
            .field("scopes", &self.scopes)
            .field("port", &self.settings.port)
            .field("profile", &self.settings.profile)
            .field("endpoint", &self.settings.endpoint)
            .finish_non_exhaustive()
    }
}

impl OAuth2Login {
    login_settings!("`https://auth.atlassian.com`, SPEC S8.1");

    /// A login for the public client `client_id` with the defaults: [`DEFAULT_SCOPES`] with
    /// `offline_access`, port [`DEFAULT_PORT`](crate::DEFAULT_PORT), the browser opened, a 300 s deadline, profile
    /// `default`, the automatic store, Atlassian's and Trello's bases.
    ///
    /// # Errors
    /// [`Error::OAuth2`] (`invalid_client_id`) for an empty or non-ASCII id.
    pub fn new(client_id: impl Into<String>) -> Result<Self> {
        Ok(Self {
            client: ClientCredentials::public(client_id)?,
            settings: Settings::new(Origin::atlassian_auth()),
            scopes: DEFAULT_SCOPES.to_vec(),
            offline: true,
        })
    }

    /// The client secret of a confidential client (SPEC S8.4): sent with the code exchange and
    /// every refresh, and stored with the tokens so that a refresh can send it.
    pub fn client_secret(mut self, secret: ClientSecret) -> Self {
        // The id was checked by `new`, so this cannot fail.
        self.client = ClientCredentials::confidential(self.client.client_id(), secret)
            .expect("the client id was checked");
        self
    }

    /// The scopes to ask for, replacing the defaults. `read:member:trello` is always asked for
    /// as well: the login checks the grant with `GET /1/members/me` (SPEC S8.7).
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = Scope>) -> Self {
        self.scopes = scopes.into_iter().collect();
        self
    }

    /// Whether to ask for a refresh token (`offline_access`, default yes). Without one the
    /// profile is good for about an hour.
    pub fn offline(mut self, offline: bool) -> Self {
        self.offline = offline;
        self
    }

    /// Runs the login on a runtime of its own, blocking the calling thread.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn run_blocking(self) -> Result<OAuth2LoginResult> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?
            .block_on(self.run())
    }

    /// Runs the login.
    ///
    /// # Errors
    /// [`Error::Denied`] (Deny), [`Error::Timeout`], [`Error::Cancelled`]; [`Error::OAuth2`]
    /// for a redirect whose state is not this login's (`state_mismatch`), a malformed one, or
    /// a refused code exchange; [`Error::PortBusy`]; [`Error::Validation`] when the new access
    /// token does not work; [`Error::Store`]. Nothing is stored unless the login succeeds.
    pub async fn run(mut self) -> Result<OAuth2LoginResult> {
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
        let tokens = self.capture().await?;
        self.emit(&Event::Validating);
        let member = api::member(&self.settings.endpoint, tokens.access_token()).await?;
        let record = OAuth2Record {
            client_id: self.client.client_id().to_owned(),
            member_id: member.id.clone(),
            username: member.username.clone(),
            api_base: Some(self.settings.endpoint.api_base.as_str().to_owned()),
            auth_base: Some(self.settings.endpoint.auth_base.as_str().to_owned()),
        };
        let profile = self.settings.profile.clone();
        let (saved, old) = {
            let (tokens, secret) = (tokens.clone(), self.client.secret().cloned());
            blocking(move || {
                // What the profile held, to revoke a replaced key + token afterwards.
                let old = match store.kind(&profile)? {
                    Some(ProfileKind::KeyToken) => Some(store.load(&profile)?),
                    Some(_) => Some(None),
                    None => None,
                };
                let kind = store.save_oauth2(&profile, &record, &tokens, secret.as_ref())?;
                Ok((kind, old))
            })
            .await?
        };
        self.emit(&Event::Stored { store: saved });
        let previous = match old {
            None => Previous::None,
            Some(None) => Previous::Forgotten,
            Some(Some(old)) => {
                let base = old
                    .record
                    .as_ref()
                    .and_then(|r| r.api_base.as_deref())
                    .and_then(|b| Origin::parse(b).ok())
                    .unwrap_or_else(Origin::trello_api);
                let endpoint = Endpoint {
                    api_base: base,
                    ..self.settings.endpoint.clone()
                };
                let credentials = Credentials::new(old.key, old.token);
                match crate::api::revoke(&endpoint, &credentials).await {
                    Ok(()) => Previous::Revoked,
                    Err(e) => Previous::RevokeFailed { code: e.code() },
                }
            }
        };
        let expires = super::account::expiry(&tokens);
        Ok(OAuth2LoginResult {
            profile: self.settings.profile,
            client_id: self.client.client_id().to_owned(),
            member,
            tokens,
            expires,
            store: saved,
            previous,
        })
    }

    /// The browser's round trip and the code exchange: the token set.
    async fn capture(&mut self) -> Result<TokenSet> {
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
        let redirect_uri = Callback::redirect_uri(&origin);
        let state = URL_SAFE_NO_PAD.encode(random::<16>());
        let pkce = Pkce::from_random(random::<32>());
        let mut scopes = self.scopes.clone();
        scopes.push(Scope::ReadMember);
        let url = AuthorizationRequest::new(self.client.client_id(), redirect_uri.as_str())
            .scopes(scopes)
            .offline(self.offline)
            .state(&state)
            .pkce(&pkce)
            .auth_base(self.settings.endpoint.auth_base.clone())
            .build()?;
        let receiver = Callback::new(&origin, state);
        self.emit(&Event::Listening {
            origin: origin.as_str(),
        });
        show(self.settings.open_browser, &url, |event| self.emit(event));
        self.emit(&Event::Waiting);
        let stop = stop(
            self.settings.timeout,
            self.settings.cancel.clone(),
            self.settings.ctrl_c,
        );
        match listener::serve(listener, receiver, stop).await? {
            CallbackOutcome::Code(code) => {
                api::exchange(
                    &self.settings.endpoint,
                    &self.client,
                    &code,
                    pkce.verifier(),
                    &redirect_uri,
                )
                .await
            }
            CallbackOutcome::Denied { message } => Err(Error::Denied { message }),
            CallbackOutcome::Failed(e) => Err(e.into()),
        }
    }

    fn emit(&self, event: &Event<'_>) {
        if let Some(hook) = &self.settings.on_event {
            hook(event);
        }
    }
}
