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
    trello_auth_sandbox::consent::press(authorize_url, button, |r| transport.send(r))
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

/// Presses `button` on the consent page at `url` and returns where Trello redirected the
/// browser (the `Location` of the 302: a return URL with `#token=...`, or a callback).
pub fn press(transport: &dyn BlockingTransport, url: &str, button: &str) -> Result<String, String> {
    let answer = consent(transport, url, button)?;
    if answer.status() != 302 {
        return Err(format!(
            "the form post answered {}, not a redirect",
            answer.status()
        ));
    }
    answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| "the redirect has no Location".to_owned())
}

/// What the login helper's relay page does on `return_url#token=...` (SPEC S10): load the page,
/// then post `location.hash` back to it as JSON. Returns the listener's JSON answer.
pub fn relay(
    transport: &dyn BlockingTransport,
    location: &str,
) -> Result<serde_json::Value, String> {
    let (page, body) =
        trello_auth_core::login::relay_post(location).ok_or("the redirect has no fragment")?;
    let loaded = transport
        .send(get(page)?)
        .map_err(|e| format!("relay page: {e}"))?;
    if loaded.status() != 200 {
        return Err(format!("the relay page answered {}", loaded.status()));
    }
    let post = http::Request::post(page)
        .header("content-type", "application/json")
        .body(body.into_bytes())
        .map_err(|e| format!("bad URL: {e}"))?;
    let answer = transport.send(post).map_err(|e| format!("delivery: {e}"))?;
    serde_json::from_slice(answer.body()).map_err(|e| format!("the delivery's answer: {e}"))
}
