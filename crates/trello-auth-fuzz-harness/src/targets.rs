//! The targets, one module per area.

mod capture;
mod classify;
mod login;
mod oauth1;
mod oauth2;
mod reference;
mod sandbox;
mod webhook;

pub use capture::{capture_fragment, capture_paste, capture_post_message};
pub use classify::{classify, rate_limit_headers};
pub use login::login_receiver;
pub use oauth1::{oauth1_base_string, oauth1_callback, oauth1_token_response};
pub use oauth2::{oauth2_redirect, oauth2_token_response};
pub use sandbox::{sandbox_credentials, sandbox_oauth1};
pub use webhook::webhook_verify;

/// Panics if `text` shows `secret` (a canary: no error or debug output shows a secret).
///
/// Only a secret that cannot be a piece of an error's own wording is checked: 12 or more
/// letters and digits with at least one of each (a fuzzer otherwise finds "MissingHead").
fn assert_hidden(text: &str, secret: &str, what: &str) {
    let canary = secret.len() >= 12
        && secret.bytes().all(|b| b.is_ascii_alphanumeric())
        && secret.bytes().any(|b| b.is_ascii_digit())
        && secret.bytes().any(|b| b.is_ascii_alphabetic());
    assert!(
        !canary || !text.contains(secret),
        "{what} shows a secret: {text}"
    );
}
