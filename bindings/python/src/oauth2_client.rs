//! `OAuth2Client`: the blocking client of `ta.Client` over an OAuth 2.0 grant (SPEC S8): every
//! call carries the access token as `Authorization: Bearer`, refreshed by the core's policy
//! (under 60 s left, or once after a 401; one refresh at a time across threads) over the ureq
//! client, with the rotated tokens handed to the Python `on_tokens` callable before they are
//! used. The GIL is released while a call sends, waits or sleeps, and taken back only to run
//! `on_tokens`.

use std::fmt;
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use trello_auth_core::oauth2::{Grant, TokenSet as CoreTokenSet};
use trello_auth_core::{token, Origin, RetryPolicy};

use crate::client::{build_transport, call, json_body, seconds, send};
use crate::convert::{renamed, Arg, Int, Rename};
use crate::errors;
use crate::fleet::RateLimitArg;
use crate::oauth2::{client_credentials, TokenSet};

/// `base_url=`, the API origin's name in the first contract (as `ta.Client`'s deprecated alias).
const BASE_URL: Rename = Rename {
    call: "OAuth2Client",
    new: "api_base",
    old: "base_url",
    what: "the API origin, like https://api.trello.com",
};

/// What `on_tokens` raised, carried through the core's `TokensNotSaved` to the caller.
pub struct HookFailed(pub PyErr);

impl fmt::Debug for HookFailed {
    // The exception's text is the caller's own; only its presence matters here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HookFailed")
    }
}

impl fmt::Display for HookFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the on_tokens callable raised an exception")
    }
}

impl std::error::Error for HookFailed {}

/// A blocking Trello client over an OAuth 2.0 grant (SPEC S8), with the methods of `Client`.
///
/// `tokens` is the `TokenSet` of `exchange_code` (or read back from storage); `on_tokens` is
/// called with every rotated `TokenSet`, once per refresh, BEFORE its access token is used:
/// persist it there (the old refresh token no longer works). If it raises, that call raises
/// `OAuth2Error` with code `tokens_not_saved` (the exception as `__cause__`); the new tokens
/// are kept in memory and the next call runs `on_tokens` again before using them, without
/// refreshing again. `on_tokens=None` keeps them in memory only (`client.tokens`). Other
/// calls wait while `on_tokens` runs: keep it short, and do not call this client from it.
///
/// A refresh answered `invalid_grant`, or a second 401 after a refresh, ends the grant: calls
/// raise `TokenRevoked` (reason `grant_revoked`) until `replace(tokens)` brings a new
/// authorization. `token_info()` and `revoke()` raise `ConfigError` (`/1/tokens/*` is for key
/// + token credentials, SPEC S8.7). Safe to share between threads: one refresh runs at a time.
#[pyclass(frozen, module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct OAuth2Client {
    inner: trello_auth_ureq::Client,
    api: Origin,
    client_id: String,
}

#[pymethods]
impl OAuth2Client {
    #[new]
    #[pyo3(
        text_signature = "(client_id, tokens, *, client_secret=None, on_tokens, \
        api_base='https://api.trello.com', auth_base='https://auth.atlassian.com', \
        ca_file=None, timeout=30.0, max_retries=3, backoff=0.5, rate_limit=True, base_url=...)"
    )]
    #[pyo3(signature = (
        client_id, tokens, *, client_secret = None, on_tokens, api_base = Arg::Absent,
        auth_base = None, ca_file = None, timeout = Some(30.0), max_retries = Int::new(3),
        backoff = 0.5, rate_limit = RateLimitArg::On, base_url = Arg::Absent,
    ))]
    fn new(
        py: Python<'_>,
        client_id: &str,
        tokens: &Bound<'_, TokenSet>,
        client_secret: Option<&str>,
        on_tokens: Option<Py<PyAny>>,
        api_base: Arg<Option<String>>,
        auth_base: Option<&str>,
        ca_file: Option<PathBuf>,
        timeout: Option<f64>,
        max_retries: Int,
        backoff: f64,
        rate_limit: RateLimitArg,
        base_url: Arg<Option<String>>,
    ) -> PyResult<Self> {
        let api = match renamed(py, BASE_URL, api_base, base_url)? {
            Some((Some(base), argument)) => {
                Origin::parse(&base).map_err(|e| errors::config(py, argument, &e))?
            }
            _ => Origin::trello_api(),
        };
        let auth = match auth_base {
            Some(base) => Origin::parse(base).map_err(|e| errors::config(py, "auth_base", &e))?,
            None => Origin::atlassian_auth(),
        };
        let credentials = client_credentials(py, client_id, client_secret)?;
        // At most 100, so the cast is exact.
        let retries = max_retries.range(py, "max_retries", 0, 100)? as u32;
        let backoff = seconds(py, "backoff", backoff)?;
        let transport = build_transport(py, timeout, ca_file)?;
        let mut grant = Grant::new(credentials, tokens.get().inner.clone());
        if let Some(hook) = on_tokens {
            if !hook.bind(py).is_callable() {
                return Err(PyTypeError::new_err(
                    "on_tokens: expected a callable taking a TokenSet (or None)",
                ));
            }
            grant = grant.on_tokens(move |rotated: &CoreTokenSet| {
                Python::attach(|py| {
                    let set = Py::new(
                        py,
                        TokenSet {
                            inner: rotated.clone(),
                        },
                    )?;
                    hook.call1(py, (set,)).map(drop)
                })
                .map_err(|e| Box::new(HookFailed(e)) as Box<dyn std::error::Error + Send + Sync>)
            });
        }
        let builder = trello_auth_ureq::Client::builder()
            .oauth2(grant)
            .api_base(api.clone())
            .auth_base(auth)
            .transport(transport)
            .retry_policy(
                RetryPolicy::default()
                    .with_max_retries(retries)
                    .with_base(backoff),
            );
        let inner = rate_limit.apply(py, builder)?.build();
        Ok(Self {
            inner,
            api,
            client_id: client_id.to_owned(),
        })
    }

    /// `GET path` (such as `/1/boards/{id}`), `params` added to the query; the parsed JSON.
    #[pyo3(signature = (path, *, params = None))]
    fn get(
        &self,
        py: Python<'_>,
        path: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        call(py, &self.inner, http::Method::GET, path, params, None)
    }

    /// `DELETE path`; the parsed JSON (`None` for an empty body).
    #[pyo3(signature = (path, *, params = None))]
    fn delete(
        &self,
        py: Python<'_>,
        path: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        call(py, &self.inner, http::Method::DELETE, path, params, None)
    }

    /// `POST path` with `json` as the JSON body (none when `None`); the parsed JSON.
    #[pyo3(signature = (path, json = None, *, params = None))]
    fn post(
        &self,
        py: Python<'_>,
        path: &str,
        json: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = json_body(py, json)?;
        call(py, &self.inner, http::Method::POST, path, params, body)
    }

    /// `PUT path` with `json` as the JSON body (none when `None`); the parsed JSON.
    #[pyo3(signature = (path, json = None, *, params = None))]
    fn put(
        &self,
        py: Python<'_>,
        path: &str,
        json: Option<&Bound<'_, PyAny>>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let body = json_body(py, json)?;
        call(py, &self.inner, http::Method::PUT, path, params, body)
    }

    /// `GET /1/members/me` (SPEC S5): the member who granted access (needs
    /// `read:member:trello`, SPEC S8.7).
    fn me(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        send(py, &self.inner, token::members_me(&self.api))
    }

    /// Refused: `/1/tokens/*` is for key + token credentials (SPEC S8.7).
    fn token_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Err(not_for_oauth2(py, "token_info()"))
    }

    /// Refused: `/1/tokens/*` is for key + token credentials (SPEC S8.7); a user revokes an
    /// OAuth 2.0 app on their Atlassian account page.
    fn revoke(&self, py: Python<'_>) -> PyResult<()> {
        Err(not_for_oauth2(py, "revoke()"))
    }

    /// The current `TokenSet` (after any refresh): what `on_tokens` last received, or the
    /// one given.
    #[getter]
    fn tokens(&self, py: Python<'_>) -> TokenSet {
        let grant = self.inner.session().grant();
        let inner = py.detach(|| grant.map(Grant::tokens));
        // An OAuth 2.0 client always has its grant.
        TokenSet {
            inner: inner.expect("an OAuth2Client has a grant"),
        }
    }

    /// `True` once the grant ended (`invalid_grant`, or a second 401 after a refresh):
    /// authorize the user again, then `replace(tokens)`.
    #[getter]
    fn has_ended(&self, py: Python<'_>) -> bool {
        let grant = self.inner.session().grant();
        py.detach(|| grant.is_some_and(Grant::has_ended))
    }

    /// Installs `tokens` from a new authorization (or written by another process): calls use
    /// them from now on, and an ended grant lives again.
    fn replace(&self, py: Python<'_>, tokens: &Bound<'_, TokenSet>) {
        let new = tokens.get().inner.clone();
        if let Some(grant) = self.inner.session().grant() {
            py.detach(|| grant.replace(new));
        }
    }

    /// The API origin calls go to, like `https://api.trello.com`.
    #[getter]
    fn api_base(&self) -> &str {
        self.api.as_str()
    }

    /// The OAuth 2.0 client id (public).
    #[getter]
    fn client_id(&self) -> &str {
        &self.client_id
    }

    fn __repr__(&self) -> String {
        format!(
            "OAuth2Client(client_id='{}', api_base='{}')",
            self.client_id.replace(['\'', '\\'], ""),
            self.api.as_str()
        )
    }
}

/// `ConfigError` (code `invalid_request`) for a `/1/tokens/*` helper on an OAuth 2.0 client.
fn not_for_oauth2(py: Python<'_>, what: &str) -> PyErr {
    errors::raise_config(
        py,
        "invalid_request",
        &format!(
            "{what} is for key + token credentials: Trello's /1/tokens/* routes do not take \
             an OAuth 2.0 token. Check the token with me(); the user revokes the \
             app on their Atlassian account page"
        ),
    )
}
