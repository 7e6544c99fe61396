//! `_Sandbox`: the Rust sandbox (`trello-auth-sandbox`) running in-process on its own threads,
//! with its admin API as methods, and the sandbox's own reader of its consent page as static
//! methods. `trello_auth.sandbox.Sandbox` wraps it as a context manager.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use trello_auth_sandbox::consent::{self, ConsentForm};
use trello_auth_sandbox::{
    Admin, Expiration, Fault, RateLimits, RecordedRequest, RouteMatch, Sandbox, Scopes, TokenSpec,
};
use trello_auth_sandbox::{DeliveryOutcome, DeliveryPolicy, WebhookDelivery};

use crate::convert::Int;
use crate::errors;

/// A running sandbox. `close()` (or garbage collection) stops it.
#[pyclass(frozen, name = "_Sandbox", module = "trello_auth._trello_auth")]
#[derive(Debug)]
pub struct PySandbox {
    running: Mutex<Option<Sandbox>>,
    admin: Admin,
    api_base: String,
    storage_base: String,
    ca_pem: Option<String>,
    app_key: String,
    app_secret: String,
    app_name: String,
    token: String,
    member: (String, String, String),
    fixtures: trello_auth_sandbox::Fixtures,
    oauth2: trello_auth_sandbox::OAuth2Info,
}

#[pymethods]
impl PySandbox {
    #[new]
    #[pyo3(
        text_signature = "(*, tls=False, rate_limits=None, allowed_origins=None, worker_threads=2, webhook_retry_delays=None, webhook_timeout=None)"
    )]
    #[pyo3(signature = (*, tls = false, rate_limits = None, allowed_origins = None, worker_threads = Int::new(2), webhook_retry_delays = None, webhook_timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        tls: bool,
        rate_limits: Option<(Int, Int, f64)>,
        allowed_origins: Option<Vec<String>>,
        worker_threads: Int,
        webhook_retry_delays: Option<Vec<f64>>,
        webhook_timeout: Option<f64>,
    ) -> PyResult<Self> {
        let workers = worker_threads.range(py, "worker_threads", 1, 16)?;
        let mut builder = Sandbox::builder().tls(tls).worker_threads(workers as usize);
        builder =
            builder.webhook_delivery(delivery_policy(py, webhook_retry_delays, webhook_timeout)?);
        if let Some((key_max, token_max, window)) = rate_limits {
            let key_max = key_max.range(py, "rate_limits", 1, u32::MAX.into())?;
            let token_max = token_max.range(py, "rate_limits", 1, u32::MAX.into())?;
            if !(window.is_finite() && window > 0.0 && window <= 86_400.0) {
                return Err(errors::invalid_argument(
                    py,
                    "rate_limits",
                    "the window is seconds, above 0 and at most 86400",
                ));
            }
            let window = Duration::from_secs_f64(window);
            builder =
                builder.rate_limits(RateLimits::new(key_max as u32, token_max as u32, window));
        }
        if let Some(origins) = allowed_origins {
            let app =
                trello_auth_sandbox::App::generate("Sandbox app").with_allowed_origins(origins);
            builder = builder.app(app);
        }
        let sandbox = py.detach(|| builder.start_blocking()).map_err(|e| {
            errors::invalid_argument(py, "Sandbox", &format!("the sandbox did not start: {e}"))
        })?;
        let member = sandbox.member();
        Ok(Self {
            admin: sandbox.admin(),
            api_base: sandbox.api_base().to_owned(),
            storage_base: sandbox.storage_base().to_owned(),
            ca_pem: sandbox.ca_pem().map(str::to_owned),
            app_key: sandbox.app().key.clone(),
            app_secret: sandbox.app().secret.clone(),
            app_name: sandbox.app().name.clone(),
            token: sandbox.token().to_owned(),
            member: (
                member.id.clone(),
                member.username.clone(),
                member.full_name.clone(),
            ),
            fixtures: sandbox.fixtures().clone(),
            oauth2: sandbox.oauth2().clone(),
            running: Mutex::new(Some(sandbox)),
        })
    }

    /// The REST origin, like `https://api.trello.com`.
    #[getter]
    fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The authorize origin, like `https://trello.com` (the same server).
    #[getter]
    fn auth_base(&self) -> &str {
        &self.api_base
    }

    /// The origin attachment downloads redirect to.
    #[getter]
    fn storage_base(&self) -> &str {
        &self.storage_base
    }

    /// The CA certificate (PEM) to trust with TLS, else `None`.
    #[getter]
    fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The default app's API key.
    #[getter]
    fn app_key(&self) -> &str {
        &self.app_key
    }

    /// The default app's secret (OAuth 1.0a consumer secret).
    #[getter]
    fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// The default app's name, shown on the consent page.
    #[getter]
    fn app_name(&self) -> &str {
        &self.app_name
    }

    /// A `read,write` token of the default member that never expires.
    #[getter]
    fn token(&self) -> &str {
        &self.token
    }

    /// The default member: `{"id", "username", "full_name"}`.
    #[getter]
    fn member<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", &self.member.0)?;
        d.set_item("username", &self.member.1)?;
        d.set_item("full_name", &self.member.2)?;
        Ok(d)
    }

    /// The default member's board, list, card and attachment ids.
    #[getter]
    fn fixtures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let f = &self.fixtures;
        let d = PyDict::new(py);
        d.set_item("board_id", &f.board_id)?;
        d.set_item("list_id", &f.list_id)?;
        d.set_item("card_id", &f.card_id)?;
        d.set_item("attachment_id", &f.attachment_id)?;
        d.set_item("attachment_name", &f.attachment_name)?;
        Ok(d)
    }

    /// The confidential OAuth 2.0 client's id (SPEC S8).
    #[getter]
    fn oauth2_client_id(&self) -> &str {
        &self.oauth2.client_id
    }

    /// The confidential OAuth 2.0 client's secret.
    #[getter]
    fn oauth2_client_secret(&self) -> &str {
        &self.oauth2.client_secret
    }

    /// The public OAuth 2.0 client's id (no secret: PKCE alone).
    #[getter]
    fn oauth2_public_client_id(&self) -> &str {
        &self.oauth2.public_client_id
    }

    /// The redirect URIs both OAuth 2.0 clients accept, character for character.
    #[getter]
    fn oauth2_redirect_uris(&self) -> Vec<String> {
        self.oauth2.redirect_uris.clone()
    }

    /// Revokes the OAuth 2.0 grants of `client_id` (only `member_id`'s, if given) with every
    /// token they issued, as a user revoking the app does (SPEC S8.1); how many were revoked.
    #[pyo3(signature = (client_id, member_id = None))]
    fn revoke_oauth2_grant(
        &self,
        py: Python<'_>,
        client_id: &str,
        member_id: Option<&str>,
    ) -> PyResult<usize> {
        self.admin
            .revoke_oauth2_grant(client_id, member_id)
            .map_err(|e| errors::invalid_argument(py, "client_id", &e.to_string()))
    }

    /// Mints a token of the default member and app: `scope` like `read,write`, `expiration`
    /// one of `1hour`, `1day`, `30days`, `never`, or `expires_in` seconds of sandbox time.
    #[pyo3(signature = (*, scope = "read,write", expiration = "never", expires_in = None))]
    fn mint_token(
        &self,
        py: Python<'_>,
        scope: &str,
        expiration: &str,
        expires_in: Option<f64>,
    ) -> PyResult<String> {
        let scopes = Scopes::parse(scope).ok_or_else(|| {
            errors::invalid_argument(py, "scope", "expected names among read, write, account")
        })?;
        let expiration = match expires_in {
            Some(secs) if secs.is_finite() && secs >= 0.0 => {
                Expiration::After(Duration::from_secs_f64(secs))
            }
            Some(_) => {
                return Err(errors::invalid_argument(
                    py,
                    "expires_in",
                    "expected seconds, at least 0",
                ))
            }
            None => Expiration::parse(expiration).ok_or_else(|| {
                errors::invalid_argument(py, "expiration", "expected 1hour, 1day, 30days or never")
            })?,
        };
        let spec = TokenSpec {
            scopes,
            expiration,
            ..TokenSpec::default()
        };
        self.admin
            .mint_token(&spec)
            .map_err(|e| errors::invalid_argument(py, "mint_token", &e.to_string()))
    }

    /// Revokes `token` as `DELETE /1/tokens/{token}` would; `False` if unknown.
    fn revoke_token(&self, token: &str) -> bool {
        self.admin.revoke_token(token)
    }

    /// Moves the sandbox clock forward (expiry, OAuth timestamps, rate-limit windows).
    fn advance_clock(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(errors::invalid_argument(
                py,
                "seconds",
                "expected at least 0",
            ));
        }
        self.admin.advance_clock(Duration::from_secs_f64(seconds));
        Ok(())
    }

    /// The sandbox clock, in seconds since 1970.
    fn now(&self) -> i64 {
        self.admin.now_secs()
    }

    /// Arms a fault for the next `count` requests whose path starts with `path` (or equals it,
    /// with `exact=True`): answer `status`, wait `latency` seconds first, `close` the
    /// connection mid-response, answer a 302 to `redirect`, or serve and then close the
    /// connection gracefully (`goaway`: HTTP/2 GOAWAY, or `Connection: close`). With
    /// `after_applying=True` the request is served first (its write applied) and then answered
    /// with the `status` or `close`.
    #[pyo3(
        text_signature = "(self, path, *, count=1, status=None, latency=None, close=False, method=None, exact=False, after_applying=False, redirect=None, goaway=False)"
    )]
    #[pyo3(signature = (path, *, count = Int::new(1), status = None, latency = None, close = false, method = None, exact = false, after_applying = false, redirect = None, goaway = false))]
    #[allow(clippy::too_many_arguments)]
    fn inject_fault(
        &self,
        py: Python<'_>,
        path: &str,
        count: Int,
        status: Option<Int>,
        latency: Option<f64>,
        close: bool,
        method: Option<&str>,
        exact: bool,
        after_applying: bool,
        redirect: Option<&str>,
        goaway: bool,
    ) -> PyResult<()> {
        let count = count.range(py, "count", 1, u32::MAX.into())?;
        let mut fault = Fault::prefix(path, count as u32);
        if exact {
            fault.route = RouteMatch::Exact(path.to_owned());
        }
        if let Some(status) = status {
            // In range, so the cast is exact.
            let status = status.range(py, "status", 100, 599)?;
            fault = fault.status(status as u16);
        }
        if let Some(secs) = latency {
            if !(secs.is_finite() && (0.0..=60.0).contains(&secs)) {
                return Err(errors::invalid_argument(
                    py,
                    "latency",
                    "expected 0 to 60 seconds",
                ));
            }
            fault = fault.latency(Duration::from_secs_f64(secs));
        }
        if close {
            fault = fault.close();
        }
        if after_applying {
            if fault.status.is_none() && !close {
                return Err(errors::invalid_argument(
                    py,
                    "after_applying",
                    "give a status or close=True to answer once the request is served",
                ));
            }
            fault = fault.after_applying();
        }
        if let Some(url) = redirect {
            if http::HeaderValue::from_str(url).is_err() {
                return Err(errors::invalid_argument(
                    py,
                    "redirect",
                    "expected a URL that fits in a Location header",
                ));
            }
            fault = fault.redirect(url);
        }
        if goaway {
            fault = fault.goaway();
        }
        fault.method = method.map(str::to_ascii_uppercase);
        self.admin.inject_fault(fault);
        Ok(())
    }

    /// How many times each write was applied (every POST, PUT or DELETE served with a 2xx): a
    /// dict from its `X-Request-Id`, or `"METHOD path body"` with credentials redacted, to
    /// its count. A count above 1 is a write sent twice.
    fn applied_writes(&self) -> std::collections::BTreeMap<String, u32> {
        self.admin.applied_writes()
    }

    /// Forgets the applied-write counts.
    fn clear_applied_writes(&self) {
        self.admin.clear_applied_writes();
    }

    /// Disarms every fault.
    fn clear_faults(&self) {
        self.admin.clear_faults();
    }

    /// The webhook deliveries finished so far (SPEC S9), oldest first: a list of dicts.
    fn webhook_deliveries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        deliveries(py, self.admin.webhook_deliveries())
    }

    /// Waits until at least `count` deliveries are logged or `timeout` seconds passed; the log.
    #[pyo3(signature = (count, *, timeout = 10.0))]
    fn wait_for_webhook_deliveries<'py>(
        &self,
        py: Python<'py>,
        count: usize,
        timeout: f64,
    ) -> PyResult<Bound<'py, PyList>> {
        let timeout = seconds(py, "timeout", timeout)?;
        let log = py.detach(|| self.admin.wait_for_webhook_deliveries(count, timeout));
        deliveries(py, log)
    }

    /// The ids of every registered webhook, of every token.
    fn webhook_ids(&self) -> Vec<String> {
        self.admin.webhook_ids()
    }

    /// The requests received so far, credentials redacted: a list of dicts.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        recorded(py, self.admin.requests())
    }

    /// The requests that reached the storage origin (`credentials_present` must be `False`).
    fn storage_requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        recorded(py, self.admin.storage_requests())
    }

    /// Forgets the recorded requests.
    fn clear_requests(&self) {
        self.admin.clear_requests();
    }

    /// Stops the server and waits for its threads (idempotent).
    fn close(&self, py: Python<'_>) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        py.detach(move || drop(running));
    }

    /// Whether the server is still running.
    #[getter]
    fn running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// What a browser sends when the user presses `button` (`"Allow"` or `"Deny"`) on the
    /// consent page `html`: `(action, body)`, the form's action as written (a path: join it to
    /// the page's URL) and the `application/x-www-form-urlencoded` body. The sandbox's own
    /// reader of its page (`trello_auth_sandbox::consent`), so tests need no HTML parsing.
    /// `ConfigError` (a `ValueError`) when the page has no consent form (an error page: its
    /// text says why) or the form offers no such button.
    #[staticmethod]
    fn consent_submission(py: Python<'_>, html: &str, button: &str) -> PyResult<(String, String)> {
        let refused =
            |e: trello_auth_sandbox::Error| errors::invalid_argument(py, "html", &e.to_string());
        let form = ConsentForm::parse(html).map_err(refused)?;
        let (action, body) = form.submission(button).map_err(refused)?;
        Ok((action.to_owned(), body))
    }

    /// The text of the first `<pre>` of `html`, unescaped and trimmed, or `None`: where display
    /// mode shows the token and OAuth 1.0a's `oob` flow the verifier.
    #[staticmethod]
    fn first_pre(html: &str) -> Option<String> {
        consent::first_pre(html)
    }

    fn __repr__(&self) -> String {
        format!("_Sandbox(api_base='{}')", self.api_base)
    }
}

/// Seconds as a `Duration`: finite, 0 to a day.
fn seconds(py: Python<'_>, argument: &str, secs: f64) -> PyResult<Duration> {
    if secs.is_finite() && (0.0..=86_400.0).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(errors::invalid_argument(
            py,
            argument,
            "expected seconds from 0 to 86400",
        ))
    }
}

/// The sandbox's webhook delivery policy from the constructor's arguments.
fn delivery_policy(
    py: Python<'_>,
    delays: Option<Vec<f64>>,
    timeout: Option<f64>,
) -> PyResult<DeliveryPolicy> {
    let mut policy = DeliveryPolicy::default();
    if let Some(delays) = delays {
        policy.retry_delays = delays
            .into_iter()
            .map(|d| seconds(py, "webhook_retry_delays", d))
            .collect::<PyResult<_>>()?;
    }
    if let Some(t) = timeout {
        policy.timeout = seconds(py, "webhook_timeout", t)?;
        if policy.timeout.is_zero() {
            return Err(errors::invalid_argument(
                py,
                "webhook_timeout",
                "expected seconds above 0",
            ));
        }
    }
    Ok(policy)
}

fn deliveries<'py>(py: Python<'py>, log: Vec<WebhookDelivery>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for d in log {
        let item = PyDict::new(py);
        item.set_item("webhook_id", d.webhook_id)?;
        item.set_item("id_model", d.id_model)?;
        item.set_item("callback_url", d.callback_url)?;
        item.set_item("action_type", d.action_type)?;
        item.set_item("action_id", d.action_id)?;
        let attempts = PyList::empty(py);
        for a in d.attempts {
            let attempt = PyDict::new(py);
            attempt.set_item("status", a.status)?;
            attempt.set_item("error", a.error)?;
            attempts.append(attempt)?;
        }
        item.set_item("attempts", attempts)?;
        let outcome = match d.outcome {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Failed => "failed",
            DeliveryOutcome::Gone => "gone",
            _ => "unknown",
        };
        item.set_item("outcome", outcome)?;
        out.append(item)?;
    }
    Ok(out)
}

fn recorded<'py>(py: Python<'py>, requests: Vec<RecordedRequest>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for r in requests {
        let d = PyDict::new(py);
        let listener = match r.listener {
            trello_auth_sandbox::Listener::Api => "api",
            trello_auth_sandbox::Listener::Storage => "storage",
        };
        d.set_item("listener", listener)?;
        d.set_item("method", r.method)?;
        d.set_item("version", r.version)?;
        d.set_item("path", r.path)?;
        d.set_item("placement", placement_name(r.placement))?;
        d.set_item("credentials_present", r.credentials_present)?;
        d.set_item("authorization", r.authorization)?;
        d.set_item("body", r.body)?;
        d.set_item("status", r.status)?;
        let counted = match r.counted {
            Some(c) => {
                let counted = PyDict::new(py);
                counted.set_item("key", c.key)?;
                counted.set_item("token", c.token)?;
                counted.set_item("at_ms", c.at_ms)?;
                Some(counted)
            }
            None => None,
        };
        d.set_item("counted", counted)?;
        out.append(d)?;
    }
    Ok(out)
}

fn placement_name(p: trello_auth_sandbox::Placement) -> &'static str {
    use trello_auth_sandbox::Placement as P;
    match p {
        P::None => "none",
        P::Query => "query",
        P::Header => "header",
        P::SignedHeader => "signed_header",
        P::Body => "body",
        P::Multiple => "multiple",
    }
}
