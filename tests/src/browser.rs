//! A minimal "browser" for the consent page (SPEC S1, S6): fetch the page, press Allow or Deny
//! on its one form, and hand back Trello's answer, as a user's browser would. Used by the demo
//! and the behaviour suite against the sandbox. Reading the page is the sandbox's own
//! [`trello_auth_sandbox::consent`]: this module only does the IO, through a core transport.

use trello_auth_core::{BlockingTransport, Request, Response};
use trello_auth_sandbox::consent::ConsentForm;

pub use trello_auth_sandbox::consent::first_pre;

/// Loads `authorize_url` through `transport` and submits its form with the submit button
/// `approve=<button>` (`Allow` or `Deny`). Returns the answer to the form post: a 302 to the
/// return URL (fragment delivery, OAuth callback) or a page (display mode, postMessage).
pub fn consent(
    transport: &dyn BlockingTransport,
    authorize_url: &str,
    button: &str,
) -> Result<Response, String> {
    let page = transport
        .send(get(authorize_url)?)
        .map_err(|e| format!("consent page: {e}"))?;
    if page.status() != 200 {
        return Err(format!("consent page answered {}", page.status()));
    }
    let form = ConsentForm::parse(&String::from_utf8_lossy(page.body()))
        .map_err(|e| format!("consent page: {e}"))?;
    let (action, body) = form
        .submission(button)
        .map_err(|e| format!("consent page: {e}"))?;
    let target = url::Url::parse(authorize_url)
        .and_then(|base| base.join(action))
        .map_err(|e| format!("form action: {e}"))?;
    let post = http::Request::post(target.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .map_err(|e| format!("form post: {e}"))?;
    transport.send(post).map_err(|e| format!("form post: {e}"))
}

/// The hidden fields of the page's consent form, in order (none when the page has no consent
/// form): [`ConsentForm::fields`], for suites that build the form post themselves.
pub fn hidden_fields(page: &str) -> Vec<(String, String)> {
    ConsentForm::parse(page)
        .map(|form| form.fields().to_vec())
        .unwrap_or_default()
}

fn get(url: &str) -> Result<Request, String> {
    http::Request::get(url)
        .body(Vec::new())
        .map_err(|e| format!("bad URL: {e}"))
}
