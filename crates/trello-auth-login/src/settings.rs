//! [`Settings`]: what every login flow is configured with (the listener, the browser, the
//! deadline and cancelling, the store and profile, the origins, the event hook), declared once
//! with their setters ([`login_settings!`]) for [`Login`](crate::Login) and
//! [`OAuth2Login`](crate::OAuth2Login).

use std::time::Duration;

use trello_auth_core::login::DEFAULT_PORT;
use trello_auth_core::Origin;

use crate::api::Endpoint;
use crate::flow::{CancelHook, EventHook, DEFAULT_TIMEOUT};
use crate::store::CredentialStore;

/// The settings both login builders share; each keeps its own (the key or client, scopes,
/// mode) beside them.
pub(crate) struct Settings {
    pub(crate) port: u16,
    pub(crate) listener: Option<std::net::TcpListener>,
    pub(crate) open_browser: bool,
    pub(crate) timeout: Duration,
    pub(crate) store: Option<CredentialStore>,
    pub(crate) profile: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) on_event: Option<EventHook>,
    pub(crate) cancel: Option<CancelHook>,
    pub(crate) ctrl_c: bool,
}

impl Settings {
    /// The defaults: port [`DEFAULT_PORT`](crate::DEFAULT_PORT), the browser opened, a [`DEFAULT_TIMEOUT`]
    /// deadline, the automatic store, profile `default`, Trello's API and `auth_base`.
    pub(crate) fn new(auth_base: Origin) -> Self {
        Self {
            port: DEFAULT_PORT,
            listener: None,
            open_browser: true,
            timeout: DEFAULT_TIMEOUT,
            store: None,
            profile: "default".to_owned(),
            endpoint: Endpoint {
                api_base: Origin::trello_api(),
                auth_base,
                ca_pem: None,
            },
            on_event: None,
            cancel: None,
            ctrl_c: false,
        }
    }
}

/// The setters of [`Settings`], for a builder with a `settings` field. `$auth` documents the
/// authorize origin's default and its SPEC section.
macro_rules! login_settings {
    ($auth:literal) => {
        /// The listener's port on `127.0.0.1`: the port of the origin (or redirect URI)
        /// registered for the app (SPEC S7).
        pub fn port(mut self, port: u16) -> Self {
            self.settings.port = port;
            self
        }

        /// A listener already bound to `127.0.0.1` (a test's, or a program that holds the
        /// port); its port replaces [`port`](Self::port).
        pub fn listener(mut self, listener: std::net::TcpListener) -> Self {
            self.settings.listener = Some(listener);
            self
        }

        /// Whether to start the browser (default yes; never over SSH or without a display).
        /// The URL is reported with [`Event::OpenUrl`](crate::Event::OpenUrl) either way.
        pub fn open_browser(mut self, open: bool) -> Self {
            self.settings.open_browser = open;
            self
        }

        /// How long to wait for the user.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.settings.timeout = timeout;
            self
        }

        /// Where to store what the login gets (default
        /// [`CredentialStore::new`](crate::CredentialStore::new) with
        /// [`StoreChoice::Auto`](crate::StoreChoice::Auto)).
        pub fn store(mut self, store: crate::CredentialStore) -> Self {
            self.settings.store = Some(store);
            self
        }

        /// The profile to store under (default `default`).
        pub fn profile(mut self, profile: impl Into<String>) -> Self {
            self.settings.profile = profile.into();
            self
        }

        #[doc = concat!("The authorize origin (default ", $auth, ").")]
        pub fn auth_base(mut self, origin: trello_auth_core::Origin) -> Self {
            self.settings.endpoint.auth_base = origin;
            self
        }

        /// The API origin (default `https://api.trello.com`).
        pub fn api_base(mut self, origin: trello_auth_core::Origin) -> Self {
            self.settings.endpoint.api_base = origin;
            self
        }

        /// An extra CA certificate (PEM) to trust, e.g. the sandbox's.
        pub fn ca_pem(mut self, pem: impl Into<String>) -> Self {
            self.settings.endpoint.ca_pem = Some(pem.into());
            self
        }

        /// Called with each [`Event`](crate::Event), e.g. to print a progress line.
        pub fn on_event(
            mut self,
            hook: impl Fn(&crate::Event<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.settings.on_event = Some(std::sync::Arc::new(hook));
            self
        }

        /// Polled every 100 ms while waiting: `true` cancels the login
        /// ([`Error::Cancelled`](crate::Error::Cancelled)). Python's binding checks for a
        /// pending KeyboardInterrupt here.
        pub fn cancel_when(mut self, check: impl Fn() -> bool + Send + Sync + 'static) -> Self {
            self.settings.cancel = Some(std::sync::Arc::new(check));
            self
        }

        /// Whether Ctrl-C cancels the login (default no; the CLI turns it on).
        pub fn cancel_on_ctrl_c(mut self, on: bool) -> Self {
            self.settings.ctrl_c = on;
            self
        }
    };
}
pub(crate) use login_settings;
