//! The one place where every core error (and every error of the login helper,
//! `trello-auth-login`) becomes a Python exception: the classes live in `trello_auth/errors.py`
//! (so they can also subclass `PermissionError`, `ValueError`, `ConnectionError` or
//! `TimeoutError`); this module names each one as a Rust type (`import_exception!`), so that a
//! misspelt class is a compile error, and raises them with `.code` and the error's extra
//! attributes set. [`check_classes`] resolves every class once, when the native module is
//! imported, so that a class missing from `errors.py` is an `ImportError` there, not a panic
//! on the first error raised.
//!
//! Messages are the core's `Display`, which never carries a token, a secret or a body.

use pyo3::exceptions::{PyBaseException, PyImportError};
use pyo3::prelude::*;
use pyo3::types::{PyModule, PyType};
use pyo3::PyTypeInfo;
use trello_auth_core::oauth1::OAuthError;
use trello_auth_core::oauth2::{EndpointError, OAuth2Error};
use trello_auth_core::Error as CoreError;
use trello_auth_core::TokenRejection;
use trello_auth_core::{CaptureError, ConfigError, PlacementError, TransportError};
use trello_auth_login::{Error as LoginFailure, StoreError};

use crate::oauth2_client::HookFailed;

/// `import_exception!` for each class of `trello_auth.errors` that is raised here, and
/// [`CLASSES`](class::CLASSES), their names, from the same identifiers.
macro_rules! python_classes {
    ($($class:ident),+ $(,)?) => {
        $(pyo3::import_exception!(trello_auth.errors, $class);)+

        /// The classes above, by name, for [`check_classes`](super::check_classes).
        pub const CLASSES: &[&str] = &[$(stringify!($class)),+];
    };
}

/// The exception classes of `trello_auth/errors.py`, as Rust types.
mod class {
    python_classes!(
        TrelloAuthError,
        TokenRevoked,
        TokenExpired,
        KeyRejected,
        PermissionDenied,
        RateLimited,
        ApiError,
        AuthorizationDenied,
        CaptureError,
        ConfigError,
        PlacementError,
        OAuthError,
        OAuth2Error,
        TransportError,
        RateBudgetUnavailable,
        WebhookSignatureError,
        LoginError,
        LoginTimeout,
        LoginClosed,
    );
}

/// Imports `trello_auth.errors` and checks that it defines every class raised here, as an
/// exception class: called once by the module's initialisation, so that afterwards resolving
/// a class (which `import_exception!` does on first use, panicking if it cannot) cannot fail.
pub fn check_classes(py: Python<'_>) -> PyResult<()> {
    let module = PyModule::import(py, "trello_auth.errors")?;
    for name in class::CLASSES {
        let is_exception = match module.getattr(*name) {
            Ok(class) => class
                .cast::<PyType>()
                .is_ok_and(|t| t.is_subclass_of::<PyBaseException>().unwrap_or(false)),
            Err(_) => false,
        };
        if !is_exception {
            return Err(PyImportError::new_err(format!(
                "trello_auth.errors defines no exception class {name}: the installed package \
                 does not match its native module; reinstall trello_auth"
            )));
        }
    }
    Ok(())
}

/// `ConfigError(ValueError)` for an argument value out of range, naming the argument.
pub fn invalid_argument(py: Python<'_>, argument: &str, what: &str) -> PyErr {
    raise::<class::ConfigError>(py, "invalid_argument", &format!("{argument}: {what}"), &[])
}

/// `WebhookSignatureError(ValueError)` for a delivery that does not verify (SPEC S9).
pub fn webhook(py: Python<'_>, e: &trello_auth_core::webhook::WebhookError) -> PyErr {
    raise::<class::WebhookSignatureError>(py, e.code(), &e.to_string(), &[])
}

/// `ConfigError(ValueError)`, prefixed with the argument that held the value.
pub fn config(py: Python<'_>, argument: &str, e: &ConfigError) -> PyErr {
    raise::<class::ConfigError>(py, e.code(), &format!("{argument}: {e}"), &[])
}

/// `AuthorizationDenied` for a deny, `CaptureError(ValueError)` for anything else.
pub fn capture(py: Python<'_>, e: &CaptureError) -> PyErr {
    match e {
        CaptureError::Denied { message } => raise::<class::AuthorizationDenied>(
            py,
            e.code(),
            &e.to_string(),
            &[("message", Attr::Str(message))],
        ),
        _ => raise::<class::CaptureError>(py, e.code(), &e.to_string(), &[]),
    }
}

/// `PlacementError(ValueError)`.
pub fn placement(py: Python<'_>, e: &PlacementError) -> PyErr {
    match e {
        // Not a refusal of this request but of the argument: a placement name.
        PlacementError::UnknownPlacement => {
            raise::<class::ConfigError>(py, e.code(), &format!("placement: {e}"), &[])
        }
        _ => raise::<class::PlacementError>(py, e.code(), &e.to_string(), &[]),
    }
}

/// `OAuthError`, or `AuthorizationDenied` when the user refused.
pub fn oauth(py: Python<'_>, e: &OAuthError) -> PyErr {
    match e {
        OAuthError::Denied => {
            raise::<class::AuthorizationDenied>(py, e.code(), &e.to_string(), &[])
        }
        _ => raise::<class::OAuthError>(py, e.code(), &e.to_string(), &[]),
    }
}

/// `ConfigError(ValueError)` with `code` and a message of the binding's own.
pub fn raise_config(py: Python<'_>, code: &str, message: &str) -> PyErr {
    raise::<class::ConfigError>(py, code, message, &[])
}

/// An OAuth 2.0 error of the token endpoint or of an input (SPEC S8): `invalid_grant` is
/// `TokenRevoked` (a `TokenRejected`, reason `grant_revoked`: authorize the user again), the
/// endpoint's other refusals and unreadable answers are `OAuth2Error` with `.status`, a deny
/// is `AuthorizationDenied`, a redirect that does not match is `CaptureError`, and a refused
/// input (client id, secret, scope, redirect URI, state, verifier) is `ConfigError`.
pub fn oauth2(py: Python<'_>, e: &OAuth2Error) -> PyErr {
    let text = e.to_string();
    match e {
        OAuth2Error::Endpoint {
            error: EndpointError::InvalidGrant,
            status,
        } => raise::<class::TokenRevoked>(
            py,
            "token_rejected",
            &text,
            &[
                ("reason", Attr::Str("grant_revoked")),
                ("status", Attr::Int(*status)),
            ],
        ),
        OAuth2Error::Endpoint { status, .. } => {
            raise::<class::OAuth2Error>(py, e.code(), &text, &[("status", Attr::Int(*status))])
        }
        OAuth2Error::Malformed { .. } | OAuth2Error::UnsupportedTokenType => {
            raise::<class::OAuth2Error>(py, e.code(), &text, &[])
        }
        OAuth2Error::Denied { error, description } => {
            let mut attrs = vec![
                ("error", Attr::Str(error)),
                (
                    "message",
                    Attr::Str(description.as_deref().unwrap_or(error)),
                ),
            ];
            if let Some(d) = description {
                attrs.push(("description", Attr::Str(d)));
            }
            raise::<class::AuthorizationDenied>(py, e.code(), &text, &attrs)
        }
        OAuth2Error::StateMismatch => raise::<class::CaptureError>(py, e.code(), &text, &[]),
        // The inputs: InvalidClientId, EmptyScope, UnknownScope, InvalidRedirectUri,
        // InsecureRedirectUri, InvalidState, InvalidAudience, InvalidVerifier, MissingPkce,
        // InvalidSecret, and variants added later.
        _ => raise::<class::ConfigError>(py, e.code(), &text, &[]),
    }
}

/// `OAuth2Error` with code `tokens_not_saved`: the `on_tokens` callable of an `OAuth2Client`
/// raised; its exception is the `__cause__`.
fn tokens_not_saved(
    py: Python<'_>,
    source: &(dyn std::error::Error + Send + Sync + 'static),
) -> PyErr {
    let err = raise::<class::OAuth2Error>(
        py,
        "tokens_not_saved",
        "the refreshed OAuth 2.0 tokens were not saved: on_tokens raised (the __cause__ says \
         why); fix it: the new tokens are kept in memory and the next call runs on_tokens \
         again before using them (the old refresh token is never sent again)",
        &[],
    );
    if let Some(HookFailed(cause)) = source.downcast_ref::<HookFailed>() {
        err.set_cause(py, Some(cause.clone_ref(py)));
    }
    err
}

/// [`oauth2`] for a redirect being read: a malformed one is a `CaptureError` (what came back
/// cannot be read), not a token endpoint's `OAuth2Error`.
pub fn oauth2_redirect(py: Python<'_>, e: &OAuth2Error) -> PyErr {
    match e {
        OAuth2Error::Malformed { .. } => {
            raise::<class::CaptureError>(py, e.code(), &e.to_string(), &[])
        }
        _ => oauth2(py, e),
    }
}

/// `TransportError(ConnectionError)` with `.kind`.
pub fn transport(py: Python<'_>, e: &TransportError) -> PyErr {
    let attrs = [("kind", Attr::Str(e.kind().code()))];
    raise::<class::TransportError>(py, e.code(), &e.to_string(), &attrs)
}

/// Any error of the ureq client (which is core's `Error`).
pub fn client(py: Python<'_>, e: &CoreError) -> PyErr {
    client_with(py, e, &e.to_string())
}

/// `e`'s exception with the message `text` (a login's, which says what the error stopped).
fn client_with(py: Python<'_>, e: &CoreError, text: &str) -> PyErr {
    match e {
        CoreError::TokenRejected { reason } => {
            let attrs = [("reason", Attr::Str(reason.code()))];
            match reason {
                TokenRejection::Expired => raise::<class::TokenExpired>(py, e.code(), text, &attrs),
                _ => raise::<class::TokenRevoked>(py, e.code(), text, &attrs),
            }
        }
        CoreError::KeyRejected => raise::<class::KeyRejected>(py, e.code(), text, &[]),
        CoreError::PermissionDenied { reason } => {
            let attrs = [("reason", Attr::Str(reason.code()))];
            raise::<class::PermissionDenied>(py, e.code(), text, &attrs)
        }
        CoreError::RateLimited { limit, retry_after } => {
            let mut attrs = vec![("limit", Attr::Str(limit.code()))];
            if let Some(d) = retry_after {
                attrs.push(("retry_after", Attr::Float(d.as_secs_f64())));
            }
            raise::<class::RateLimited>(py, e.code(), text, &attrs)
        }
        CoreError::NotFound => api(py, e, text, 404),
        CoreError::BadRequest => api(py, e, text, 400),
        CoreError::Forbidden => api(py, e, text, 403),
        CoreError::Server { status } | CoreError::Unexpected { status } => {
            api(py, e, text, *status)
        }
        CoreError::Decode(_) => raise::<class::ApiError>(py, e.code(), text, &[]),
        CoreError::Transport(t) => transport(py, t),
        CoreError::TransportConfig { .. } => raise::<class::ConfigError>(py, e.code(), text, &[]),
        CoreError::Config(c) => raise::<class::ConfigError>(py, c.code(), text, &[]),
        CoreError::InvalidRequest { .. } => {
            raise::<class::ConfigError>(py, e.code(), &format!("path: {text}"), &[])
        }
        CoreError::Placement(p) => placement(py, p),
        CoreError::OAuth(o) => oauth(py, o),
        CoreError::OAuth2(o) => oauth2(py, o),
        CoreError::TokensNotSaved { source } => tokens_not_saved(py, source.as_ref()),
        CoreError::Capture(c) => capture(py, c),
        CoreError::RateBudget(_) => raise::<class::RateBudgetUnavailable>(py, e.code(), text, &[]),
        // A variant added to the core later: still a trello_auth error with its code.
        _ => raise::<class::TrelloAuthError>(py, e.code(), text, &[]),
    }
}

/// Any error of a login, of loading a stored profile or of a logout (`trello-auth-login`): the
/// user's answers get their own classes (`AuthorizationDenied`, `LoginClosed`, `LoginTimeout`),
/// a busy port is a `ConfigError` (`port_busy`), Trello's refusals are the client's classes, and
/// the rest is a `LoginError` with the error's code.
pub fn login(py: Python<'_>, e: &LoginFailure) -> PyErr {
    let text = e.to_string();
    match e {
        LoginFailure::Denied { message } => raise::<class::AuthorizationDenied>(
            py,
            e.code(),
            &text,
            &[("message", Attr::Str(message))],
        ),
        LoginFailure::Closed => raise::<class::LoginClosed>(
            py,
            e.code(),
            "the Trello window was closed before you chose Allow or Deny: call login() again",
            &[],
        ),
        LoginFailure::Timeout { after } => login_timeout(py, after.as_secs_f64()),
        LoginFailure::PortBusy { port, origin } => raise::<class::ConfigError>(
            py,
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
        LoginFailure::Config(c) => raise::<class::ConfigError>(py, c.code(), &text, &[]),
        LoginFailure::Store(s) => store(py, s),
        LoginFailure::MissingSecret => raise::<class::ConfigError>(
            py,
            e.code(),
            "mode='oauth1' needs the app secret: set TRELLO_APP_SECRET in the environment \
             (it is never an argument)",
            &[],
        ),
        // A redirect with another state or unreadable is a CaptureError, a refused exchange
        // or input has the class `ta.oauth2`'s functions raise.
        LoginFailure::OAuth2(o) => oauth2_redirect(py, o),
        LoginFailure::Reauthorize { profile } => raise::<class::TokenRevoked>(
            py,
            "token_rejected",
            &text,
            &[
                ("reason", Attr::Str("grant_revoked")),
                ("profile", Attr::Str(profile)),
            ],
        ),
        LoginFailure::MissingClientId => raise::<class::ConfigError>(
            py,
            e.code(),
            "mode='oauth2' needs the app's OAuth 2.0 client id: pass client_id=",
            &[],
        ),
        LoginFailure::NotLoggedIn { profile } => raise::<class::LoginError>(
            py,
            e.code(),
            &format!(
                "nothing is stored for profile {profile:?}: log in first with \
                 trello_auth.login(key) or `trello-auth login`"
            ),
            &[("profile", Attr::Str(profile))],
        ),
        // Cancelled (without a pending exception), Listen, Delivery, Runtime, Prompt, and
        // variants added later.
        _ => raise::<class::LoginError>(py, e.code(), &text, &[]),
    }
}

/// `LoginTimeout(LoginError, TimeoutError)`: no answer within `seconds`.
pub fn login_timeout(py: Python<'_>, seconds: f64) -> PyErr {
    raise::<class::LoginTimeout>(
        py,
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
    match e {
        StoreError::UnknownStore { .. } => {
            raise::<class::ConfigError>(py, e.code(), &format!("store: {e}"), &[])
        }
        StoreError::InvalidProfile { .. } => {
            raise::<class::ConfigError>(py, e.code(), &format!("profile: {e}"), &[])
        }
        // The store's messages name the CLI's flag; a Python caller passes an argument.
        _ => {
            let text = e.to_string().replace("`--store file`", "store=\"file\"");
            raise::<class::LoginError>(py, e.code(), &text, &[])
        }
    }
}

/// `ApiError` with code `decode`: a success whose body is not JSON.
pub fn not_json(py: Python<'_>) -> PyErr {
    raise::<class::ApiError>(
        py,
        "decode",
        "the response body is not JSON: use a route that answers JSON",
        &[],
    )
}

/// `ApiError` with the HTTP status.
fn api(py: Python<'_>, e: &CoreError, text: &str, status: u16) -> PyErr {
    raise::<class::ApiError>(py, e.code(), text, &[("status", Attr::Int(status))])
}

/// An extra attribute of an exception.
enum Attr<'a> {
    Str(&'a str),
    Int(u16),
    Float(f64),
}

/// An exception of class `E` (one of [`class`]) with `message`, `.code` and extra attributes.
fn raise<E: PyTypeInfo>(
    py: Python<'_>,
    code: &str,
    message: &str,
    attrs: &[(&str, Attr<'_>)],
) -> PyErr {
    // Only fails if the class's constructor or setattr raises (a broken install): still an
    // error, that one.
    build(&E::type_object(py), code, message, attrs).unwrap_or_else(|failure| failure)
}

fn build(
    class: &Bound<'_, PyType>,
    code: &str,
    message: &str,
    attrs: &[(&str, Attr<'_>)],
) -> PyResult<PyErr> {
    let instance = class.call1((message,))?;
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
