//! The native module `trello_auth._trello_auth` of the `trello_auth` wheel: Python conversions
//! over `trello-auth-core` (logic), `trello-auth-ureq` (the blocking client),
//! `trello-auth-login` (the login on the user's machine and the credential store),
//! `trello-auth-cli` (the `trello-auth` console script) and `trello-auth-sandbox` (the
//! in-process test server). The Python package (`python/trello_auth/`) re-exports these names
//! as the Python contract of the repository's `ARCHITECTURE.md`.
//!
//! Nothing here may panic into Python: inputs are validated, every error is mapped by
//! the `errors` module, and blocking I/O runs with the GIL released.

// A Python signature with keyword arguments maps one to one onto a Rust function's parameters.
#![allow(clippy::too_many_arguments)]

mod auth;
mod client;
mod convert;
mod errors;
mod fleet;
mod login;
mod oauth1;
mod oauth2;
mod oauth2_client;
mod sandbox;
mod verdict;
mod webhook;

use pyo3::prelude::*;

#[pymodule]
fn _trello_auth(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::check_classes(m.py())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(auth::authorize_url, m)?)?;
    m.add_function(wrap_pyfunction!(auth::parse_fragment, m)?)?;
    m.add_function(wrap_pyfunction!(auth::parse_post_message, m)?)?;
    m.add_function(wrap_pyfunction!(auth::parse_pasted_token, m)?)?;
    m.add_class::<auth::Credentials>()?;
    m.add_function(wrap_pyfunction!(verdict::classify, m)?)?;
    m.add_class::<verdict::Verdict>()?;
    m.add_class::<client::Client>()?;
    m.add_function(wrap_pyfunction!(oauth1::sign, m)?)?;
    m.add_function(wrap_pyfunction!(oauth1::signature, m)?)?;
    m.add_class::<oauth1::Signature>()?;
    m.add_class::<oauth1::Flow>()?;
    m.add_class::<oauth1::AccessToken>()?;
    m.add_function(wrap_pyfunction!(oauth2::authorization_request, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::parse_redirect, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::exchange_code, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::refresh, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::parse_token_response, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::webhook_verify, m)?)?;
    m.add_class::<oauth2::AuthorizationRequest>()?;
    m.add_class::<oauth2::Pkce>()?;
    m.add_class::<oauth2::TokenSet>()?;
    m.add_class::<oauth2_client::OAuth2Client>()?;
    m.add_class::<fleet::RedisBudget>()?;
    m.add_function(wrap_pyfunction!(login::login, m)?)?;
    m.add_function(wrap_pyfunction!(login::load_credentials, m)?)?;
    m.add_function(wrap_pyfunction!(login::logout, m)?)?;
    m.add_class::<login::LoginResult>()?;
    m.add_function(wrap_pyfunction!(login::cli_main, m)?)?;
    m.add_class::<sandbox::PySandbox>()?;
    Ok(())
}
