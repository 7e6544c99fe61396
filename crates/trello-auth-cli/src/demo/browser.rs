//! The demo's stand-in for the user's browser: press a button on the sandbox's consent page
//! (the sandbox's own [`press`](trello_auth_sandbox::consent::press)), and do what the login
//! helper's relay page does with the fragment it lands on.

use trello_auth_core::login::relay_post;
use trello_auth_core::{BlockingTransport, Request, Response};

/// Loads `authorize_url` and submits its form with `approve=<button>`; returns the answer to
/// the form post (a 302 to the return URL, or a page).
pub(crate) fn consent(
    transport: &dyn BlockingTransport,
    authorize_url: &str,
    button: &str,
) -> Result<Response, String> {
    trello_auth_sandbox::consent::press(authorize_url, button, |r| transport.send(r))
}

/// What the relay page's script does on `return_url#token=...` (SPEC S10): load the page,
/// then post `location.hash` back to it as JSON.
pub(crate) fn relay(transport: &dyn BlockingTransport, location: &str) -> Result<String, String> {
    let (page, body) = relay_post(location).ok_or("the redirect has no fragment")?;
    let loaded = transport
        .send(request(http::Method::GET, page, None)?)
        .map_err(|e| format!("relay page: {e}"))?;
    if loaded.status() != 200 {
        return Err(format!("the relay page answered {}", loaded.status()));
    }
    let answer = transport
        .send(request(
            http::Method::POST,
            page,
            Some(("application/json", body.into_bytes())),
        )?)
        .map_err(|e| format!("delivery: {e}"))?;
    let outcome: serde_json::Value =
        serde_json::from_slice(answer.body()).map_err(|e| format!("delivery answer: {e}"))?;
    Ok(outcome["outcome"].as_str().unwrap_or("?").to_owned())
}

fn request(
    method: http::Method,
    url: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Result<Request, String> {
    let mut builder = http::Request::builder().method(method).uri(url);
    let body = match body {
        Some((content_type, bytes)) => {
            builder = builder.header("content-type", content_type);
            bytes
        }
        None => Vec::new(),
    };
    builder.body(body).map_err(|e| format!("bad URL: {e}"))
}
