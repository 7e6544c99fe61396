//! `login`, `load_credentials`, `logout` and `LoginResult`: getting a token on the user's machine
//! (SPEC S10) over `trello-auth-login`, and `cli_main`, the `trello-auth` console script over
//! `trello-auth-cli`.
//!
//! The login blocks with the GIL released. Every 100 ms it attaches to check for a pending
//! signal: a `KeyboardInterrupt` (Ctrl-C) cancels the login and is raised as it is, once the
//! listener is closed. `on_url` is called (attached) with the URL to open; an exception it raises
//! cancels the login the same way and is raised in its place.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule, PyString, PyTuple};
use time::{OffsetDateTime, UtcOffset};
use trello_auth_core::oauth2::{ClientSecret, Scope};
use trello_auth_core::{ApiKey, AppSecret, Expiration, Origin, Scopes};
use trello_auth_login::browser::OpenOutcome;
use trello_auth_login::oauth2::{OAuth2Login, DEFAULT_SCOPES};
use trello_auth_login::{
    account, CredentialStore, Event, Login, LoginMode, Previous, StoreChoice, DEFAULT_PORT,
};

use crate::auth::{scope_names, Credentials};
use crate::convert::{type_error, Int};
use crate::errors;

/// The longest `timeout` accepted, in seconds (a day).
const MAX_TIMEOUT: f64 = 86_400.0;

/// An exception raised inside a hook (by `on_url`, or the `KeyboardInterrupt` of a signal),
/// kept until the login has returned.
type Pending = Arc<Mutex<Option<PyErr>>>;

/// A finished login: the stored credentials and what Trello said about them. Its `repr` never
/// shows the token.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct LoginResult {
    profile: String,
    /// `None` for an OAuth 2.0 login, which has no key + token.
    credentials: Option<Py<Credentials>>,
    /// The OAuth 2.0 token set (`None` for key + token).
    tokens: Option<Py<crate::oauth2::TokenSet>>,
    member_id: String,
    username: String,
    scopes: Vec<String>,
    expires: Option<OffsetDateTime>,
    store: &'static str,
    previous: &'static str,
}

#[pymethods]
impl LoginResult {
    /// The profile the credentials were stored under.
    #[getter]
    fn profile(&self) -> &str {
        &self.profile
    }

    /// The key and the new token, bound to the API base they were made for; `None` after
    /// `mode="oauth2"` (its token set is in the store: `trello-auth token` prints a fresh
    /// access token).
    #[getter]
    fn credentials(&self, py: Python<'_>) -> Option<Py<Credentials>> {
        self.credentials.as_ref().map(|c| c.clone_ref(py))
    }

    /// The OAuth 2.0 token set of a `mode="oauth2"` login (for `OAuth2Client`); `None` after a
    /// key + token login. Its `repr` never shows the tokens.
    #[getter]
    fn tokens(&self, py: Python<'_>) -> Option<Py<crate::oauth2::TokenSet>> {
        self.tokens.as_ref().map(|t| t.clone_ref(py))
    }

    /// The member behind the token: `{"id", "username"}`.
    #[getter]
    fn member<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", &self.member_id)?;
        d.set_item("username", &self.username)?;
        Ok(d)
    }

    /// The scopes granted, like `("read", "write")`.
    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.scopes)
    }

    /// When the token expires, a `datetime.datetime` in UTC; `None` if it never does.
    #[getter]
    fn expires(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.expires.map(|at| utc_datetime(py, at)).transpose()
    }

    /// Where the token was stored: `"keyring"` or `"file"`.
    #[getter]
    fn store(&self) -> &str {
        self.store
    }

    /// What became of the token this login replaced: `"none"` (there was none), `"same"`,
    /// `"revoked"`, `"revoke_failed"` (it is forgotten, but still valid on the server), or
    /// `"forgotten"` (an OAuth 2.0 grant, which has no revocation endpoint).
    #[getter]
    fn previous(&self) -> &str {
        self.previous
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |value: Bound<'_, PyAny>| -> PyResult<String> { Ok(value.repr()?.to_string()) };
        Ok(format!(
            "LoginResult(profile={}, member={}, scopes={}, store={})",
            repr(PyString::new(py, &self.profile).into_any())?,
            repr(PyString::new(py, &self.username).into_any())?,
            repr(self.scopes(py)?.into_any())?,
            repr(PyString::new(py, self.store).into_any())?,
        ))
    }
}

/// Runs the whole login (SPEC S10): listens on `http://127.0.0.1:<port>`, sends the user to the
/// consent page, waits for the one delivery, checks the token with Trello, stores it.
///
/// `mode="oauth2"` runs SPEC S8's code flow with PKCE for `client_id` (and `client_secret`, a
/// confidential client's) instead: no key; `scope` names OAuth 2.0 scopes.
#[pyfunction]
#[pyo3(signature = (
    key = None, *, mode = "fragment", scope = None, expiration = "30days", name = None,
    port = None, open_browser = true, on_url = None, timeout = 300.0, store = "auto",
    profile = "default", auth_base = None, api_base = None, ca_file = None, client_id = None,
    client_secret = None,
))]
pub fn login(
    py: Python<'_>,
    key: Option<&str>,
    mode: &str,
    scope: Option<&Bound<'_, PyAny>>,
    expiration: &str,
    name: Option<&str>,
    port: Option<Int>,
    open_browser: bool,
    on_url: Option<Py<PyAny>>,
    timeout: f64,
    store: &str,
    profile: &str,
    auth_base: Option<&str>,
    api_base: Option<&str>,
    ca_file: Option<PathBuf>,
    client_id: Option<&str>,
    client_secret: Option<&str>,
) -> PyResult<LoginResult> {
    if let Some(callback) = &on_url {
        if !callback.bind(py).is_callable() {
            return Err(type_error(
                "on_url",
                "a callable taking the URL",
                callback.bind(py),
            ));
        }
    }
    let mode: LoginMode = mode
        .parse()
        .map_err(|why: String| errors::invalid_argument(py, "mode", &why))?;
    let wrong = |argument: &str, what: &str| errors::invalid_argument(py, argument, what);
    if mode == LoginMode::OAuth2 {
        if key.is_some() {
            return Err(wrong(
                "key",
                "mode='oauth2' has a client_id instead of a key",
            ));
        }
        let Some(client_id) = client_id else {
            return Err(wrong(
                "client_id",
                "mode='oauth2' needs the app's OAuth 2.0 client id",
            ));
        };
        let common = Common::new(py, port, timeout, store, profile, ca_file)?;
        return login_oauth2(
            py,
            client_id,
            client_secret,
            scope,
            open_browser,
            on_url,
            common,
            auth_base,
            api_base,
        );
    }
    if client_id.is_some() || client_secret.is_some() {
        return Err(wrong(
            "client_id",
            "client_id and client_secret are for mode='oauth2'",
        ));
    }
    let Some(key) = key else {
        return Err(wrong(
            "key",
            "the API key is required (except for mode='oauth2')",
        ));
    };
    let key = ApiKey::new(key.trim()).map_err(|e| errors::config(py, "key", &e))?;
    let scopes = match scope {
        None => Ok(Scopes::default()),
        Some(s) => Scopes::parse(scope_names(s)?),
    }
    .map_err(|e| errors::config(py, "scope", &e))?;
    let expiration: Expiration = expiration
        .parse()
        .map_err(|e| errors::config(py, "expiration", &e))?;
    let common = Common::new(py, port, timeout, store, profile, ca_file)?;
    let choice = common.choice;
    let mut login = Login::new(key)
        .mode(mode)
        .scopes(scopes)
        .expiration(expiration)
        .port(common.port)
        .open_browser(open_browser)
        .timeout(Duration::from_secs_f64(timeout))
        .profile(profile);
    if let Some(name) = name {
        login = login.name(name);
    }
    if let Some(base) = auth_base {
        login =
            login.auth_base(Origin::parse(base).map_err(|e| errors::config(py, "auth_base", &e))?);
    }
    if let Some(base) = api_base {
        login =
            login.api_base(Origin::parse(base).map_err(|e| errors::config(py, "api_base", &e))?);
    }
    if let Some(pem) = common.ca_pem {
        login = login.ca_pem(pem);
    }
    if mode == LoginMode::OAuth1 {
        // As the CLI: the secret comes from the environment, never from an argument.
        if let Some(secret) = std::env::var("TRELLO_APP_SECRET")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            let secret = AppSecret::new(secret.trim())
                .map_err(|e| errors::config(py, "TRELLO_APP_SECRET", &e))?;
            login = login.app_secret(secret);
        }
    }

    let pending: Pending = Arc::default();
    login = login
        .on_event(event_hook(on_url, pending.clone()))
        .cancel_when(cancel_check(pending.clone()));
    let result = py.detach(move || {
        // The login's own store, opened off the GIL (a keyring may block): it must see what is
        // stored for the profile, not TRELLO_API_KEY / TRELLO_TOKEN.
        let store = CredentialStore::new(choice)?.without_environment();
        login.store(store).run_blocking()
    });
    // An exception raised in a hook wins: it is why the login stopped (or, if the login
    // finished at the same moment, it must still not be lost).
    if let Some(e) = pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        return Err(e);
    }
    let result = result.map_err(|e| match e {
        trello_auth_login::Error::Timeout { .. } => errors::login_timeout(py, timeout),
        e => errors::login(py, &e),
    })?;
    Ok(LoginResult {
        credentials: Some(Py::new(py, Credentials::from_core(result.credentials))?),
        tokens: None,
        member_id: result.member.id,
        username: result.member.username,
        scopes: result.scopes,
        expires: result.expires,
        store: result.store.as_str(),
        previous: match result.previous {
            Previous::Same => "same",
            Previous::Revoked => "revoked",
            Previous::RevokeFailed { .. } => "revoke_failed",
            Previous::Forgotten => "forgotten",
            _ => "none",
        },
        profile: result.profile,
    })
}

/// The arguments both kinds of login check alike.
struct Common {
    port: u16,
    timeout: f64,
    choice: StoreChoice,
    profile: String,
    ca_pem: Option<String>,
}

impl Common {
    fn new(
        py: Python<'_>,
        port: Option<Int>,
        timeout: f64,
        store: &str,
        profile: &str,
        ca_file: Option<PathBuf>,
    ) -> PyResult<Self> {
        let port = match port {
            None => DEFAULT_PORT,
            // In range, so the cast is exact.
            Some(p) => p.range(py, "port", 1, u16::MAX.into())? as u16,
        };
        if !(timeout.is_finite() && timeout > 0.0 && timeout <= MAX_TIMEOUT) {
            return Err(errors::invalid_argument(
                py,
                "timeout",
                "expected seconds, above 0 and at most 86400",
            ));
        }
        let choice = store_choice(py, store)?;
        trello_auth_login::validate_profile(profile).map_err(|e| errors::store(py, &e))?;
        Ok(Self {
            port,
            timeout,
            choice,
            profile: profile.to_owned(),
            ca_pem: read_ca_file(py, ca_file)?,
        })
    }
}

/// `login(mode="oauth2", client_id=...)`: [`OAuth2Login`] with the GIL released, the same
/// hooks as the other modes.
#[allow(clippy::too_many_arguments)]
fn login_oauth2(
    py: Python<'_>,
    client_id: &str,
    client_secret: Option<&str>,
    scope: Option<&Bound<'_, PyAny>>,
    open_browser: bool,
    on_url: Option<Py<PyAny>>,
    common: Common,
    auth_base: Option<&str>,
    api_base: Option<&str>,
) -> PyResult<LoginResult> {
    let oauth2_error = |argument: &str, e: &dyn std::fmt::Display| {
        errors::invalid_argument(py, argument, &e.to_string())
    };
    let scopes = match scope {
        None => DEFAULT_SCOPES.to_vec(),
        Some(s) => scope_names(s)?
            .iter()
            .flat_map(|names| names.split_whitespace())
            .filter(|n| *n != "offline_access")
            .map(Scope::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| oauth2_error("scope", &e))?,
    };
    let mut login = OAuth2Login::new(client_id.trim())
        .map_err(|e| oauth2_error("client_id", &e))?
        .scopes(scopes)
        .port(common.port)
        .open_browser(open_browser)
        .timeout(Duration::from_secs_f64(common.timeout))
        .profile(common.profile.clone());
    if let Some(secret) = client_secret {
        let secret = ClientSecret::new(secret).map_err(|e| oauth2_error("client_secret", &e))?;
        login = login.client_secret(secret);
    }
    if let Some(base) = auth_base {
        login =
            login.auth_base(Origin::parse(base).map_err(|e| errors::config(py, "auth_base", &e))?);
    }
    if let Some(base) = api_base {
        login =
            login.api_base(Origin::parse(base).map_err(|e| errors::config(py, "api_base", &e))?);
    }
    if let Some(pem) = common.ca_pem {
        login = login.ca_pem(pem);
    }
    let pending: Pending = Arc::default();
    login = login
        .on_event(event_hook(on_url, pending.clone()))
        .cancel_when(cancel_check(pending.clone()));
    let choice = common.choice;
    let result = py.detach(move || {
        let store = CredentialStore::new(choice)?.without_environment();
        login.store(store).run_blocking()
    });
    if let Some(e) = pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        return Err(e);
    }
    let timeout = common.timeout;
    let result = result.map_err(|e| match e {
        trello_auth_login::Error::Timeout { .. } => errors::login_timeout(py, timeout),
        e => errors::login(py, &e),
    })?;
    let expires = result.expires;
    let tokens = crate::oauth2::TokenSet {
        inner: result.tokens.clone(),
    };
    Ok(LoginResult {
        credentials: None,
        tokens: Some(Py::new(py, tokens)?),
        member_id: result.member.id,
        username: result.member.username,
        scopes: result.tokens.scopes().to_vec(),
        expires,
        store: result.store.as_str(),
        previous: match result.previous {
            Previous::Revoked => "revoked",
            Previous::RevokeFailed { .. } => "revoke_failed",
            Previous::Forgotten => "forgotten",
            _ => "none",
        },
        profile: result.profile,
    })
}

/// The credentials stored for `profile` (`TRELLO_API_KEY` and `TRELLO_TOKEN`, if both are set,
/// win for any profile), bound to the API base they were made for.
#[pyfunction]
#[pyo3(signature = (profile = "default"))]
pub fn load_credentials(py: Python<'_>, profile: &str) -> PyResult<Credentials> {
    let stored = py
        .detach(|| {
            let store = CredentialStore::new(StoreChoice::Auto)?;
            account::load(&store, profile)
        })
        .map_err(|e| errors::login(py, &e))?;
    Ok(Credentials::from_core(account::credentials(&stored)))
}

/// Revokes the token of `profile` on the server (`DELETE /1/tokens/{token}`), then forgets it;
/// with `local_only=True` it only forgets. If the revoke fails, the token is kept.
/// Credentials from `TRELLO_API_KEY` / `TRELLO_TOKEN` are left alone.
#[pyfunction]
#[pyo3(signature = (profile = "default", *, local_only = false, ca_file = None))]
pub fn logout(
    py: Python<'_>,
    profile: &str,
    local_only: bool,
    ca_file: Option<PathBuf>,
) -> PyResult<()> {
    let ca_pem = read_ca_file(py, ca_file)?;
    py.detach(|| {
        let store = CredentialStore::new(StoreChoice::Auto)?;
        account::logout(&store, profile, local_only, ca_pem.as_deref())
    })
    .map(|_| ())
    .map_err(|e| errors::login(py, &e))
}

/// The `trello-auth` command with `args` (the arguments after the program name); its exit
/// code. It writes to this process's stdout and stderr and runs with the GIL released; a
/// Ctrl-C that the command did not handle itself is raised as `KeyboardInterrupt` afterwards.
#[pyfunction]
pub fn cli_main(py: Python<'_>, args: Vec<String>) -> PyResult<u8> {
    let code = py.detach(move || {
        let argv = std::iter::once("trello-auth".to_owned()).chain(args);
        trello_auth_cli::run(argv)
    });
    // A cancelled login (130) already answered the user's Ctrl-C: its signal is spent.
    match py.check_signals() {
        Err(interrupt) if code != 130 => Err(interrupt),
        _ => Ok(code),
    }
}

/// `store=`: `"auto"`, `"keyring"` or `"file"`.
fn store_choice(py: Python<'_>, store: &str) -> PyResult<StoreChoice> {
    store.parse().map_err(|e| errors::store(py, &e))
}

/// The PEM text of `ca_file`, if given.
fn read_ca_file(py: Python<'_>, ca_file: Option<PathBuf>) -> PyResult<Option<String>> {
    ca_file
        .map(|path| {
            std::fs::read_to_string(&path).map_err(|e| {
                errors::invalid_argument(py, "ca_file", &format!("cannot read the file: {e}"))
            })
        })
        .transpose()
}

/// The login's event hook: `on_url(url)` for the URL to open (else a line on `sys.stderr`),
/// and the paste prompt. An exception is kept in `pending`, which cancels the login.
fn event_hook(
    on_url: Option<Py<PyAny>>,
    pending: Pending,
) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
    move |event| {
        let outcome = Python::attach(|py| -> PyResult<()> {
            match event {
                Event::OpenUrl { url, browser } => match &on_url {
                    Some(callback) => callback.call1(py, (url.as_str(),)).map(drop),
                    None => {
                        let line = match browser {
                            OpenOutcome::Opened => format!(
                                "Opened your browser. If nothing appeared, open this URL: {url}\n"
                            ),
                            _ => format!("Open this URL to log in: {url}\n"),
                        };
                        stderr(py, &line)
                    }
                },
                Event::PastePrompt => stderr(py, "Paste the token, then press Enter: "),
                Event::PasteRejected { reason } => {
                    stderr(py, &format!("That is not a token: {reason}\n"))
                }
                _ => Ok(()),
            }
        });
        if let Err(e) = outcome {
            let mut slot = pending.lock().unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert(e);
        }
    }
}

/// The login's cancel check: an exception kept by a hook, or a pending signal whose Python
/// handler raised (Ctrl-C's `KeyboardInterrupt`), which is kept to be raised afterwards.
fn cancel_check(pending: Pending) -> impl Fn() -> bool + Send + Sync + 'static {
    move || {
        if pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
        {
            return true;
        }
        // Signals are only handled on the main thread; elsewhere this never fires.
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => false,
            Err(e) => {
                let mut slot = pending.lock().unwrap_or_else(PoisonError::into_inner);
                slot.get_or_insert(e);
                true
            }
        }
    }
}

/// Writes `text` to `sys.stderr` (which tests and notebooks may have replaced).
fn stderr(py: Python<'_>, text: &str) -> PyResult<()> {
    let stream = PyModule::import(py, "sys")?.getattr("stderr")?;
    if stream.is_none() {
        return Ok(());
    }
    stream.call_method1("write", (text,))?;
    stream.call_method0("flush").map(drop)
}

/// `at` as an aware `datetime.datetime` in UTC.
fn utc_datetime(py: Python<'_>, at: OffsetDateTime) -> PyResult<Py<PyAny>> {
    let at = at.to_offset(UtcOffset::UTC);
    let datetime = PyModule::import(py, "datetime")?;
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let value = datetime.getattr("datetime")?.call1((
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond(),
        utc,
    ))?;
    Ok(value.unbind())
}
