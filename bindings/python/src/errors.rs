//! The one place where every core error (and every error of the login helper,
//! `trello-auth-login`) becomes a Python exception: the classes live in `trello_auth/errors.py`
//! (so they can also subclass `PermissionError`, `ValueError`, `ConnectionError` or
//! `TimeoutError`); this module imports them once and raises them with `.code` and the error's
//! extra attributes set.
//!
//! Messages are the core's `Display`, which never carries a token, a secret or a body.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;
use trello_auth_core::classify::TokenRejection;
use trello_auth_core::client::ClientError;
use trello_auth_core::{CaptureError, ConfigError, OAuthError, PlacementError, TransportError};
use trello_auth_login::{Error as LoginFailure, StoreError};

/// `trello_auth.errors`, imported on first use (the package is initialised by then).
static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `ConfigError(ValueError)` for an argument value out of range, naming the argument.
pub fn invalid_argument(py: Python<'_>, argument: &str, what: &str) -> PyErr {
    raise(
        py,
        "ConfigError",
        "invalid_argument",
        &format!("{argument}: {what}"),
        &[],
    )
}

/// `ConfigError(ValueError)`, prefixed with the argument that held the value.
pub fn config(py: Python<'_>, argument: &str, e: &ConfigError) -> PyErr {
    raise(
        py,
        "ConfigError",
        e.code(),
        &format!("{argument}: {e}"),
        &[],
    )
}

/// `AuthorizationDenied` for a deny, `CaptureError(ValueError)` for anything else.
pub fn capture(py: Python<'_>, e: &CaptureError) -> PyErr {
    match e {
        CaptureError::Denied { message } => raise(
            py,
            "AuthorizationDenied",
            e.code(),
            &e.to_string(),
            &[("message", Attr::Str(message))],
        ),
        _ => raise(py, "CaptureError", e.code(), &e.to_string(), &[]),
    }
}

/// `PlacementError(ValueError)`.
pub fn placement(py: Python<'_>, e: &PlacementError) -> PyErr {
    match e {
        // Not a refusal of this request but of the argument: a placement name.
        PlacementError::UnknownPlacement => {
            raise(py, "ConfigError", e.code(), &format!("placement: {e}"), &[])
        }
        _ => raise(py, "PlacementError", e.code(), &e.to_string(), &[]),
    }
}

/// `OAuthError`, or `AuthorizationDenied` when the user refused.
pub fn oauth(py: Python<'_>, e: &OAuthError) -> PyErr {
    let class = match e {
        OAuthError::Denied => "AuthorizationDenied",
        _ => "OAuthError",
    };
    raise(py, class, e.code(), &e.to_string(), &[])
}

/// `TransportError(ConnectionError)` with `.kind`.
pub fn transport(py: Python<'_>, e: &TransportError) -> PyErr {
    let attrs = [("kind", Attr::Str(e.kind().code()))];
    raise(py, "TransportError", e.code(), &e.to_string(), &attrs)
}

/// Any error of the ureq client (which is core's `ClientError`).
pub fn client(py: Python<'_>, e: &ClientError) -> PyErr {
    client_with(py, e, &e.to_string())
}

/// `e`'s exception with the message `text` (a login's, which says what the error stopped).
fn client_with(py: Python<'_>, e: &ClientError, text: &str) -> PyErr {
    match e {
        ClientError::TokenRejected { reason } => {
            let class = match reason {
                TokenRejection::Expired => "TokenExpired",
                _ => "TokenRevoked",
            };
            let attrs = [("reason", Attr::Str(reason.code()))];
            raise(py, class, e.code(), text, &attrs)
        }
        ClientError::KeyRejected => raise(py, "KeyRejected", e.code(), text, &[]),
        ClientError::PermissionDenied { reason } => {
            let attrs = [("reason", Attr::Str(reason.code()))];
            raise(py, "PermissionDenied", e.code(), text, &attrs)
        }
        ClientError::RateLimited { limit, retry_after } => {
            let mut attrs = vec![("limit", Attr::Str(limit.code()))];
            if let Some(d) = retry_after {
                attrs.push(("retry_after", Attr::Float(d.as_secs_f64())));
            }
            raise(py, "RateLimited", e.code(), text, &attrs)
        }
        ClientError::NotFound => api(py, e, text, 404),
        ClientError::BadRequest => api(py, e, text, 400),
        ClientError::Forbidden => api(py, e, text, 403),
        ClientError::Server { status } | ClientError::Unexpected { status } => {
            api(py, e, text, *status)
        }
        ClientError::Decode(_) => raise(py, "ApiError", e.code(), text, &[]),
        ClientError::Transport(t) => transport(py, t),
        ClientError::TransportConfig { .. } => raise(py, "ConfigError", e.code(), text, &[]),
        ClientError::Config(c) => raise(py, "ConfigError", c.code(), text, &[]),
        ClientError::InvalidRequest { .. } => {
            raise(py, "ConfigError", e.code(), &format!("path: {text}"), &[])
        }
        ClientError::Placement(p) => placement(py, p),
        ClientError::OAuth(o) => oauth(py, o),
        // A variant added to the core later: still a trello_auth error with its code.
        _ => raise(py, "TrelloAuthError", e.code(), text, &[]),
    }
}

/// Any error of a login, of loading a stored profile or of a logout (`trello-auth-login`): the
/// user's answers get their own classes (`AuthorizationDenied`, `LoginClosed`, `LoginTimeout`),
/// a busy port is a `ConfigError` (`port_busy`), Trello's refusals are the client's classes, and
/// the rest is a `LoginError` with the error's code.
pub fn login(py: Python<'_>, e: &LoginFailure) -> PyErr {
    let text = e.to_string();
    match e {
        LoginFailure::Denied { message } => raise(
            py,
            "AuthorizationDenied",
            e.code(),
            &text,
            &[("message", Attr::Str(message))],
        ),
        LoginFailure::Closed => raise(
            py,
            "LoginClosed",
            e.code(),
            "the Trello window was closed before you chose Allow or Deny: call login() again",
            &[],
        ),
        LoginFailure::Timeout { after } => login_timeout(py, after.as_secs_f64()),
        LoginFailure::PortBusy { port, origin } => raise(
            py,
            "ConfigError",
            e.code(),
            &format!(
                "port {port} on 127.0.0.1 is busy: stop the program using it, or pass port=N \
                 and register http://127.0.0.1:N as an allowed origin of the key (the one \
                 registered for this port is {origin})"
            ),
            &[("port", Attr::Int(*port)), ("origin", Attr::Str(origin))],
        ),
        LoginFailure::Validation(c) => client_with(py, c, &text),
        LoginFailure::Api(c) => client(py, c),
        LoginFailure::OAuth(o) => oauth(py, o),
        LoginFailure::Config(c) => raise(py, "ConfigError", c.code(), &text, &[]),
        LoginFailure::Store(s) => store(py, s),
        LoginFailure::MissingSecret => raise(
            py,
            "ConfigError",
            e.code(),
            "mode='oauth1' needs the app secret: set TRELLO_APP_SECRET in the environment \
             (it is never an argument)",
            &[],
        ),
        LoginFailure::NotLoggedIn { profile } => raise(
            py,
            "LoginError",
            e.code(),
            &format!(
                "nothing is stored for profile {profile:?}: log in first with \
                 trello_auth.login(key) or `trello-auth login`"
            ),
            &[("profile", Attr::Str(profile))],
        ),
        // Cancelled (without a pending exception), Listen, Delivery, Runtime, Prompt, and
        // variants added later.
        _ => raise(py, "LoginError", e.code(), &text, &[]),
    }
}

/// `LoginTimeout(LoginError, TimeoutError)`: no answer within `seconds`.
pub fn login_timeout(py: Python<'_>, seconds: f64) -> PyErr {
    raise(
        py,
        "LoginTimeout",
        "timeout",
        &format!(
            "no answer from the browser within {seconds} s: nothing was stored; call login() \
             again, or pass a longer timeout="
        ),
        &[("timeout", Attr::Float(seconds))],
    )
}

/// A credential store failure: `ConfigError` for a bad `store=` or profile name, else
/// `LoginError` with the store's code.
pub fn store(py: Python<'_>, e: &StoreError) -> PyErr {
    let (class, text) = match e {
        StoreError::UnknownStore { .. } => ("ConfigError", format!("store: {e}")),
        StoreError::InvalidProfile { .. } => ("ConfigError", format!("profile: {e}")),
        // The store's messages name the CLI's flag; a Python caller passes an argument.
        _ => (
            "LoginError",
            e.to_string().replace("`--store file`", "store=\"file\""),
        ),
    };
    raise(py, class, e.code(), &text, &[])
}

/// `ApiError` with code `decode`: a success whose body is not JSON.
pub fn not_json(py: Python<'_>) -> PyErr {
    raise(
        py,
        "ApiError",
        "decode",
        "the response body is not JSON: use a route that answers JSON",
        &[],
    )
}

/// `ApiError` with the HTTP status.
fn api(py: Python<'_>, e: &ClientError, text: &str, status: u16) -> PyErr {
    raise(
        py,
        "ApiError",
        e.code(),
        text,
        &[("status", Attr::Int(status))],
    )
}

/// An extra attribute of an exception.
enum Attr<'a> {
    Str(&'a str),
    Int(u16),
    Float(f64),
}

/// An exception of class `class` (a name in `trello_auth.errors`) with `message`, `.code` and
/// extra attributes.
fn raise(
    py: Python<'_>,
    class: &str,
    code: &str,
    message: &str,
    attrs: &[(&str, Attr<'_>)],
) -> PyErr {
    // Only fails if trello_auth.errors cannot be imported (a broken install): still an error.
    build(py, class, code, message, attrs).unwrap_or_else(|import_failure| import_failure)
}

fn build(
    py: Python<'_>,
    class: &str,
    code: &str,
    message: &str,
    attrs: &[(&str, Attr<'_>)],
) -> PyResult<PyErr> {
    let module = ERRORS
        .get_or_try_init(py, || {
            PyModule::import(py, "trello_auth.errors").map(Bound::unbind)
        })?
        .bind(py);
    let instance = module.getattr(class)?.call1((message,))?;
    instance.setattr("code", code)?;
    for (name, value) in attrs {
        match value {
            Attr::Str(v) => instance.setattr(*name, *v)?,
            Attr::Int(v) => instance.setattr(*name, *v)?,
            Attr::Float(v) => instance.setattr(*name, *v)?,
        }
    }
    Ok(PyErr::from_value(instance))
}
